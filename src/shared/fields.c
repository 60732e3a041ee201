/* Rows of blank-separated fields with backslash escapes (see fields.h). */
#include "shared/fields.h"

static bool is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void field_rows_done(struct field_rows *r)
{
        for (size_t i = 0; i < r->n; i++)
                strv_free(r->rows[i]);
        free(r->rows);
        r->rows = NULL;
        r->n = 0;
}

static int rows_push(struct field_rows *r, char **row)
{
        char ***nr = realloc(r->rows, (r->n + 1) * sizeof(*nr));

        if (!nr)
                return -ENOMEM;
        r->rows = nr;
        r->rows[r->n++] = row;
        return 0;
}

/* End the current field (if one is open) by moving it into *row. */
static int field_end(struct strbuf *f, bool *open, char ***row)
{
        if (!*open)
                return 0;
        *open = false;
        return strv_consume(row, strbuf_steal(f));
}

/* End the current row: non-empty rows go to r. */
static int row_end(struct field_rows *r, char ***row)
{
        int ret;

        if (!*row)
                return 0;
        ret = rows_push(r, *row);
        if (ret < 0)
                return ret;
        *row = NULL;
        return 0;
}

int fields_split(const char *s, struct field_rows *ret)
{
        struct field_rows r = { NULL, 0 };
        struct strbuf f = STRBUF_INIT;
        char **row = NULL;
        bool open = false;
        int err = 0;

        for (const char *p = s ? s : ""; *p && err >= 0; p++) {
                if (*p == ';') {
                        err = field_end(&f, &open, &row);
                        if (err >= 0)
                                err = row_end(&r, &row);
                } else if (is_blank(*p)) {
                        err = field_end(&f, &open, &row);
                } else {
                        if (*p == '\\' && p[1])
                                p++;
                        open = true;
                        err = strbuf_append_n(&f, p, 1);
                }
        }
        if (err >= 0)
                err = field_end(&f, &open, &row);
        if (err >= 0)
                err = row_end(&r, &row);
        strbuf_free(&f);
        strv_free(row);
        if (err < 0) {
                field_rows_done(&r);
                return err;
        }
        *ret = r;
        return 0;
}

int fields_append_escaped(struct strbuf *b, const char *field)
{
        for (const char *p = field; *p; p++) {
                if ((is_blank(*p) || *p == ';' || *p == '\\') && strbuf_append_n(b, "\\", 1) < 0)
                        return -ENOMEM;
                if (strbuf_append_n(b, p, 1) < 0)
                        return -ENOMEM;
        }
        return 0;
}

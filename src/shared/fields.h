/* Tables written as property text: "a b c; d e f". Rows end at ';', fields
 * are separated by blanks, and a backslash makes the next character literal
 * ("\;", "\ ", "\\"), so that paths with blanks or ';' survive a round trip.
 * Used by the bind and devices parsers. */
#pragma once

#include "basic/strutil.h"

struct field_rows {
        char ***rows; /* each a NULL-terminated vector of fields */
        size_t n;
};

/* Split s; empty rows (";;", trailing ';', blank text) are dropped, so an
 * empty string gives zero rows. 0 or -ENOMEM; ret written only on success. */
int fields_split(const char *s, struct field_rows *ret);
void field_rows_done(struct field_rows *r);

/* Append field to b with blanks, ';' and '\' escaped. 0 or -ENOMEM. */
int fields_append_escaped(struct strbuf *b, const char *field);

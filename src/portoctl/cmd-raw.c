/* raw: send a TContainerRequest written in protobuf text format and print
 * the reply the way protobuf's DebugString() does (spec/portoctl.md 12). */
#include <inttypes.h>

#include "portoctl.h"
#include "rpc.pb-c.h"
#include "basic/strutil.h"
#include "shared/pbtext.h"

static void print_indent(unsigned depth)
{
        printf("%*s", (int) depth * 2, "");
}

/* C escapes as in DebugString: bytes outside printable ASCII as octal. */
static void print_escaped(const uint8_t *s, size_t len)
{
        putchar('"');
        for (size_t i = 0; i < len; i++) {
                uint8_t c = s[i];

                switch (c) {
                case '\n': fputs("\\n", stdout); break;
                case '\r': fputs("\\r", stdout); break;
                case '\t': fputs("\\t", stdout); break;
                case '"': fputs("\\\"", stdout); break;
                case '\'': fputs("\\'", stdout); break;
                case '\\': fputs("\\\\", stdout); break;
                default:
                        if (c < 0x20 || c >= 0x7f)
                                printf("\\%03o", c);
                        else
                                putchar(c);
                }
        }
        putchar('"');
}

static void print_message(const ProtobufCMessage *msg, unsigned depth);

/* One value of field f stored at p. */
static void print_value(const ProtobufCFieldDescriptor *f, const void *p, unsigned depth)
{
        switch (f->type) {
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
                printf("%" PRId32, *(const int32_t *) p);
                break;
        case PROTOBUF_C_TYPE_UINT32:
        case PROTOBUF_C_TYPE_FIXED32:
                printf("%" PRIu32, *(const uint32_t *) p);
                break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
                printf("%" PRId64, *(const int64_t *) p);
                break;
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
                printf("%" PRIu64, *(const uint64_t *) p);
                break;
        case PROTOBUF_C_TYPE_FLOAT:
                printf("%g", (double) *(const float *) p);
                break;
        case PROTOBUF_C_TYPE_DOUBLE:
                printf("%g", *(const double *) p);
                break;
        case PROTOBUF_C_TYPE_BOOL:
                printf("%s", *(const protobuf_c_boolean *) p ? "true" : "false");
                break;
        case PROTOBUF_C_TYPE_ENUM: {
                int v = *(const int *) p;
                const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);

                if (ev)
                        printf("%s", ev->name);
                else
                        printf("%d", v);
                break;
        }
        case PROTOBUF_C_TYPE_STRING: {
                const char *s = *(char *const *) p;

                print_escaped((const uint8_t *) (s ? s : ""), s ? strlen(s) : 0);
                break;
        }
        case PROTOBUF_C_TYPE_BYTES: {
                const ProtobufCBinaryData *b = p;

                print_escaped(b->data, b->len);
                break;
        }
        case PROTOBUF_C_TYPE_MESSAGE:
                printf("{\n");
                print_message(*(ProtobufCMessage *const *) p, depth + 1);
                print_indent(depth);
                printf("}");
                break;
        }
}

static size_t value_size(const ProtobufCFieldDescriptor *f)
{
        switch (f->type) {
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
        case PROTOBUF_C_TYPE_UINT64:
        case PROTOBUF_C_TYPE_FIXED64:
                return 8;
        case PROTOBUF_C_TYPE_DOUBLE:
                return sizeof(double);
        case PROTOBUF_C_TYPE_BOOL:
                return sizeof(protobuf_c_boolean);
        case PROTOBUF_C_TYPE_ENUM:
                return sizeof(int);
        case PROTOBUF_C_TYPE_STRING:
        case PROTOBUF_C_TYPE_MESSAGE:
                return sizeof(void *);
        case PROTOBUF_C_TYPE_BYTES:
                return sizeof(ProtobufCBinaryData);
        default:
                return 4;
        }
}

static void print_one(const ProtobufCFieldDescriptor *f, const void *p, unsigned depth)
{
        print_indent(depth);
        printf("%s%s", f->name, f->type == PROTOBUF_C_TYPE_MESSAGE ? " " : ": ");
        print_value(f, p, depth);
        printf("\n");
}

/* Whether a non-repeated field is present (has_ flag, non-NULL pointer not
 * equal to the default, oneof case). */
static bool field_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const void *p)
{
        const char *base = (const char *) msg;

        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
                return *(const uint32_t *) (base + f->quantifier_offset) == f->id;
        if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE) {
                const void *ptr = *(void *const *) p;

                return ptr && (f->label == PROTOBUF_C_LABEL_REQUIRED || ptr != f->default_value);
        }
        if (f->label == PROTOBUF_C_LABEL_REQUIRED)
                return true;
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL)
                return *(const protobuf_c_boolean *) (base + f->quantifier_offset);
        return true;
}

static int cmp_field_number(const void *a, const void *b)
{
        const ProtobufCFieldDescriptor *const *x = a, *const *y = b;

        return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

/* Fields in number order, as the C++ printer lists them. */
static void print_message(const ProtobufCMessage *msg, unsigned depth)
{
        const ProtobufCMessageDescriptor *d = msg->descriptor;
        const ProtobufCFieldDescriptor **fields = calloc(d->n_fields + 1, sizeof(*fields));
        const char *base = (const char *) msg;

        if (!fields)
                return;
        for (unsigned i = 0; i < d->n_fields; i++)
                fields[i] = &d->fields[i];
        qsort(fields, d->n_fields, sizeof(*fields), cmp_field_number);

        for (unsigned i = 0; i < d->n_fields; i++) {
                const ProtobufCFieldDescriptor *f = fields[i];
                const void *p = base + f->offset;

                if (f->label == PROTOBUF_C_LABEL_REPEATED) {
                        size_t n = *(const size_t *) (base + f->quantifier_offset);
                        const char *arr = *(char *const *) p;

                        for (size_t j = 0; j < n; j++)
                                print_one(f, arr + j * value_size(f), depth);
                } else if (field_present(msg, f, p)) {
                        print_one(f, p, depth);
                }
        }
        free(fields);
}

int cmd_raw(int argc _unused_, char **argv)
{
        Rpc__TContainerRequest req = RPC__TCONTAINER_REQUEST__INIT;
        Rpc__TContainerResponse *rsp = NULL;
        _cleanup_free_ char *text = strv_join(argv + 1, " ");
        struct perror e = {};
        int r;

        if (!text)
                return EXIT_FAILURE;
        if (pbtext_merge(&req.base, text, &e) < 0) {
                fprintf(stderr, "Can't parse request: %s\n", e.msg);
                pbtext_clear(&req.base);
                return PORTO_ERROR_INVALID_METHOD;
        }
        r = porto_call(api(), &req, &rsp);
        pbtext_clear(&req.base);
        if (!rsp)
                return print_api_error("Can't send request");
        print_message(&rsp->base, 0);
        porto_response_free(rsp);
        return r;
}

/* The container property table. Each area file (prop_core.c, prop_process.c,
 * prop_state.c, prop_resources.c) contributes rows; prop.c merges them into
 * one table sorted by name at start. get/set over RPC, propertyList/dataList,
 * records and `real` all go through it. */
#pragma once

#include "container.h"

enum prop_flag {
        PROP_RO       = 1 << 0,  /* cannot be set */
        PROP_DYNAMIC  = 1 << 1,  /* may be set in any state, not only stopped */
        PROP_PERSIST  = 1 << 2,  /* configuration: saved in records when set explicitly */
        PROP_HIDDEN   = 1 << 3,  /* not listed in propertyList */
        PROP_RUNTIME  = 1 << 4,  /* not readable while stopped/starting */
        PROP_DEAD     = 1 << 5,  /* readable only when dead/respawning */
        PROP_INDEXED  = 1 << 6,  /* accepts name[key] */
};

struct prop_ctx {
        struct request *req;    /* NULL when restoring a record */
        struct container *ct;
        const char *index;      /* NULL: the whole property */
        bool persist;           /* reading for a record: show secrets */
        struct perror *e;
};

/* get appends the value to out. set parses and applies the whole value or
 * nothing; it returns 0 (the property is now explicitly set), 1 (it went
 * back to its default) or a negative errno with x->e filled. */
typedef int (*prop_get_fn)(struct prop_ctx *x, struct strbuf *out);
typedef int (*prop_set_fn)(struct prop_ctx *x, const char *value);

struct prop {
        const char *name;
        const char *help;
        unsigned flags;
        prop_get_fn get;
        prop_set_fn set;
        unsigned bit;           /* index in container.prop_set, assigned by prop_init */
};

extern struct prop prop_core_table[];
extern const size_t prop_core_count;
extern struct prop prop_process_table[];
extern const size_t prop_process_count;
extern struct prop prop_state_table[];
extern const size_t prop_state_count;
extern struct prop prop_resources_table[];
extern const size_t prop_resources_count;
extern struct prop prop_security_table[];
extern const size_t prop_security_count;
extern struct prop prop_cpu_io_table[];
extern const size_t prop_cpu_io_count;
extern struct prop prop_fs_table[];
extern const size_t prop_fs_count;

int prop_init(void);
const struct prop *prop_find(const char *name);
/* All properties sorted by name. */
const struct prop *const *prop_all(size_t *ret_n);

static inline bool prop_is_set(const struct container *ct, const struct prop *p)
{
        return ct->prop_set[p->bit / 64] & (UINT64_C(1) << (p->bit % 64));
}
void prop_mark(struct container *ct, const struct prop *p, bool set);
bool prop_name_is_set(const struct container *ct, const char *name);

/* getProperty semantics (10.7): label, raw cgroup knob, indexed, plain.
 * out is reset first. */
int prop_get(struct request *req, struct container *ct, const char *property, bool real,
             struct strbuf *out, struct perror *e);
/* setProperty semantics (10.8). */
int prop_set(struct request *req, struct container *ct, const char *property, const char *value,
             struct perror *e);
/* Restore one record line (no permission or state checks). */
int prop_restore(struct container *ct, const char *name, const char *value, struct perror *e);

/* Resource helpers (prop_resources.c, shared with prop_cpu_io.c). */
enum cg_feature;
enum cg_controller;
/* Failed cgroup read: EERROR_UNKNOWN naming the property. */
int prop_cg_failed(struct prop_ctx *x, const char *what, int r);
/* A kernel refusal as the client sees it: -EOPNOTSUPP NotSupported with
 * cg_feature_reason(f), -EBUSY ResourceNotAvailable, -EINVAL InvalidValue. */
int prop_cg_refused(struct prop_ctx *x, const char *what, enum cg_feature f, int r);
int prop_not_supported(struct prop_ctx *x, const char *what, enum cg_feature f);
/* The container's cgroups exist (it is not stopped or starting). */
bool prop_cgroups_exist(const struct container *ct);
/* Live change of a limit of controller c: 1 = write it now, 0 = keep it
 * for the start, < 0 = refused (no cgroup of its own while running). */
int prop_live(struct prop_ctx *x, const char *what, enum cg_controller c);
/* The cgroup the container's tasks use in controller c. */
const char *prop_rel_for(const struct prop_ctx *x, enum cg_controller c);

/* Helpers for the area files; the value syntaxes are in propval.h. */
static inline void strbuf_reset(struct strbuf *b)
{
        b->len = 0;
        if (b->s)
                b->s[0] = 0;
}

/* The devices property: parse, format, resolve, cgroup rules, nodes. */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "shared/devices.h"
#include "shared/fields.h"
#include "shared/mount.h"

/* Names in /dev that porto itself mounts or links: no device node may take
 * them. */
static const char *const dev_reserved[] = {
        "/dev/pts", "/dev/shm", "/dev/hugepages", "/dev/mqueue", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr",
};

/* Wildcard devices that cannot be stat'ed: the node does not exist on the
 * host until someone opens a pty. */
struct dev_wild {
        const char *device;
        char type;
        unsigned major;
};

static const struct dev_wild dev_wilds[] = {
        { "/dev/pts/*", 'c', 136 }, /* UNIX98_PTY_SLAVE_MAJOR */
};

static const char dev_default_text[] = "/dev/null rw; /dev/zero rw; /dev/full rw; /dev/random rw; /dev/urandom rw; "
                                       "/dev/tty rw; /dev/null rw /dev/console; /dev/ptmx rw; /dev/pts/* rw";

static void dev_rule_done(struct dev_rule *d)
{
        free(d->device);
        free(d->path);
        free(d->user);
        free(d->group);
        *d = (struct dev_rule) { 0 };
}

void dev_set_done(struct dev_set *s)
{
        for (size_t i = 0; i < s->n; i++)
                dev_rule_done(&s->rules[i]);
        free(s->rules);
        s->rules = NULL;
        s->n = 0;
}

const char *dev_rule_path(const struct dev_rule *d)
{
        return d->path ? d->path : d->device;
}

static int dev_rule_copy(const struct dev_rule *src, struct dev_rule *ret)
{
        struct dev_rule d = *src;

        d.device = strdup(src->device);
        d.path = src->path ? strdup(src->path) : NULL;
        d.user = src->user ? strdup(src->user) : NULL;
        d.group = src->group ? strdup(src->group) : NULL;
        if (!d.device || (src->path && !d.path) || (src->user && !d.user) || (src->group && !d.group)) {
                dev_rule_done(&d);
                return -ENOMEM;
        }
        *ret = d;
        return 0;
}

static int set_push(struct dev_set *s, struct dev_rule *d)
{
        struct dev_rule *n = realloc(s->rules, (s->n + 1) * sizeof(*n));

        if (!n)
                return -ENOMEM;
        s->rules = n;
        s->rules[s->n++] = *d;
        *d = (struct dev_rule) { 0 };
        return 0;
}

/* ---- parsing --------------------------------------------------------------- */

/* A node path: absolute, normalized, below /dev. ret: the normalized copy. */
static int check_node_path(const char *what, const char *path, char **ret, struct perror *e)
{
        _cleanup_free_ char *norm = NULL;
        int r = mnt_path_normalize(path, &norm);

        if (r == -ENOMEM)
                return perror_set(e, EERROR_UNKNOWN, r, "out of memory");
        if (r < 0 || path[0] != '/' || !streq(norm, path))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: %s \"%s\" must be a normalized absolute path", what, path);
        for (const char *p = path; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "devices: %s has a control character (byte 0x%02x)", what,
                                          (unsigned char) *p);
        if (!mnt_path_is_under(norm, "/dev") || streq(norm, "/dev"))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: %s \"%s\" is not in /dev", what, path);
        *ret = TAKE_PTR(norm);
        return 0;
}

/* access letters: r w m - ? *, each once, "-" alone with ? and *. */
static int parse_access(const char *s, struct dev_rule *d, struct perror *e)
{
        static const char letters[] = "rwm-?*";
        unsigned seen = 0;

        for (const char *p = s; *p; p++) {
                const char *l = strchr(letters, *p);
                unsigned bit;

                if (!l)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "devices: %s: bad access \"%s\" (use letters r w m - ? *)", d->device, s);
                bit = 1u << (l - letters);
                if (seen & bit)
                        return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                          "devices: %s: access \"%s\" repeats '%c'", d->device, s, *p);
                seen |= bit;
        }
        if ((seen & 8) && (seen & 7))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: %s: access \"%s\" mixes '-' with r, w or m", d->device, s);
        d->access = seen & 7; /* r w m are bits 0..2 of both */
        d->optional = seen & 16;
        d->wildcard = d->wildcard || (seen & 32);
        return 0;
}

static int parse_user(const char *s, struct dev_rule *d, struct perror *e)
{
        struct passwd pw, *res = NULL;
        char buf[4096];
        uint32_t id;

        if (parse_u32(s, &id) >= 0 && id != UINT32_MAX)
                d->uid = id;
        else if (getpwnam_r(s, &pw, buf, sizeof(buf), &res) == 0 && res)
                d->uid = res->pw_uid;
        else
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: %s: unknown user \"%s\"", d->device, s);
        d->user = strdup(s);
        d->has_user = true;
        return d->user ? 0 : perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
}

static int parse_group(const char *s, struct dev_rule *d, struct perror *e)
{
        struct group gr, *res = NULL;
        char buf[4096];
        uint32_t id;

        if (parse_u32(s, &id) >= 0 && id != UINT32_MAX)
                d->gid = id;
        else if (getgrnam_r(s, &gr, buf, sizeof(buf), &res) == 0 && res)
                d->gid = res->gr_gid;
        else
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: %s: unknown group \"%s\"", d->device, s);
        d->group = strdup(s);
        d->has_group = true;
        return d->group ? 0 : perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
}

static int parse_mode_field(const char *s, struct dev_rule *d, struct perror *e)
{
        unsigned mode;

        if (parse_mode(s, &mode) < 0 || mode > 0777)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: %s: bad mode \"%s\" (octal permissions, 0 to 0777)", d->device, s);
        d->mode = (mode_t) mode;
        d->has_mode = true;
        return 0;
}

static bool is_reserved(const char *path)
{
        for (size_t i = 0; i < ELEMENTSOF(dev_reserved); i++)
                if (mnt_path_is_under(path, dev_reserved[i]))
                        return true;
        return false;
}

/* The device field: "/dev/x", or "/dev/dir/" with a star. */
static int parse_device(const char *s, struct dev_rule *d, struct perror *e)
{
        _cleanup_free_ char *dir = NULL;
        size_t n = strlen(s);
        int r;

        if (n >= 2 && streq(s + n - 2, "/*")) {
                dir = strndup(s, n - 2);
                if (!dir)
                        return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                r = check_node_path("device", dir, &d->device, e);
                if (r < 0)
                        return r;
                free(d->device);
                d->device = strdup(s);
                d->wildcard = true;
                return d->device ? 0 : perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        }
        return check_node_path("device", s, &d->device, e);
}

static int parse_container_path(const char *s, struct dev_rule *d, struct perror *e)
{
        int r;

        if (streq(s, d->device))
                return 0;
        if (endswith(d->device, "/*"))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: %s: a wildcard rule cannot have its own path \"%s\"", d->device, s);
        r = check_node_path("path", s, &d->path, e);
        if (r < 0)
                return r;
        return 0;
}

typedef int (*field_fn)(const char *s, struct dev_rule *d, struct perror *e);

/* Positional fields after device and access. */
static const field_fn dev_fields[] = { parse_container_path, parse_mode_field, parse_user, parse_group };

static int rule_from_row(char **row, struct dev_rule *ret, struct perror *e)
{
        struct dev_rule d = { 0 };
        size_t n = strv_length(row);
        int r;

        if (n < 2 || n > 2 + ELEMENTSOF(dev_fields))
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: \"%s\": expected <device> <access> [path] [mode] [user] [group]", row[0]);
        r = parse_device(row[0], &d, e);
        if (r >= 0)
                r = parse_access(row[1], &d, e);
        for (size_t i = 2; r >= 0 && i < n; i++)
                r = dev_fields[i - 2](row[i], &d, e);
        if (r >= 0 && !endswith(d.device, "/*") && is_reserved(dev_rule_path(&d)))
                r = perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: %s: \"%s\" is reserved by porto",
                               d.device, dev_rule_path(&d));
        if (r < 0) {
                dev_rule_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

static const struct dev_preset *find_preset(const char *name, const struct dev_preset *presets, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (presets[i].name && streq(presets[i].name, name))
                        return &presets[i];
        return NULL;
}

static int parse_rows(const char *text, const struct dev_preset *presets, size_t n_presets, struct dev_set *out,
                      struct perror *e);

static int expand_preset(char **row, const struct dev_preset *presets, size_t n_presets, struct dev_set *out,
                         struct perror *e)
{
        const struct dev_preset *p;
        int r;

        if (strv_length(row) != 2)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: expected \"preset <name>\"");
        p = find_preset(row[1], presets, n_presets);
        if (!p)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL,
                                  "devices: unknown preset \"%s\" (presets are defined in portod.conf)", row[1]);
        /* Presets do not nest: parse their lines without presets. */
        for (size_t i = 0; i < p->n_devices; i++) {
                r = parse_rows(p->devices[i], NULL, 0, out, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_rows(const char *text, const struct dev_preset *presets, size_t n_presets, struct dev_set *out,
                      struct perror *e)
{
        struct field_rows rows;
        int r = 0;

        if (fields_split(text, &rows) < 0)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && i < rows.n; i++) {
                struct dev_rule d;

                if (streq(rows.rows[i][0], "preset")) {
                        r = expand_preset(rows.rows[i], presets, n_presets, out, e);
                        continue;
                }
                r = rule_from_row(rows.rows[i], &d, e);
                if (r >= 0 && set_push(out, &d) < 0) {
                        dev_rule_done(&d);
                        r = perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                }
        }
        field_rows_done(&rows);
        return r;
}

int dev_parse(const char *text, const struct dev_preset *presets, size_t n_presets, struct dev_set *ret,
              struct perror *e)
{
        struct dev_set s = { NULL, 0 };
        int r = parse_rows(text, presets, n_presets, &s, e);

        if (r < 0) {
                dev_set_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

int dev_defaults(struct dev_set *ret)
{
        struct perror e;

        return dev_parse(dev_default_text, NULL, 0, ret, &e);
}

/* ---- formatting ------------------------------------------------------------ */

static int format_access(struct strbuf *b, const struct dev_rule *d)
{
        char acc[8], *p = acc;

        if (d->access & DEV_ACC_READ)
                *p++ = 'r';
        if (d->access & DEV_ACC_WRITE)
                *p++ = 'w';
        if (d->access & DEV_ACC_MKNOD)
                *p++ = 'm';
        if (!d->access)
                *p++ = '-';
        /* A slash-star device says wildcard already. */
        if (d->wildcard && !endswith(d->device, "/*"))
                *p++ = '*';
        if (d->optional)
                *p++ = '?';
        *p = 0;
        return strbuf_append(b, acc);
}

static int format_rule(struct strbuf *b, const struct dev_rule *d)
{
        char mode[16];
        /* Positional: a later field forces the earlier ones. */
        bool want_group = d->has_group, want_user = want_group || d->has_user;
        bool want_mode = want_user || d->has_mode, want_path = want_mode || d->path;

        if (fields_append_escaped(b, d->device) < 0 || strbuf_append(b, " ") < 0 || format_access(b, d) < 0)
                return -ENOMEM;
        if (want_path && (strbuf_append(b, " ") < 0 || fields_append_escaped(b, dev_rule_path(d)) < 0))
                return -ENOMEM;
        if (want_mode) {
                snprintf(mode, sizeof(mode), "%04o",
                         (unsigned) (d->has_mode ? d->mode : d->resolved ? d->host_mode & 0777 : 0666));
                if (strbuf_append(b, " ") < 0 || strbuf_append(b, mode) < 0)
                        return -ENOMEM;
        }
        if (want_user && strbuf_printf(b, " %s", d->user ? d->user : "0") < 0)
                return -ENOMEM;
        if (want_group && strbuf_printf(b, " %s", d->group ? d->group : "0") < 0)
                return -ENOMEM;
        return 0;
}

char *dev_format(const struct dev_set *s)
{
        struct strbuf b = STRBUF_INIT;

        for (size_t i = 0; i < s->n; i++)
                if ((i && strbuf_append(&b, "; ") < 0) || format_rule(&b, &s->rules[i]) < 0) {
                        strbuf_free(&b);
                        return NULL;
                }
        return strbuf_steal(&b);
}

int dev_merge(struct dev_set *base, const struct dev_set *overlay)
{
        struct dev_set out = { NULL, 0 };

        for (size_t i = 0; i < base->n + overlay->n; i++) {
                const struct dev_rule *d = i < base->n ? &base->rules[i] : &overlay->rules[i - base->n];
                struct dev_rule c;
                bool replaced = false;

                /* A later rule for the same node wins, in place. */
                for (size_t j = 0; j < out.n && !replaced; j++)
                        if (streq(dev_rule_path(&out.rules[j]), dev_rule_path(d))) {
                                if (dev_rule_copy(d, &c) < 0)
                                        goto fail;
                                dev_rule_done(&out.rules[j]);
                                out.rules[j] = c;
                                replaced = true;
                        }
                if (replaced)
                        continue;
                if (dev_rule_copy(d, &c) < 0)
                        goto fail;
                if (set_push(&out, &c) < 0) {
                        dev_rule_done(&c);
                        goto fail;
                }
        }
        dev_set_done(base);
        *base = out;
        return 0;
fail:
        dev_set_done(&out);
        return -ENOMEM;
}

/* ---- host nodes ------------------------------------------------------------ */

static int stat_node(const char *path, struct stat *st)
{
        if (stat(path, st) < 0)
                return -errno;
        if (!S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode))
                return -ENOTBLK;
        return 0;
}

/* Slash-star device: a known one, else the first node in the directory. */
static int resolve_dir_wildcard(struct dev_rule *d, struct stat *st)
{
        _cleanup_free_ char *dir = strndup(d->device, strlen(d->device) - 2);
        struct dirent *de;
        DIR *dp;
        int r = -ENOENT;

        for (size_t i = 0; i < ELEMENTSOF(dev_wilds); i++)
                if (streq(d->device, dev_wilds[i].device)) {
                        *st = (struct stat) { .st_mode = (dev_wilds[i].type == 'c' ? S_IFCHR : S_IFBLK) | 0666,
                                              .st_rdev = makedev(dev_wilds[i].major, 0) };
                        return 0;
                }
        if (!dir)
                return -ENOMEM;
        dp = opendir(dir);
        if (!dp)
                return -errno;
        while (r < 0 && (de = readdir(dp)))
                if (de->d_name[0] != '.' && fstatat(dirfd(dp), de->d_name, st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)))
                        r = 0;
        closedir(dp);
        return r;
}

static int resolve_one(struct dev_rule *d, struct perror *e)
{
        struct stat st;
        int r = endswith(d->device, "/*") ? resolve_dir_wildcard(d, &st) : stat_node(d->device, &st);

        d->resolved = true;
        if (r == -ENOENT && d->optional) {
                d->present = false;
                return 0;
        }
        if (r == -ENOENT || r == -ENOTDIR)
                return perror_set(e, EERROR_DEVICE_NOT_FOUND, -ENOENT, "devices: %s does not exist", d->device);
        if (r == -ENOTBLK)
                return perror_set(e, EERROR_INVALID_VALUE, -EINVAL, "devices: %s is not a device node", d->device);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "devices: cannot stat %s", d->device);
        d->present = true;
        d->type = S_ISBLK(st.st_mode) ? 'b' : 'c';
        d->major = major(st.st_rdev);
        d->minor = minor(st.st_rdev);
        d->host_mode = st.st_mode & 07777;
        d->host_uid = st.st_uid;
        d->host_gid = st.st_gid;
        return 0;
}

int dev_resolve(struct dev_set *s, struct perror *e)
{
        for (size_t i = 0; i < s->n; i++) {
                int r = resolve_one(&s->rules[i], e);

                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- checks ---------------------------------------------------------------- */

static bool covers(const struct dev_rule *p, const struct dev_rule *c)
{
        return p->present && p->type == c->type && p->major == c->major &&
               (p->wildcard || (!c->wildcard && p->minor == c->minor));
}

static void access_text(unsigned acc, char buf[static 5])
{
        char *p = buf;

        if (acc & DEV_ACC_READ)
                *p++ = 'r';
        if (acc & DEV_ACC_WRITE)
                *p++ = 'w';
        if (acc & DEV_ACC_MKNOD)
                *p++ = 'm';
        if (p == buf)
                *p++ = '-';
        *p = 0;
}

int dev_check_subset(const struct dev_set *child, const struct dev_set *parent, struct perror *e)
{
        for (size_t i = 0; i < child->n; i++) {
                const struct dev_rule *c = &child->rules[i];
                unsigned allowed = 0;
                char want[5], have[5];

                if (!c->present || !c->access)
                        continue;
                for (size_t j = 0; j < parent->n; j++)
                        if (covers(&parent->rules[j], c))
                                allowed |= parent->rules[j].access;
                if (!(c->access & ~allowed))
                        continue;
                access_text(c->access, want);
                access_text(allowed, have);
                return perror_set(e, EERROR_PERMISSION, -EPERM,
                                  "devices: %s \"%s\" exceeds the parent's permissions (\"%s\"); grant it to the "
                                  "first-level container first",
                                  c->device, want, have);
        }
        return 0;
}

int dev_check_owner_change(const struct dev_set *s, uid_t uid, struct perror *e)
{
        if (uid == 0)
                return 0;
        for (size_t i = 0; i < s->n; i++) {
                const struct dev_rule *d = &s->rules[i];
                bool changes = (d->has_mode && d->mode != (d->host_mode & 0777)) ||
                               (d->has_user && d->uid != d->host_uid) || (d->has_group && d->gid != d->host_gid);

                if (d->present && changes && d->host_uid != uid)
                        return perror_set(e, EERROR_PERMISSION, -EPERM,
                                          "devices: %s: only root or the owner of the device may change its mode, "
                                          "user or group",
                                          d->device);
        }
        return 0;
}

/* ---- cgroup ---------------------------------------------------------------- */

static char *rule_text(const struct dev_rule *d, unsigned acc)
{
        char a[5], minor[16];

        access_text(acc, a);
        if (d->wildcard)
                snprintf(minor, sizeof(minor), "*");
        else
                snprintf(minor, sizeof(minor), "%u", d->minor);
        return strdup_printf("%c %u:%s %s", d->type, d->major, minor, a);
}

bool dev_set_may_write(const struct dev_set *s, char type, unsigned major, unsigned minor)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct dev_rule *d = &s->rules[i];

                if (d->resolved && d->present && (d->access & DEV_ACC_WRITE) && d->type == type &&
                    d->major == major && (d->wildcard || d->minor == minor))
                        return true;
        }
        return false;
}

int dev_cgroup_rules(const struct dev_set *s, char ***ret)
{
        _cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++)
                if (s->rules[i].present && s->rules[i].access &&
                    strv_consume(&v, rule_text(&s->rules[i], s->rules[i].access)) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(v);
        return 0;
}

static int write_knob(int dirfd, const char *knob, const char *rule, struct perror *e)
{
        int r = write_file_at(dirfd, knob, rule);

        if (r < 0)
                return perror_set_errno(e, r == -EPERM ? EERROR_PERMISSION : EERROR_UNKNOWN, r,
                                        "devices: cannot write \"%s\" to %s%s", rule, knob,
                                        r == -EPERM ? " (the parent container does not allow it)" : "");
        return 0;
}

static int open_cgroup(const char *dir, int *ret, struct perror *e)
{
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "devices: cannot open cgroup %s", dir);
        *ret = fd;
        return 0;
}

int dev_cgroup_apply(const char *cgroup_dir, const struct dev_set *s, struct perror *e)
{
        _cleanup_strv_free_ char **rules = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = open_cgroup(cgroup_dir, &fd, e);
        if (r < 0)
                return r;
        if (dev_cgroup_rules(s, &rules) < 0)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = write_knob(fd, "devices.deny", "a", e);
        for (char **p = rules; r >= 0 && *p; p++)
                r = write_knob(fd, "devices.allow", *p, e);
        return r;
}

/* Access that set grants to exactly the node of d (same rule shape). */
static unsigned access_of(const struct dev_set *s, const struct dev_rule *d)
{
        unsigned acc = 0;

        for (size_t i = 0; i < s->n; i++) {
                const struct dev_rule *o = &s->rules[i];

                if (o->present && o->type == d->type && o->major == d->major && o->wildcard == d->wildcard &&
                    (d->wildcard || o->minor == d->minor))
                        acc |= o->access;
        }
        return acc;
}

int dev_cgroup_update(const char *cgroup_dir, const struct dev_set *old, const struct dev_set *new_set,
                      struct perror *e)
{
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = open_cgroup(cgroup_dir, &fd, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < old->n; i++) {
                const struct dev_rule *d = &old->rules[i];
                unsigned drop = d->present ? access_of(old, d) & ~access_of(new_set, d) : 0;
                _cleanup_free_ char *rule = NULL;

                if (!drop)
                        continue;
                rule = rule_text(d, drop);
                if (!rule)
                        return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                r = write_knob(fd, "devices.deny", rule, e);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < new_set->n; i++) {
                const struct dev_rule *d = &new_set->rules[i];
                unsigned add = d->present ? access_of(new_set, d) & ~access_of(old, d) : 0;
                _cleanup_free_ char *rule = NULL;

                if (!add)
                        continue;
                rule = rule_text(d, add);
                if (!rule)
                        return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
                r = write_knob(fd, "devices.allow", rule, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- nodes ----------------------------------------------------------------- */

static int make_node(int dev_fd, const struct dev_rule *d, struct perror *e)
{
        const char *path = dev_rule_path(d), *rel = path + strlen("/dev/");
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int parent = -EBADF;
        const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;
        mode_t mode = d->has_mode ? d->mode : d->host_mode & 0777;
        int r;

        dir = slash ? strndup(rel, (size_t) (slash - rel)) : strdup("/");
        if (!dir)
                return perror_set(e, EERROR_UNKNOWN, -ENOMEM, "out of memory");
        r = mnt_mkdir_in_root(dev_fd, dir, 0755, &parent);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "devices: cannot create the directory of %s", path);
        if (streq(path, "/dev/ptmx")) {
                if (symlinkat("pts/ptmx", parent, name) < 0)
                        return perror_set_errno(e, EERROR_UNKNOWN, -errno, "devices: cannot create %s", path);
                return 0;
        }
        if (mknodat(parent, name, (d->type == 'b' ? S_IFBLK : S_IFCHR) | mode, makedev(d->major, d->minor)) < 0)
                return perror_set_errno(e, errno == EPERM ? EERROR_PERMISSION : EERROR_UNKNOWN, -errno,
                                        "devices: cannot create node %s", path);
        /* The umask took bits away. */
        if (fchmodat(parent, name, mode, 0) < 0 ||
            fchownat(parent, name, d->has_user ? d->uid : d->host_uid, d->has_group ? d->gid : d->host_gid,
                     AT_SYMLINK_NOFOLLOW) < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, -errno, "devices: cannot set the owner or mode of %s",
                                        path);
        return 0;
}

/* A later rule for the same container path wins (as in dev_merge). */
static bool overridden(const struct dev_set *s, size_t i)
{
        for (size_t j = i + 1; j < s->n; j++)
                if (streq(dev_rule_path(&s->rules[j]), dev_rule_path(&s->rules[i])))
                        return true;
        return false;
}

int dev_make_nodes(int dev_fd, const struct dev_set *s, struct perror *e)
{
        struct statfs sf;

        /* Nodes only ever go to a /dev of our own, never to a real disk. */
        if (fstatfs(dev_fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC)
                return perror_set(e, EERROR_UNKNOWN, -EINVAL, "devices: /dev of the container is not a tmpfs");
        for (size_t i = 0; i < s->n; i++) {
                const struct dev_rule *d = &s->rules[i];
                int r;

                if (!d->resolved || !d->present || endswith(d->device, "/*") ||
                    !(d->access & (DEV_ACC_READ | DEV_ACC_WRITE)) || overridden(s, i))
                        continue;
                r = make_node(dev_fd, d, e);
                if (r < 0)
                        return r;
        }
        return 0;
}

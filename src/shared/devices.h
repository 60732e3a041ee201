/* The `devices` property (manual, "Security"):
 *
 *     <device> [r][w][m][-][?][*] [path] [mode] [user] [group] | preset <name>; ...
 *
 * device: host node under /dev; a directory with a trailing slash-star
 * ("/dev/pts/" "*") means every minor of the major of its nodes;
 * r/w/m: read, write, mknod; "-": no access; "?": optional (missing on the
 * host is fine); "*": every minor of the node's major; path: node in the
 * container (default: device); mode/user/group: of that node (default: the
 * host node's). Presets come from portod.conf (container.device_preset).
 *
 * Parsing is pure text -> rules; dev_resolve() then looks the host nodes up.
 * The cgroup side renders v1 devices.allow rules and checks that a child
 * never exceeds its parent; the root side creates nodes in a /dev tmpfs. */
#pragma once

#include <sys/types.h>
#include "basic/error.h"

enum {
        DEV_ACC_READ = 1,
        DEV_ACC_WRITE = 2,
        DEV_ACC_MKNOD = 4,
        DEV_ACC_ALL = 7,
};

struct dev_rule {
        char *device;     /* host node path */
        char *path;       /* node path in the container; NULL: same as device */
        unsigned access;  /* DEV_ACC_*; 0 is "-" */
        bool wildcard;    /* every minor of the major ('*', or a slash-star device) */
        bool optional;    /* '?' */
        bool has_mode, has_user, has_group;
        mode_t mode;      /* 0..0777 */
        uid_t uid;
        gid_t gid;
        char *user, *group; /* as written, for formatting */
        /* Filled by dev_resolve(): */
        bool resolved;
        bool present;     /* false: optional and missing on the host */
        char type;        /* 'c' or 'b' */
        unsigned major, minor; /* minor is meaningless with wildcard */
        mode_t host_mode; /* permission bits of the host node */
        uid_t host_uid;
        gid_t host_gid;
};

struct dev_set {
        struct dev_rule *rules;
        size_t n;
};

/* container.device_preset of portod.conf: lines "<device> <access> ...". */
struct dev_preset {
        const char *name;
        char *const *devices;
        size_t n_devices;
};

void dev_set_done(struct dev_set *s);
/* The container path of a rule (path, or device). */
const char *dev_rule_path(const struct dev_rule *d);

/* Parse property text. Errors: InvalidValue naming the bad item, unknown
 * preset, user or group. */
int dev_parse(const char *text, const struct dev_preset *presets, size_t n_presets, struct dev_set *ret,
              struct perror *e);
/* Property text, rows joined with "; "; NULL on ENOMEM. */
char *dev_format(const struct dev_set *s);
/* The manual's default list: null, zero, full, random, urandom, tty,
 * console (as /dev/null), ptmx, every pts node, all "rw". */
int dev_defaults(struct dev_set *ret);
/* Append copies of overlay's rules to base; a rule with the same container
 * path replaces the earlier one. -ENOMEM (base unchanged on failure). */
int dev_merge(struct dev_set *base, const struct dev_set *overlay);

/* Look up every host node (stat, following symlinks). A missing node is
 * DeviceNotFound unless optional; a non-device is InvalidValue. */
int dev_resolve(struct dev_set *s, struct perror *e);
/* Permission error if child (resolved) allows an access the parent
 * (resolved) does not. */
int dev_check_subset(const struct dev_set *child, const struct dev_set *parent, struct perror *e);
/* Permission error if a rule changes mode/user/group of a node that uid
 * (the client) neither owns on the host nor is root for. */
int dev_check_owner_change(const struct dev_set *s, uid_t uid, struct perror *e);

/* Whether a present rule of s (resolved) gives write access to the node
 * type ('c'/'b') major:minor. */
bool dev_set_may_write(const struct dev_set *s, char type, unsigned major, unsigned minor);

/* v1 devices.allow lines ("c 1:3 rw", "c 136:* rw") of the present rules
 * with access; NULL-terminated, malloc'ed. */
int dev_cgroup_rules(const struct dev_set *s, char ***ret);
/* A fresh v1 devices cgroup directory (no children yet): deny all, then
 * allow the rules. The kernel refuses (Permission) what the parent lacks. */
int dev_cgroup_apply(const char *cgroup_dir, const struct dev_set *s, struct perror *e);
/* Change a live cgroup from old to new: deny what was dropped, allow what
 * was added. */
int dev_cgroup_update(const char *cgroup_dir, const struct dev_set *old, const struct dev_set *new_set,
                      struct perror *e);

/* Create the nodes of the present rules with r or w access in a fresh /dev
 * tmpfs (dev_fd: its directory), with their mode and owner; "/dev/ptmx"
 * becomes the symlink "pts/ptmx" (the devpts instance's multiplexer).
 * Slash-star rules get no node. dev_fd must be on a tmpfs. */
int dev_make_nodes(int dev_fd, const struct dev_set *s, struct perror *e);

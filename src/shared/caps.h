/* Linux capabilities: names, "CAP;CAP" property text, the manual's
 * restriction rules ("Security" / capabilities) and their application in a
 * container's process. A set is a uint64_t bit mask, bit n = capability n
 * (capabilities(7)); raw capget/capset/prctl, no libcap.
 *
 * Return 0 or a negative errno; client-visible failures also fill a perror. */
#pragma once

#include <stdint.h>
#include <sys/types.h>
#include "basic/error.h"

#define CAPS_BIT(c) (UINT64_C(1) << (c))

/* "CHOWN" (also "chown", "CAP_CHOWN") -> 0; -EINVAL for unknown names. */
int caps_from_name(const char *name, unsigned *ret_cap);
/* "CHOWN" for 0; NULL beyond the known table. */
const char *caps_to_name(unsigned cap);
/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap,
 * capped by our table), and the set of all of them. */
unsigned caps_last_cap(void);
uint64_t caps_all(void);
/* What the calling process may still hand out: its own bounding set
 * (caps_all() if unreadable). The parent_allowed of first-level
 * containers: a daemon in a container cannot give more than it has. */
uint64_t caps_host(void);

/* "CHOWN; KILL" -> set. Items are separated by ';' (blanks around them are
 * ignored); empty text is the empty set. Unknown names and capabilities the
 * kernel lacks are InvalidValue, naming the culprit. */
int caps_parse(const char *text, uint64_t *ret, struct perror *e);
/* "CHOWN;KILL" in bit order ("" for the empty set); NULL on ENOMEM. Bits
 * without a name print as their number. */
char *caps_format(uint64_t set);
/* 16 lower-case hex digits and a NUL (TCapabilities.hex). */
void caps_format_hex(uint64_t set, char buf[static 17]);

/* The groups of the manual. */
uint64_t caps_group_memcg(void);      /* IPC_LOCK: needs memory_limit */
uint64_t caps_group_pidns(void);      /* KILL, SYS_PTRACE: need isolate */
uint64_t caps_group_netns(void);      /* NET_ADMIN: needs net and no ip_limit */
uint64_t caps_group_always(void);     /* NET_BIND_SERVICE, NET_RAW */
uint64_t caps_group_chroot(void);     /* SETPCAP ... AUDIT_WRITE: need root (chroot) */
uint64_t caps_group_suid(void);       /* LINUX_IMMUTABLE ... SYS_BOOT: no root, never ambient */
/* Union of all groups: what a root-owned container gets by default. */
uint64_t caps_default(void);

/* What the rules depend on. Each "here or in an ancestor" flag is the OR
 * over the container and its parents, computed by the caller. */
struct caps_context {
        bool owner_root;     /* owner_user is root: no restrictions */
        bool chroot;         /* root != "/" here or in an ancestor */
        bool isolate;        /* own pid namespace here or in an ancestor */
        bool memory_limit;   /* memory_limit set here or in an ancestor */
        bool net_isolate;    /* own network namespace here or in an ancestor */
        bool ip_limit;       /* ip_limit restricts addresses here or in an ancestor */
        bool has_limit;      /* the `capabilities` property is set */
        uint64_t limit;      /* its value */
        uint64_t parent_allowed; /* parent's capabilities_allowed; caps_host() for the host */
};

/* capabilities_allowed (the bounding set) and capabilities_ambient_allowed.
 * Root owner: `capabilities` if set, else caps_default(); ambient = allowed.
 * Other owners: the groups whose requirements hold; without chroot the
 * bounding set also holds the chroot and suid groups (usable only through
 * suid binaries), ambient never the suid group. `capabilities`, when set,
 * narrows the bounding set. Both are always within parent_allowed. */
void caps_compute(const struct caps_context *ctx, uint64_t *ret_allowed, uint64_t *ret_ambient_allowed);

/* Permission error naming the capabilities of `want` outside `allowed`.
 * what: "capabilities_ambient" etc., for the message. */
int caps_check_subset(const char *what, uint64_t want, uint64_t allowed, struct perror *e);

/* ---- in the container's process (single-threaded, before exec) ---------- */

/* Before setresuid() to a non-root uid: keep the permitted set across it,
 * so that caps_apply() can still raise ambient capabilities. */
int caps_keep_across_setuid(void);
/* After setresuid()/setresgid(): drop every capability outside `bounding`
 * from the bounding set, make `ambient` (which must lie within bounding)
 * the inheritable and ambient sets, and reduce permitted/effective to
 * bounding (uid 0) or ambient (other uids). Clears keep-caps again. */
int caps_apply(uint64_t bounding, uint64_t ambient);
/* The calling thread's sets, for checks and tests. */
struct caps_state {
        uint64_t permitted, effective, inheritable, bounding, ambient;
};
int caps_get(struct caps_state *ret);

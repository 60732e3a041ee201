/* cpu_set distribution (manual, CPU: cpu_set). Each container owns a set of
 * cpus (cpu_set_affinity) and hands it to its children:
 *   list        exactly those cpus (within the parent's);
 *   node N      the cpus of NUMA node N within the parent's, memory of N;
 *   reserve N   N cpus of its own, plus the parent's cpus nobody reserved;
 *   threads N   N cpus of its own, only them;
 *   cores N     N whole physical cores of its own, one thread of each;
 *   inherit     the parent's cpus nobody reserved.
 * Reserved cpus (reserve, threads, cores) leave the sets of the siblings
 * that inherit or reserve; the parent's own tasks keep them all.
 *
 * Only containers whose cpuset cgroup exists take part: the distribution
 * under a container (its "cpuset parent": the nearest ancestor with a
 * cpuset cgroup of its own, or the root) is recomputed whenever one of them
 * starts, stops or changes cpu_set, and written to the kernel in an order
 * v1 accepts (a child's cpus must stay within its parent's). */
#include <inttypes.h>
#include <stdio.h>
#include "container.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "shared/cgroup.h"

#define BIT(c) (1u << (c))

/* ---- topology (sysfs) ---- */

/* The first cpu of each cpu's core (thread siblings), loaded once. */
static uint16_t *core_first;

static int read_mask(const char *path, struct res_cpumask *ret)
{
        _cleanup_free_ char *s = NULL;
        int r = read_file(path, 65536, &s, NULL);

        return r < 0 ? r : res_cpumask_parse(s, ret);
}

static int topo_load(const struct res_cpumask *online)
{
        if (core_first)
                return 0;
        core_first = calloc(RES_CPUS_MAX, sizeof(*core_first));
        if (!core_first)
                return -ENOMEM;
        for (unsigned cpu = 0; cpu < RES_CPUS_MAX; cpu++) {
                struct res_cpumask sib;
                char path[96];
                unsigned first = cpu;

                core_first[cpu] = cpu;
                if (!res_cpumask_test(online, cpu))
                        continue;
                snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
                if (read_mask(path, &sib) >= 0)
                        for (first = 0; first < cpu && !res_cpumask_test(&sib, first); first++)
                                ;
                core_first[cpu] = first;
        }
        return 0;
}

int ct_cpuset_node_cpus(unsigned node, struct res_cpumask *ret)
{
        char path[96];
        int r;

        snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/cpulist", node);
        r = read_mask(path, ret);
        /* kernels without NUMA have no node directory: node 0 is the host */
        if (r == -ENOENT && node == 0)
                return read_mask("/sys/devices/system/cpu/online", ret);
        return r == -ENOENT ? -ENODEV : r;
}

/* ---- the plan: affinity of every live cpuset cgroup below the owner ---- */

struct cs_entry {
        struct container *ct;
        struct res_cpumask aff;         /* what it gets */
        struct res_cpumask cur;         /* what the kernel has */
};

struct cs_plan {
        struct cs_entry *v;
        size_t n, cap;
        struct res_cpumask online;
        struct perror *e;
};

static bool cpuset_live(const struct container *ct)
{
        return !ct_is_root(ct) && (ct->cg_started & BIT(CG_CPUSET));
}

/* Live cpuset cgroups whose cpuset parent is ct (through containers that
 * share their parent's cpuset cgroup). */
static int collect(struct container *ct, struct container ***v, size_t *n)
{
        for (size_t i = 0; i < ct->n_children; i++) {
                struct container *ch = ct->children[i];
                int r;
                if (!cpuset_live(ch)) {
                        if ((r = collect(ch, v, n)) < 0)
                                return r;
                        continue;
                }
                struct container **nv = realloc(*v, (*n + 1) * sizeof(**v));
                if (!nv)
                        return -ENOMEM;
                *v = nv;
                (*v)[(*n)++] = ch;
        }
        return 0;
}

static enum res_cpuset_policy policy_of(const struct container *ct)
{
        return ct->cpu_set ? ct->cpu_set->policy : RES_CPUSET_INHERIT;
}

static bool reserves(enum res_cpuset_policy p)
{
        return p == RES_CPUSET_RESERVE || p == RES_CPUSET_THREADS || p == RES_CPUSET_CORES;
}

bool ct_cpuset_reserves(const struct container *ct)
{
        return reserves(policy_of(ct));
}

static int refuse(struct cs_plan *p, const struct container *ct, const char *why)
{
        _cleanup_free_ char *s = ct->cpu_set ? res_format_cpuset(ct->cpu_set) : NULL;
        return perror_set(p->e, EERROR_RESOURCE_NOT_AVAILABLE, -ENOSPC, "cpu_set \"%s\" of %s: %s",
                          s ? s : "", ct->name, why);
}

static int plan_add(struct cs_plan *p, struct container *ct, const struct res_cpumask *aff)
{
        if (p->n == p->cap) {
                size_t cap = p->cap ? p->cap * 2 : 8;
                struct cs_entry *nv = realloc(p->v, cap * sizeof(*nv));
                if (!nv)
                        return -ENOMEM;
                p->v = nv;
                p->cap = cap;
        }
        p->v[p->n].ct = ct;
        p->v[p->n].aff = *aff;
        p->n++;
        return 0;
}

static int plan_below(struct cs_plan *p, struct container *owner, const struct res_cpumask *aff);

/* The affinity of one child given its reservation and what is left. */
static int child_affinity(struct cs_plan *p, struct container *ch, const struct res_cpumask *parent,
                          const struct res_cpumask *vacant, const struct res_cpumask *use, struct res_cpumask *ret)
{
        int r;

        switch (policy_of(ch)) {
        case RES_CPUSET_SET:
                if (!res_cpumask_subset(&ch->cpu_set->cpus, parent))
                        return refuse(p, ch, "names cpus its parent does not have");
                *ret = ch->cpu_set->cpus;
                break;
        case RES_CPUSET_NODE:
                r = ct_cpuset_node_cpus(ch->cpu_set->arg, ret);
                if (r < 0)
                        return refuse(p, ch, "no such NUMA node");
                res_cpumask_and(ret, parent);
                break;
        case RES_CPUSET_RESERVE:
                *ret = *vacant;
                res_cpumask_or(ret, use);
                break;
        case RES_CPUSET_THREADS:
        case RES_CPUSET_CORES:
                *ret = *use;
                break;
        default:
                *ret = *vacant;
                break;
        }
        if (res_cpumask_is_empty(ret))
                return refuse(p, ch, "no cpu is left for it (its siblings reserved them)");
        return 0;
}

static int plan_below(struct cs_plan *p, struct container *owner, const struct res_cpumask *aff)
{
        _cleanup_free_ struct container **kids = NULL;
        _cleanup_free_ struct res_cpumask *use = NULL;
        struct res_cpumask vacant = *aff;
        size_t n = 0;
        int r = collect(owner, &kids, &n);

        if (r < 0 || n == 0)
                return r;
        use = calloc(n, sizeof(*use));
        if (!use)
                return -ENOMEM;
        /* reservations first, in name order: they leave the shared rest */
        for (size_t i = 0; i < n; i++) {
                const struct res_cpuset *cs = kids[i]->cpu_set;
                struct res_cpumask reserve;
                if (!reserves(policy_of(kids[i])))
                        continue;
                if (cs->policy == RES_CPUSET_CORES)
                        r = res_cpus_pick_cores(&vacant, &p->online, core_first, cs->arg, &reserve, &use[i]);
                else {
                        r = res_cpus_pick_threads(&vacant, &p->online, core_first, cs->arg, &reserve);
                        use[i] = reserve;
                }
                if (r < 0)
                        return refuse(p, kids[i], "not enough free cpus in its parent's set");
                res_cpumask_andnot(&vacant, &reserve);
        }
        for (size_t i = 0; i < n; i++) {
                struct res_cpumask mine;
                r = child_affinity(p, kids[i], aff, &vacant, &use[i], &mine);
                if (r >= 0)
                        r = plan_add(p, kids[i], &mine);
                if (r >= 0)
                        r = plan_below(p, kids[i], &mine);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int write_mask(const struct container *ct, const struct res_cpumask *m)
{
        _cleanup_free_ char *s = res_cpumask_format(m);
        return s ? cg_set_cpuset_cpus(ct->name, s) : -ENOMEM;
}

static int read_cpus(const char *rel, bool effective, struct res_cpumask *ret)
{
        _cleanup_free_ char *s = NULL;
        int r = cg_get_cpuset_cpus(rel, effective, &s);
        return r < 0 ? r : res_cpumask_parse(s, ret);
}

/* v1 wants every child within its parent at every moment: first each
 * cgroup gets old | new top-down, then new bottom-up. */
static int plan_write(struct cs_plan *p)
{
        int r;

        for (size_t i = 0; i < p->n; i++) {
                struct cs_entry *x = &p->v[i];
                struct res_cpumask both;
                if ((r = read_cpus(x->ct->name, false, &x->cur)) < 0)
                        return r;
                both = x->cur;
                res_cpumask_or(&both, &x->aff);
                if (!res_cpumask_equal(&both, &x->cur) && (r = write_mask(x->ct, &both)) < 0)
                        return r;
                x->cur = both;
        }
        for (size_t i = p->n; i-- > 0;) {
                struct cs_entry *x = &p->v[i];
                if (!res_cpumask_equal(&x->aff, &x->cur) && (r = write_mask(x->ct, &x->aff)) < 0)
                        return r;
                if (policy_of(x->ct) == RES_CPUSET_NODE) {
                        char node[16];
                        snprintf(node, sizeof(node), "%" PRIu32, x->ct->cpu_set->arg);
                        r = cg_set_cpuset_mems(x->ct->name, node);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int ct_cpuset_distribute(struct container *ct, struct perror *e)
{
        struct cs_plan p = { .e = e };
        struct container *owner = ct->parent;
        struct res_cpumask aff;
        int r;

        if (!cg_supported(CG_CPUSET))
                return 0;
        while (owner && !ct_is_root(owner) && !cpuset_live(owner))
                owner = owner->parent;
        if (!owner)
                return 0;
        r = read_mask("/sys/devices/system/cpu/online", &p.online);
        if (r >= 0)
                r = topo_load(&p.online);
        if (r >= 0)
                r = read_cpus(ct_cg_rel(owner), ct_is_root(owner), &aff);
        if (r < 0)
                return perror_set_errno(e, EERROR_UNKNOWN, r, "cpu_set: cannot read the cpus of %s",
                                        ct_is_root(owner) ? "/" : owner->name);
        r = plan_below(&p, owner, &aff);
        /* -ENOSPC: refuse() told why */
        if (r < 0 && r != -ENOSPC)
                perror_set_errno(e, EERROR_UNKNOWN, r, "cpu_set: cannot plan the cpus below %s",
                                 ct_is_root(owner) ? "/" : owner->name);
        if (r >= 0 && (r = plan_write(&p)) < 0)
                perror_set_errno(e, EERROR_UNKNOWN, r, "cpu_set: cannot write the cpus below %s",
                                 ct_is_root(owner) ? "/" : owner->name);
        /* no longer bound to a node: the parent's memory nodes again */
        if (r >= 0 && cpuset_live(ct) && policy_of(ct) != RES_CPUSET_NODE &&
            (r = cg_set_cpuset_mems(ct->name, NULL)) < 0)
                perror_set_errno(e, EERROR_UNKNOWN, r, "cpu_set: cannot reset the memory nodes of %s", ct->name);
        free(p.v);
        return r;
}

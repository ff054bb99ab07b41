/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpassthrough.so: runs a guest's library calls on the host's native
 * library. One source, one binary per QEMU plugin API level (PT_QEMU_API,
 * see qemu_plugin_api.h):
 *  - 7.2 (Debian's stock qemu-user), no syscall filter: the control plane
 *    acts on the magic syscall from the syscall-entry callback and answers
 *    through guest memory; QEMU then returns -ENOSYS to the guest.
 *  - 11.0 and 11.1 forms of the syscall filter: the plugin claims the magic
 *    syscall, QEMU skips it, and the guest gets the op's result (or
 *    -status) as the syscall's value; the reply block is filled as well.
 *    control=syscall-entry makes them use the syscall-entry callback
 *    instead (to compare the two paths on one QEMU).
 * The data plane (the gate) is the same everywhere.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "guest_check.h"
#include "log.h"
#include "options.h"
#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = PT_QEMU_PLUGIN_API_VERSION;

static PtOptions options;
static PtControl control;

/* The control path serving the magic syscall (plugin argument control=). */
static bool use_filter;

#if PT_HAVE_SYSCALL_FILTER

/* Claims the magic syscall; every other syscall goes through untouched. */
static bool filter_syscall(int64_t num, uint64_t a1, uint64_t a2,
                           uint64_t a3, uint64_t a4, uint64_t a5,
                           uint64_t a6, int64_t *value)
{
    uint64_t args[6] = { a1, a2, a3, a4, a5, a6 };

    if (num != PT_SYSCALL_NR) {
        /* The filter also sees every syscall before it runs: mailboxes in
         * memory it unmaps or protects must be dropped first. */
        pt_control_memory_syscall(&control, num, args);
        return false;
    }
    *value = pt_control_syscall(&control, args);
    return true;
}

#if PT_QEMU_API == PT_QEMU_API_11_1
static bool on_syscall_filter(unsigned int vcpu_index, int64_t num,
                              uint64_t a1, uint64_t a2, uint64_t a3,
                              uint64_t a4, uint64_t a5, uint64_t a6,
                              uint64_t a7, uint64_t a8, int64_t *sysret,
                              void *userdata)
{
    return filter_syscall(num, a1, a2, a3, a4, a5, a6, sysret);
}
#else
static bool on_syscall_filter(qemu_plugin_id_t id, unsigned int vcpu_index,
                              int64_t num, uint64_t a1, uint64_t a2,
                              uint64_t a3, uint64_t a4, uint64_t a5,
                              uint64_t a6, uint64_t a7, uint64_t a8,
                              uint64_t *sysret)
{
    int64_t value;

    if (!filter_syscall(num, a1, a2, a3, a4, a5, a6, &value)) {
        return false;
    }
    *sysret = (uint64_t)value;
    return true;
}
#endif

#endif /* PT_HAVE_SYSCALL_FILTER */

/*
 * The syscall-entry control plane: the only one QEMU 7.2 offers. QEMU runs
 * the syscall afterwards and answers -ENOSYS whatever we do, so the reply
 * block carries the result.
 */
static void entry_syscall(int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                          uint64_t a4, uint64_t a5, uint64_t a6)
{
    uint64_t args[6] = { a1, a2, a3, a4, a5, a6 };

    if (num != PT_SYSCALL_NR) {
        pt_control_memory_syscall(&control, num, args);
        return;
    }
    pt_control_syscall(&control, args);
}

#if PT_QEMU_API == PT_QEMU_API_11_1
static void on_syscall(unsigned int vcpu_index, int64_t num, uint64_t a1,
                       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                       uint64_t a6, uint64_t a7, uint64_t a8, void *userdata)
{
    entry_syscall(num, a1, a2, a3, a4, a5, a6);
}
#else
static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index,
                       int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                       uint64_t a8)
{
    entry_syscall(num, a1, a2, a3, a4, a5, a6);
}
#endif

/* A memory syscall's result keeps the pointer checks current. */
#if PT_QEMU_API == PT_QEMU_API_11_1
static void on_syscall_ret(unsigned int vcpu_index, int64_t num, int64_t ret,
                           void *userdata)
{
    pt_control_memory_syscall_ret(&control, num, ret);
}
#else
static void on_syscall_ret(qemu_plugin_id_t id, unsigned int vcpu_index,
                           int64_t num, int64_t ret)
{
    pt_control_memory_syscall_ret(&control, num, ret);
}
#endif

/* The gate's first instruction is about to run: serve the thread's call. */
static void on_gate(unsigned int vcpu_index, void *userdata)
{
    PtGate *gate = userdata;

    pt_control_gate(gate->ctl, gate->addr);
}

static void instrument_tb(struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

        PtGate *gate = pt_control_find_gate(&control,
                                            qemu_plugin_insn_vaddr(insn));

        if (gate) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_gate,
                                                   QEMU_PLUGIN_CB_NO_REGS,
                                                   gate);
        }
    }
}

#if PT_QEMU_API == PT_QEMU_API_11_1
static void on_tb_trans(struct qemu_plugin_tb *tb, void *userdata)
{
    instrument_tb(tb);
}
#else
static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    instrument_tb(tb);
}
#endif

static void write_stats(FILE *out)
{
    uint64_t sys = pt_registry_calls(control.reg, PT_VIA_SYSCALL);
    uint64_t gate = pt_registry_calls(control.reg, PT_VIA_GATE);

    fprintf(out, "passthrough-stats 1\n");
    fprintf(out, "control_path %s\n",
            use_filter ? "filter" : "syscall-entry");
    fprintf(out, "plugin_api %d\n", PT_QEMU_PLUGIN_API_VERSION);
    fprintf(out, "gates %d\n", control.n_gates);
    fprintf(out, "host_calls %" G_GUINT64_FORMAT "\n", sys + gate);
    fprintf(out, "syscall_calls %" G_GUINT64_FORMAT "\n", sys);
    fprintf(out, "gate_calls %" G_GUINT64_FORMAT "\n", gate);
    fprintf(out, "control_ops %" G_GUINT64_FORMAT "\n", control.ops);
    fprintf(out, "control_errors %" G_GUINT64_FORMAT "\n", control.errors);
    fprintf(out, "mailbox_drops %" G_GUINT64_FORMAT "\n",
            control.mailbox_drops);
    fprintf(out, "pointer_refusals %" G_GUINT64_FORMAT "\n",
            pt_guest_check_refusals());
    fprintf(out, "memory_map_reloads %" G_GUINT64_FORMAT "\n",
            pt_guest_check_reloads());
    fprintf(out, "pointer_table_misses %" G_GUINT64_FORMAT "\n",
            pt_guest_check_misses());
    pt_registry_write_stats(control.reg, out);
}

/* The process QEMU started: a forked child writes PATH.<pid> instead. */
static pid_t first_pid;

static void exit_stats(void)
{
    g_autofree char *path = NULL;
    FILE *out;

    if (options.stats == PT_STATS_STDERR) {
        write_stats(stderr);
    } else if (options.stats == PT_STATS_FILE) {
        path = getpid() == first_pid
            ? g_strdup(options.stats_path)
            : g_strdup_printf("%s.%d", options.stats_path, (int)getpid());
        out = fopen(path, "w");
        if (!out) {
            pt_log("stats=%s: %s", path, g_strerror(errno));
        } else {
            write_stats(out);
            fclose(out);
        }
    }
}

#if PT_QEMU_API == PT_QEMU_API_11_1
static void on_exit_cb(void *userdata)
{
    exit_stats();
}
#else
static void on_exit_cb(qemu_plugin_id_t id, void *userdata)
{
    exit_stats();
}
#endif

/*
 * Translation looks for gates only once a GTL has registered one: until
 * then (a process that never loads a GTL, the dynamic loader's and C
 * library's start-up) QEMU translates as if no plugin watched blocks.
 * The gate's code has not run yet when its address is registered, so no
 * block holding it was translated before.
 */
static qemu_plugin_id_t plugin_id;

static void watch_gates(void)
{
#if PT_QEMU_API == PT_QEMU_API_11_1
    qemu_plugin_register_vcpu_tb_trans_cb(plugin_id, on_tb_trans, NULL);
#else
    qemu_plugin_register_vcpu_tb_trans_cb(plugin_id, on_tb_trans);
#endif
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
                                           const qemu_info_t *info,
                                           int argc, char **argv)
{
    g_autofree char *error = NULL;

    if (info->system_emulation) {
        pt_log("works with qemu-user (linux-user) only");
        return -1;
    }
    if (!pt_options_parse(&options, argc, argv, &error)) {
        pt_log("%s", error);
        return -1;
    }
    pt_log_is_verbose = options.verbose;
    first_pid = getpid();
    use_filter = PT_HAVE_SYSCALL_FILTER && options.control != PT_CONTROL_ENTRY;
    if (options.control == PT_CONTROL_FILTER && !use_filter) {
        pt_log("control=filter: this build is for QEMU's plugin API %d, "
               "which has no syscall filter (use libpassthrough_filter.so "
               "on a QEMU with one)", PT_QEMU_PLUGIN_API_VERSION);
        return -1;
    }
    plugin_id = id;
    control.first_gate = watch_gates;
    control.reg = pt_registry_new(options.htl_dir);
    control.filter = use_filter;
    control.gate_disabled = !options.gate;
    if (!pt_control_set_target(&control, info->target_name)) {
        pt_log("target %s: mailboxes off, calls take the syscall path",
               info->target_name);
    }

#if PT_QEMU_API == PT_QEMU_API_11_1
    if (use_filter) {
        qemu_plugin_register_vcpu_syscall_filter_cb(id, on_syscall_filter,
                                                    NULL);
    } else {
        qemu_plugin_register_vcpu_syscall_cb(id, on_syscall, NULL);
    }
    qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_ret, NULL);
#else
#if PT_HAVE_SYSCALL_FILTER
    if (use_filter) {
        qemu_plugin_register_vcpu_syscall_filter_cb(id, on_syscall_filter);
    } else {
        qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    }
#else
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
#endif
    qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_ret);
#endif
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}

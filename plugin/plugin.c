/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpassthrough.so: runs a guest's library calls on the host's native
 * library. This is the variant for QEMU's plugin API 1 (Debian's stock
 * qemu-user 7.2), which has no syscall filter: the control plane acts on
 * the magic syscall from the syscall-entry callback and answers through
 * guest memory, and QEMU then returns -ENOSYS to the guest.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "log.h"
#include "options.h"
#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = PT_QEMU_PLUGIN_API_VERSION;

static PtOptions options;
static PtControl control;

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index,
                       int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
                       uint64_t a8)
{
    uint64_t args[6] = { a1, a2, a3, a4, a5, a6 };

    if (num != PT_SYSCALL_NR) {
        pt_control_memory_syscall(&control, num, args);
        return;
    }
    pt_control_syscall(&control, args);
}

/* The gate's first instruction is about to run: serve the thread's call. */
static void on_gate(unsigned int vcpu_index, void *userdata)
{
    pt_control_gate(userdata);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

        if (pt_control_is_gate(&control, qemu_plugin_insn_vaddr(insn))) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_gate,
                                                   QEMU_PLUGIN_CB_NO_REGS,
                                                   &control);
        }
    }
}

static void write_stats(FILE *out)
{
    uint64_t sys = pt_registry_calls(control.reg, PT_VIA_SYSCALL);
    uint64_t gate = pt_registry_calls(control.reg, PT_VIA_GATE);

    fprintf(out, "passthrough-stats 1\n");
    fprintf(out, "control_path syscall-entry\n");
    fprintf(out, "gates %d\n", control.n_gates);
    fprintf(out, "host_calls %" G_GUINT64_FORMAT "\n", sys + gate);
    fprintf(out, "syscall_calls %" G_GUINT64_FORMAT "\n", sys);
    fprintf(out, "gate_calls %" G_GUINT64_FORMAT "\n", gate);
    fprintf(out, "control_ops %" G_GUINT64_FORMAT "\n", control.ops);
    fprintf(out, "control_errors %" G_GUINT64_FORMAT "\n", control.errors);
    fprintf(out, "mailbox_drops %" G_GUINT64_FORMAT "\n",
            control.mailbox_drops);
    pt_registry_write_stats(control.reg, out);
}

static void on_exit_cb(qemu_plugin_id_t id, void *userdata)
{
    FILE *out;

    if (options.stats == PT_STATS_STDERR) {
        write_stats(stderr);
    } else if (options.stats == PT_STATS_FILE) {
        out = fopen(options.stats_path, "w");
        if (!out) {
            pt_log("stats=%s: %s", options.stats_path, g_strerror(errno));
        } else {
            write_stats(out);
            fclose(out);
        }
    }
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
    control.reg = pt_registry_new(options.htl_dir);
    control.filter = false;
    control.gate_disabled = !options.gate;
    if (!pt_control_set_target(&control, info->target_name)) {
        pt_log("target %s: mailboxes off, calls take the syscall path",
               info->target_name);
    }

    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}

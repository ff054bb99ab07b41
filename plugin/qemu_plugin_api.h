/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The part of QEMU's TCG plugin API this plugin uses, at the API level
 * chosen by PT_QEMU_API (one plugin binary per level: QEMU refuses a plugin
 * whose qemu_plugin_version is outside its min..cur range). Debian's
 * qemu-user ships no qemu-plugin.h, so the project declares what it calls;
 * the symbols are resolved against the qemu-<arch> binary when QEMU loads
 * the plugin.
 *
 *   PT_QEMU_API_7_2   QEMU 7.2 (Debian 12's qemu-user), API version 1: no
 *                     syscall filter; callbacks take the plugin id first.
 *   PT_QEMU_API_11_0  the syscall filter in its QEMU 11.0 form, as the
 *                     project's patched QEMU has it (API version 6):
 *                     filter(id, vcpu, num, a1..a8, uint64_t *sysret).
 *   PT_QEMU_API_11_1  QEMU 11.1's reworked callbacks (API version 7): no id
 *                     argument, a void *userdata last, registration takes
 *                     the userdata, and the filter stores an int64_t.
 */
#ifndef PASSTHROUGH_QEMU_PLUGIN_API_H
#define PASSTHROUGH_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_QEMU_API_7_2 702
#define PT_QEMU_API_11_0 1100
#define PT_QEMU_API_11_1 1101

#ifndef PT_QEMU_API
#define PT_QEMU_API PT_QEMU_API_7_2
#endif

/* The API version each level declares (QEMU accepts min <= v <= cur). */
#if PT_QEMU_API == PT_QEMU_API_7_2
#define PT_QEMU_PLUGIN_API_VERSION 1
#define PT_HAVE_SYSCALL_FILTER 0
#elif PT_QEMU_API == PT_QEMU_API_11_0
#define PT_QEMU_PLUGIN_API_VERSION 6
#define PT_HAVE_SYSCALL_FILTER 1
#elif PT_QEMU_API == PT_QEMU_API_11_1
#define PT_QEMU_PLUGIN_API_VERSION 7
#define PT_HAVE_SYSCALL_FILTER 1
#else
#error "PT_QEMU_API: expected PT_QEMU_API_7_2, _11_0 or _11_1"
#endif

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};

struct qemu_plugin_tb;
struct qemu_plugin_insn;

/* Unchanged across the three levels: the instruction callback. */
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
                                            void *userdata);

#if PT_QEMU_API == PT_QEMU_API_11_1

typedef void (*qemu_plugin_udata_cb_t)(void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(struct qemu_plugin_tb *tb,
                                               void *userdata);
typedef bool (*qemu_plugin_vcpu_syscall_filter_cb_t)(
    unsigned int vcpu_index, int64_t num,
    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8,
    int64_t *sysret, void *userdata);

typedef void (*qemu_plugin_vcpu_syscall_cb_t)(
    unsigned int vcpu_index, int64_t num,
    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8, void *userdata);

typedef void (*qemu_plugin_vcpu_syscall_ret_cb_t)(
    unsigned int vcpu_index, int64_t num, int64_t ret, void *userdata);

void qemu_plugin_register_vcpu_syscall_filter_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_filter_cb_t cb,
    void *userdata);
void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id,
                                          qemu_plugin_vcpu_syscall_cb_t cb,
                                          void *userdata);
void qemu_plugin_register_vcpu_syscall_ret_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_ret_cb_t cb,
    void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb,
                                           void *userdata);

#else /* 7.2 and 11.0: the plugin id comes first */

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
                                               struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           qemu_plugin_vcpu_tb_trans_cb_t cb);

typedef void (*qemu_plugin_vcpu_syscall_cb_t)(
    qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num,
    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8);

void qemu_plugin_register_vcpu_syscall_cb(qemu_plugin_id_t id,
                                          qemu_plugin_vcpu_syscall_cb_t cb);

typedef void (*qemu_plugin_vcpu_syscall_ret_cb_t)(
    qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num, int64_t ret);

void qemu_plugin_register_vcpu_syscall_ret_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_ret_cb_t cb);

#if PT_QEMU_API == PT_QEMU_API_11_0
typedef bool (*qemu_plugin_vcpu_syscall_filter_cb_t)(
    qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num,
    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8,
    uint64_t *sysret);

void qemu_plugin_register_vcpu_syscall_filter_cb(
    qemu_plugin_id_t id, qemu_plugin_vcpu_syscall_filter_cb_t cb);
#endif

#endif /* PT_QEMU_API */

void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
                                    qemu_plugin_udata_cb_t cb,
                                    void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags,
                                            void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
                                                 size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

#endif /* PASSTHROUGH_QEMU_PLUGIN_API_H */

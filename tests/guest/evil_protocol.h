/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hostile guest's protocol-level attacks (evil_protocol.c).
 */
#ifndef PASSTHROUGH_EVIL_PROTOCOL_H
#define PASSTHROUGH_EVIL_PROTOCOL_H

/*
 * Sends thousands of hostile requests to the plugin with raw syscalls
 * (needs the plugin and libz_HTL.so in its htl_dir), checks every answer
 * it can, prints "FAIL ..." lines and a "requests ..." summary; returns
 * the number of failed checks.
 */
int evil_protocol_attacks(void);

/* 1 if a passthrough plugin answers HELLO. */
int evil_plugin_answers(void);

#endif

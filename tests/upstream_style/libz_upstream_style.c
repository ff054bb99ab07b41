/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest thunk libz.so.1 in the style of the upstream syscall-filter
 * proposal, written by this project as a compatibility test: it knows
 * nothing of our GTL, reply blocks, HELLO or the gate. Its whole contract
 * with the plugin:
 *   syscall(4096, 1, "libz.so")          -> handle (libz_HTL.so in htl_dir)
 *   syscall(4096, 2, handle, "NAME_HTL") -> entry
 *   syscall(4096, 3, entry, args, &ret)  -> 0; args[i] points at argument i
 *   syscall(4096, 4, handle)             -> 0
 * Handles and entries are opaque values passed back unchanged; a negative
 * value is an error. Like the proposal's library, it has no fallback: it
 * needs a QEMU with the syscall filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC_SYSCALL 4096
#define OP_LOAD 1
#define OP_DLSYM 2
#define OP_INVOKE 3
#define OP_CLOSE 4

static long handle;
static long e_compress_bound, e_compress2, e_uncompress;

/* libc's syscall() turns a negative answer into -1 and errno. */
static void die(const char *what, long value)
{
    fprintf(stderr, "libz (upstream style): %s failed: %ld (errno %d)\n",
            what, value, value == -1 ? errno : 0);
    exit(127);
}

static long resolve(const char *name)
{
    long entry = syscall(MAGIC_SYSCALL, OP_DLSYM, handle, name);

    if (entry < 0) {
        die(name, entry);
    }
    return entry;
}

__attribute__((constructor)) static void load(void)
{
    handle = syscall(MAGIC_SYSCALL, OP_LOAD, "libz.so");
    if (handle < 0) {
        die("LOAD_HTL libz.so", handle);
    }
    e_compress_bound = resolve("compressBound_HTL");
    e_compress2 = resolve("compress2_HTL");
    e_uncompress = resolve("uncompress_HTL");
    printf("upstream-style: handle %#lx, entries %#lx %#lx %#lx\n", handle,
           e_compress_bound, e_compress2, e_uncompress);
}

__attribute__((destructor)) static void unload(void)
{
    long rc = syscall(MAGIC_SYSCALL, OP_CLOSE, handle);

    if (rc != 0) {
        die("CLOSE_HTL", rc);
    }
}

static void invoke(long entry, void **args, void *ret)
{
    long rc = syscall(MAGIC_SYSCALL, OP_INVOKE, entry, args, ret);

    if (rc != 0) {
        die("INVOKE", rc);
    }
}

uLong compressBound(uLong sourceLen)
{
    uLong ret;
    void *args[] = { &sourceLen };

    invoke(e_compress_bound, args, &ret);
    return ret;
}

int compress2(Bytef *dest, uLongf *destLen, const Bytef *source,
              uLong sourceLen, int level)
{
    int ret;
    void *args[] = { &dest, &destLen, &source, &sourceLen, &level };

    invoke(e_compress2, args, &ret);
    return ret;
}

int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source,
               uLong sourceLen)
{
    int ret;
    void *args[] = { &dest, &destLen, &source, &sourceLen };

    invoke(e_uncompress, args, &ret);
    return ret;
}

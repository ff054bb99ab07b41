#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of control_fuzz (tests/fuzz/corpus/).

Each seed is a small program in the input format control_fuzz.c reads:
records of a kind byte and their payload, arguments as a tag byte and
theirs. Run it again after changing that format:
    python3 tests/fuzz/make_seeds.py tests/fuzz/corpus
"""
import os
import struct
import sys

CONTROL, POKE, GATE, MEMORY = 0, 4, 5, 7
LOAD, DLSYM, INVOKE, CLOSE, HELLO, STATS, REG_GATE, BIND, MB_CALL = range(1, 10)
REPLY = 1
NAMES = {n: i for i, n in enumerate([
    "libz.so", "libz.so.1", "libptfixture.so", "liblink.so", "libjunk.so",
    "libdir.so", "libfifo.so", "libnothere.so", "../libz.so",
    "/usr/lib/libz.so", "libz_HTL.so", "lib.so", "libz.so.1a", "",
    "crc32_HTL", "adler32_HTL", "compress_HTL", "compress2_HTL",
    "uncompress_HTL", "compressBound_HTL", "zlibVersion_HTL", "own_HTL",
    "dep_HTL", "table_HTL", "system", "crc32", "no_such_HTL", "bad name_HTL",
    "_init", "long lib", "long entry", "unterminated"])}


def raw(v): return bytes([0]) + struct.pack("<Q", v & (2**64 - 1))
def null(): return bytes([1])
def arena(off): return bytes([3]) + struct.pack("<H", off)
def ro(off=0): return bytes([4]) + struct.pack("<H", off)
def unmapped(off=0): return bytes([5]) + struct.pack("<H", off)
def kernel(off=0): return bytes([6]) + struct.pack("<I", off)
def reply(slot, bad_magic=None):
    if bad_magic is None:
        return bytes([7, slot])
    return bytes([7, slot | 0x80]) + struct.pack("<Q", bad_magic)
def handle(i=0): return bytes([8, i])
def token(i=0): return bytes([9, i])
def name(n): return bytes([10, NAMES[n]])
def mailbox(i=0): return bytes([11, i])
def small(v): return bytes([14, v])
def ping(): return bytes([13])


def control(op, *args, flags=0, raw_op=None):
    sel = raw_op if raw_op is not None else op
    args = list(args) + [null()] * (5 - len(args))
    return bytes([CONTROL]) + struct.pack("<HB", sel, flags) + b"".join(args)


def with_reply(op, slot, *args, **kw):
    """An op as the GTL sends it: reply block first (own ops always)."""
    flags = REPLY if op < HELLO else 0
    return control(op, reply(slot), *args, flags=flags | kw.get("flags", 0))


def crc_model(off=0, n=64, seed=0):
    return struct.pack("<HHIB", off, n, seed, 0)


def compress_model(dst=8192, dlen=4096, src=0, slen=1024, level=6):
    return struct.pack("<HHHHb", dst, dlen, src, slen, level)


def poke(off, data):
    return bytes([POKE]) + struct.pack("<HB", off, len(data)) + data


SEEDS = {
    "hello_load_invoke": [
        with_reply(HELLO, 0, raw(1), raw(0x1234)),
        with_reply(LOAD, 1, name("libz.so")),
        with_reply(DLSYM, 2, handle(0), name("crc32_HTL")),
        poke(0, b"123456789"),
        with_reply(INVOKE, 3, token(0), arena(512), arena(1024)) +
        crc_model(0, 9),
        with_reply(STATS, 4, arena(2048)),
    ],
    "hello_wrong": [
        with_reply(HELLO, 0, raw(2), raw(5)),
        with_reply(HELLO, 1, raw(1), raw(5), flags=2),
        control(HELLO, reply(2, bad_magic=7), raw(1), raw(5)),
        with_reply(HELLO, 3, raw(1), raw(5), raw(9)),
    ],
    "gate_mailbox": [
        with_reply(LOAD, 0, name("libz.so.1")),
        with_reply(DLSYM, 1, handle(0), name("compress2_HTL")),
        with_reply(REG_GATE, 2, arena(4096)),
        with_reply(BIND, 3, mailbox(0)),
        bytes([GATE, 1]) + token(0) + arena(512) + arena(1024) +
        compress_model(),
        control(MB_CALL),
        bytes([GATE, 0]),
        bytes([GATE, 1]) + ping() + null() + null(),
    ],
    "mailbox_unmapped": [
        with_reply(LOAD, 0, name("libz.so")),
        with_reply(DLSYM, 1, handle(0), name("adler32_HTL")),
        with_reply(BIND, 2, mailbox(1)),
        bytes([MEMORY, 0]) + mailbox(1) + raw(4096) + null() * 3,
        bytes([GATE, 1]) + token(0) + arena(8) + arena(16) + crc_model(),
        control(MB_CALL),
        with_reply(BIND, 3, mailbox(1)),
        bytes([MEMORY, 1]) + mailbox(1) + raw(4096) + small(1) + null() * 2,
        control(MB_CALL),
        with_reply(BIND, 4, ro()),
        with_reply(BIND, 5, unmapped()),
        with_reply(BIND, 6, kernel()),
        with_reply(BIND, 7, arena(3)),
    ],
    "bad_names": [with_reply(LOAD, i % 8, name(n)) for i, n in enumerate([
        "liblink.so", "libjunk.so", "libdir.so", "libfifo.so",
        "libnothere.so", "../libz.so", "/usr/lib/libz.so", "libz_HTL.so",
        "lib.so", "libz.so.1a", "", "long lib", "unterminated"])] + [
        with_reply(LOAD, 0, null()), with_reply(LOAD, 1, unmapped()),
        with_reply(LOAD, 2, kernel()),
    ],
    "entry_names": [
        with_reply(LOAD, 0, name("libz.so")),
        with_reply(LOAD, 1, name("libptfixture.so")),
    ] + [with_reply(DLSYM, i % 8, handle(i % 2), name(n)) for i, n in
         enumerate(["crc32_HTL", "own_HTL", "dep_HTL", "table_HTL", "system",
                    "crc32", "no_such_HTL", "bad name_HTL", "_init",
                    "long entry", "unterminated", "zlibVersion_HTL",
                    "compressBound_HTL", "uncompress_HTL", "compress_HTL"])],
    "handles": [
        with_reply(LOAD, 0, name("libz.so")),
        with_reply(CLOSE, 1, handle(0)),
        with_reply(CLOSE, 2, handle(0)),
        with_reply(DLSYM, 3, handle(0), name("crc32_HTL")),
        with_reply(LOAD, 4, name("libz.so")),
        with_reply(DLSYM, 5, handle(1), name("crc32_HTL")),
        with_reply(CLOSE, 6, bytes([12, 0]) + struct.pack("<HH", 3, 0)),
        with_reply(INVOKE, 7, token(0), arena(8), arena(16)) + crc_model(),
        with_reply(CLOSE, 0, handle(1)),
        with_reply(INVOKE, 1, token(0), arena(8), arena(16)),
    ],
    "upstream_forms": [
        control(LOAD, name("libz.so"), raw(0xdead), raw(0xbeef)),
        control(DLSYM, handle(0), name("zlibVersion_HTL")),
        control(INVOKE, token(0), arena(64), arena(128)),
        control(INVOKE, token(0), null(), arena(128)),
        control(CLOSE, handle(0)),
        control(0, raw_op=0x77),
        control(0, raw_op=0x1000),
        control(0, raw_op=0xffff),
    ],
    "gates": [with_reply(REG_GATE, i % 8, a) for i, a in enumerate(
        [arena(0), ro(), unmapped(), null(), kernel(), arena(0)] +
        [arena(i * 8) for i in range(1, 70)])],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name_, records in SEEDS.items():
        with open(os.path.join(out, name_), "wb") as f:
            f.write(b"".join(records))


if __name__ == "__main__":
    main()

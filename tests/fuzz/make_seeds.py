#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of control_fuzz (tests/fuzz/corpus/).

Each seed is a small program in the input format control_fuzz.c reads:
records of a kind byte and their payload, arguments as a tag byte and
theirs; names by their index in the harness's table, which is read from
control_fuzz.c. Run it again after changing that format or that table:
    python3 tests/fuzz/make_seeds.py tests/fuzz/corpus
The corpus also keeps inputs the fuzzer found that are not made here:
lzma1_filters_update (lzma_filters_update on an LZMA1EXT raw encoder: host
liblzma 5.4.1 called a pointer it never set, until the HTL zeroed its
blocks).
"""
import os
import re
import struct
import sys

CONTROL, POKE, GATE, MEMORY = 0, 4, 5, 7
LOAD, DLSYM, INVOKE, CLOSE, HELLO, STATS, REG_GATE, BIND, MB_CALL = range(1, 10)
REPLY = 1


def read_names():
    """The harness's name table, in its order (names[] in control_fuzz.c),
    so that a seed's name index is the one the harness reads."""
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "control_fuzz.c")).read()
    table = re.search(r"names\[\] = \{(.*?)\n\};", src, re.S).group(1)
    table = re.sub(r"/\*.*?\*/", "", table, flags=re.S)
    names = re.findall(r'"((?:[^"\\]|\\.)*)"', table)
    index = {n: i for i, n in enumerate(names)}
    index["long lib"] = next(i for i, n in enumerate(names)
                             if n.startswith("libzzzz"))
    index["long entry"] = next(i for i, n in enumerate(names)
                               if n.startswith("entryyyy"))
    index["unterminated"] = len(names)  # the one at a page's end
    return index


NAMES = read_names()


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


# What make_safe() reads after an INVOKE's or a gate's arguments: first
# whether to build a well-formed call (0) or leave it raw (1), then the
# entry's model (model_* in control_fuzz.c).
WELL_FORMED = bytes([0])
HALF = 32768   # the arena's halves: a call's input in one, output in the other


def buf(off, n):
    return struct.pack("<HH", off, n)


# edge_pointer(): where a call may or may not be given a buffer.
EDGES = {n: i for i, n in enumerate([
    "null", "read-only", "into unmapped", "unmapped", "below", "arena end"])}


def edge(where, off=0):
    return bytes([EDGES[where]]) + (
        struct.pack("<H", off) if where == "unmapped" else b"")


def io(src_off, src_n, dst_off, dst_n, src_half=0, bad_src=None,
       bad_dst=None):
    """io_buffers(): which half is the input, then input, then output
    (offsets within their halves); either at times an edge()."""
    how = src_half
    if bad_src is not None or bad_dst is not None:
        how |= 0xc0 | (2 if bad_src is not None else 0) | (
            4 if bad_dst is not None else 0)
    out = bytes([how]) + buf(src_off, src_n) + buf(dst_off, dst_n)
    if bad_src is not None:
        out += edge(bad_src)
    if bad_dst is not None:
        out += edge(bad_dst)
    return out


def dest_len(bad=None):
    """dest_source(): destLen where the harness keeps it, or an edge()."""
    return bytes([0]) if bad is None else bytes([0xa5]) + edge(bad)


def crc_model(off=0, n=64, seed=0):
    """Checksums, zlib's and liblzma's: buffer, initial value, not NULL."""
    return buf(off, n) + struct.pack("<IB", seed, 0)


def compress_model(dst=8192, dlen=1024, src=0, slen=1024, level=6,
                   src_half=1):
    return io(src, slen, dst, dlen, src_half) + dest_len() + \
        struct.pack("<b", level)


# liblzma's models.
FILTER_IDS = {n: i for i, n in enumerate([
    "lzma2", "lzma1", "lzma1ext", "delta", "x86", "powerpc", "ia64", "arm",
    "armthumb", "arm64", "sparc", "riscv", "end"])}
RUN, SYNC_FLUSH, FULL_FLUSH, FINISH = range(4)
CHECK_NONE, CHECK_CRC32, CHECK_CRC64, CHECK_SHA256 = 0, 1, 4, 10


def preset(level=0, extreme=False, bad=False):
    return bytes([level | (2 if extreme else 0) | (4 if bad else 0)])


def memlimit(log2=24):
    return bytes([log2])


def u8(v):
    return bytes([v])


def at_start():
    return bytes([0])   # position(): a buffer's start


def encode_io(*a, **kw):
    return io(*a, **kw) + at_start()


def decode_io(*a, **kw):
    return io(*a, **kw) + at_start() + at_start()


def stream(slot, copy_at=None, forge=None):
    """stream_arg(): a slot, or a copy of it in the arena (forged)."""
    if copy_at is None:
        return u8(slot)
    sel = slot | 0x30 | (0x40 if forge is not None else 0)
    return u8(sel) + struct.pack("<H", copy_at) + (
        struct.pack("<Q", forge) if forge is not None else b"")


def swapped(slot, set_up=None, ga=False, generation=None, bad=None):
    """stream_arg(): the slot, its handle replaced by the set_up-th this
    input set up, with the guest-allocator bit flipped, of the next (+1)
    or the last (-1) generation; or an edge() instead of the slot."""
    if set_up is not None:
        return u8(slot | 0x80) + u8(set_up)
    if ga:
        return u8(slot | 0x80 | 1 << 2)
    if generation is not None:
        return u8(slot | 0x80 | 2 << 2) + u8(generation > 0)
    return u8(slot | 0x80 | 3 << 2) + edge(bad)


def new_stream(slot=0, arena_at=None, bad=None):
    """new_stream_arg(): a slot, a struct in the arena, or an edge()."""
    if arena_at is not None:
        return u8(0xc0) + struct.pack("<H", arena_at)
    if bad is not None:
        return u8(0xe0) + edge(bad)
    return u8(slot)


def lzma_opts(dict_shift=4, preset_dict=None, odd=None):
    """lzma_options_arg() for an LZMA filter: built (dictionary 4 KiB <<
    dict_shift), at times with a preset dictionary (0: in the arena,
    1: unmapped, 2: running into unmapped) or odd fields."""
    tweak = (0x10 if preset_dict is not None else 0) | (0x02 if odd else 0)
    out = u8(0) + u8(tweak) + u8(dict_shift)
    if odd:
        out += u8(odd[0]) + u8(odd[1])      # mode, match finder index
    if preset_dict is not None:
        out += u8(preset_dict)
        if preset_dict == 0:
            out += buf(0, 256)
    return out


def delta_opts(dist=4):
    return u8(0) + u8(0) + struct.pack("<H", dist)


def bcj_opts(start=0):
    return u8(0) + struct.pack("<I", start)


def opts_none():
    return u8(5)


def opts_unmapped():
    return u8(6)


def opts_straddling():
    return u8(7)


def chain(filters, off=16384, terminated=True):
    """filter_chain(): a list of (filter name, options encoding)."""
    out = u8(3 | (0 if terminated else 0x80)) + struct.pack("<H", off)
    out += u8(len(filters))
    for fid, opts in filters:
        if isinstance(fid, int):
            out += u8(len(FILTER_IDS)) + struct.pack("<Q", fid)
        else:
            out += u8(FILTER_IDS[fid])
        out += opts
    return out


# libbz2's models: int_arg() in range (v - lo), or out of it.
INT_BELOW, INT_ABOVE = u8(0xe4), u8(0xe5)
INT_MINUS_1, INT_MIN, INT_MAX = u8(0xe0), u8(0xe1), u8(0xe2)


def int_raw(v):
    return u8(0xe3) + struct.pack("<i", v)


def in_range(v, lo=0):
    return u8(v - lo)


BZ_RUN, BZ_FLUSH, BZ_FINISH = range(3)


def verbosity(v=None):
    """bz_verbosity(): 0, or an int_arg() in 1..4 (or not)."""
    return u8(0) if v is None else u8(0xa5) + v


def bz_data(mode, which=0, at=0, xor=0):
    """bz_input(): the arena as it is ("arena"), or the harness's
    which-th bzip2 data ("start", "continue": from the stream's total_in,
    "changed": its byte at changed by xor)."""
    m = ["arena", "start", "continue", "changed"].index(mode)
    out = u8(m | which << 2)
    if mode == "changed":
        out += struct.pack("<HB", at, xor)
    return out


def bz_compress_init(slot=0, block=in_range(1, 1), verb=verbosity(),
                     work=in_range(0), **kw):
    return new_stream(slot, **kw) + block + verb + work


def bz_decompress_init(slot=0, verb=verbosity(), small=in_range(0), **kw):
    return new_stream(slot, **kw) + verb + small


TEXT = (b"The quick brown fox jumps over the lazy dog. " * 8 +
        bytes(range(256)))


def poke(off, data):
    return bytes([POKE]) + struct.pack("<HB", off, len(data)) + data


def pokes(off, data):
    """data into the arena at off, in POKE records of at most 255 bytes."""
    return [poke(off + i, data[i:i + 255]) for i in range(0, len(data), 255)]


def invoke(tok, slot=0):
    """INVOKE of the tok-th token kept, to be built well-formed."""
    return with_reply(INVOKE, slot, token(tok), arena(512), arena(1024)) + \
        WELL_FORMED


SEEDS = {
    "hello_load_invoke": [
        with_reply(HELLO, 0, raw(1), raw(0x1234)),
        with_reply(LOAD, 1, name("libz.so")),
        with_reply(DLSYM, 2, handle(0), name("crc32_HTL")),
        poke(0, b"123456789"),
        with_reply(INVOKE, 3, token(0), arena(512), arena(1024)) +
        WELL_FORMED + crc_model(0, 9),
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
        WELL_FORMED + compress_model(),
        control(MB_CALL),
        bytes([GATE, 0]),
        bytes([GATE, 1]) + ping() + null() + null(),
    ],
    "mailbox_unmapped": [
        with_reply(LOAD, 0, name("libz.so")),
        with_reply(DLSYM, 1, handle(0), name("adler32_HTL")),
        with_reply(BIND, 2, mailbox(1)),
        bytes([MEMORY, 0]) + mailbox(1) + raw(4096) + null() * 3,
        bytes([GATE, 1]) + token(0) + arena(8) + arena(16) +
        WELL_FORMED + crc_model(),
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
    # liblzma: buffer to buffer, an encoder's output decoded again.
    "lzma_buffers": [
        with_reply(LOAD, 0, name("liblzma.so")),
    ] + [with_reply(DLSYM, i % 8, handle(0), name(n)) for i, n in enumerate([
        "lzma_easy_buffer_encode_HTL", "lzma_stream_buffer_decode_HTL",
        "lzma_raw_buffer_encode_HTL", "lzma_raw_buffer_decode_HTL",
        "lzma_stream_buffer_encode_HTL", "lzma_crc32_HTL", "lzma_crc64_HTL"])
    ] + pokes(0, TEXT) + [
        invoke(0) + preset(0) + u8(CHECK_CRC32) + u8(0) +
        encode_io(0, len(TEXT), 0, 1024),
        invoke(1) + memlimit(24) + u8(0) + u8(0) +
        decode_io(0, 1024, 4096, 1024, src_half=1),
        invoke(4) + chain([("x86", bcj_opts()), ("lzma2", lzma_opts(3))]) +
        u8(CHECK_CRC64) + u8(0) + encode_io(0, len(TEXT), 2048, 1024),
        invoke(2) + chain([("delta", delta_opts(4)), ("lzma2", lzma_opts(2))],
                          off=20000) + u8(0) +
        encode_io(0, len(TEXT), 4096, 1024),
        invoke(3) + chain([("delta", delta_opts(4)), ("lzma2", lzma_opts(2))],
                          off=20000) + u8(0) +
        decode_io(4096, 1024, 8192, 1024, src_half=1),
        invoke(5) + crc_model(0, 300, 0),
        invoke(6) + crc_model(0, 300, 7),
        # Refused: a level liblzma lacks, the guest's allocator, a memory
        # limit too small.
        invoke(0) + preset(1, bad=True) + u8(CHECK_CRC32) + u8(0) +
        encode_io(0, 100, 0, 1024),
        invoke(0) + preset(1, extreme=True) + u8(CHECK_SHA256) + u8(0xa5) +
        encode_io(0, 100, 0, 1024),
        invoke(1) + memlimit(4) + u8(0) + u8(0) +
        decode_io(0, 1024, 4096, 1024, src_half=1),
    ],
    # liblzma streams: set up, coded, ended; a copy of a stream, forged.
    "lzma_stream": [
        with_reply(LOAD, 0, name("liblzma.so.5")),
    ] + [with_reply(DLSYM, i % 8, handle(0), name(n)) for i, n in enumerate([
        "lzma_easy_encoder_HTL", "lzma_code_HTL", "lzma_end_HTL",
        "lzma_stream_decoder_HTL", "lzma_get_progress_HTL",
        "lzma_memusage_HTL", "lzma_get_check_HTL", "lzma_auto_decoder_HTL",
        "lzma_memlimit_set_HTL"])
    ] + pokes(0, TEXT) + [
        invoke(0) + u8(0) + preset(0) + u8(CHECK_CRC64),
        invoke(1) + stream(0) + io(0, len(TEXT), 0, 1024) + u8(FINISH),
        invoke(4) + stream(0),
        invoke(5) + stream(0) + memlimit(),
        invoke(6) + stream(0) + memlimit(),
        invoke(3) + u8(1) + memlimit(24) + u8(0),
        invoke(1) + stream(1) + io(0, 1024, 4096, 1024, src_half=1) +
        u8(RUN),
        invoke(8) + stream(1) + memlimit(20),
        # A set-up liblzma refuses before it touches the stream: the
        # decoder lives on.
        invoke(0) + u8(1) + preset(0, bad=True) + u8(CHECK_CRC32),
        invoke(1) + stream(1) + io(0, 1024, 4096, 1024, src_half=1) +
        u8(RUN),
        invoke(2) + stream(0) + memlimit(),
        invoke(2) + stream(1) + memlimit(),
        invoke(7) + u8(2) + memlimit(24) + u8(0x08),
        invoke(1) + stream(2, copy_at=12000) +
        io(0, 1024, 4096, 1024, src_half=1) + u8(RUN),
        invoke(1) + stream(2, copy_at=12000, forge=1 << 32) +
        io(0, 1024, 4096, 1024, src_half=1) + u8(RUN),
        invoke(2) + stream(2, copy_at=12000, forge=0) + memlimit(),
    ],
    # liblzma through the gate: an encoder set up and run from the mailbox.
    "lzma_gate": [
        with_reply(LOAD, 0, name("liblzma.so")),
        with_reply(DLSYM, 1, handle(0), name("lzma_easy_encoder_HTL")),
        with_reply(DLSYM, 2, handle(0), name("lzma_code_HTL")),
        with_reply(REG_GATE, 3, arena(4096)),
        with_reply(BIND, 4, mailbox(0)),
    ] + pokes(0, TEXT) + [
        bytes([GATE, 1]) + token(0) + arena(512) + arena(1024) +
        WELL_FORMED + u8(3) + preset(1) + u8(CHECK_NONE),
        bytes([GATE, 1]) + token(1) + arena(512) + arena(1024) +
        WELL_FORMED + stream(3) + io(0, len(TEXT), 0, 1024) + u8(FINISH),
    ],
    # liblzma filter chains: good ones, and ones the HTL or liblzma refuse.
    "lzma_filters": [
        with_reply(LOAD, 0, name("liblzma.so")),
    ] + [with_reply(DLSYM, i % 8, handle(0), name(n)) for i, n in enumerate([
        "lzma_raw_encoder_HTL", "lzma_raw_decoder_HTL",
        "lzma_stream_encoder_HTL", "lzma_alone_encoder_HTL", "lzma_code_HTL",
        "lzma_filters_update_HTL", "lzma_end_HTL", "lzma_alone_decoder_HTL",
        "lzma_lzip_decoder_HTL", "lzma_microlzma_encoder_HTL",
        "lzma_microlzma_decoder_HTL"])
    ] + pokes(0, TEXT) + [
        invoke(0) + u8(0) + chain([("lzma1", lzma_opts(3))]),
        invoke(4) + stream(0) + io(0, 200, 0, 1024) + u8(FINISH),
        invoke(1) + u8(1) + chain([("lzma1", lzma_opts(3))]),
        invoke(4) + stream(1) + io(0, 1024, 4096, 1024, src_half=1) +
        u8(RUN),
        invoke(2) + u8(2) + chain([("arm64", bcj_opts()),
                                   ("lzma2", lzma_opts(2, preset_dict=0))]) +
        u8(CHECK_CRC32),
        invoke(5) + stream(2) + chain([("lzma2", lzma_opts(2))]),
        invoke(4) + stream(2) + io(0, 300, 2048, 1024) + u8(FULL_FLUSH),
        invoke(3) + u8(3) + lzma_opts(1),
        invoke(4) + stream(3) + io(0, 300, 6000, 1024) + u8(FINISH),
        invoke(7) + u8(3) + memlimit(22) + u8(0),  # (flags: not read)
        invoke(8) + u8(1) + memlimit(22) + u8(0),
        invoke(9) + u8(0) + lzma_opts(2),
        invoke(4) + stream(0) + io(0, 300, 8000, 200) + u8(FINISH),
        invoke(10) + u8(1) + struct.pack("<HHBB", 200, len(TEXT), 0, 4),
        invoke(4) + stream(1) + io(8000, 200, 12000, 1024, src_half=1) +
        u8(RUN),
        invoke(6) + stream(0) + memlimit(),
        # The HTL must refuse: options unmapped or running into unmapped,
        # a preset dictionary so, the chain itself so.
        invoke(2) + u8(0) + chain([("lzma2", opts_unmapped())]) + u8(0),
        invoke(2) + u8(0) + chain([("x86", opts_straddling()),
                                   ("lzma2", lzma_opts())]) + u8(0),
        invoke(0) + u8(0) + chain([("lzma2", lzma_opts(2, preset_dict=1))]),
        invoke(0) + u8(0) + chain([("lzma2", lzma_opts(2, preset_dict=2))]),
        invoke(0) + u8(0) + u8(1),
        invoke(0) + u8(0) + u8(2),
        # Options liblzma 5.4.1 reads without a check for NULL: refused.
        invoke(0) + u8(0) + chain([("lzma1", opts_none())]),
        invoke(1) + u8(0) + chain([("lzma2", opts_none())]),
        invoke(3) + u8(0) + opts_none(),
        invoke(9) + u8(0) + opts_none(),
        invoke(5) + stream(2) + chain([("lzma2", opts_none())]),
        # liblzma must refuse: no chain, a filter the host lacks, an
        # unknown ID, one filter too many, no end.
        invoke(0) + u8(0) + u8(0),
        invoke(2) + u8(0) + chain([("riscv", bcj_opts()),
                                   ("lzma2", lzma_opts())]) + u8(0),
        invoke(2) + u8(0) + chain([(1 << 62, opts_none()),
                                   ("lzma2", lzma_opts())]) + u8(0),
        invoke(0) + u8(0) + chain([("delta", delta_opts(1))] * 4 +
                                  [("lzma2", lzma_opts())]),
        invoke(0) + u8(0) + chain([("x86", bcj_opts())], off=0,
                                  terminated=False),
        invoke(1) + u8(0) + chain([("lzma2", lzma_opts(3, odd=(0, 5)))]),
    ],
    # libbz2 buffer to buffer: a compressor's output decoded again, the
    # harness's bzip2 data decoded, and what the HTL or libbz2 refuse.
    "bz2_buffers": [
        with_reply(LOAD, 0, name("libbz2.so")),
        with_reply(DLSYM, 1, handle(0), name("BZ2_bzBuffToBuffCompress_HTL")),
        with_reply(DLSYM, 2, handle(0),
                   name("BZ2_bzBuffToBuffDecompress_HTL")),
    ] + pokes(0, TEXT) + [
        invoke(0) + io(0, len(TEXT), 0, 1024) + dest_len() +
        in_range(1, 1) + verbosity() + in_range(30),
        invoke(1) + io(0, 1024, 8192, 1024, src_half=1) + dest_len() +
        bz_data("arena") + in_range(0) + verbosity(),
        invoke(1) + io(0, 1024, 0, 1024) + dest_len() +
        bz_data("start", 0) + in_range(1) + verbosity(),
        invoke(1) + io(0, 1024, 0, 1024) + dest_len() +
        bz_data("start", 2) + in_range(0) + verbosity(),
        invoke(1) + io(0, 1024, 0, 1024) + dest_len() +
        bz_data("start", 1) + in_range(0) + verbosity(),
        invoke(1) + io(0, 1024, 0, 1024) + dest_len() +
        bz_data("changed", 3, at=40, xor=0x10) + in_range(0) + verbosity(),
        invoke(1) + io(0, 30, 0, 1024) + dest_len() +
        bz_data("start", 3) + in_range(0) + verbosity(),
        # The HTL must refuse: dest read-only or running into unmapped,
        # destLen unmapped or read-only, source unmapped.
        invoke(0) + io(0, 100, 0, 1024, bad_dst="read-only") + dest_len() +
        in_range(1, 1) + verbosity() + in_range(0),
        invoke(0) + io(0, 100, 0, 1024, bad_dst="into unmapped") +
        dest_len() + in_range(2, 1) + verbosity() + in_range(0),
        invoke(1) + io(0, 100, 0, 1024) + dest_len("unmapped") +
        bz_data("arena") + in_range(0) + verbosity(),
        invoke(1) + io(0, 100, 0, 1024) + dest_len("read-only") +
        bz_data("arena") + in_range(0) + verbosity(),
        invoke(1) + io(0, 100, 0, 1024, bad_src="unmapped") + dest_len() +
        bz_data("arena") + in_range(0) + verbosity(),
        # Allowed: a read-only source, output up to the reply page.
        invoke(0) + io(0, 100, 0, 1024, bad_src="read-only",
                       bad_dst="arena end") + dest_len() + in_range(1, 1) +
        verbosity() + in_range(0),
        # libbz2 must refuse: block sizes, verbosity, work factor, small.
        invoke(0) + io(0, 100, 0, 1024) + dest_len() + INT_BELOW +
        verbosity() + in_range(0),
        invoke(0) + io(0, 100, 0, 1024) + dest_len() + int_raw(10) +
        verbosity() + in_range(0),
        invoke(0) + io(0, 100, 0, 1024) + dest_len() + in_range(1, 1) +
        verbosity(INT_ABOVE) + in_range(0),
        invoke(0) + io(0, 100, 0, 1024) + dest_len() + in_range(1, 1) +
        verbosity() + INT_ABOVE,
        invoke(1) + io(0, 100, 0, 1024) + dest_len() + bz_data("arena") +
        INT_ABOVE + verbosity(),
        invoke(1) + io(0, 0, 0, 0) + dest_len("null") + bz_data("arena") +
        in_range(0) + verbosity(),
    ],
    # libbz2 streams: compressed, decoded (in pieces too), ended; each
    # direction's stream given to the other, a copy, handles replaced.
    "bz2_stream": [
        with_reply(LOAD, 0, name("libbz2.so.1.0")),
    ] + [with_reply(DLSYM, i % 8, handle(0), name(n)) for i, n in enumerate([
        "BZ2_bzCompressInit_HTL", "BZ2_bzCompress_HTL",
        "BZ2_bzCompressEnd_HTL", "BZ2_bzDecompressInit_HTL",
        "BZ2_bzDecompress_HTL", "BZ2_bzDecompressEnd_HTL"])
    ] + pokes(0, TEXT) + [
        invoke(0) + bz_compress_init(0),
        invoke(1) + stream(0) + io(0, len(TEXT), 0, 1024) + in_range(BZ_RUN),
        invoke(1) + stream(0) + io(0, 0, 0, 1024) + in_range(BZ_FINISH),
        invoke(3) + bz_decompress_init(1),
        invoke(4) + stream(1) + io(0, 1024, 8192, 1024, src_half=1) +
        bz_data("arena"),
        invoke(3) + bz_decompress_init(2, small=in_range(1)),
    ] + [invoke(4) + stream(2) + io(4096, 40, 4096, 1024) +
         bz_data("continue", 0) for _ in range(4)] + [
        invoke(1) + stream(1) + io(0, 10, 0, 1024) + in_range(BZ_RUN),
        invoke(4) + stream(0) + io(0, 10, 0, 1024) + bz_data("start", 0),
        invoke(4) + stream(3) + io(0, 10, 0, 1024) + bz_data("start", 0),
        invoke(4) + stream(2, copy_at=12000) + io(0, 10, 0, 1024) +
        bz_data("arena"),
        invoke(4) + stream(2, copy_at=12000, forge=1 << 32) +
        io(0, 10, 0, 1024) + bz_data("arena"),
        invoke(4) + swapped(2, ga=True) + io(0, 10, 0, 1024) +
        bz_data("arena"),
        invoke(4) + swapped(2, generation=1) + io(0, 10, 0, 1024) +
        bz_data("arena"),
        invoke(4) + swapped(2, set_up=1) + io(0, 10, 0, 1024) +
        bz_data("arena"),
        invoke(5) + swapped(2, bad="unmapped"),
        # Set up again without an end: the first stays the HTL's.
        invoke(0) + bz_compress_init(0, block=in_range(2, 1)),
        invoke(1) + stream(0) + io(0, 300, 0, 1024, bad_dst="read-only") +
        in_range(BZ_FLUSH),
        invoke(1) + stream(0) + io(0, 300, 0, 1024, bad_src="into unmapped") +
        in_range(BZ_FLUSH),
        invoke(1) + stream(0) + io(0, 300, 0, 1024) + INT_ABOVE,
        invoke(1) + stream(0) + io(0, 300, 0, 1024) + in_range(BZ_FLUSH),
        invoke(2) + stream(0),
        invoke(2) + stream(1),
        invoke(5) + stream(1),
        # Set-ups the HTL or libbz2 refuse, and one in the arena.
        invoke(0) + bz_compress_init(bad="read-only"),
        invoke(0) + bz_compress_init(block=INT_BELOW),
        invoke(0) + bz_compress_init(work=INT_ABOVE),
        invoke(3) + bz_decompress_init(small=INT_ABOVE),
        invoke(3) + bz_decompress_init(verb=verbosity(INT_ABOVE)),
        invoke(3) + bz_decompress_init(arena_at=20001),
        invoke(0) + bz_compress_init(arena_at=24000),
    ],
    # libbz2 through the gate: two blocks decoded in pieces, from the
    # mailbox.
    "bz2_gate": [
        with_reply(LOAD, 0, name("libbz2.so")),
        with_reply(DLSYM, 1, handle(0), name("BZ2_bzDecompressInit_HTL")),
        with_reply(DLSYM, 2, handle(0), name("BZ2_bzDecompress_HTL")),
        with_reply(REG_GATE, 3, arena(4096)),
        with_reply(BIND, 4, mailbox(0)),
        bytes([GATE, 1]) + token(0) + arena(512) + arena(1024) +
        WELL_FORMED + bz_decompress_init(3),
    ] + [bytes([GATE, 1]) + token(1) + arena(512) + arena(1024) +
         WELL_FORMED + stream(3) + io(0, 200, 0, 1024) +
         bz_data("continue", 2) for _ in range(10)],
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

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
blocks), and zstd_* (libzstd 1.5.4 read or wrote past what its arguments
allow: training on too few bytes, entropy tables in a buffer smaller
than asked, a frame header past a small dst, a copied context's
dictionary freed twice; the HTL refuses those calls now).
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


def sample(mode, which=0, at=0, xor=0, cut=None):
    """sample_input(): the arena as it is ("arena"), or the harness's
    which-th sample ("start", "continue": from where the decoder is,
    "changed": its byte at changed by xor), at times cut to cut bytes."""
    m = ["arena", "start", "continue", "changed"].index(mode)
    out = u8(m | which << 2 | (0x80 if cut is not None else 0))
    if cut is not None:
        out += struct.pack("<H", cut)
    if mode == "changed":
        out += struct.pack("<HB", at, xor)
    return out


bz_data = sample    # libbz2's samples: its bzip2 data


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


def invoke(tok, slot=0, safe=False):
    """INVOKE of the tok-th token kept, to be built well-formed (an entry
    always built, safe, reads no byte for that)."""
    return with_reply(INVOKE, slot, token(tok), arena(512), arena(1024)) + \
        (b"" if safe else WELL_FORMED)


def dlsyms(lib, entries):
    """LOAD of lib, then DLSYM of its entries: tokens 0, 1, ... (16 kept)."""
    assert len(entries) <= 16
    return [with_reply(LOAD, 0, name(lib))] + [
        with_reply(DLSYM, i % 8, handle(0), name(n))
        for i, n in enumerate(entries)]


def gate_set_up(lib, entries):
    """dlsyms(lib, entries), then a gate registered and mailbox 0 bound."""
    n = len(entries) + 1
    return dlsyms(lib, entries) + [with_reply(REG_GATE, n % 8, arena(4096)),
                                   with_reply(BIND, (n + 1) % 8, mailbox(0))]


def gate_call(tok):
    """A well-formed call of the tok-th token kept, through the gate."""
    return bytes([GATE, 1]) + token(tok) + arena(512) + arena(1024) + \
        WELL_FORMED


# libzstd's models (model_zstd_* in control_fuzz.c).
HANDLE_HOW = ["other", "ga", "gen", "next", "null", "guest", "forged", "raw"]


def zobj(i=0, how=None, arg=0):
    """zstd_handle(): the i-th object of the call's group the input made;
    or (how) the arg-th of all ("other": maybe another group's), with the
    guest-allocator bit flipped, of the next (arg 1) or the last
    generation, of the next index, NULL, with bit 63 clear, a forged
    index arg, or the value arg."""
    if how is None:
        return u8(0) + u8(i)
    out = u8(0xc0 | HANDLE_HOW.index(how)) + u8(i)
    if how in ("other", "gen"):
        out += u8(arg)
    elif how == "forged":
        out += struct.pack("<I", arg)
    elif how == "raw":
        out += struct.pack("<Q", arg)
    return out


def level(v):
    """zstd_level(): -5..5, "default", "min", or 6..9 (slow)."""
    if v == "default":
        return u8(0xf0)
    if v == "min":
        return u8(0xf1)
    if v > 5:
        return u8(0xf2 | (v - 6) << 2)
    return u8(v + 5)


def zsize(v=None, pow2=None, any16=None):
    """zstd_size(): unknown, 1 << pow2, a small v, or any16."""
    if pow2 is not None:
        return u8(0x40 | (pow2 - 10))
    if any16 is not None:
        return u8(0xc0) + struct.pack("<H", any16)
    return u8(0) if v is None else u8(0x80 | v)


def custom_mem(alloc=False, free=False):
    """zstd_custom_mem(): libzstd's allocator, or the guest's."""
    if not alloc and not free:
        return u8(0)
    return u8(0xe0 | (1 if alloc else 0) | (2 if free else 0))


def zdict(which=0, n=1024, off=0, half=0, mode="start", bad=None,
          none=False, **kw):
    """zstd_dict(): a buffer holding the harness's dictionary (which 0) or
    prefix (1), sample() says how; none; or an edge()."""
    out = u8(half | (0xc0 if bad else 0x80 if none else 0)) + buf(off, n)
    if bad:
        return out + edge(bad)
    return out if none else out + sample(mode, which, **kw)


def cparams(w=17, c=12, h=12, s=3, m=4, t=0, strat=2, zero=None):
    """zstd_cparams_at(): the fields, at times one of them (zero) 0."""
    z = 0 if zero is None else next(v for v in range(0xe0, 0x100)
                                     if v % 7 == zero)
    return bytes([z, w - 10, c - 6, h - 6, s - 1, m - 3, t, strat - 1])


def fparams(content=1, checksum=0, no_dict_id=0):
    return u8(content | checksum << 1 | no_dict_id << 2)


def zparams(**kw):
    """zstd_params_at(): ZSTD_parameters."""
    f = {k: kw.pop(k) for k in ("content", "checksum", "no_dict_id")
         if k in kw}
    return cparams(**kw) + fparams(**f)


def read_params(table):
    """A table of zstd_param()'s, in control_fuzz.c's order."""
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "control_fuzz.c")).read()
    body = re.search(table + r"\[\] = \{(.*?)\n\};", src, re.S).group(1)
    return re.findall(r"\{ ZSTD_[cd]_(\w+),", body)


CPARAMS, DPARAMS = read_params("zstd_cparams"), read_params("zstd_dparams")


def zparam_id(p, d=False):
    """zstd_param(): parameter p (a number: one libzstd may not have)."""
    table = DPARAMS if d else CPARAMS
    if isinstance(p, int):
        return u8(len(table)) + struct.pack("<h", p)
    return u8(table.index(p))


def zparam(p, value=0, d=False, default=False, bad=False):
    """And zstd_param_value(): its lo + value, its default (0) or bad."""
    return zparam_id(p, d) + u8(0xd0 if default else 0xf0 if bad else value)


def gstruct(off=None, bad=None):
    """guest_struct(): in the arena at off, or an edge()."""
    if bad is not None:
        return u8(0xe0) + edge(bad)
    return u8(0) + struct.pack("<H", off)


def pos(v=0):
    """position(): a buffer's start, or v (a multiple of 8)."""
    return u8(0 if not v else 0x80 | v // 8)


def zstream(obj, io_, data, out_at=40000, in_at=40032, out_pos=0, in_pos=0,
            end=0):
    """model_zstd_stream(): object, buffers, their structs, the input."""
    out = gstruct(out_at) if isinstance(out_at, int) else gstruct(bad=out_at)
    inb = gstruct(in_at) if isinstance(in_at, int) else gstruct(bad=in_at)
    return obj + io_ + out + inb + data + pos(out_pos) + pos(in_pos) + \
        in_range(end)


def zsamples(nb, at=20000, data=None, bad=None, count=0):
    """zdict_samples(): nb samples splitting the call's input, their sizes
    at; or bad: "unmapped" (an edge()), "past", "overflow", "count"."""
    kind = {None: 0, "unmapped": 4, "past": 5, "overflow": 6, "count": 7}
    out = u8(kind[bad] << 5) + u8(nb) + struct.pack("<H", at) + (
        data if data is not None else sample("start"))
    if bad == "unmapped":
        out += edge("unmapped")
    elif bad == "count":
        out += struct.pack("<H", count)
    return out


def zdict_zparams(lvl=3, dict_id=None):
    return level(lvl) + (u8(0) if dict_id is None else
                         u8(1) + struct.pack("<I", dict_id))


def cover(k=64, d=8, steps=1, threads=0, split=1.0, bad=None):
    """zdict_cover_at(): cover's parameters, or bad ("k", "split")."""
    v = (d == 8) | (steps - 1) << 1 | threads << 2 | (split != 1.0) << 3
    v |= {None: 0, "split": 0xc0, "k": 0xe0}[bad]
    return u8(v) + u8(k - 16) + u8(0) + zdict_zparams()


def fast_cover(f=10, accel=1, **kw):
    return u8(f - 8) + cover(**kw) + u8(accel)


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
    "gate_mailbox": gate_set_up("libz.so.1", ["compress2_HTL"]) + [
        gate_call(0) + compress_model(),
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
    "lzma_buffers": dlsyms("liblzma.so", [
        "lzma_easy_buffer_encode_HTL", "lzma_stream_buffer_decode_HTL",
        "lzma_raw_buffer_encode_HTL", "lzma_raw_buffer_decode_HTL",
        "lzma_stream_buffer_encode_HTL", "lzma_crc32_HTL",
        "lzma_crc64_HTL"]) + pokes(0, TEXT) + [
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
    "lzma_stream": dlsyms("liblzma.so.5", [
        "lzma_easy_encoder_HTL", "lzma_code_HTL", "lzma_end_HTL",
        "lzma_stream_decoder_HTL", "lzma_get_progress_HTL",
        "lzma_memusage_HTL", "lzma_get_check_HTL", "lzma_auto_decoder_HTL",
        "lzma_memlimit_set_HTL"]) + pokes(0, TEXT) + [
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
    "lzma_gate": gate_set_up(
        "liblzma.so", ["lzma_easy_encoder_HTL", "lzma_code_HTL"]) +
    pokes(0, TEXT) + [
        gate_call(0) + u8(3) + preset(1) + u8(CHECK_NONE),
        gate_call(1) + stream(3) + io(0, len(TEXT), 0, 1024) + u8(FINISH),
    ],
    # liblzma filter chains: good ones, and ones the HTL or liblzma refuse.
    "lzma_filters": dlsyms("liblzma.so", [
        "lzma_raw_encoder_HTL", "lzma_raw_decoder_HTL",
        "lzma_stream_encoder_HTL", "lzma_alone_encoder_HTL", "lzma_code_HTL",
        "lzma_filters_update_HTL", "lzma_end_HTL", "lzma_alone_decoder_HTL",
        "lzma_lzip_decoder_HTL", "lzma_microlzma_encoder_HTL",
        "lzma_microlzma_decoder_HTL"]) + pokes(0, TEXT) + [
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
    "bz2_stream": dlsyms("libbz2.so.1.0", [
        "BZ2_bzCompressInit_HTL", "BZ2_bzCompress_HTL",
        "BZ2_bzCompressEnd_HTL", "BZ2_bzDecompressInit_HTL",
        "BZ2_bzDecompress_HTL",
        "BZ2_bzDecompressEnd_HTL"]) + pokes(0, TEXT) + [
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
    "bz2_gate": gate_set_up(
        "libbz2.so", ["BZ2_bzDecompressInit_HTL", "BZ2_bzDecompress_HTL"]) + [
        gate_call(0) + bz_decompress_init(3),
    ] + [gate_call(1) + stream(3) + io(0, 200, 0, 1024) +
         bz_data("continue", 2) for _ in range(10)],
    # libzstd buffer to buffer: one-shot, on contexts, with a dictionary;
    # the harness's frames whole, changed, cut; what the HTL refuses.
    "zstd_buffers": dlsyms("libzstd.so", [
        "ZSTD_compress_HTL", "ZSTD_decompress_HTL", "ZSTD_createCCtx_HTL",
        "ZSTD_compressCCtx_HTL", "ZSTD_createDCtx_HTL",
        "ZSTD_decompressDCtx_HTL", "ZSTD_decompress_usingDict_HTL",
        "ZSTD_compress_usingDict_HTL", "ZSTD_freeCCtx_HTL",
        "ZSTD_freeDCtx_HTL", "ZSTD_compress2_HTL",
        "ZSTD_compress_advanced_HTL"]) + [
        invoke(0) + io(0, 1000, 0, 1024) + sample("start") + level(1),
        invoke(1) + io(0, 1024, 4096, 1024, src_half=1) + sample("arena") +
        level(0),
    ] + [invoke(1) + io(8192, 1024, 4096, 1024) + sample("start", f) +
         level(0) for f in range(8)] + [
        invoke(1) + io(8192, 1024, 4096, 1024) +
        sample("changed", 0, at=10, xor=0x40) + level(0),
        invoke(1) + io(8192, 1024, 4096, 1024) + sample("start", 0, cut=20) +
        level(0),
        invoke(0) + io(0, 1000, 0, 1024) + sample("start") + level("min"),
        invoke(0) + io(0, 1000, 0, 1024) + sample("start") + level(-5),
        # The HTL must refuse: input unmapped, output read-only.
        invoke(1) + io(8192, 1024, 4096, 1024, bad_src="unmapped") +
        sample("start") + level(0),
        invoke(0) + io(0, 1000, 0, 1024, bad_dst="read-only") +
        sample("start") + level(1),
        invoke(2, safe=True) + custom_mem(),
        invoke(4, safe=True) + custom_mem(),
        invoke(3) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(3),
        invoke(5) + zobj(0) + io(8192, 1024, 4096, 1024) + sample("start") +
        level(0),
        invoke(6) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 3) + level(0) + zdict(0, off=12000) + level(0),
        invoke(7) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(2) + zdict(1, off=12000, half=1) + level(2),
        invoke(10) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(0),
        invoke(11) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(0) + zdict(none=True) + level(0) + zparams(),
        invoke(11) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(0) + zdict(bad="unmapped") + level(0) + zparams(zero=0),
        # Objects of the other kind, stale, forged.
        invoke(5) + zobj(0, "other", 0) + io(8192, 1024, 4096, 1024) +
        sample("start") + level(0),
        invoke(8) + zobj(0) + in_range(0),
        invoke(9) + zobj(0, "ga") + in_range(0),
        invoke(3) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(3),
        invoke(5) + zobj(0, "forged", 1) + io(8192, 1024, 4096, 1024) +
        sample("start") + level(0),
        invoke(2, safe=True) + custom_mem(alloc=True),
    ],
    # libzstd streams: parameters set and read, a frame streamed out; the
    # harness's biggest frame decoded in pieces; structs where the HTL
    # must refuse them, a stream used after it is freed.
    "zstd_stream": dlsyms("libzstd.so.1", [
        "ZSTD_createCStream_HTL", "ZSTD_CCtx_setParameter_HTL",
        "ZSTD_compressStream2_HTL", "ZSTD_endStream_HTL",
        "ZSTD_createDStream_HTL", "ZSTD_decompressStream_HTL",
        "ZSTD_getFrameProgression_HTL", "ZSTD_freeCStream_HTL",
        "ZSTD_freeDStream_HTL", "ZSTD_initDStream_HTL",
        "ZSTD_compressStream2_simpleArgs_HTL",
        "ZSTD_decompressStream_simpleArgs_HTL", "ZSTD_sizeof_CCtx_HTL",
        "ZSTD_CCtx_getParameter_HTL", "ZSTD_DCtx_setParameter_HTL",
        "ZSTD_initCStream_HTL"]) + [
        invoke(0, safe=True) + custom_mem(),
        invoke(1, safe=True) + zobj(0) + zparam("compressionLevel", 8),
        invoke(1, safe=True) + zobj(0) + zparam("checksumFlag", 1),
        invoke(1, safe=True) + zobj(0) + zparam("windowLog", 8),
        invoke(1, safe=True) + zobj(0) + zparam("nbWorkers", 1),
        invoke(1, safe=True) + zobj(0) + zparam("hashLog", bad=True),
        invoke(1, safe=True) + zobj(0) + zparam("stableInBuffer", 1),
        invoke(1, safe=True) + zobj(0) + zparam(9999, 1),
        invoke(13) + zobj(0) + zparam_id("checksumFlag") + u8(0),
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024),
                            sample("start"), end=0),
        invoke(6) + zobj(0) + in_range(0),
        invoke(3) + zstream(zobj(0), io(0, 0, 0, 1024), sample("start"),
                            out_pos=256),
        invoke(1, safe=True) + zobj(0) + zparam("nbWorkers", 0),
        invoke(15) + zobj(0) + level(1) + zsize(),
        invoke(10) + zobj(0) + io(0, 1000, 2048, 1024) + pos() +
        sample("start") + pos() + u8(0) + in_range(2),
        invoke(12) + zobj(0) + in_range(0),
        invoke(4, safe=True) + custom_mem(),
        invoke(14, safe=True) + zobj(0) + zparam("windowLogMax", 10, d=True),
    ] + [invoke(5) + zstream(zobj(0), io(4096, 200, 4096, 1024),
                             sample("continue", 2)) for _ in range(10)] + [
        invoke(9) + zobj(0) + in_range(0),
        invoke(11) + zobj(0) + io(8192, 1024, 4096, 1024) + pos() +
        sample("start", 7) + pos() + u8(0) + in_range(0),
        invoke(5) + zstream(zobj(0), io(8192, 1024, 4096, 1024),
                            sample("start", 6)),
        invoke(14, safe=True) + zobj(0) + zparam("format", 1, d=True),
        invoke(5) + zstream(zobj(0), io(8192, 1024, 4096, 1024),
                            sample("start", 6)),
        # The HTL must refuse: an output struct read-only, an input one
        # unmapped, buffers unmapped; a parameter that would have it keep
        # the guest's buffer.
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024), sample("start"),
                            out_at="read-only"),
        invoke(5) + zstream(zobj(0), io(8192, 1024, 4096, 1024),
                            sample("start"), in_at="unmapped"),
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024, bad_src="unmapped"),
                            sample("start")),
        invoke(10) + zobj(0) + io(0, 1000, 2048, 1024) + pos() +
        sample("start") + pos() + u8(0xa5) + u8(1) + edge("read-only") +
        in_range(2),
        invoke(14, safe=True) + zobj(0) + zparam("stableOutBuffer", 1, d=True),
        # The decoder as an encoder; freed, then used.
        invoke(2) + zstream(zobj(1, "other", 1), io(0, 1000, 0, 1024),
                            sample("start")),
        invoke(7) + zobj(0) + in_range(0),
        invoke(8) + zobj(0) + in_range(0),
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024), sample("start")),
        invoke(5) + zstream(zobj(0, "gen", 0), io(8192, 1024, 4096, 1024),
                            sample("start")),
    ],
    # A copy of a context begun by streaming, and its buffer-less frame
    # on the host: pieces in a run and over each other; its source's
    # dictionary dropped under it; pieces at edges; a copy never begun.
    "zstd_copies": dlsyms("libzstd.so.1", [
        "ZSTD_createCCtx_HTL", "ZSTD_CCtx_setParameter_HTL",
        "ZSTD_compressStream2_HTL", "ZSTD_copyCCtx_HTL",
        "ZSTD_compressContinue_HTL", "ZSTD_compressEnd_HTL",
        "ZSTD_compressBlock_HTL", "ZSTD_CCtx_loadDictionary_HTL",
        "ZSTD_CCtx_reset_HTL", "ZSTD_freeCCtx_HTL",
        "ZSTD_CCtx_refPrefix_HTL"]) + [
        invoke(0, safe=True) + custom_mem(),
        invoke(0, safe=True) + custom_mem(),
        invoke(7) + zobj(0) + zdict(0) + level(0) + in_range(0),
        invoke(1, safe=True) + zobj(0) + zparam("compressionLevel", 3),
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024),
                            sample("start"), end=0),
        invoke(3) + zobj(1) + zobj(0) + zsize(),
        invoke(4) + zobj(1) + io(1000, 2000, 4096, 4096) + sample("start") +
        level(0),
        invoke(4) + zobj(1) + io(3000, 2000, 8192, 4096) + sample("start") +
        level(0),
        invoke(6) + zobj(1) + io(1000, 1500, 12288, 4096) +
        sample("start") + level(0),
        invoke(4) + zobj(1) + io(0, 4096, 4096, 4096, bad_src="unmapped") +
        level(0),
        invoke(5) + zobj(1) + io(5000, 1000, 16384, 4096) +
        sample("start") + level(0),
        invoke(4) + zobj(1) + io(0, 1000, 0, 1024) + sample("start") +
        level(0),
        # Copied again; the source's dictionary goes; the copy goes on.
        invoke(8) + zobj(0) + in_range(1),
        invoke(2) + zstream(zobj(0), io(0, 1000, 0, 1024),
                            sample("start"), end=0),
        invoke(3) + zobj(1) + zobj(0) + zsize(),
        invoke(8) + zobj(0) + in_range(1),
        invoke(8) + zobj(0) + in_range(2),
        invoke(10) + zobj(0) + zdict(1) + level(0) + in_range(0),
        invoke(4) + zobj(1) + io(1000, 2000, 4096, 4096) + sample("start") +
        level(0),
        invoke(9) + zobj(0) + in_range(0),
        invoke(5) + zobj(1) + io(5000, 1000, 16384, 4096) +
        sample("start") + level(0),
        invoke(3) + zobj(1) + zobj(1) + zsize(),
        invoke(9) + zobj(1) + in_range(0),
    ],
    # libzstd dictionaries and parameters: made, used, referenced by
    # contexts that outlive the guest's handles; given as the wrong kind.
    "zstd_dicts": dlsyms("libzstd.so", [
        "ZSTD_createCDict_HTL", "ZSTD_createDDict_HTL", "ZSTD_createCCtx_HTL",
        "ZSTD_createDCtx_HTL", "ZSTD_compress_usingCDict_HTL",
        "ZSTD_decompress_usingDDict_HTL", "ZSTD_CCtx_refCDict_HTL",
        "ZSTD_DCtx_refDDict_HTL", "ZSTD_freeCDict_HTL", "ZSTD_freeDDict_HTL",
        "ZSTD_compress2_HTL", "ZSTD_decompressDCtx_HTL",
        "ZSTD_createCCtxParams_HTL", "ZSTD_CCtxParams_setParameter_HTL",
        "ZSTD_createCDict_advanced2_HTL", "ZSTD_DCtx_refPrefix_HTL"]) + [
        invoke(0, safe=True) + zdict(0) + in_range(0) + in_range(0) +
        level(3),
        invoke(1, safe=True) + zdict(0) + in_range(0) + in_range(0) +
        custom_mem(),
        invoke(2, safe=True) + custom_mem(),
        invoke(3, safe=True) + custom_mem(),
        invoke(4) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(0) + zobj(0) + fparams(),
        invoke(5) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 3) + level(0) + zobj(0) + fparams(),
        invoke(6) + zobj(0) + zobj(0) + zsize(),
        invoke(7) + zobj(0) + zobj(0) + zsize(),
        invoke(8) + zobj(0) + in_range(0),
        invoke(9) + zobj(0) + in_range(0),
        # The dictionaries live on for the contexts that reference them.
        invoke(10) + zobj(0) + io(0, 1000, 0, 1024) + sample("start") +
        level(0),
        invoke(11) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 3) + level(0),
        invoke(6) + zobj(0) + zobj(0, "null") + zsize(),
        invoke(7) + zobj(0) + zobj(0, "ga") + zsize(),
        invoke(5) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 3) + level(0) + zobj(0) + fparams(),
        # A CDict as a CCtx, a DCtx as a DDict, forged and raw ones.
        invoke(10) + zobj(0, "other", 0) + io(0, 1000, 0, 1024) +
        sample("start") + level(0),
        invoke(5) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 3) + level(0) + zobj(0, "other", 3) + fparams(),
        invoke(6) + zobj(0) + zobj(0, "forged", 7) + zsize(),
        invoke(7) + zobj(0, "raw", 1 << 63 | 1) + zobj(0) + zsize(),
        invoke(6) + zobj(0, "guest") + zobj(0) + zsize(),
        invoke(12, safe=True) + custom_mem(),
        invoke(13, safe=True) + zobj(0) + zparam("compressionLevel", 6),
        invoke(14, safe=True) + zdict(0) + in_range(0) + in_range(2) +
        zobj(0) + custom_mem(),
        invoke(0, safe=True) + zdict(0) + in_range(0) + in_range(0) +
        level(1),
        invoke(1, safe=True) + zdict(0) + in_range(0) + in_range(0) +
        custom_mem(free=True),
        # A prefix, referenced for one frame, the guest's copy changed.
        invoke(15) + zobj(0) + zdict(1) + level(0) + in_range(0),
        poke(0, b"changed after refPrefix"),
        invoke(11) + zobj(0) + io(8192, 1024, 4096, 1024) +
        sample("start", 4) + level(0),
        invoke(15) + zobj(0) + zdict(bad="into unmapped", n=64) + level(0) +
        in_range(0),
    ],
    # libzstd's dictionary trainers, on small sample sets; sizes arrays the
    # HTL must refuse.
    "zstd_train": dlsyms("libzstd.so", [
        "ZDICT_trainFromBuffer_cover_HTL",
        "ZDICT_trainFromBuffer_fastCover_HTL",
        "ZDICT_optimizeTrainFromBuffer_cover_HTL",
        "ZDICT_optimizeTrainFromBuffer_fastCover_HTL",
        "ZDICT_trainFromBuffer_legacy_HTL", "ZDICT_finalizeDictionary_HTL",
        "ZDICT_addEntropyTablesFromBuffer_HTL", "ZDICT_trainFromBuffer_HTL",
        "ZSTD_createDDict_HTL"]) + [
        invoke(0, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) + cover(),
        invoke(1, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) +
        fast_cover(),
        invoke(2, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) +
        gstruct(24000) + cover(steps=2),
        invoke(3, safe=True) + io(0, 1024, 0, 1024) + zsamples(12) +
        gstruct(24000) + fast_cover(f=12, split=0.75),
        invoke(4, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) + u8(0) +
        zdict_zparams(),
        invoke(5, safe=True) + io(0, 1024, 0, 1024) + zdict(1, off=10000) +
        zsamples(16) + zdict_zparams(1, 0x1234),
        invoke(6, safe=True) + io(0, 1024, 0, 1024) + u8(0) +
        struct.pack("<H", 512) + zsamples(16),
        invoke(7, safe=True) + io(0, 1024, 0, 1024) + zsamples(4),
        invoke(8, safe=True) + zdict(mode="arena", off=0, half=1) +
        in_range(0) + in_range(0) + custom_mem(),
        # libzstd or the HTL must refuse: bad parameters, sizes unmapped,
        # summing past the guest's memory, overflowing; a count running
        # on through the arena.
        invoke(0, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) +
        cover(bad="k"),
        invoke(2, safe=True) + io(0, 1024, 0, 1024) + zsamples(16) +
        gstruct(bad="read-only") + cover(),
        invoke(0, safe=True) + io(0, 1024, 0, 1024) +
        zsamples(16, bad="unmapped") + cover(),
        invoke(1, safe=True) + io(0, 1024, 0, 1024) +
        zsamples(16, bad="past") + fast_cover(),
        invoke(4, safe=True) + io(0, 1024, 0, 1024) +
        zsamples(16, bad="overflow") + u8(0) + zdict_zparams(),
        invoke(5, safe=True) + io(0, 1024, 0, 1024) + zdict(1, off=10000) +
        zsamples(16, bad="count", count=3000) + zdict_zparams(),
    ],
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

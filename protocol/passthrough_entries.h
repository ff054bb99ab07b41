/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the GTL, the plugin and the HTL agree on about a library's host
 * entries and objects, whatever the library: how an entry is named, and
 * how a handle to a host object looks in guest memory.
 *
 * An HTL's entries are named after the function they serve: NAME_HTL, and
 * NAME_ga_HTL for the second entry of a call that may run an object's
 * guest allocator (protocol/passthrough_pause.h); ga_resume_HTL resumes a
 * paused one. The plugin refuses any other name.
 */
#ifndef PASSTHROUGH_ENTRIES_H
#define PASSTHROUGH_ENTRIES_H

/* A library's HTL file: its SONAME up to ".so", then this
 * ("libz.so.1" -> "libz_HTL.so"). */
#define PT_HTL_FILE_SUFFIX "_HTL.so"

#define PT_ENTRY_SUFFIX "_HTL"
#define PT_GA_ENTRY_SUFFIX "_ga" PT_ENTRY_SUFFIX
#define PT_GA_RESUME_ENTRY "ga_resume" PT_ENTRY_SUFFIX
#define PT_GA_SERVE_ENTRY "ga_serve" PT_ENTRY_SUFFIX

/* The same names as C identifiers, for the HTL's definitions. */
#define PT_ENTRY_SYMBOL(name) name##_HTL
#define PT_GA_ENTRY_SYMBOL(name) name##_ga_HTL
#define PT_GA_RESUME_SYMBOL ga_resume_HTL
#define PT_GA_SERVE_SYMBOL ga_serve_HTL

/*
 * A host object (a stream, a context) is named in guest memory by a
 * handle, where the library keeps its state pointer: an index and a
 * generation, with the top bit set, which no guest address has, so the
 * GTL tells a host object from a guest one with one load; the next bit
 * set if the object has the guest's own allocator (its calls that may
 * allocate take their NAME_ga_HTL entry).
 */
#define PT_HANDLE_BIT (1ULL << 63)
#define PT_HANDLE_GA_BIT (1ULL << 62)

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test program for the liblzma built from Debian's source: known
 * answers and round trips through the APIs a real user reaches (one-shot
 * buffers, streams, the .lzma and raw formats, filter chains, the
 * multithreaded encoder and decoder, the checks, the index). Prints the
 * library's version and "PASS" if every check held, else exits 1.
 *
 * Built twice: against liblzma.so.5 (//deps:guest_lzma), and with
 * PT_LZMA_FALLBACK against the fallback archive, whose functions it then
 * calls as fb_lzma_* (lzma_fallback_names.h renames them).
 *
 * usage: lzma_roundtrip [CORPUS OUT]
 *   also compresses the file CORPUS (preset 6, CRC64, one thread) into OUT,
 *   for the test script to compare with Debian's xz.
 */
#ifdef PT_LZMA_FALLBACK
#include "lzma_fallback_names.h"
#endif
#include <inttypes.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_data.h"

static int failures;

static void check_known_answers(void)
{
    static const uint8_t nine[] = "123456789";
    static const uint8_t empty_xz[] = {
        0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4,
        0x46, 0x00, 0x00, 0x00, 0x00, 0x1c, 0xdf, 0x44, 0x21, 0x1f, 0xb6,
        0xf3, 0x7d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x59, 0x5a,
    };
    uint8_t out[64];
    size_t in_pos = 0, out_pos = 0;
    uint64_t memlimit = UINT64_MAX;
    lzma_ret rc;

    CHECK(lzma_crc32(nine, 9, 0) == 0xcbf43926u, "crc32 %08" PRIx32,
          lzma_crc32(nine, 9, 0));
    CHECK(lzma_crc64(nine, 9, 0) == 0x995dc9bbdf1939faULL, "crc64 %016" PRIx64,
          lzma_crc64(nine, 9, 0));
    CHECK(lzma_version_number() == LZMA_VERSION,
          "library %" PRIu32 ", header %u", lzma_version_number(),
          (unsigned)LZMA_VERSION);
    CHECK(!strcmp(lzma_version_string(), LZMA_VERSION_STRING),
          "version string %s", lzma_version_string());
    for (lzma_check c = 0; c <= LZMA_CHECK_ID_MAX; c++) {
        int want = c == LZMA_CHECK_NONE || c == LZMA_CHECK_CRC32 ||
                   c == LZMA_CHECK_CRC64 || c == LZMA_CHECK_SHA256;
        CHECK(!!lzma_check_is_supported(c) == want, "check %d supported %d",
              (int)c, (int)lzma_check_is_supported(c));
    }
    CHECK(lzma_filter_encoder_is_supported(LZMA_FILTER_ARM64) &&
          lzma_filter_decoder_is_supported(LZMA_FILTER_DELTA) &&
          lzma_mf_is_supported(LZMA_MF_BT4) &&
          lzma_mf_is_supported(LZMA_MF_HC3),
          "filters or match finders missing");
    CHECK(lzma_cputhreads() >= 1, "lzma_cputhreads() %" PRIu32,
          lzma_cputhreads());
    CHECK(lzma_physmem() > 0, "lzma_physmem() 0");

    /* xz's own encoding of nothing, as `xz -c </dev/null` writes it. */
    rc = lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, NULL, 0, out,
                                 &out_pos, sizeof(out));
    CHECK(rc == LZMA_OK && out_pos == sizeof(empty_xz) &&
          !memcmp(out, empty_xz, sizeof(empty_xz)),
          "empty stream: rc %d, %zu bytes", (int)rc, out_pos);
    out_pos = 0;
    rc = lzma_stream_buffer_decode(&memlimit, 0, NULL, empty_xz, &in_pos,
                                   sizeof(empty_xz), out, &out_pos,
                                   sizeof(out));
    CHECK(rc == LZMA_OK && out_pos == 0 && in_pos == sizeof(empty_xz),
          "empty stream decode: rc %d", (int)rc);
}

/* One-shot buffers, each check type, and the auto decoder on the result. */
static void check_buffers(const uint8_t *src, size_t n, uint32_t preset,
                          lzma_check check, const char *what)
{
    size_t bound = lzma_stream_buffer_bound(n);
    uint8_t *comp = malloc(bound);
    uint8_t *back = malloc(n + 1);
    size_t clen = 0, in_pos = 0, blen = 0;
    uint64_t memlimit = UINT64_MAX;
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_ret rc;

    rc = lzma_easy_buffer_encode(preset, check, NULL, src, n, comp, &clen,
                                 bound);
    CHECK(rc == LZMA_OK, "%s preset %" PRIu32 ": encode rc %d", what,
          preset, (int)rc);
    rc = lzma_stream_buffer_decode(&memlimit, 0, NULL, comp, &in_pos, clen,
                                   back, &blen, n + 1);
    CHECK(rc == LZMA_OK && blen == n && in_pos == clen &&
          !memcmp(src, back, n),
          "%s preset %" PRIu32 " check %d: round trip rc %d len %zu", what,
          preset, (int)check, (int)rc, blen);

    /* The same bytes through lzma_auto_decoder and lzma_code. */
    rc = lzma_auto_decoder(&strm, UINT64_MAX, LZMA_CONCATENATED);
    CHECK(rc == LZMA_OK, "auto decoder rc %d", (int)rc);
    strm.next_in = comp;
    strm.avail_in = clen;
    strm.next_out = back;
    strm.avail_out = n + 1;
    rc = lzma_code(&strm, LZMA_FINISH);
    CHECK(rc == LZMA_STREAM_END && strm.total_out == n &&
          !memcmp(src, back, n) && lzma_get_check(&strm) == check,
          "%s: auto decoder rc %d, %" PRIu64 " bytes", what, (int)rc,
          strm.total_out);
    lzma_end(&strm);
    free(comp);
    free(back);
}

/*
 * Streams fed in uneven chunks, with LZMA_FULL_FLUSH midway: encoder and
 * decoder both made by init, the output read back by the other.
 */
static size_t code_chunks(lzma_stream *strm, const uint8_t *in, size_t n,
                          uint8_t *out, size_t cap, size_t chunk, int flush)
{
    size_t done = 0;
    int flushing = 0;
    lzma_ret rc = LZMA_OK;

    strm->next_out = out;
    strm->avail_out = cap;
    while (rc == LZMA_OK) {
        lzma_action action;

        if (strm->avail_in == 0 && !flushing && done < n) {
            size_t k = n - done < chunk ? n - done : chunk;
            strm->next_in = in + done;
            strm->avail_in = k;
            done += k;
            /* Once, with the chunk that crosses the middle. */
            flushing = flush && done >= n / 2 && done - k < n / 2;
        }
        action = flushing ? LZMA_FULL_FLUSH
                 : done == n ? LZMA_FINISH : LZMA_RUN;
        rc = lzma_code(strm, action);
        if (flushing && rc == LZMA_STREAM_END) {
            flushing = 0;
            rc = LZMA_OK;
        }
        if (strm->avail_out == 0) {
            break;
        }
    }
    CHECK(rc == LZMA_STREAM_END, "lzma_code rc %d", (int)rc);
    return cap - strm->avail_out;
}

static void check_streams(const uint8_t *src, size_t n)
{
    size_t cap = lzma_stream_buffer_bound(n);
    uint8_t *comp = malloc(cap);
    uint8_t *back = malloc(n + 1);
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_options_lzma lz;
    lzma_options_delta delta = { .type = LZMA_DELTA_TYPE_BYTE, .dist = 4 };
    lzma_filter chain[] = {
        { .id = LZMA_FILTER_X86, .options = NULL },
        { .id = LZMA_FILTER_DELTA, .options = &delta },
        { .id = LZMA_FILTER_LZMA2, .options = &lz },
        { .id = LZMA_VLI_UNKNOWN, .options = NULL },
    };
    size_t clen, blen;
    lzma_ret rc;

    /* .xz with a filter chain, SHA-256, in chunks and a full flush. */
    CHECK(!lzma_lzma_preset(&lz, 3), "lzma_lzma_preset");
    rc = lzma_stream_encoder(&strm, chain, LZMA_CHECK_SHA256);
    CHECK(rc == LZMA_OK, "stream encoder rc %d", (int)rc);
    clen = code_chunks(&strm, src, n, comp, cap, 7777, 1);
    lzma_end(&strm);
    rc = lzma_stream_decoder(&strm, UINT64_MAX, 0);
    CHECK(rc == LZMA_OK, "stream decoder rc %d", (int)rc);
    blen = code_chunks(&strm, comp, clen, back, n + 1, 3001, 0);
    CHECK(blen == n && !memcmp(src, back, n), "filter chain: %zu bytes back",
          blen);
    lzma_end(&strm);

    /* .lzma (LZMA1, "alone"). */
    rc = lzma_alone_encoder(&strm, &lz);
    CHECK(rc == LZMA_OK, "alone encoder rc %d", (int)rc);
    clen = code_chunks(&strm, src, n, comp, cap, 65536, 0);
    lzma_end(&strm);
    rc = lzma_alone_decoder(&strm, UINT64_MAX);
    CHECK(rc == LZMA_OK, "alone decoder rc %d", (int)rc);
    blen = code_chunks(&strm, comp, clen, back, n + 1, 4096, 0);
    CHECK(blen == n && !memcmp(src, back, n), ".lzma: %zu bytes back", blen);
    lzma_end(&strm);

    /* Raw LZMA2, through the one-shot raw coders. */
    chain[0] = chain[2];
    chain[1].id = LZMA_VLI_UNKNOWN;
    clen = 0;
    rc = lzma_raw_buffer_encode(chain, NULL, src, n, comp, &clen, cap);
    CHECK(rc == LZMA_OK, "raw encode rc %d", (int)rc);
    {
        size_t in_pos = 0;
        blen = 0;
        rc = lzma_raw_buffer_decode(chain, NULL, comp, &in_pos, clen, back,
                                    &blen, n + 1);
        CHECK(rc == LZMA_OK && blen == n && !memcmp(src, back, n),
              "raw round trip rc %d len %zu", (int)rc, blen);
    }
    free(comp);
    free(back);
}

/*
 * The multithreaded encoder (2 threads, small blocks, so several blocks
 * and an index), the multithreaded decoder, and the index read back.
 */
static void check_threads(const uint8_t *src, size_t n)
{
    size_t cap = lzma_stream_buffer_bound(n);
    uint8_t *comp = malloc(cap);
    uint8_t *back = malloc(n + 1);
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_mt mt = {
        .threads = 2, .block_size = 256 * 1024, .preset = 1,
        .check = LZMA_CHECK_CRC32, .timeout = 0,
        .memlimit_threading = UINT64_MAX, .memlimit_stop = UINT64_MAX,
    };
    lzma_index *index = NULL;
    uint64_t memlimit = UINT64_MAX;
    size_t clen, blen, in_pos = 0;
    lzma_ret rc;

    rc = lzma_stream_encoder_mt(&strm, &mt);
    CHECK(rc == LZMA_OK, "mt encoder rc %d", (int)rc);
    clen = code_chunks(&strm, src, n, comp, cap, 100000, 0);
    lzma_end(&strm);

    rc = lzma_stream_decoder_mt(&strm, &mt);
    CHECK(rc == LZMA_OK, "mt decoder rc %d", (int)rc);
    blen = code_chunks(&strm, comp, clen, back, n + 1, 50000, 0);
    CHECK(blen == n && !memcmp(src, back, n), "mt: %zu bytes back", blen);
    lzma_end(&strm);

    /* The index at the stream's end: one record per 256 KiB block. */
    {
        const uint8_t *end = comp + clen - LZMA_STREAM_HEADER_SIZE;
        lzma_stream_flags footer;
        size_t isize;

        rc = lzma_stream_footer_decode(&footer, end);
        CHECK(rc == LZMA_OK, "footer rc %d", (int)rc);
        isize = (size_t)footer.backward_size;
        rc = lzma_index_buffer_decode(&index, &memlimit, NULL, end - isize,
                                      &in_pos, isize);
        CHECK(rc == LZMA_OK, "index rc %d", (int)rc);
        if (rc == LZMA_OK) {
            CHECK(lzma_index_block_count(index) == (n + mt.block_size - 1) /
                  mt.block_size && lzma_index_uncompressed_size(index) == n,
                  "index: %" PRIu64 " blocks, %" PRIu64 " bytes",
                  (uint64_t)lzma_index_block_count(index),
                  (uint64_t)lzma_index_uncompressed_size(index));
            lzma_index_end(index, NULL);
        }
    }
    free(comp);
    free(back);
}

static void compress_file(const char *in_name, const char *out_name)
{
    FILE *in = fopen(in_name, "rb");
    FILE *out = fopen(out_name, "wb");
    uint8_t *src = NULL, *comp, *back;
    size_t n = 0, cap = 0, got, clen = 0, in_pos = 0, blen = 0;
    uint64_t memlimit = UINT64_MAX;
    lzma_ret rc;

    if (!in || !out) {
        printf("FAIL: cannot open %s or %s\n", in_name, out_name);
        exit(1);
    }
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 1 << 20;
            src = realloc(src, cap);
        }
        got = fread(src + n, 1, cap - n, in);
        n += got;
    } while (got > 0);
    fclose(in);
    comp = malloc(lzma_stream_buffer_bound(n));
    back = malloc(n + 1);
    rc = lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, src, n, comp,
                                 &clen, lzma_stream_buffer_bound(n));
    CHECK(rc == LZMA_OK, "%s: encode rc %d", in_name, (int)rc);
    rc = lzma_stream_buffer_decode(&memlimit, 0, NULL, comp, &in_pos, clen,
                                   back, &blen, n + 1);
    CHECK(rc == LZMA_OK && blen == n && !memcmp(src, back, n),
          "%s: round trip rc %d", in_name, (int)rc);
    CHECK(fwrite(comp, 1, clen, out) == clen && fclose(out) == 0,
          "%s: write failed", out_name);
    printf("%s: %zu bytes -> %zu\n", in_name, n, clen);
    free(src);
    free(comp);
    free(back);
}

int main(int argc, char **argv)
{
    enum { N = 1536 * 1024 };
    uint8_t *data = malloc(N);

    if (argc != 1 && argc != 3) {
        fprintf(stderr, "usage: lzma_roundtrip [CORPUS OUT]\n");
        return 2;
    }
    printf("liblzma %s\n", lzma_version_string());
    check_known_answers();

    /* Text, then random bytes (incompressible), then a mix. */
    fill_text(data, N);
    check_buffers(data, N, 0, LZMA_CHECK_CRC32, "text");
    check_buffers(data, N, 6, LZMA_CHECK_CRC64, "text");
    check_buffers(data, 100000, 2 | LZMA_PRESET_EXTREME, LZMA_CHECK_SHA256,
                  "text");
    check_buffers(data, 0, 6, LZMA_CHECK_NONE, "empty");
    fill_random(data, N, 42);
    check_buffers(data, N, 1, LZMA_CHECK_CRC64, "random");
    fill_text(data, N / 2);
    check_streams(data, N);
    check_threads(data, N);

    if (argc == 3) {
        compress_file(argv[1], argv[2]);
    }
    free(data);
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("PASS\n");
    return 0;
}

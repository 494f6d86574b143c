/* fuzz.h: what every fuzz target of tests/fuzz/ shares: the libFuzzer entry
 * points, and the property checks, which abort() so that libFuzzer (or the
 * replay driver under CTest) reports a violation like a crash. */
#ifndef TL_FUZZ_H
#define TL_FUZZ_H

#include "translit.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Prints what broke and the bytes involved, then aborts. */
static inline void fuzz_fail(const char *what, const char *a, size_t an,
                             const char *b, size_t bn) {
  fprintf(stderr, "PROPERTY VIOLATED: %s\n", what);
  if (a) {
    fprintf(stderr, "  first  (%zu bytes): ", an);
    fwrite(a, 1, an > 512 ? 512 : an, stderr);
    fputc('\n', stderr);
  }
  if (b) {
    fprintf(stderr, "  second (%zu bytes): ", bn);
    fwrite(b, 1, bn > 512 ? 512 : bn, stderr);
    fputc('\n', stderr);
  }
  abort();
}

/* A call that cannot fail for this input failed: name the status. */
static inline void fuzz_fail_status(const char *call, tl_status st,
                                    const tl_ctx *ctx) {
  fprintf(stderr, "UNEXPECTED FAILURE: %s: %s: %s\n", call, tl_status_name(st),
          ctx ? tl_ctx_message(ctx) : "");
  abort();
}

/* Strict UTF-8 (RFC 3629), written out here rather than taken from the
 * library, so that a bug in the library's own validator cannot hide one in
 * its output. */
static inline int fuzz_utf8_valid(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    uint32_t cp, min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n - i <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

/* The size of the k-th chunk when in[0..n) is fed to a stream from offset
 * i: 1..64 bytes, taken in turn from the input's own bytes, so that a
 * finding replays with the same cuts. */
static inline size_t fuzz_chunk(const char *in, size_t n, size_t i, size_t k) {
  size_t c = 1 + (unsigned char)in[k % n] % 64;
  return c < n - i ? c : n - i;
}

static inline void fuzz_check_utf8(const char *what, const char *s, size_t n) {
  if (!fuzz_utf8_valid(s, n))
    fuzz_fail(what, s, n, NULL, 0);
}

/* The output buffer promises a NUL after its data. */
static inline void fuzz_check_buf(const char *what, const tl_buf *b) {
  if (b->data && b->data[b->len] != '\0')
    fuzz_fail(what, b->data, b->len, NULL, 0);
  if (!b->data && b->len)
    fuzz_fail(what, NULL, 0, NULL, 0);
}

/* Is needle[0..nn) found in hay at or after *pos? Moves *pos past it. */
static inline int fuzz_find_from(const char *hay, size_t hn, size_t *pos,
                                 const char *needle, size_t nn) {
  if (nn == 0) return 1;
  for (size_t i = *pos; i + nn <= hn; i++)
    if (memcmp(hay + i, needle, nn) == 0) {
      *pos = i + nn;
      return 1;
    }
  return 0;
}

#endif

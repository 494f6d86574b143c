/* utf8.h: strict UTF-8 decoding and encoding (RFC 3629). Overlong forms,
 * surrogates, code points above U+10FFFF and stray continuation bytes are
 * invalid; a sequence cut by the end of a buffer is reported separately, so
 * that streams can wait for the next chunk. */
#ifndef TL_UTF8_H
#define TL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define TL__UTF8_INVALID 0xFFFFFFFFu   /* *cp after an invalid sequence */
#define TL__UTF8_TRUNCATED 0xFFFFFFFEu /* *cp when s ends mid-sequence */

/* Decodes the code point at s[0..n), n >= 1. Returns its length (1..4) and
 * sets *cp; or returns 1 with *cp = TL__UTF8_INVALID (skip one byte), or
 * returns n with *cp = TL__UTF8_TRUNCATED when the valid start of a sequence
 * runs past the end of the buffer. */
size_t tl__utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes cp (must be a valid scalar value) to out; returns 1..4. */
size_t tl__utf8_encode(uint32_t cp, char out[4]);

/* Returns 1 if s[0..n) is valid UTF-8; else 0 and *bad = offset of the first
 * invalid byte (a truncated final sequence counts as invalid). */
int tl__utf8_valid(const char *s, size_t n, size_t *bad);

/* Moves the 1-based *line and *column (in code points) over s[0..n): where
 * an error at s + n is, for the messages of every module. */
void tl__utf8_advance(size_t *line, size_t *column, const char *s, size_t n);

/* Length of the longest prefix of s[0..n) that does not end inside a
 * sequence that may still be completed by more bytes. */
size_t tl__utf8_complete_prefix(const char *s, size_t n);

/* Decodes the code point at s, which must be VALID UTF-8 (text that went
 * through tl__utf8_valid): no checks, for the hot loops of the engines.
 * Returns the sequence length. */
static inline size_t tl__utf8_next(const char *str, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (s[0] < 0xE0) {
    *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    return 2;
  }
  if (s[0] < 0xF0) {
    *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return 3;
  }
  *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
        ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
  return 4;
}

#endif

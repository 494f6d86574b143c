/* utf8.c: see utf8.h. Written for clarity first; the fast skip of plain
 * blocks in tl__utf8_valid keeps clean text cheap. */
#include "utf8.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

size_t tl__utf8_decode(const char *str, size_t n, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  unsigned char c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07, min = 0x10000;
  } else {
    *cp = TL__UTF8_INVALID;
    return 1;
  }
  for (size_t i = 1; i < len; i++) {
    if (i >= n) {
      *cp = TL__UTF8_TRUNCATED;
      return n;
    }
    if ((s[i] & 0xC0) != 0x80) {
      *cp = TL__UTF8_INVALID;
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3F);
    /* Reject overlong / surrogate / too large as early as the 2nd byte, so
     * that a truncated check above never accepts a bad prefix. */
    if (i == 1) {
      if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
          (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F)) {
        *cp = TL__UTF8_INVALID;
        return 1;
      }
    }
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    *cp = TL__UTF8_INVALID;
    return 1;
  }
  *cp = v;
  return len;
}

size_t tl__utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Skips the blocks of s[i..n) that hold only ASCII and complete two-byte
 * sequences (Cyrillic, Latin with diacritics: most of our text), 16 bytes
 * a step with SSE2 (8 at a time for plain ASCII without it). Returns a
 * position at the start of a sequence, where the strict check takes over. */
static size_t skip_simple(const unsigned char *s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i c0 = _mm_set1_epi8((char)0xC0), c1 = _mm_set1_epi8((char)0xC1),
                e0 = _mm_set1_epi8((char)0xE0);
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned hi = (unsigned)_mm_movemask_epi8(v);
    if (!hi) {
      i += 16;
      continue;
    }
    /* As signed bytes: continuations 0x80..0xBF are < (char)0xC0, two-byte
     * leads 0xC2..0xDF lie between (char)0xC1 and (char)0xE0. */
    unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, c0));
    unsigned lead = (unsigned)_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpgt_epi8(v, c1), _mm_cmplt_epi8(v, e0)));
    /* Any other byte (C0, C1, E0..FF) or a continuation without its lead
     * (bit 0 has no lead before it: i is at a sequence start). */
    if ((cont | lead) != hi || cont != ((lead << 1) & 0xFFFFu))
      break;
    i += (lead & 0x8000u) ? 15 : 16; /* a lead in the last byte: re-check */
  }
#else
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull)
      break;
    i += 8;
  }
#endif
  return i;
}

int tl__utf8_valid(const char *str, size_t n, size_t *bad) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    i = skip_simple(s, i, n);
    /* The strict check, sequence by sequence, for at least 16 bytes
     * (whatever stopped the fast skip is in there). */
    size_t stop = n - i > 16 ? i + 16 : n;
    while (i < stop) {
      unsigned char c = s[i];
      if (c < 0x80) {
        i++;
        continue;
      }
      uint32_t cp;
      size_t k = tl__utf8_decode(str + i, n - i, &cp);
      if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED) {
        if (bad)
          *bad = i;
        return 0;
      }
      i += k;
    }
  }
  return 1;
}

void tl__utf8_advance(size_t *line, size_t *column, const char *t, size_t n) {
  /* Line ends found with memchr, and only the last line's characters
   * counted: the streams carry their position over every byte they write. */
  if (!n)
    return;
  const char *p = t, *end = t + n, *last = NULL;
  while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    ++*line;
    last = ++p;
  }
  if (last) {
    *column = 1;
    t = last;
  }
  for (; t < end; t++)
    *column += ((unsigned char)*t & 0xC0) != 0x80;
}

size_t tl__utf8_complete_prefix(const char *s, size_t n) {
  /* Look back at most 3 bytes for the start of a sequence. */
  size_t start = n > 3 ? n - 3 : 0;
  for (size_t i = n; i > start;) {
    i--;
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) == 0x80)
      continue; /* continuation byte: keep looking for the lead */
    if (c < 0x80)
      return n;
    uint32_t cp;
    tl__utf8_decode(s + i, n - i, &cp);
    return cp == TL__UTF8_TRUNCATED ? i : n;
  }
  return n;
}

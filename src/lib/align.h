/* align.h: the internals of the aligner that the unit tests reach: how a
 * word becomes a comparison key (so that Малгинов, Malginov and Малгинова
 * meet), how a sentence becomes a set of keys, and the banded dynamic
 * program over two sequences. */
#ifndef TL_ALIGN_H
#define TL_ALIGN_H

#include "translit.h"

#include <stdint.h>

/* Folds one word to lower-case ASCII-like Latin: Cyrillic letters that the
 * converter left (or all of them when it is not available) by a fixed table,
 * apostrophes of oʻ/gʻ dropped, Latin diacritics stripped. Writes at most
 * cap-1 bytes and a NUL; returns the length. */
size_t tl__fold_word(const char *w, size_t n, char *out, size_t cap);

/* The consonant skeleton of a folded word, at most 4 letters ("malginov" ->
 * "mlgn", "parliament" -> "prlm"); returns its length (0: no key). */
size_t tl__word_skeleton(const char *fold, size_t n, char out[8]);

/* Key types (top two bits of a key). */
#ifndef TL__SKEL_LEN
#define TL__SKEL_LEN 4
#endif
#define TL__KEY_WORD 0u
#define TL__KEY_NUMBER 1u
#define TL__KEY_URL 2u /* URLs and quoted strings */
/* A spelling variant of a word (Macedonia with k, Rangers with j): it may
 * meet a word of the other side but is not content of its own, so the
 * aligner adds it to the side's expanded set only, as a word key. */
#define TL__KEY_VARIANT 3u

/* The keys of a text (already in Latin script where possible): sorted,
 * without duplicates, appended to a malloc'd array. Returns the count, or
 * (size_t)-1 when out of memory. With TL__KEYS_UZ the text is Uzbek and
 * each word's stem (suffixes stripped) is a key too. */
#define TL__KEYS_UZ 1u
size_t tl__text_keys(const char *s, size_t n, unsigned flags, uint32_t **keys);

/* Key type of a key. */
static inline unsigned tl__key_type(uint32_t k) { return k >> 30; }

/* A word-level diff of a (shown) against b: "same [-old-]{+new+} same".
 * Words are compared folded. Returns 1 if they differ, 0 if equal, -1 when
 * out of memory; the diff is appended to *out. */
int tl__word_diff(const char *a, size_t an, const char *b, size_t bn,
                  tl_buf *out);

#endif

/* normalize.h: internals of normalize.c shared with its tests and with the
 * speller (spell.c), which checks normalized text: the quick check that
 * lets clean text through, the character classes, and a map from the
 * normalized text back to the input. */
#ifndef TL_NORMALIZE_H
#define TL_NORMALIZE_H

#include "translit.h"
#include <stdint.h>

/* 1 if code point cp is unchanged by NFC (nfkc = 0) or NFKC (nfkc = 1) in
 * any context: it is normalized alone and nothing before it can combine
 * with it. A text made only of such code points is normalized. */
int tl__norm_stable(uint32_t cp, int nfkc);

/* 1 if c is one of the apostrophe spellings normalize reads (' ‘ ’ ` ʻ ʼ). */
int tl__norm_is_apostrophe(uint32_t c);

/* Where tl__normalize_mapped's output came from: anchors (out, in) of byte
 * offsets, out increasing; output byte o maps to in + (o - out) of the last
 * anchor with out <= o. Exact at every character boundary of the output
 * (what a word's start and end are); the end of the output maps to len. */
typedef struct tl__norm_map {
  size_t *v; /* out0, in0, out1, in1, ... */
  size_t n, cap; /* anchors */
} tl__norm_map;

/* tl_normalize, also filling *map (emptied first; NULL: none). */
tl_status tl__normalize_mapped(tl_ctx *ctx, const tl_normalize_options *opts,
                               const char *text, size_t len, tl_buf *out,
                               tl_change_fn report, void *user, tl__norm_map *map);

/* The input offset of output offset o (see tl__norm_map). */
size_t tl__norm_map_in(const tl__norm_map *map, size_t o);

void tl__norm_map_free(tl__norm_map *map);

#endif

/* normalize.h: internals of normalize.c shared with its tests: the quick
 * check that lets clean text through without normalizing it. */
#ifndef TL_NORMALIZE_H
#define TL_NORMALIZE_H

#include "translit.h"
#include <stdint.h>

/* 1 if code point cp is unchanged by NFC (nfkc = 0) or NFKC (nfkc = 1) in
 * any context: it is normalized alone and nothing before it can combine
 * with it. A text made only of such code points is normalized. */
int tl__norm_stable(uint32_t cp, int nfkc);

#endif

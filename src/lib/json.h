/* json.h: a small JSON scanner that finds the string values at given field
 * paths and rewrites only them, copying every other byte of the document
 * as it was (no DOM: a DOM library would reorder, reindent or re-escape). */
#ifndef TL_JSON_H
#define TL_JSON_H

#include "translit.h"

/* Field paths parsed once: "lead.text" -> {"lead", "text"}; "*" matches any
 * key; arrays are transparent (a path never names an index). */
typedef struct tl__json_paths tl__json_paths;

/* Parses n dotted paths (at most 64). TL_EINVAL with a message for an
 * empty path or component. *out is owned: tl__json_paths_free(). */
tl_status tl__json_paths_new(tl_ctx *ctx, const char *const *fields, size_t n,
                             tl__json_paths **out);
void tl__json_paths_free(tl__json_paths *p);

/* The core of tl_json_convert_fields with pre-parsed paths; norm (may be
 * NULL) normalizes each selected string before it is converted. The
 * document must be one JSON value with optional surrounding whitespace; on
 * failure nothing is appended to out and ctx names line:col and offset. */
tl_status tl__json_convert(tl_ctx *ctx, const tl_converter *cv,
                           const tl__json_paths *paths,
                           const tl_normalize_options *norm, const char *json,
                           size_t len, tl_buf *out);

#endif

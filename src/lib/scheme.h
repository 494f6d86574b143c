/* scheme.h: table-driven romanization of Russian (dictionaries/schemes/):
 * letter mappings, context rules (word start, after/before a letter, word
 * end), apostrophes, metadata; case handled for whole words (ALL CAPS, Title,
 * one-letter words and initials following their neighbours). */
#ifndef TL_SCHEME_H
#define TL_SCHEME_H

#include "convert.h"
#include "translit.h"

/* A compiled scheme; immutable once loaded, shared across threads. */
typedef struct tl__scheme tl__scheme;

/* Loads a built-in scheme by id or alias (case-insensitive). */
tl_status tl__scheme_load(tl_ctx *ctx, const char *name, tl__scheme **out);
/* Loads a scheme table from a file; errors name file:line. */
tl_status tl__scheme_load_file(tl_ctx *ctx, const char *path, tl__scheme **out);
/* Parses a scheme table held in memory; filename is used in messages. */
tl_status tl__scheme_parse(tl_ctx *ctx, const char *text, size_t len,
                           const char *filename, tl__scheme **out);
void tl__scheme_free(tl__scheme *sc);

/* Metadata (static or owned by sc). */
void tl__scheme_info(const tl__scheme *sc, tl_scheme_info *out);

/* Russian -> Latin (reverse = 0) or Latin -> Russian (reverse = 1, only for
 * reversible schemes: TL_EUNSUPPORTED otherwise). Output is NFC. */
tl_status tl__scheme_convert(const tl__scheme *sc, int reverse,
                             const tl__run *run, tl_buf *out);

#endif

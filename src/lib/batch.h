/* batch.h: internals of tl_batch_run that the unit tests reach: the content
 * checksum, encoding detection and decoding, the manifest line format and
 * the safety check of archive entry names. */
#ifndef TL_BATCH_H
#define TL_BATCH_H

#include "translit.h"

#include <stdint.h>

/* A fast 64-bit checksum of content (not cryptographic): it tells whether a
 * source or an output changed since the manifest was written. */
uint64_t tl__hash64(const void *data, size_t len, uint64_t seed);

/* Decodes a document to UTF-8. encoding NULL or "auto": a BOM says UTF-16;
 * valid UTF-8 is kept as is (*out untouched, *converted = 0); text that is
 * mostly broken UTF-8 fails with TL_EUTF8 at the first bad byte (unless
 * replace is set: then it is kept for U+FFFD replacement); other 8-bit text
 * is CP1251 or KOI8-R by its letter statistics; binary data fails with
 * TL_EENCODING. Otherwise encoding is an iconv name. *name is a static
 * string ("UTF-8", "CP1251", ...). When *converted is 1 the UTF-8 text was
 * appended to *out. */
tl_status tl__batch_decode(tl_ctx *ctx, const char *encoding, int replace,
                           const char *data, size_t len, tl_buf *out,
                           const char **name, int *converted);

/* One manifest record: a finished file. */
typedef struct tl__manifest_rec {
  unsigned long long src_size;
  long long src_mtime_ns;
  uint64_t src_hash;
  unsigned long long out_size;
  uint64_t out_hash;
  char action; /* 'c' converted, 'p' copied */
  char *path;  /* relative path, unescaped; owned by whoever parsed it */
} tl__manifest_rec;

/* Appends the record as one line ending in '\n' (path escaped). */
tl_status tl__manifest_format(tl_buf *out, const tl__manifest_rec *r);
/* Parses one line (without its '\n'); r->path is malloc'd. Returns 0 on a
 * malformed line. */
int tl__manifest_parse(const char *line, size_t len, tl__manifest_rec *r);

/* Turns an archive entry name into a safe relative path in place ("./a//b"
 * -> "a/b"). Returns 1 if it is one, 2 for the root itself ("./"), and 0
 * for a name that is absolute or climbs out with "..": never written. */
int tl__batch_safe_path(char *path);

#endif

/* uzbek.c: STUB, replaced by the engine. */
#include "uzbek.h"
#include "buf.h"
#include <stdlib.h>
struct tl__uz { int dummy; };
tl_status tl__uz_new(tl_ctx *ctx, const tl_convert_options *opts, tl__uz **out) {
  (void)ctx; (void)opts; *out = calloc(1, sizeof **out); return *out ? TL_OK : TL_ENOMEM; }
void tl__uz_free(tl__uz *uz) { free(uz); }
tl_status tl__uz_to_latin(const tl__uz *uz, const tl__run *run, tl_apostrophe apos, tl_buf *out) {
  (void)uz; (void)apos; return tl__buf_append(out, run->text, run->len); }
tl_status tl__uz_to_cyrillic(const tl__uz *uz, const tl__run *run, tl_buf *out) {
  (void)uz; return tl__buf_append(out, run->text, run->len); }
tl_status tl__uz_russian_to_cyrillic(const tl__run *run, tl_buf *out) {
  return tl__buf_append(out, run->text, run->len); }

/* scheme.c: STUB until the scheme engine lands. */
#include "scheme.h"
#include "error.h"

tl_status tl__scheme_load(tl_ctx *ctx, const char *name, tl__scheme **out) {
  *out = NULL;
  return tl__fail(ctx, TL_ENOTFOUND, TL_NO_OFFSET, "unknown scheme: %s", name);
}
tl_status tl__scheme_load_file(tl_ctx *ctx, const char *path, tl__scheme **out) {
  *out = NULL;
  return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot load schemes yet", path);
}
tl_status tl__scheme_parse(tl_ctx *ctx, const char *text, size_t len,
                           const char *filename, tl__scheme **out) {
  (void)text, (void)len;
  *out = NULL;
  return tl__fail(ctx, TL_ESYNTAX, TL_NO_OFFSET, "%s: not supported yet", filename);
}
void tl__scheme_free(tl__scheme *sc) { (void)sc; }
void tl__scheme_info(const tl__scheme *sc, tl_scheme_info *out) { (void)sc; (void)out; }
tl_status tl__scheme_convert(const tl__scheme *sc, int reverse,
                             const tl__run *run, tl_buf *out) {
  (void)sc, (void)reverse, (void)run, (void)out;
  return TL_EUNSUPPORTED;
}
size_t tl_scheme_count(void) { return 0; }
tl_status tl_scheme_info_at(tl_scheme_info *out, size_t i) { (void)out; (void)i; return TL_ENOTFOUND; }
tl_status tl_scheme_find(tl_scheme_info *out, const char *name) { (void)out; (void)name; return TL_ENOTFOUND; }

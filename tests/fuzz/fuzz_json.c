/* fuzz_json.c: the JSON field extraction of batch (tl_json_convert_fields)
 * with the paths "title", "lead.text", "*.caption" and "tags". Asserts: a
 * failure is TL_ESYNTAX, TL_EUTF8 or TL_ELIMIT and appends nothing; a
 * success on valid UTF-8 gives valid UTF-8; a document with none of the
 * field names is copied byte for byte; and converting the output again
 * (it is JSON) succeeds. */
#include "fuzz_convert.h"

static tl_converter *cv, *cv_replace;
static tl_ctx *ctx;
static const char *const fields[] = {"title", "lead.text", "*.caption", "tags"};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  cv = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL, 0);
  cv_replace = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL, TL_CONVERT_REPLACE);
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  return 0;
}

static int mentions_fields(const char *s, size_t n) {
  static const char *const names[] = {"title", "lead", "caption", "tags", "\\u", NULL};
  for (int i = 0; names[i]; i++) {
    size_t w = strlen(names[i]);
    for (size_t j = 0; j + w <= n; j++)
      if (memcmp(s + j, names[i], w) == 0) return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  const tl_converter *c = data[0] & 1 ? cv_replace : cv;
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  tl_buf out = TL_BUF_INIT, again = TL_BUF_INIT;
  /* Output is appended: start with something to see that it stays. */
  if (tl_buf_clear(&out), tl_convert(ctx, cv, "x", 1, &out, NULL, NULL) != TL_OK) abort();
  tl_status st = tl_json_convert_fields(ctx, c, in, n, fields, 4, &out);
  fuzz_check_buf("tl_json_convert_fields: buffer not NUL-terminated", &out);
  if (st != TL_OK) {
    if (st != TL_ESYNTAX && st != TL_EUTF8 && st != TL_ELIMIT)
      fuzz_fail_status("tl_json_convert_fields", st, ctx);
    if (out.len != 1) fuzz_fail("a failed call appended output", out.data, out.len, NULL, 0);
    tl_buf_free(&out);
    return 0;
  }
  const char *o = out.data + 1;
  size_t on = out.len - 1;
  if (fuzz_utf8_valid(in, n)) fuzz_check_utf8("JSON output is not valid UTF-8", o, on);
  if (!mentions_fields(in, n) && (on != n || memcmp(o, in, n)))
    fuzz_fail("a document without the fields was changed", in, n, o, on);
  st = tl_json_convert_fields(ctx, c, o, on, fields, 4, &again);
  if (st != TL_OK && !(st == TL_EUTF8 && !fuzz_utf8_valid(o, on)))
    fuzz_fail_status("the output is not JSON that converts again", st, ctx);
  tl_buf_free(&out);
  tl_buf_free(&again);
  return 0;
}

/* fuzz_uz_to_latin.c: Uzbek Cyrillic -> Latin conversion through the public
 * API (tl_convert and tl_stream). Asserts: valid UTF-8 in gives a success
 * and valid UTF-8 out, invalid UTF-8 gives TL_EUTF8 and no output (U+FFFD
 * with TL_CONVERT_REPLACE); streaming in any chunks gives the same bytes;
 * ASCII passes through unchanged (nothing in ASCII is Cyrillic); the
 * output is stable under Latin -> Cyrillic -> Latin when it is made of
 * Uzbek Latin letters (fuzz_is_uz_latin_text) and the engine made no guess
 * (no review note) on the way back to Cyrillic. */
#include "fuzz_convert.h"

static tl_converter *c2l, *c2l_replace, *l2c;
static tl_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  c2l = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL, 0);
  c2l_replace = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL,
                               TL_CONVERT_REPLACE);
  l2c = fuzz_converter(TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL, NULL, 0);
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!c2l) LLVMFuzzerInitialize(NULL, NULL);
  const char *in = (const char *)data;
  int valid = fuzz_utf8_valid(in, size);
  tl_buf lat = TL_BUF_INIT, streamed = TL_BUF_INIT, rep = TL_BUF_INIT;
  tl_buf cyr = TL_BUF_INIT, back = TL_BUF_INIT;

  tl_status st = fuzz_convert(ctx, c2l, in, size, &lat);
  if (!valid) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
  } else {
    if (st != TL_OK) fuzz_fail_status("tl_convert (uz-Cyrl -> uz-Latn)", st, ctx);
    fuzz_check_utf8("uz-Cyrl -> uz-Latn output is not valid UTF-8", lat.data, lat.len);
    if (fuzz_is_ascii(in, size) &&
        (lat.len != size || memcmp(lat.data ? lat.data : "", in, size) != 0))
      fuzz_fail("ASCII changed by uz-Cyrl -> uz-Latn", in, size, lat.data, lat.len);
  }

  /* The same text in small chunks gives the same result. */
  uint32_t seed = size ? data[0] * 2654435761u : 1;
  tl_status st2 = fuzz_convert_stream(ctx, c2l, in, size, seed, &streamed);
  if ((st2 == TL_OK) != (st == TL_OK))
    fuzz_fail_status("tl_stream status differs from tl_convert", st2, ctx);
  if (st == TL_OK && (streamed.len != lat.len ||
                      memcmp(streamed.data ? streamed.data : "",
                             lat.data ? lat.data : "", lat.len) != 0))
    fuzz_fail("streamed output differs from tl_convert", lat.data, lat.len,
              streamed.data, streamed.len);

  /* With replacement every input converts. */
  st = fuzz_convert(ctx, c2l_replace, in, size, &rep);
  if (st != TL_OK) fuzz_fail_status("tl_convert with TL_CONVERT_REPLACE", st, ctx);
  fuzz_check_utf8("replaced output is not valid UTF-8", rep.data, rep.len);

  /* Latin -> Cyrillic -> Latin on the conversion's own output. */
  if (valid && lat.len && fuzz_is_uz_latin_text(lat.data, lat.len)) {
    size_t guesses = 0;
    if ((st = fuzz_convert_notes(ctx, l2c, lat.data, lat.len, &cyr, &guesses)) != TL_OK)
      fuzz_fail_status("tl_convert (uz-Latn -> uz-Cyrl)", st, ctx);
    fuzz_check_utf8("uz-Latn -> uz-Cyrl output is not valid UTF-8", cyr.data, cyr.len);
    if ((st = fuzz_convert(ctx, c2l, cyr.data, cyr.len, &back)) != TL_OK)
      fuzz_fail_status("tl_convert (back to uz-Latn)", st, ctx);
    if (!guesses && (back.len != lat.len || memcmp(back.data, lat.data, lat.len) != 0))
      fuzz_fail("Latin -> Cyrillic -> Latin is not stable", lat.data, lat.len,
                back.data, back.len);
  }
  tl_buf_free(&lat);
  tl_buf_free(&streamed);
  tl_buf_free(&rep);
  tl_buf_free(&cyr);
  tl_buf_free(&back);
  return 0;
}

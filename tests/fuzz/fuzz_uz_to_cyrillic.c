/* fuzz_uz_to_cyrillic.c: Uzbek Latin -> Cyrillic conversion through the
 * public API. Asserts: valid UTF-8 in gives valid UTF-8 out, invalid UTF-8
 * gives TL_EUTF8; streaming in any chunks gives the same bytes; ASCII with
 * no letter passes through unchanged (ASCII letters ARE Uzbek Latin and are
 * converted); and Latin -> Cyrillic -> Latin is stable on Latin made by the
 * library: X is taken to Cyrillic and back to Latin (L), and L -> Cyrillic
 * -> Latin must give L when L is made of Uzbek Latin letters and the
 * engine made no guess (no review note) going to Cyrillic. */
#include "fuzz_convert.h"

static tl_converter *l2c, *c2l;
static tl_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  l2c = fuzz_converter(TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL, NULL, 0);
  c2l = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL, 0);
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!l2c) LLVMFuzzerInitialize(NULL, NULL);
  const char *in = (const char *)data;
  int valid = fuzz_utf8_valid(in, size);
  tl_buf cyr = TL_BUF_INIT, streamed = TL_BUF_INIT, lat = TL_BUF_INIT;
  tl_buf cyr2 = TL_BUF_INIT, lat2 = TL_BUF_INIT;

  tl_status st = fuzz_convert(ctx, l2c, in, size, &cyr);
  if (!valid) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
  } else {
    if (st != TL_OK) fuzz_fail_status("tl_convert (uz-Latn -> uz-Cyrl)", st, ctx);
    fuzz_check_utf8("uz-Latn -> uz-Cyrl output is not valid UTF-8", cyr.data, cyr.len);
    if (fuzz_is_ascii(in, size) && !fuzz_has_ascii_letter(in, size) &&
        (cyr.len != size || memcmp(cyr.data ? cyr.data : "", in, size) != 0))
      fuzz_fail("ASCII without letters changed by uz-Latn -> uz-Cyrl", in, size,
                cyr.data, cyr.len);
  }

  uint32_t seed = size ? data[size - 1] * 2246822519u : 7;
  tl_status st2 = fuzz_convert_stream(ctx, l2c, in, size, seed, &streamed);
  if ((st2 == TL_OK) != (st == TL_OK))
    fuzz_fail_status("tl_stream status differs from tl_convert", st2, ctx);
  if (st == TL_OK && (streamed.len != cyr.len ||
                      memcmp(streamed.data ? streamed.data : "",
                             cyr.data ? cyr.data : "", cyr.len) != 0))
    fuzz_fail("streamed output differs from tl_convert", cyr.data, cyr.len,
              streamed.data, streamed.len);

  if (valid && cyr.len) {
    if ((st = fuzz_convert(ctx, c2l, cyr.data, cyr.len, &lat)) != TL_OK)
      fuzz_fail_status("tl_convert (uz-Cyrl -> uz-Latn)", st, ctx);
    fuzz_check_utf8("uz-Cyrl -> uz-Latn output is not valid UTF-8", lat.data, lat.len);
    if (lat.len && fuzz_is_uz_latin_text(lat.data, lat.len)) {
      size_t guesses = 0;
      if ((st = fuzz_convert_notes(ctx, l2c, lat.data, lat.len, &cyr2, &guesses)) != TL_OK)
        fuzz_fail_status("tl_convert (uz-Latn -> uz-Cyrl, 2)", st, ctx);
      if ((st = fuzz_convert(ctx, c2l, cyr2.data, cyr2.len, &lat2)) != TL_OK)
        fuzz_fail_status("tl_convert (uz-Cyrl -> uz-Latn, 2)", st, ctx);
      if (!guesses && (lat2.len != lat.len || memcmp(lat2.data, lat.data, lat.len) != 0))
        fuzz_fail("Latin -> Cyrillic -> Latin is not stable", lat.data, lat.len,
                  lat2.data, lat2.len);
    }
  }
  tl_buf_free(&cyr);
  tl_buf_free(&streamed);
  tl_buf_free(&lat);
  tl_buf_free(&cyr2);
  tl_buf_free(&lat2);
  return 0;
}

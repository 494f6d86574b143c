/* fuzz_scheme_file.c: the scheme-file parser (tl__scheme_parse, what
 * --scheme-file and dictionaries/schemes/ go through). Asserts: a failure
 * is TL_ESYNTAX, TL_EUTF8 or TL_ELIMIT with a message naming the file, and
 * returns no scheme; a scheme that parses converts a Russian sample (and,
 * if it says it is reversible, a Latin one back) to valid UTF-8. */
#include "fuzz.h"
#include "scheme.h"

static tl_ctx *ctx;

static const char ru_sample[] =
    "Съешь же ещё этих мягких французских булок, да выпей чаю. ЩУКА Ёж Й "
    "объявление, Мария-Луиза, в 1999 г. и т. д. ВЪЕЗД Ья ЫЫЫ эЮя";
static const char latin_sample[] =
    "S\xCA\xBA" "e\xC5\xA1' \xC5\xBE" "e e\xC5\x9Di\xC3\xAB \xC3\xA8tih "
    "Shchuka, ZHUK yo Yo ja Ja ts' c' \xC3\xA2 \xC3\xBB ``q''";

static void convert_sample(const tl__scheme *sc, int reverse, const char *s, size_t n) {
  tl_buf out = TL_BUF_INIT;
  tl__run run = {s, n, 0, 1, 1, NULL, NULL, NULL};
  tl_status st = tl__scheme_convert(sc, reverse, &run, &out);
  if (st != TL_OK) fuzz_fail_status("tl__scheme_convert of a parsed scheme", st, NULL);
  fuzz_check_utf8("scheme output is not valid UTF-8", out.data, out.len);
  tl_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx && tl_ctx_new(&ctx) != TL_OK) abort();
  tl__scheme *sc = NULL;
  tl_status st = tl__scheme_parse(ctx, (const char *)data, size, "fuzz.txt", &sc);
  if (st != TL_OK) {
    if (st != TL_ESYNTAX && st != TL_EUTF8 && st != TL_ELIMIT)
      fuzz_fail_status("tl__scheme_parse", st, ctx);
    if (sc) fuzz_fail("a failed parse returned a scheme", NULL, 0, NULL, 0);
    if (!strstr(tl_ctx_message(ctx), "fuzz.txt"))
      fuzz_fail("the message does not name the file", tl_ctx_message(ctx),
                strlen(tl_ctx_message(ctx)), NULL, 0);
    return 0;
  }
  tl_scheme_info info;
  tl__scheme_info(sc, &info);
  if (!info.id) fuzz_fail("a parsed scheme has no id", NULL, 0, NULL, 0);
  convert_sample(sc, 0, ru_sample, sizeof ru_sample - 1);
  convert_sample(sc, 0, (const char *)data, fuzz_utf8_valid((const char *)data, size) ? size : 0);
  if (info.reversible) convert_sample(sc, 1, latin_sample, sizeof latin_sample - 1);
  tl__scheme_free(sc);
  return 0;
}

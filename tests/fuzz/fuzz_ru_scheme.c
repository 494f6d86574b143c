/* fuzz_ru_scheme.c: Russian romanization through the public API, under
 * gost_779 (ISO 9, reversible), icao_doc_9303 and wikipedia (the first byte
 * picks one; the rest is the text). Asserts: valid UTF-8 in gives valid
 * UTF-8 out (TL_EUTF8 otherwise); streaming gives the same bytes; ASCII
 * passes through unchanged (nothing in it is Cyrillic); and under gost_779,
 * ru -> ru-Latn -> ru gives the input back for text made of Russian letters,
 * spaces, line ends, digits and . , ; : ! ? - (the scheme is one-to-one). */
#include "fuzz_convert.h"

static const char *const schemes[] = {"gost_779", "icao_doc_9303", "wikipedia"};
#define N_SCHEMES (sizeof schemes / sizeof *schemes)
static tl_converter *fwd[N_SCHEMES], *gost_back;
static tl_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  for (size_t i = 0; i < N_SCHEMES; i++)
    fwd[i] = fuzz_converter(TL_LANG_RU, TL_LANG_RU_LATN, schemes[i], 0);
  gost_back = fuzz_converter(TL_LANG_RU_LATN, TL_LANG_RU, "gost_779", 0);
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  return 0;
}

/* Russian letters А-я, Ё ё, and the ASCII that the scheme leaves alone,
 * each word in lower case, Title case or ALL CAPS. In Title case and ALL
 * CAPS a word needs two letters besides ъ ь: their Latin ʺ ʹ have no case,
 * so "Съ" -> "Sʺ" reads back by the rule for one-letter words ("СЪ"),
 * and a word may not start with ъ ь (none does; "Ъъеш" -> "ʺʺeš" -> "ъъеш"). */
static int is_russian_text(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t letters = 0, uppers = 0, signs = 0;
  int first_upper = 0;
  for (size_t i = 0; i <= n; i++) {
    unsigned c = i < n ? s[i] : ' ';
    if (i + 1 < n) {
      unsigned cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      if ((c == 0xD0 || c == 0xD1) && (s[i + 1] & 0xC0) == 0x80 &&
          ((cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451)) {
        int upper = cp < 0x430 || cp == 0x401;
        int sign = cp == 0x42A || cp == 0x42C || cp == 0x44A || cp == 0x44C;
        if (letters == 0 && sign) return 0; /* no word starts with ъ ь */
        if (letters++ == 0) first_upper = upper;
        uppers += upper;
        signs += cp == 0x42A || cp == 0x42C || cp == 0x44A || cp == 0x44C;
        i++;
        continue;
      }
    }
    /* A dot between letters or digits makes the Latin look like a site
     * name (Ол.лв -> Ol.lv, 0.гг -> 0.gg), which the markup scanner rightly
     * keeps as it is. */
    if (c == '.' && i + 1 < n && s[i + 1] >= 0x80 &&
        (letters || (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')))
      return 0;
    if ((c >= '0' && c <= '9') || (c && strchr(" \n.,;:!?-", (int)c))) {
      int title = uppers == 1 && first_upper, caps = uppers == letters;
      if (uppers && !title && !caps) return 0;
      if (uppers && letters - signs < 2 && !(letters == 1 && !signs)) return 0;
      letters = uppers = signs = 0;
      continue;
    }
    return 0;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!gost_back) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  size_t which = data[0] % N_SCHEMES;
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  int valid = fuzz_utf8_valid(in, n);
  tl_buf lat = TL_BUF_INIT, streamed = TL_BUF_INIT, back = TL_BUF_INIT;

  tl_status st = fuzz_convert(ctx, fwd[which], in, n, &lat);
  if (!valid) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
  } else {
    if (st != TL_OK) fuzz_fail_status("tl_convert (ru -> ru-Latn)", st, ctx);
    fuzz_check_utf8("ru -> ru-Latn output is not valid UTF-8", lat.data, lat.len);
    if (fuzz_is_ascii(in, n) &&
        (lat.len != n || memcmp(lat.data ? lat.data : "", in, n) != 0))
      fuzz_fail("ASCII changed by ru -> ru-Latn", in, n, lat.data, lat.len);
  }

  tl_status st2 = fuzz_convert_stream(ctx, fwd[which], in, n, data[0] * 40503u, &streamed);
  if ((st2 == TL_OK) != (st == TL_OK))
    fuzz_fail_status("tl_stream status differs from tl_convert", st2, ctx);
  if (st == TL_OK && (streamed.len != lat.len ||
                      memcmp(streamed.data ? streamed.data : "",
                             lat.data ? lat.data : "", lat.len) != 0))
    fuzz_fail("streamed output differs from tl_convert", lat.data, lat.len,
              streamed.data, streamed.len);

  if (valid && which == 0) {
    /* The reverse direction must take any Latin text, ours or not. */
    tl_buf any = TL_BUF_INIT;
    if ((st = fuzz_convert(ctx, gost_back, in, n, &any)) != TL_OK)
      fuzz_fail_status("tl_convert (ru-Latn -> ru)", st, ctx);
    fuzz_check_utf8("ru-Latn -> ru output is not valid UTF-8", any.data, any.len);
    tl_buf_free(&any);
    if (is_russian_text(in, n)) {
      if ((st = fuzz_convert(ctx, gost_back, lat.data, lat.len, &back)) != TL_OK)
        fuzz_fail_status("tl_convert (back to ru)", st, ctx);
      if (back.len != n || memcmp(back.data ? back.data : "", in, n) != 0)
        fuzz_fail("gost_779 ru -> ru-Latn -> ru is not the input", in, n,
                  back.data, back.len);
    }
  }
  tl_buf_free(&lat);
  tl_buf_free(&streamed);
  tl_buf_free(&back);
  return 0;
}

/* fuzz_markup.c: the HTML and Markdown modes of tl_convert (bit 0 of the
 * first byte picks the mode, bit 1 the direction: uz-Latn -> uz-Cyrl, which
 * would turn any ASCII tag it wrongly took for text into Cyrillic, or
 * uz-Cyrl -> uz-Latn). Asserts: valid UTF-8 out; streaming gives the same
 * bytes in HTML mode (Markdown may differ only on lines over 64 KB); every
 * span the markup scanner keeps comes out byte-identical and in order; and,
 * checked without the scanner, every simple tag (<b>, </p>, <h1>: a name
 * and no attributes) comes out byte-identical, in order, when the input has
 * no construct that can make "<b>" text or part of another tag (comments,
 * attribute values: alt=<b> is alt text; quotes, backslash and backtick
 * escapes, raw-text and RCDATA elements). */
#include "fuzz_convert.h"
#include "markup.h"

#include <ctype.h>
#include <strings.h>

static tl_converter *cv[2][2]; /* [markdown][to_cyrillic] */
static tl_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  for (int md = 0; md < 2; md++) {
    unsigned flags = md ? TL_CONVERT_MARKDOWN : TL_CONVERT_HTML;
    cv[md][0] = fuzz_converter(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, NULL, flags);
    cv[md][1] = fuzz_converter(TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL, NULL, flags);
  }
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  return 0;
}

/* The kept spans of the scanner, checked against the output in order. */
typedef struct kept {
  const char *out;
  size_t out_len, pos;
} kept;

static tl_status on_span(void *user, const char *s, size_t n, int convert) {
  kept *k = user;
  if (!convert && !fuzz_find_from(k->out, k->out_len, &k->pos, s, n))
    fuzz_fail("a kept span is missing from the output", s, n, k->out, k->out_len);
  return TL_OK;
}

static int contains_ci(const char *s, size_t n, const char *word) {
  size_t w = strlen(word);
  for (size_t i = 0; i + w <= n; i++)
    if (strncasecmp(s + i, word, w) == 0) return 1;
  return 0;
}

/* Can "<b>" in this input be anything but a tag? */
static int tags_are_plain(const char *s, size_t n) {
  static const char *const raw[] = {"script", "style", "textarea", "title",
                                    "xmp", "plaintext", "iframe", "noembed",
                                    "noframes", "noscript", "<!", "<?", NULL};
  for (size_t i = 0; i < n; i++)
    if (s[i] == '"' || s[i] == '\'' || s[i] == '\\' || s[i] == '`' || s[i] == '=' ||
        s[i] == 0)
      return 0;
  for (int i = 0; raw[i]; i++)
    if (contains_ci(s, n, raw[i])) return 0;
  return 1;
}

static void check_simple_tags(const char *in, size_t n, const tl_buf *out) {
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    if (in[i] != '<') continue;
    size_t j = i + 1;
    if (j < n && in[j] == '/') j++;
    if (j >= n || !isalpha((unsigned char)in[j])) continue;
    while (j < n && isalnum((unsigned char)in[j])) j++;
    if (j >= n || in[j] != '>') continue;
    if (!fuzz_find_from(out->data, out->len, &pos, in + i, j + 1 - i))
      fuzz_fail("a tag is not byte-identical in the output", in + i, j + 1 - i,
                out->data, out->len);
    i = j;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  int md = data[0] & 1, to_cyr = (data[0] >> 1) & 1;
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  int valid = fuzz_utf8_valid(in, n);
  tl_buf out = TL_BUF_INIT, streamed = TL_BUF_INIT;

  tl_status st = fuzz_convert(ctx, cv[md][to_cyr], in, n, &out);
  if (!valid) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
    tl_buf_free(&out);
    return 0;
  }
  if (st != TL_OK) fuzz_fail_status("tl_convert (markup)", st, ctx);
  fuzz_check_utf8("markup output is not valid UTF-8", out.data, out.len);

  if (!md) {
    st = fuzz_convert_stream(ctx, cv[md][to_cyr], in, n, data[0] * 69069u, &streamed);
    if (st != TL_OK) fuzz_fail_status("tl_stream (markup)", st, ctx);
    if (streamed.len != out.len ||
        memcmp(streamed.data ? streamed.data : "", out.data ? out.data : "", out.len))
      fuzz_fail("streamed HTML output differs from tl_convert", out.data, out.len,
                streamed.data, streamed.len);
  }

  tl__markup m;
  tl__markup_init(&m, md ? TL__MARKUP_MARKDOWN : TL__MARKUP_HTML);
  kept k = {out.data ? out.data : "", out.len, 0};
  if (tl__markup_scan(&m, in, n, on_span, &k) != TL_OK) abort();

  if (tags_are_plain(in, n)) check_simple_tags(in, n, &out);
  tl_buf_free(&out);
  tl_buf_free(&streamed);
  return 0;
}

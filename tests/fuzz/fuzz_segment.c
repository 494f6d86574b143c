/* fuzz_segment.c: the sentence segmenter of the aligner (tl__doc_build, an
 * internal parser: markup reduced to text, paragraphs, ICU sentences and
 * the abbreviation lists). The first byte picks the mode (plain, HTML,
 * Markdown, one sentence a line) and the language's abbreviations. Asserts:
 * valid UTF-8 in gives a success (TL_EUTF8 otherwise); sentences are in
 * order, inside the cleaned text, non-empty, on one line, trimmed and valid
 * UTF-8; paragraph numbers never go back, skip none, and every paragraph has
 * a sentence. */
#include "fuzz.h"
#include "segment.h"

static tl_ctx *ctx;
static tl__abbrevs *ab[4];
static const tl_lang langs[4] = {TL_LANG_UZ_LATN, TL_LANG_RU, TL_LANG_EN,
                                 TL_LANG_UNKNOWN};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  for (int i = 0; i < 4; i++)
    if (tl__abbrevs_load(ctx, langs[i], &ab[i]) != TL_OK)
      fuzz_fail_status("tl__abbrevs_load", tl_ctx_status(ctx), ctx);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  static const unsigned modes[4] = {TL__SEG_PLAIN, TL__SEG_HTML,
                                    TL__SEG_MARKDOWN, TL__SEG_SEGMENTED};
  unsigned mode = modes[data[0] & 3];
  const tl__abbrevs *a = ab[(data[0] >> 2) & 3];
  const char *in = (const char *)data + 1;
  size_t n = size - 1;

  tl__doc d;
  memset(&d, 0, sizeof d);
  tl_status st = tl__doc_build(ctx, in, n, mode, a, &d);
  if (!fuzz_utf8_valid(in, n)) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
    tl__doc_free(&d);
    return 0;
  }
  if (st != TL_OK) fuzz_fail_status("tl__doc_build", st, ctx);
  size_t end = 0, para = 0;
  for (size_t i = 0; i < d.n; i++) {
    const tl__sent *s = &d.sents[i];
    if (s->off < end || s->len == 0 || s->off + s->len > d.len)
      fuzz_fail("a sentence is out of order, empty or outside the text",
                d.text, d.len, NULL, 0);
    const char *t = d.text + s->off;
    fuzz_check_utf8("a sentence is not valid UTF-8", t, s->len);
    if (memchr(t, '\n', s->len) || t[0] == ' ' || t[s->len - 1] == ' ')
      fuzz_fail("a sentence spans lines or is not trimmed", t, s->len, NULL, 0);
    if (s->para != para && s->para != para + 1 && !(i == 0 && s->para == 0))
      fuzz_fail("paragraph numbers jump", t, s->len, NULL, 0);
    if (i == 0 && s->para != 0) fuzz_fail("first sentence not in paragraph 0", t, s->len, NULL, 0);
    para = s->para;
    end = s->off + s->len;
  }
  if ((d.n == 0 && d.npara != 0) || (d.n && d.npara != para + 1))
    fuzz_fail("npara does not match the sentences", d.text, d.len, NULL, 0);
  tl__doc_free(&d);
  return 0;
}

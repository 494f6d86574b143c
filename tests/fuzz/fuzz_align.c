/* fuzz_align.c: the aligner through the public API (tl_align and
 * tl_alignment_write). The first byte gives the flags (plain, HTML,
 * Markdown, one sentence a line) and languages; the rest is side A, a NUL
 * byte, side B. Asserts: valid UTF-8 gives a success (TL_EUTF8 otherwise);
 * every sentence of each side is in exactly one link, links in document
 * order, confidences in [0, 1]; each output format is valid UTF-8. */
#include "fuzz.h"

static tl_ctx *ctx;
static tl_aligner *al[8];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  static const unsigned flags[4] = {0, TL_ALIGN_HTML_A | TL_ALIGN_HTML_B,
                                    TL_ALIGN_MARKDOWN_A, TL_ALIGN_SEGMENTED};
  for (int i = 0; i < 8; i++) {
    tl_align_options o;
    tl_align_options_init(&o);
    o.flags = flags[i & 3];
    if (i & 4) { /* given languages: same language in two scripts */
      o.lang_a = TL_LANG_UZ_LATN;
      o.lang_b = TL_LANG_UZ_CYRL;
    }
    tl_status st = tl_aligner_new(ctx, &o, &al[i]);
    if (st != TL_OK) fuzz_fail_status("tl_aligner_new", st, ctx);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  const tl_aligner *a = al[data[0] & 7];
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  const char *nul = memchr(in, 0, n);
  size_t an = nul ? (size_t)(nul - in) : n;
  const char *b = nul ? nul + 1 : "";
  size_t bn = nul ? n - an - 1 : 0;

  tl_alignment *aln = NULL;
  tl_status st = tl_align(ctx, a, in, an, b, bn, &aln);
  if (!fuzz_utf8_valid(in, an) || !fuzz_utf8_valid(b, bn)) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
    if (aln) fuzz_fail("tl_align failed but returned an alignment", NULL, 0, NULL, 0);
    return 0;
  }
  if (st != TL_OK) fuzz_fail_status("tl_align", st, ctx);

  size_t count = 0;
  const tl_align_link *links = tl_alignment_links(aln, &count);
  size_t na = tl_alignment_sentence_count(aln, 0), nb = tl_alignment_sentence_count(aln, 1);
  size_t next_a = 0, next_b = 0;
  for (size_t i = 0; i < count; i++) {
    const tl_align_link *l = &links[i];
    if ((l->a_count && l->a_first != next_a) || (l->b_count && l->b_first != next_b) ||
        (!l->a_count && !l->b_count) || !(l->confidence >= 0 && l->confidence <= 1))
      fuzz_fail("links do not cover the sentences in order", in, an, b, bn);
    next_a += l->a_count;
    next_b += l->b_count;
  }
  if (next_a != na || next_b != nb)
    fuzz_fail("some sentence is in no link", in, an, b, bn);
  for (int side = 0; side < 2; side++)
    for (size_t i = 0; i < (side ? nb : na); i++) {
      const char *t = NULL;
      size_t len = 0, para = 0;
      if (tl_alignment_sentence(aln, side, i, &t, &len, &para) != TL_OK)
        fuzz_fail("tl_alignment_sentence failed for a counted sentence", NULL, 0, NULL, 0);
      fuzz_check_utf8("a sentence is not valid UTF-8", t, len);
      if (para >= tl_alignment_paragraph_count(aln, side))
        fuzz_fail("a sentence's paragraph is out of range", t, len, NULL, 0);
    }
  for (int f = TL_ALIGN_TSV; f <= TL_ALIGN_HTML; f++) {
    tl_buf out = TL_BUF_INIT;
    st = tl_alignment_write(ctx, aln, (tl_align_format)f, (data[0] >> 3) & 1, &out);
    if (st != TL_OK) fuzz_fail_status("tl_alignment_write", st, ctx);
    fuzz_check_buf("tl_alignment_write: buffer not NUL-terminated", &out);
    fuzz_check_utf8("alignment output is not valid UTF-8", out.data, out.len);
    tl_buf_free(&out);
  }
  tl_alignment_free(aln);
  return 0;
}

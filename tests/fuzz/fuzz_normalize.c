/* fuzz_normalize.c: tl_normalize through the public API, with the flags
 * taken from the first two bytes. Asserts: valid UTF-8 in gives a success
 * and valid UTF-8 out; invalid UTF-8 gives TL_EUTF8 and no output, or, with
 * TL_NORM_REPLACE, a success whose output is valid UTF-8; every reported
 * change lies inside the input (the library does not promise their order:
 * the command sorts them), with a position and a valid 'after' string;
 * normalizing the output of valid input again (same options) changes
 * nothing; and the stream (tl_normalize_stream_*), fed the same input in
 * chunks whose sizes come from the input itself, gives the same status,
 * output and number of changes as the whole-text call. */
#include "fuzz.h"

static tl_ctx *ctx;

typedef struct changes {
  size_t len, count;
} changes;

static void on_change(void *user, const tl_change *c) {
  changes *ch = user;
  if (c->offset > ch->len)
    fuzz_fail("a change is outside the input", c->before,
              strlen(c->before), c->after, strlen(c->after));
  if (!c->kind || !c->line || !c->column) fuzz_fail("a change lacks its kind or position", NULL, 0, NULL, 0);
  fuzz_check_utf8("change: 'after' is not valid UTF-8", c->after, strlen(c->after));
  ch->count++;
}

static void count_change(void *user, const tl_change *c) {
  (void)c;
  ++*(size_t *)user;
}

/* The whole input through a stream, in chunks of 1..64 bytes taken in turn
 * from the input's own bytes; returns the status of the first failure. */
static tl_status stream_all(const tl_normalize_options *o, const char *in, size_t n,
                            tl_buf *out, size_t *count) {
  tl_normalize_stream *s = NULL;
  tl_status st = tl_normalize_stream_new(ctx, o, count_change, count, &s);
  for (size_t i = 0, k = 0; st == TL_OK && i < n; k++) {
    size_t c = fuzz_chunk(in, n, i, k);
    st = tl_normalize_stream_write(s, in + i, c, out);
    i += c;
  }
  if (st == TL_OK)
    st = tl_normalize_stream_finish(s, out);
  tl_normalize_stream_free(s);
  return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx && tl_ctx_new(&ctx) != TL_OK) abort();
  if (size < 2) return 0;
  tl_normalize_options o;
  tl_normalize_options_init(&o);
  o.flags = ((unsigned)data[0] | (unsigned)(data[1] & 3) << 8);
  o.apostrophe = (tl_apostrophe)((data[1] >> 2) % 3);
  static const tl_lang quote_langs[] = {TL_LANG_UNKNOWN, TL_LANG_UZ_LATN,
                                        TL_LANG_UZ_CYRL, TL_LANG_RU, TL_LANG_EN};
  o.quotes = quote_langs[(data[1] >> 4) % 5];
  const char *in = (const char *)data + 2;
  size_t n = size - 2;
  int valid = fuzz_utf8_valid(in, n);

  tl_buf out = TL_BUF_INIT, again = TL_BUF_INIT;
  changes ch = {n, 0};
  tl_status st = tl_normalize(ctx, &o, in, n, &out, on_change, &ch);
  fuzz_check_buf("tl_normalize: buffer not NUL-terminated", &out);
  if (!valid && !(o.flags & TL_NORM_REPLACE)) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
    if (out.len) fuzz_fail("tl_normalize failed but appended output", out.data, out.len, NULL, 0);
    tl_buf streamed = TL_BUF_INIT;
    size_t scount = 0;
    if (stream_all(&o, in, n, &streamed, &scount) != TL_EUTF8)
      fuzz_fail("the stream did not report the invalid UTF-8", NULL, 0, NULL, 0);
    tl_buf_free(&streamed);
    tl_buf_free(&out);
    return 0;
  }
  if (st != TL_OK) fuzz_fail_status("tl_normalize", st, ctx);
  fuzz_check_utf8("normalized output is not valid UTF-8", out.data, out.len);

  tl_buf streamed = TL_BUF_INIT;
  size_t scount = 0;
  tl_status ss = stream_all(&o, in, n, &streamed, &scount);
  if (ss != TL_OK) fuzz_fail_status("tl_normalize_stream", ss, ctx);
  if (streamed.len != out.len || memcmp(streamed.data ? streamed.data : "", out.data ? out.data : "", out.len))
    fuzz_fail("the stream's output differs from tl_normalize's", out.data, out.len,
              streamed.data, streamed.len);
  if (scount != ch.count)
    fuzz_fail("the stream reports another number of changes", NULL, 0, NULL, 0);
  tl_buf_free(&streamed);

  /* Idempotence is asked of valid input only: after TL_NORM_REPLACE the
   * second pass sees U+FFFD where the first saw a raw byte, and the word
   * rules (apostrophes) may then judge the word differently. */
  if (!valid) {
    tl_buf_free(&out);
    return 0;
  }
  st = tl_normalize(ctx, &o, out.data ? out.data : "", out.len, &again, NULL, NULL);
  if (st != TL_OK) fuzz_fail_status("tl_normalize (second pass)", st, ctx);
  if (again.len != out.len || memcmp(again.data ? again.data : "", out.data ? out.data : "", out.len))
    fuzz_fail("normalizing twice changes the text again", out.data, out.len,
              again.data, again.len);
  tl_buf_free(&out);
  tl_buf_free(&again);
  return 0;
}

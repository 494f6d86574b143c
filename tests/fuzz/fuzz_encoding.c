/* fuzz_encoding.c: encoding detection and decoding through the public API
 * (tl_encoding_detect, tl_encoding_bom_len, tl_decode, tl_encode). The
 * first byte picks an encoding to decode with besides the detected one.
 * Asserts: detection gives a known encoding and a confidence in [0, 1];
 * decoding succeeds with valid UTF-8 out or fails with TL_EENCODING/TL_EUTF8
 * and no output; with TL_DECODE_REPLACE it always succeeds; the decoder
 * stream (tl_decoder_*), fed the input in chunks whose sizes come from the
 * input, gives the same status and, on success, the same text (with the
 * encoding unknown it detects what tl_encoding_detect finds); and text that
 * encodes into a legacy Cyrillic code page decodes back to itself. */
#include "fuzz.h"

static tl_ctx *ctx;

/* tl_decoder_* over the whole input in chunks of 1..64 bytes (sizes taken
 * in turn from the input's bytes). */
static tl_status decode_stream(tl_encoding enc, unsigned flags, const char *in, size_t n,
                               tl_buf *out) {
  tl_decoder *d = NULL;
  tl_status st = tl_decoder_new(ctx, enc, flags, &d);
  for (size_t i = 0, k = 0; st == TL_OK && i < n; k++) {
    size_t c = fuzz_chunk(in, n, i, k);
    st = tl_decoder_write(d, in + i, c, out);
    i += c;
  }
  if (st == TL_OK)
    st = tl_decoder_finish(d, out);
  tl_decoder_free(d);
  return st;
}

/* The stream agrees with the whole-text result (status st, text whole). */
static void stream_agrees(tl_encoding enc, unsigned flags, const char *in, size_t n,
                          tl_status st, const tl_buf *whole) {
  tl_buf out = TL_BUF_INIT;
  tl_status ss = decode_stream(enc, flags, in, n, &out);
  if (ss != st) {
    fprintf(stderr, "encoding %d flags %u: whole %d, stream %d\n", (int)enc, flags, (int)st, (int)ss);
    fuzz_fail("the decoder stream's status differs from tl_decode's", in, n, NULL, 0);
  }
  if (st == TL_OK && (out.len != whole->len ||
                      memcmp(out.data ? out.data : "", whole->data ? whole->data : "", out.len)))
    fuzz_fail("the decoder stream's text differs from tl_decode's", whole->data, whole->len,
              out.data, out.len);
  tl_buf_free(&out);
}

static void decode_checked(tl_encoding enc, const char *in, size_t n) {
  tl_buf out = TL_BUF_INIT, rep = TL_BUF_INIT;
  size_t bom = tl_encoding_bom_len(enc, in, n);
  if (bom > n) fuzz_fail("BOM longer than the data", in, n, NULL, 0);
  tl_status st = tl_decode(ctx, NULL, enc, in, n, 0, &out);
  fuzz_check_buf("tl_decode: buffer not NUL-terminated", &out);
  if (st == TL_OK)
    fuzz_check_utf8("decoded text is not valid UTF-8", out.data, out.len);
  else if (st != TL_EENCODING && st != TL_EUTF8)
    fuzz_fail_status("tl_decode", st, ctx);
  else if (out.len)
    fuzz_fail("tl_decode failed but appended output", out.data, out.len, NULL, 0);
  if (enc == TL_ENC_UTF8 && (st == TL_OK) != fuzz_utf8_valid(in + bom, n - bom))
    fuzz_fail("UTF-8 decoding disagrees with strict UTF-8", in, n, NULL, 0);
  stream_agrees(enc, 0, in, n, st, &out);

  size_t replaced = 0;
  st = tl_decode(ctx, &replaced, enc, in, n, TL_DECODE_REPLACE, &rep);
  if (st != TL_OK) fuzz_fail_status("tl_decode with TL_DECODE_REPLACE", st, ctx);
  fuzz_check_utf8("decoded text (replace) is not valid UTF-8", rep.data, rep.len);
  if (replaced > n) fuzz_fail("more replacements than input bytes", in, n, NULL, 0);
  stream_agrees(enc, TL_DECODE_REPLACE, in, n, st, &rep);
  tl_buf_free(&out);
  tl_buf_free(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx && tl_ctx_new(&ctx) != TL_OK) abort();
  if (size == 0) return 0;
  tl_encoding pick = (tl_encoding)(1 + data[0] % TL_ENC_MACCYRILLIC);
  const char *in = (const char *)data + 1;
  size_t n = size - 1;

  tl_encoding enc = (tl_encoding)-1;
  double conf = -1;
  tl_encoding_detect(&enc, &conf, in, n);
  if (enc < TL_ENC_UTF8 || enc > TL_ENC_MACCYRILLIC || !(conf >= 0 && conf <= 1)) {
    fprintf(stderr, "detected %d with confidence %g\n", (int)enc, conf);
    fuzz_fail("tl_encoding_detect: bad result", in, n, NULL, 0);
  }
  decode_checked(enc, in, n);
  if (pick != enc) decode_checked(pick, in, n);
  {
    /* Left to detect, the stream decodes as the detected encoding does. */
    tl_buf whole = TL_BUF_INIT;
    tl_status st = tl_decode(ctx, NULL, enc, in, n, TL_DECODE_REPLACE, &whole);
    stream_agrees(TL_ENC_UNKNOWN, TL_DECODE_REPLACE, in, n, st, &whole);
    tl_buf_free(&whole);
  }

  /* Valid UTF-8 that a code page can represent survives the round trip. */
  if (pick >= TL_ENC_CP1251 && fuzz_utf8_valid(in, n)) {
    tl_buf enc_out = TL_BUF_INIT, back = TL_BUF_INIT;
    tl_status st = tl_encode(ctx, pick, in, n, &enc_out);
    if (st == TL_OK) {
      st = tl_decode(ctx, NULL, pick, enc_out.data ? enc_out.data : "", enc_out.len, 0, &back);
      if (st != TL_OK) fuzz_fail_status("tl_decode of tl_encode's output", st, ctx);
      if (back.len != n || memcmp(back.data ? back.data : "", in, n))
        fuzz_fail("encode then decode is not the identity", in, n, back.data, back.len);
    } else if (st != TL_EENCODING) {
      fuzz_fail_status("tl_encode", st, ctx);
    }
    tl_buf_free(&enc_out);
    tl_buf_free(&back);
  }
  return 0;
}

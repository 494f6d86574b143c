/* test_core.c: status table, context messages, buffers and UTF-8 decoding:
 * the contracts every other module relies on. */
#include "buf.h"
#include "check.h"
#include "error.h"
#include "translit.h"
#include "utf8.h"

static void test_status(void) {
  CHECK_STR("TL_OK", tl_status_name(TL_OK));
  CHECK_STR("TL_EUTF8", tl_status_name(TL_EUTF8));
  CHECK_STR("invalid UTF-8", tl_strerror(TL_EUTF8));
  CHECK_STR("TL_UNKNOWN", tl_status_name((tl_status)-999));
  CHECK_STR(TL_VERSION_STRING, tl_version());
}

static void test_ctx(void) {
  tl_ctx *ctx = NULL;
  CHECK_INT(TL_OK, tl_ctx_new(&ctx));
  CHECK_STR("", tl_ctx_message(ctx));
  CHECK_INT(TL_ENOTFOUND, tl__fail(ctx, TL_ENOTFOUND, 7, "no %s", "scheme"));
  CHECK_STR("no scheme", tl_ctx_message(ctx));
  CHECK_INT(7, tl_ctx_error_offset(ctx));
  CHECK_INT(TL_ENOTFOUND, tl_ctx_status(ctx));
  tl__ok(ctx);
  CHECK_STR("", tl_ctx_message(ctx));
  tl_ctx_free(ctx);
  tl_ctx_free(NULL);
}

static void test_buf(void) {
  tl_buf b = TL_BUF_INIT;
  for (int i = 0; i < 1000; i++)
    CHECK_INT(TL_OK, tl__buf_puts(&b, "ab"));
  CHECK_INT(2000, b.len);
  CHECK_INT(0, b.data[b.len]);
  tl_buf_clear(&b);
  CHECK_INT(TL_OK, tl__buf_put_cp(&b, 0x02BB));
  CHECK_STR("ʻ", b.data);
  tl_buf_free(&b);
  CHECK(b.data == NULL && b.len == 0);
  tl_buf_free(NULL);
}

static void test_utf8(void) {
  uint32_t cp;
  CHECK_INT(2, tl__utf8_decode("ў", 2, &cp));
  CHECK_INT(0x045E, cp);
  /* Overlong, surrogate, too large, stray continuation: invalid. */
  tl__utf8_decode("\xC0\xAF", 2, &cp);
  CHECK_INT(TL__UTF8_INVALID, cp);
  tl__utf8_decode("\xED\xA0\x80", 3, &cp);
  CHECK_INT(TL__UTF8_INVALID, cp);
  tl__utf8_decode("\xF4\x90\x80\x80", 4, &cp);
  CHECK_INT(TL__UTF8_INVALID, cp);
  tl__utf8_decode("\x80", 1, &cp);
  CHECK_INT(TL__UTF8_INVALID, cp);
  /* Truncated sequence at the end of a buffer. */
  tl__utf8_decode("\xD1", 1, &cp);
  CHECK_INT(TL__UTF8_TRUNCATED, cp);
  size_t bad = 0;
  CHECK(tl__utf8_valid("hello ўзбек", strlen("hello ўзбек"), &bad));
  CHECK(!tl__utf8_valid("abcdefghij\xFFz", 12, &bad));
  CHECK_INT(10, bad);
  CHECK_INT(3, tl__utf8_complete_prefix("abc\xD1", 4));
  CHECK_INT(5, tl__utf8_complete_prefix("abc\xD1\x9E", 5));
  CHECK_INT(4, tl__utf8_complete_prefix("abc\xFF", 4));
}

/* The strict decoder, sequence by sequence: what tl__utf8_valid must say. */
static int valid_slowly(const char *s, size_t n, size_t *bad) {
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = tl__utf8_decode(s + i, n - i, &cp);
    if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED) {
      *bad = i;
      return 0;
    }
    i += k;
  }
  return 1;
}

/* tl__utf8_valid skips blocks of ASCII and two-byte sequences in bulk: on
 * Cyrillic-like text with a rare bad or longer byte sequence anywhere
 * (block edges included), it must agree with the strict decoder. */
static void test_utf8_valid_agrees(void) {
  static const char *const pieces[] = {
      "a", " ", "\xD1\x9E", "\xD0\x9F", "\xC2\xAB", "\xE2\x80\x94", "\xF0\x9F\x98\x80",
      "\xD1", "\x80", "\xC0\xAF", "\xC1\x81", "\xED\xA0\x80", "\xFF", "\xDF\xBF"};
  unsigned seed = 12345;
  char text[200];
  for (int round = 0; round < 20000; round++) {
    size_t n = 0;
    while (n + 4 < sizeof text) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = (seed >> 16) % 10000;
      /* mostly letters and spaces, now and then something else */
      size_t p = r < 4500 ? 2 : r < 7000 ? 3 : r < 8500 ? 0 : r < 9900 ? 1
               : r < 9950 ? 4 : 5 + r % 9;
      size_t k = strlen(pieces[p]);
      memcpy(text + n, pieces[p], k);
      n += k;
    }
    seed = seed * 1103515245u + 12345u;
    size_t len = (seed >> 16) % (n + 1);
    size_t bad_fast = (size_t)-1, bad_slow = (size_t)-1;
    int fast = tl__utf8_valid(text, len, &bad_fast);
    int slow = valid_slowly(text, len, &bad_slow);
    if (fast != slow || (!fast && bad_fast != bad_slow)) {
      CHECK_INT(slow, fast);
      CHECK_INT(bad_slow, bad_fast);
      return;
    }
  }
}

int main(void) {
  test_status();
  test_ctx();
  test_buf();
  test_utf8();
  test_utf8_valid_agrees();
  return check_done();
}

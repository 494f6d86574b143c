/* test_stream.c: the conversion driver through the public API only: any
 * chunking gives the output of one tl_convert call; invalid UTF-8 is an
 * error at the right byte, line and column (or U+FFFD on request); empty
 * input, NUL bytes and a BOM inside the text pass; a 200 MB line streams in
 * bounded memory. */
#include "check.h"
#include "translit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static unsigned long long g_seed = 0x9E3779B97F4A7C15ull;
static size_t rnd(size_t n) {
  g_seed ^= g_seed << 13;
  g_seed ^= g_seed >> 7;
  g_seed ^= g_seed << 17;
  return (size_t)(g_seed % n);
}

static tl_converter *make(tl_ctx *ctx, tl_lang from, tl_lang to,
                          unsigned flags) {
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = from;
  o.to = to;
  o.flags = flags | TL_CONVERT_NO_SYSDICT;
  tl_converter *cv = NULL;
  tl_status st = tl_converter_new(ctx, &o, &cv);
  if (st)
    fprintf(stderr, "tl_converter_new: %s\n", tl_ctx_message(ctx));
  CHECK_INT(TL_OK, st);
  return cv;
}

/* Streams text in random chunks (sizes 1..maxchunk, so that characters
 * are split) into *out; returns the status of the first failing call. */
static tl_status stream_chunks(tl_ctx *ctx, const tl_converter *cv,
                               const char *text, size_t len, size_t maxchunk,
                               tl_buf *out) {
  tl_stream *s = NULL;
  tl_status st = tl_stream_new(ctx, cv, NULL, NULL, &s);
  if (st)
    return st;
  for (size_t i = 0; i < len && !st;) {
    size_t k = 1 + rnd(maxchunk);
    if (k > len - i)
      k = len - i;
    st = tl_stream_write(s, text + i, k, out);
    i += k;
  }
  if (!st)
    st = tl_stream_finish(s, out);
  tl_stream_free(s);
  return st;
}

static int same(const tl_buf *a, const tl_buf *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* A document with markup of every kind, Cyrillic and Latin, long and short
 * lines, so that the markup state crosses chunk and piece boundaries. */
static char *test_document(size_t *len) {
  size_t cap = 1 << 20, n = 0;
  char *d = malloc(cap);
  const char *sample_path = check_src_path("tests/data/sample/article.uz-Cyrl.txt");
  size_t sn = 0;
  char *sample = check_read_file(sample_path, &sn);
  CHECK(sample != NULL);
  const char *parts[] = {
      "<p class=\"lead\">Тошкент шаҳри, <b>Oʻzbekiston</b> &laquo;пойтахти&raquo;.</p>\n",
      "<img src=\"a.jpg\" alt=\"Тошкент шаҳри\"\n title='Шаҳар'>\n",
      "<pre>\nкод Тошкент\n</pre>\n<!-- изоҳ\nТошкент -->\n",
      "```\nТошкент `код`\n```\n\n    indented Тошкент\n\n",
      "[Тошкент](https://kun.uz/Тошкент \"Шаҳар\") `x` kun.uz @kun_uz #Тошкент\n",
      "Yangi yil, Toshkent shahri, oʻzbek tili, g‘alaba.\n",
      "Россия, Москва, щука, съезд, объект.\n"};
  for (int r = 0; r < 40; r++)
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
      size_t k = strlen(parts[i]);
      memcpy(d + n, parts[i], k);
      n += k;
    }
  if (sample && n + sn < cap) {
    memcpy(d + n, sample, sn);
    n += sn;
  }
  free(sample);
  d[n] = '\0';
  *len = n;
  return d;
}

/* Any chunking gives the output of one tl_convert call, in every
 * direction and markup mode. */
static void test_chunking(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  size_t n;
  char *doc = test_document(&n);
  static const struct {
    tl_lang from, to;
  } pairs[] = {{TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN},
               {TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL},
               {TL_LANG_UNKNOWN, TL_LANG_UZ_LATN},
               {TL_LANG_RU, TL_LANG_RU_LATN}};
  static const unsigned modes[] = {0, TL_CONVERT_HTML, TL_CONVERT_MARKDOWN};
  for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++)
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
      tl_converter *cv = make(ctx, pairs[p].from, pairs[p].to, modes[m]);
      if (!cv)
        continue;
      tl_buf whole = TL_BUF_INIT;
      CHECK_INT(TL_OK, tl_convert(ctx, cv, doc, n, &whole, NULL, NULL));
      CHECK(whole.len > 0);
      static const size_t maxchunks[] = {1, 3, 7, 64, 1000, 70000};
      for (size_t c = 0; c < sizeof maxchunks / sizeof *maxchunks; c++) {
        tl_buf got = TL_BUF_INIT;
        CHECK_INT(TL_OK, stream_chunks(ctx, cv, doc, n, maxchunks[c], &got));
        if (!same(&whole, &got)) {
          char what[96];
          snprintf(what, sizeof what, "pair %zu mode %zu chunks <= %zu", p, m,
                   maxchunks[c]);
          check_fail(__FILE__, __LINE__, what, "same as tl_convert", "differs");
        }
        check_count++;
        tl_buf_free(&got);
      }
      tl_buf_free(&whole);
      tl_converter_free(cv);
    }
  free(doc);
  tl_ctx_free(ctx);
}

/* Lines longer than the driver's piece size (cut at spaces) give the same
 * output streamed and whole. */
static void test_long_lines(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  const char *unit = "Тошкент шаҳри <b>катта</b> kun.uz ";
  size_t ul = strlen(unit), reps = 300000 / ul + 1, n = 0;
  char *doc = malloc(reps * ul * 2 + 8);
  for (int line = 0; line < 2; line++) {
    for (size_t r = 0; r < reps; r++, n += ul)
      memcpy(doc + n, unit, ul);
    doc[n++] = '\n';
  }
  for (unsigned mode = 0; mode <= TL_CONVERT_HTML; mode += TL_CONVERT_HTML) {
    tl_converter *cv = make(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, mode);
    tl_buf whole = TL_BUF_INIT, got = TL_BUF_INIT;
    CHECK_INT(TL_OK, tl_convert(ctx, cv, doc, n, &whole, NULL, NULL));
    CHECK_INT(TL_OK, stream_chunks(ctx, cv, doc, n, 5000, &got));
    CHECK(same(&whole, &got));
    tl_buf_free(&whole);
    tl_buf_free(&got);
    tl_converter_free(cv);
  }
  free(doc);
  tl_ctx_free(ctx);
}

typedef struct bad_case {
  const char *text;
  size_t len; /* 0 = strlen */
  size_t offset, line, column;
} bad_case;

static void check_error(tl_ctx *ctx, tl_status st, const bad_case *b, int i,
                        const char *how) {
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  char what[64];
  snprintf(what, sizeof what, "bad case %d (%s)", i, how);
  check_count++;
  if (st != TL_EUTF8 || tl_ctx_error_offset(ctx) != b->offset ||
      line != b->line || col != b->column) {
    char want[64], got[96];
    snprintf(want, sizeof want, "TL_EUTF8 at %zu, %zu:%zu", b->offset, b->line,
             b->column);
    snprintf(got, sizeof got, "%s at %zu, %zu:%zu (%s)", tl_status_name(st),
             tl_ctx_error_offset(ctx), line, col, tl_ctx_message(ctx));
    check_fail(__FILE__, __LINE__, what, want, got);
  }
}

/* Invalid UTF-8 fails with TL_EUTF8 at the first bad byte, whole or
 * streamed in any chunks; the message names the offset. */
static void test_invalid_utf8(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  static char longline[200010];
  for (size_t i = 0; i < 200000; i += 2)
    longline[i] = 'a', longline[i + 1] = ' ';
  longline[200000] = '\xff';
  const bad_case cases[] = {
      {"Ok line\nbad \xff byte\n", 0, 12, 2, 5},
      {"\xd0\xa2\xd0\xbe\xd1\x88\xc0\xaf", 0, 6, 1, 4}, /* overlong "/" */
      {"a\xe0\x80\xaf", 0, 1, 1, 2},                    /* overlong 3-byte */
      {"a\xed\xa0\x80z", 0, 1, 1, 2},                   /* surrogate D800 */
      {"ab\xf4\x90\x80\x80", 0, 2, 1, 3},               /* above U+10FFFF */
      {"abc\xd0", 0, 3, 1, 4},                          /* truncated at end */
      {"\x80x", 0, 0, 1, 1},                            /* stray continuation */
      {"x\n\n\xfe", 0, 3, 3, 1},
      {"\xd0\xa2\n\xd0", 0, 3, 2, 1},
      {"<p title=\"\xff\">", 0, 10, 1, 11},             /* inside markup */
      {longline, 200001, 200000, 1, 200001},
  };
  for (int i = 0; i < (int)(sizeof cases / sizeof *cases); i++) {
    const bad_case *b = &cases[i];
    size_t len = b->len ? b->len : strlen(b->text);
    for (unsigned mode = 0; mode <= TL_CONVERT_HTML; mode += TL_CONVERT_HTML) {
      tl_converter *cv = make(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, mode);
      tl_buf out = TL_BUF_INIT;
      check_error(ctx, tl_convert(ctx, cv, b->text, len, &out, NULL, NULL), b,
                  i, "tl_convert");
      CHECK(strstr(tl_ctx_message(ctx), "invalid UTF-8") != NULL);
      for (size_t c = 1; c <= 9; c += 4) {
        tl_buf_clear(&out);
        check_error(ctx, stream_chunks(ctx, cv, b->text, len, c, &out), b, i,
                    "stream");
      }
      tl_buf_free(&out);
      tl_converter_free(cv);
    }
  }
  tl_ctx_free(ctx);
}

/* A stream that failed stays failed: writing on after the error reports
 * the same failure, writes nothing and keeps nothing. */
static void test_sticky_failure(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  tl_converter *cv = make(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, 0);
  tl_stream *s = NULL;
  CHECK_INT(TL_OK, tl_stream_new(ctx, cv, NULL, NULL, &s));
  tl_buf out = TL_BUF_INIT;
  CHECK_INT(TL_EUTF8, tl_stream_write(s, "ok\nbad \xff\n", 9, &out));
  size_t len = out.len;
  static char more[1 << 16];
  memset(more, 'a', sizeof more);
  for (int i = 0; i < 100; i++)
    CHECK_INT(TL_EUTF8, tl_stream_write(s, more, sizeof more, &out));
  CHECK_INT(TL_EUTF8, tl_stream_finish(s, &out));
  CHECK_INT(len, out.len);
  CHECK_INT(7, tl_ctx_error_offset(ctx));
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(5, col);
  CHECK(strstr(tl_ctx_message(ctx), "byte offset 7") != NULL);
  tl_buf_free(&out);
  tl_stream_free(s);
  tl_converter_free(cv);
  tl_ctx_free(ctx);
}

/* TL_CONVERT_REPLACE writes one U+FFFD per invalid byte and keeps the rest,
 * whatever the chunking. */
static void test_replace(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  tl_converter *cv = make(ctx, TL_LANG_UZ_LATN, TL_LANG_UZ_LATN, TL_CONVERT_REPLACE);
  static const struct {
    const char *in, *want;
  } cases[] = {
      {"a\xff" "b", "a\xef\xbf\xbd" "b"},
      {"\xc0\xaf.", "\xef\xbf\xbd\xef\xbf\xbd."},
      {"x\xed\xa0\x80y", "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy"},
      {"end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd"},
      {"ok \xe2\x82\xac\n", "ok \xe2\x82\xac\n"}, /* valid € untouched */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    tl_buf out = TL_BUF_INIT;
    CHECK_INT(TL_OK, tl_convert(ctx, cv, cases[i].in, strlen(cases[i].in), &out,
                                NULL, NULL));
    CHECK_STR(cases[i].want, out.data);
    for (size_t c = 1; c <= 3; c++) {
      tl_buf_clear(&out);
      CHECK_INT(TL_OK, stream_chunks(ctx, cv, cases[i].in, strlen(cases[i].in),
                                     c, &out));
      CHECK_STR(cases[i].want, out.data);
    }
    tl_buf_free(&out);
  }
  tl_converter_free(cv);
  tl_ctx_free(ctx);
}

/* Empty input gives empty output; NUL bytes and a BOM inside the text
 * are characters like any other and come out where they were. */
static void test_empty_nul_bom(void) {
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  tl_converter *cv = make(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, TL_CONVERT_HTML);
  tl_buf out = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_convert(ctx, cv, "", 0, &out, NULL, NULL));
  CHECK_INT(TL_OK, tl_convert(ctx, cv, NULL, 0, &out, NULL, NULL));
  CHECK_INT(0, out.len);
  tl_stream *s = NULL;
  CHECK_INT(TL_OK, tl_stream_new(ctx, cv, NULL, NULL, &s));
  CHECK_INT(TL_OK, tl_stream_write(s, "", 0, &out));
  CHECK_INT(TL_OK, tl_stream_finish(s, &out));
  CHECK_INT(0, out.len);
  CHECK_INT(TL_EINVAL, tl_stream_write(s, NULL, 3, &out));
  CHECK_INT(TL_EINVAL, tl_stream_write(s, "abc", 3, NULL));
  tl_stream_free(s);

  const char nul[] = "a\0b <b>\0</b>\n12\0";
  size_t nl = sizeof nul - 1;
  CHECK_INT(TL_OK, tl_convert(ctx, cv, nul, nl, &out, NULL, NULL));
  CHECK_INT(nl, out.len);
  CHECK(out.len == nl && memcmp(out.data, nul, nl) == 0);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, stream_chunks(ctx, cv, nul, nl, 2, &out));
  CHECK(out.len == nl && memcmp(out.data, nul, nl) == 0);

  const char bom[] = "12\xef\xbb\xbf" "34 \xef\xbb\xbf\n";
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_convert(ctx, cv, bom, strlen(bom), &out, NULL, NULL));
  CHECK_STR(bom, out.data);
  tl_buf_free(&out);
  tl_converter_free(cv);
  tl_ctx_free(ctx);
}

static long maxrss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* A 200 MB document on one line (words, then 4 MB with no space at all)
 * streams through 64 KB chunks with a small, flat memory peak. */
static void test_huge_line(void) {
#ifdef UNDER_ASAN
  const size_t total = 24u << 20; /* the sanitizer run checks the path */
#else
  const size_t total = 200u << 20;
#endif
  tl_ctx *ctx;
  tl_ctx_new(&ctx);
  tl_converter *cv = make(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, TL_CONVERT_HTML);
  const char *unit = "Тошкент шаҳри <i>катта</i> kun.uz ";
  size_t ul = strlen(unit);
  tl_buf one = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_convert(ctx, cv, unit, ul, &one, NULL, NULL));

  enum { CHUNK = 64 * 1024 };
  static char chunk[CHUNK], digits[CHUNK];
  size_t per = CHUNK / ul, clen = per * ul;
  for (size_t i = 0; i < per; i++)
    memcpy(chunk + i * ul, unit, ul);
  for (size_t i = 0; i < CHUNK; i++)
    digits[i] = (char)('0' + i % 10);

  long before = maxrss_kb();
  tl_stream *s = NULL;
  CHECK_INT(TL_OK, tl_stream_new(ctx, cv, NULL, NULL, &s));
  tl_buf out = TL_BUF_INIT;
  size_t fed = 0, words_out = 0, digits_out = 0, chunks = 0;
  size_t nodigits = total - (4u << 20);
  tl_status st = TL_OK;
  while (fed < nodigits && !st) {
    st = tl_stream_write(s, chunk, clen, &out);
    fed += clen, chunks++;
    words_out += out.len;
    tl_buf_clear(&out);
  }
  /* Then 4 MB without a space: the driver must cut inside the "word". */
  size_t dfed = 0;
  while (fed < total && !st) {
    st = tl_stream_write(s, digits, CHUNK, &out);
    fed += CHUNK, dfed += CHUNK;
    digits_out += out.len;
    tl_buf_clear(&out);
  }
  if (!st)
    st = tl_stream_finish(s, &out);
  digits_out += out.len;
  CHECK_INT(TL_OK, st);
  long after = maxrss_kb();
  /* The words come out as the conversion of one unit, repeated; the digits
   * as they went in (the tail of the words may be flushed late). */
  CHECK_INT(chunks * per * one.len + dfed, words_out + digits_out);
  CHECK(digits_out >= dfed - CHUNK);
#ifndef UNDER_ASAN
  if (after - before >= 64 * 1024) {
    char got[64];
    snprintf(got, sizeof got, "%ld KB", after - before);
    check_fail(__FILE__, __LINE__, "peak memory growth for 200 MB", "< 65536 KB", got);
  }
  check_count++;
#else
  (void)before, (void)after;
#endif
  tl_buf_free(&out);
  tl_buf_free(&one);
  tl_stream_free(s);
  tl_converter_free(cv);
  tl_ctx_free(ctx);
}

int main(void) {
  test_chunking();
  test_long_lines();
  test_invalid_utf8();
  test_replace();
  test_sticky_failure();
  test_empty_nul_bom();
  test_huge_line();
  return check_done();
}

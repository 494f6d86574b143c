/* test_normalize_stream.c: the streams (tl_normalize_stream_*, tl_decoder_*,
 * tl_encoder_*) give byte for byte what the whole-text calls give, with the
 * same reported changes and the same errors (offset, line, column), however
 * the input is cut: chunks of 1, 2, 3, 7, 64 bytes and more, random cuts,
 * on real texts of ../shared/data and on random texts built from what the
 * rules react to, for every option set. */
#include "check.h"
#include "translit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* Fails with the first byte where a and b differ, and some text around. */
static void check_same(const char *what, const char *name, const char *a, size_t na,
                       const char *b, size_t nb, int line) {
  check_count++;
  if (na == nb && (na == 0 || memcmp(a, b, na) == 0))
    return;
  size_t i = 0;
  while (i < na && i < nb && a[i] == b[i])
    i++;
  size_t from = i > 40 ? i - 40 : 0;
  char where[256], exp[200], got[200];
  snprintf(where, sizeof where, "%s of %s (first difference at byte %zu)", what, name, i);
  snprintf(exp, sizeof exp, "%.*s", (int)((na - from) < 100 ? na - from : 100), a + from);
  snprintf(got, sizeof got, "%.*s", (int)((nb - from) < 100 ? nb - from : 100), b + from);
  check_fail(__FILE__, line, where, exp, got);
}
#define SAME(what, name, a, na, b, nb) check_same(what, name, a, na, b, nb, __LINE__)

/* The chunkings every input goes through; 0 = random sizes 1..300. */
static const size_t cuts[] = {1, 2, 3, 7, 64, 4099, 0};
#define N_CUTS (sizeof cuts / sizeof cuts[0])

static size_t next_cut(size_t cut, size_t left) {
  size_t k = cut ? cut : 1 + rnd(300);
  return k < left ? k : left;
}

/* A failure, as the command shows it. */
static void describe(sbuf *b, tl_status st, const tl_ctx *ctx) {
  char tmp[700];
  size_t line = 0, col = 0;
  if (st)
    tl_ctx_error_position(ctx, &line, &col);
  snprintf(tmp, sizeof tmp, "%s %zu:%zu @%zu %s", tl_status_name(st), line, col,
           st ? tl_ctx_error_offset(ctx) : 0, st ? tl_ctx_message(ctx) : "");
  sb_str(b, tmp);
}

/* ---------------------------------------------------------- normalize */

static void on_change(void *user, const tl_change *c) {
  sbuf *b = user;
  char tmp[160];
  snprintf(tmp, sizeof tmp, "%s|%zu|%zu:%zu|", c->kind, c->offset, c->line, c->column);
  sb_str(b, tmp);
  sb_str(b, c->before);
  sb_str(b, "|");
  sb_str(b, c->after);
  sb_str(b, "\n");
}

typedef struct option_set {
  const char *name;
  unsigned flags;
  tl_apostrophe apos;
  tl_lang quotes;
} option_set;

static const option_set option_sets[] = {
    {"defaults", 0, TL_APOS_MODERN, TL_LANG_UNKNOWN},
    {"nfkc", TL_NORM_NFKC, TL_APOS_MODERN, TL_LANG_UNKNOWN},
    {"ascii apostrophes", 0, TL_APOS_ASCII, TL_LANG_UNKNOWN},
    {"typographic apostrophes", 0, TL_APOS_TYPOGRAPHIC, TL_LANG_UNKNOWN},
    {"no apostrophes, no look-alikes", TL_NORM_NO_APOSTROPHES | TL_NORM_NO_LOOKALIKES,
     TL_APOS_MODERN, TL_LANG_UNKNOWN},
    {"typography, quotes by paragraph",
     TL_NORM_SPACES | TL_NORM_QUOTES | TL_NORM_DASHES | TL_NORM_ELLIPSIS, TL_APOS_MODERN,
     TL_LANG_UNKNOWN},
    {"quotes ru", TL_NORM_QUOTES, TL_APOS_MODERN, TL_LANG_RU},
    {"quotes uz-Latn, typographic", TL_NORM_QUOTES, TL_APOS_TYPOGRAPHIC, TL_LANG_UZ_LATN},
    {"keep invisible and spaces", TL_NORM_KEEP_INVISIBLE | TL_NORM_KEEP_SPACES,
     TL_APOS_MODERN, TL_LANG_UNKNOWN},
    {"replace", TL_NORM_REPLACE, TL_APOS_MODERN, TL_LANG_UNKNOWN},
    {"replace, nfkc, all typography",
     TL_NORM_REPLACE | TL_NORM_NFKC | TL_NORM_SPACES | TL_NORM_QUOTES | TL_NORM_DASHES |
         TL_NORM_ELLIPSIS,
     TL_APOS_ASCII, TL_LANG_UNKNOWN},
};
#define N_OPTION_SETS (sizeof option_sets / sizeof option_sets[0])

static size_t n_compared;

/* Normalizes text whole and through a stream cut every way, and compares
 * output, changes and failure. */
static void compare_normalize_sets(tl_ctx *ctx, const char *name, const char *text, size_t len,
                                   unsigned sets) {
  for (size_t o = 0; o < N_OPTION_SETS; o++) {
    if (!(sets >> o & 1))
      continue;
    tl_normalize_options opts;
    tl_normalize_options_init(&opts);
    opts.flags = option_sets[o].flags;
    opts.apostrophe = option_sets[o].apos;
    opts.quotes = option_sets[o].quotes;
    char label[200];
    snprintf(label, sizeof label, "%s [%s]", name, option_sets[o].name);

    tl_buf whole = TL_BUF_INIT;
    sbuf wch = {0}, werr = {0};
    tl_status wst = tl_normalize(ctx, &opts, text, len, &whole, on_change, &wch);
    describe(&werr, wst, ctx);
    /* Before an error a stream has given the lines before it, which are
     * what the replacing run writes for them. */
    tl_buf replaced = TL_BUF_INIT;
    if (wst == TL_EUTF8) {
      tl_normalize_options r = opts;
      r.flags |= TL_NORM_REPLACE;
      CHECK_INT(TL_OK, tl_normalize(ctx, &r, text, len, &replaced, NULL, NULL));
    }
    for (size_t c = 0; c < N_CUTS; c++) {
      sbuf sch = {0}, serr = {0}, out = {0};
      tl_normalize_stream *s = NULL;
      CHECK_INT(TL_OK, tl_normalize_stream_new(ctx, &opts, on_change, &sch, &s));
      if (!s)
        continue;
      tl_buf piece = TL_BUF_INIT;
      tl_status st = TL_OK;
      for (size_t i = 0; i < len && !st;) {
        size_t k = next_cut(cuts[c], len - i);
        st = tl_normalize_stream_write(s, text + i, k, &piece);
        i += k;
        /* The caller empties its buffer between writes. */
        sb_add(&out, piece.data ? piece.data : "", piece.len);
        tl_buf_clear(&piece);
      }
      if (!st) {
        st = tl_normalize_stream_finish(s, &piece);
        sb_add(&out, piece.data ? piece.data : "", piece.len);
        tl_buf_clear(&piece);
      }
      describe(&serr, st, ctx);
      char what[64];
      snprintf(what, sizeof what, "status (chunks of %zu)", cuts[c]);
      SAME(what, label, werr.s, werr.n, serr.s, serr.n);
      snprintf(what, sizeof what, "changes (chunks of %zu)", cuts[c]);
      SAME(what, label, wch.s ? wch.s : "", wch.n, sch.s ? sch.s : "", sch.n);
      snprintf(what, sizeof what, "output (chunks of %zu)", cuts[c]);
      if (!st) {
        SAME(what, label, whole.data ? whole.data : "", whole.len, out.s ? out.s : "", out.n);
      } else {
        /* Failed: what came out is the start of the replacing run's
         * output (whole lines, or pieces of a long one); a failed stream
         * stays failed. */
        CHECK(out.n <= replaced.len);
        SAME(what, label, replaced.data ? replaced.data : "", out.n, out.s ? out.s : "", out.n);
        CHECK_INT(st, tl_normalize_stream_write(s, "x", 1, &piece));
        CHECK_INT(st, tl_normalize_stream_finish(s, &piece));
        CHECK_INT(0, piece.len);
        sbuf again = {0};
        describe(&again, st, ctx);
        SAME("status after failure", label, serr.s, serr.n, again.s, again.n);
        free(again.s);
      }
      n_compared++;
      tl_buf_free(&piece);
      tl_normalize_stream_free(s);
      free(sch.s);
      free(serr.s);
      free(out.s);
    }
    tl_buf_free(&whole);
    tl_buf_free(&replaced);
    free(wch.s);
    free(werr.s);
  }
}

static void compare_normalize(tl_ctx *ctx, const char *name, const char *text, size_t len) {
  compare_normalize_sets(ctx, name, text, len, ~0u);
}

/* What the rules react to, for random texts: apostrophes in Uzbek and
 * English words, look-alikes, invisible and control characters, spaces,
 * line ends of three kinds, blank lines (paragraphs), quotes, dashes,
 * dots, combining marks, compatibility characters, invalid bytes. */
static const char *const pieces[] = {
    "O'zbekiston", "g'alaba", "ta'lim", "ma’lumot", "o`g`il", "bog'", "tog’",
    "don't", "it's", "O'Neill", "dog's", "Oʻzbekiston", "maʼno", "o‘qish", "O´zbekiston",
    "Тошкeнт", "Toshkеnt", "а", "в", "Cтудент", "iPhoneлар", "ХХI", "Pepsiни",
    "Тошкент", "шаҳри", "ўзбек", "Москва", "новости", "the", "news", "and", "kitob",
    "shahar", "yangi", "hukumat", "\"", "\"", "«", "»", "“", "”", " - ", " – ", "--",
    "...", "....", " ", " ", " ", "  ", "   ", "\t", "\xC2\xA0", "\xE2\x80\xAF",
    "\xC2\xAD", "\xE2\x80\x8B", "\xE2\x80\x8D", "\xE2\x80\x8C", "\xEF\xBB\xBF", "\x01",
    "\x7F", "\n", "\n", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "e\xCC\x81", "\xCC\x81",
    "\xD0\xB5\xCC\x88", "\xEF\xAC\x81", "\xC2\xB2", "\xEF\xB7\xBA", "(", ")", ",", ".",
    "!", "?", "2024", "1-", "\xF0\x9F\x98\x80", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x92\xBB",
};
#define N_PIECES (sizeof pieces / sizeof pieces[0])
static const char *const bad_bytes[] = {"\xFF", "\xC3", "\xE2\x80", "\xED\xA0\x80",
                                        "\x80", "\xF4\x90\x80\x80", "\xC0\xAF"};
#define N_BAD (sizeof bad_bytes / sizeof bad_bytes[0])

static void random_text(sbuf *b, size_t n, int bad) {
  b->n = 0;
  sb_add(b, "", 0);
  while (b->n < n) {
    if (bad && rnd(400) == 0)
      sb_str(b, bad_bytes[rnd(N_BAD)]);
    else
      sb_str(b, pieces[rnd(N_PIECES)]);
    if (rnd(3) == 0)
      sb_str(b, " ");
  }
}

static void test_random_texts(tl_ctx *ctx) {
  sbuf b = {0};
  for (int t = 0; t < 24; t++) {
    random_text(&b, 600 + rnd(2500), t % 3 == 2);
    char name[64];
    snprintf(name, sizeof name, "random text %d", t);
    compare_normalize(ctx, name, b.s, b.n);
  }
  /* Lines longer than a 64 KB piece: words with spaces (cut after a
   * space), and one long word (cut at a character boundary). */
  b.n = 0;
  while (b.n < 70000)
    sb_str(&b, pieces[rnd(N_PIECES)][0] == '\n' || pieces[rnd(N_PIECES)][0] == '\r'
                   ? "O'zbekiston "
                   : "Тошкeнт ta'lim don't  «x» ");
  sb_str(&b, "\r\nend\n");
  /* Option sets 0, 5, 8, 9: the defaults, typography with quotes by
   * paragraph, keep invisible and spaces, replace (the long lines take
   * most of the time of this test). */
  unsigned some = 1u << 0 | 1u << 5 | 1u << 8 | 1u << 9;
  compare_normalize_sets(ctx, "long line with spaces", b.s, b.n, some);
  b.n = 0;
  while (b.n < 68000)
    sb_str(&b, "ТошкeнтO'z");
  sb_str(&b, "\xE2\x80\x8B\xFF tail\n");
  compare_normalize_sets(ctx, "long line without spaces", b.s, b.n, some);
  free(b.s);
}

/* Real texts, and the same with the noise the rules repair mixed in. */
static void test_real_texts(tl_ctx *ctx) {
  static const char *const files[] = {
      "align/ntrex/newstest2019-ref.uzb.txt", "align/ntrex/newstest2019-ref.rus.txt",
      "align/ntrex/newstest2019-src.eng.txt", "uz/fitrat/langid_valid.uz_cyr-uz_lat-rus.txt",
      "uz/lotin-kirill/latinLongText.txt",   "uz/lotin-kirill/cyrillicLongText.txt",
  };
  sbuf dirty = {0};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    size_t len = 0;
    char *data = check_read_file(check_shared_path(files[f]), &len);
    CHECK(data != NULL);
    if (!data)
      continue;
    size_t n = len < 6000 ? len : 6000;
    while (n < len && ((unsigned char)data[n] & 0xC0) == 0x80)
      n++;
    compare_normalize(ctx, files[f], data, n);
    /* Noise: every ʻ/ʼ as ', some line ends CRLF, some spaces doubled or
     * NBSP, a few invisible characters and blank lines. */
    dirty.n = 0;
    sb_add(&dirty, "", 0);
    for (size_t i = 0; i < n; i++) {
      if (!memcmp(data + i, "\xCA\xBB", 2) || !memcmp(data + i, "\xCA\xBC", 2)) {
        sb_str(&dirty, rnd(2) ? "'" : "\xE2\x80\x99");
        i++;
      } else if (data[i] == '\n') {
        sb_str(&dirty, rnd(4) == 0 ? "\r\n" : rnd(8) == 0 ? "\n\n" : "\n");
      } else if (data[i] == ' ' && rnd(10) == 0) {
        sb_str(&dirty, rnd(2) ? "  " : "\xC2\xA0");
      } else if (data[i] == 'e' && rnd(30) == 0) {
        sb_str(&dirty, "\xD0\xB5"); /* Cyrillic е in a Latin word */
      } else {
        sb_add(&dirty, data + i, 1);
        if (data[i] == ' ' && rnd(50) == 0)
          sb_str(&dirty, "\xE2\x80\x8B\"");
      }
    }
    char name[200];
    snprintf(name, sizeof name, "%s (dirty)", files[f]);
    compare_normalize(ctx, name, dirty.s, dirty.n);
    free(data);
  }
  free(dirty.s);
}

/* The error of a broken byte far into the input names the byte, line and
 * column of the whole input, wherever the chunks were cut. */
static void test_error_position(tl_ctx *ctx) {
  sbuf b = {0};
  for (int i = 0; i < 3000; i++)
    sb_str(&b, "Oʻzbekiston Respublikasi\n");
  sb_str(&b, "abc \xD0\xB4\xFF");
  tl_normalize_stream *s = NULL;
  CHECK_INT(TL_OK, tl_normalize_stream_new(ctx, NULL, NULL, NULL, &s));
  tl_buf out = TL_BUF_INIT;
  tl_status st = TL_OK;
  size_t written = 0;
  for (size_t i = 0; i < b.n && !st; i += 5) {
    st = tl_normalize_stream_write(s, b.s + i, b.n - i < 5 ? b.n - i : 5, &out);
    written += out.len;
    tl_buf_clear(&out);
  }
  if (!st)
    st = tl_normalize_stream_finish(s, &out);
  CHECK_INT(TL_EUTF8, st);
  size_t line = 0, col = 0;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(3001, line);
  CHECK_INT(6, col);
  CHECK_INT(b.n - 1, tl_ctx_error_offset(ctx));
  CHECK_INT(3000 * 26, written); /* the lines before it came out */
  tl_buf_free(&out);
  tl_normalize_stream_free(s);
  free(b.s);
}

/* Output starts before the input ends: a write gives the lines it
 * completed, and a line only once it is complete. */
static void test_output_per_line(tl_ctx *ctx) {
  tl_normalize_stream *s = NULL;
  CHECK_INT(TL_OK, tl_normalize_stream_new(ctx, NULL, NULL, NULL, &s));
  tl_buf out = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_normalize_stream_write(s, "O'zbekiston\nta'l", 16, &out));
  CHECK_STR("Oʻzbekiston\n", out.data);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_normalize_stream_write(s, "im\r", 3, &out));
  CHECK_INT(0, out.len); /* a CR may be half of a CRLF */
  CHECK_INT(TL_OK, tl_normalize_stream_write(s, "\nx", 2, &out));
  CHECK_STR("taʼlim\n", out.data);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_normalize_stream_finish(s, &out));
  CHECK_STR("x", out.data);
  CHECK_INT(TL_EINVAL, tl_normalize_stream_write(s, "y", 1, &out));
  tl_normalize_stream_free(s);
  tl_buf_free(&out);
  tl_normalize_stream_free(NULL);
}

/* ---------------------------------------------------------- decode */

static tl_status copy_to_buf(tl_buf *b, const char *s, size_t n) {
  b->data = malloc(n + 1);
  memcpy(b->data, s, n);
  b->data[n] = '\0';
  b->len = n;
  b->cap = n + 1;
  return TL_OK;
}

/* Decodes data with a stream in the given cuts and checks it against
 * tl_decode (and, for TL_ENC_UNKNOWN, tl_encoding_detect). */
static void compare_decode(tl_ctx *ctx, const char *name, tl_encoding enc, unsigned flags,
                           const char *data, size_t len) {
  tl_encoding want = enc;
  double conf = 1.0;
  if (enc == TL_ENC_UNKNOWN)
    tl_encoding_detect(&want, &conf, data, len);
  tl_buf whole = TL_BUF_INIT;
  size_t wrep = 0;
  sbuf werr = {0};
  tl_status wst;
  if (want == TL_ENC_UTF8 && (flags & TL_DECODE_UTF8_AS_IS)) {
    /* As is: the bytes after the BOM, whatever they are. */
    size_t bom = tl_encoding_bom_len(want, data, len);
    wst = copy_to_buf(&whole, data + bom, len - bom);
  } else {
    wst = tl_decode(ctx, &wrep, want, data, len, flags & TL_DECODE_REPLACE, &whole);
  }
  describe(&werr, wst, ctx);
  for (size_t c = 0; c < N_CUTS; c++) {
    tl_decoder *d = NULL;
    CHECK_INT(TL_OK, tl_decoder_new(ctx, enc, flags, &d));
    if (!d)
      continue;
    sbuf out = {0}, serr = {0};
    tl_buf piece = TL_BUF_INIT;
    tl_status st = TL_OK;
    for (size_t i = 0; i < len && !st;) {
      size_t k = next_cut(cuts[c], len - i);
      st = tl_decoder_write(d, data + i, k, &piece);
      i += k;
      sb_add(&out, piece.data ? piece.data : "", piece.len);
      tl_buf_clear(&piece);
    }
    if (!st) {
      st = tl_decoder_finish(d, &piece);
      sb_add(&out, piece.data ? piece.data : "", piece.len);
    }
    describe(&serr, st, ctx);
    char label[160];
    snprintf(label, sizeof label, "%s (chunks of %zu)", name, cuts[c]);
    SAME("decoder status", label, werr.s, werr.n, serr.s, serr.n);
    tl_encoding got;
    double gconf;
    size_t grep;
    tl_decoder_info(d, &got, &gconf, &grep);
    CHECK_INT(want, got);
    CHECK(gconf == conf);
    if (!st) {
      SAME("decoded text", label, whole.data ? whole.data : "", whole.len, out.s ? out.s : "",
           out.n);
      CHECK_INT(wrep, grep);
    } else {
      CHECK(out.n <= whole.len || wst != TL_OK);
    }
    tl_buf_free(&piece);
    tl_decoder_free(d);
    free(out.s);
    free(serr.s);
  }
  tl_buf_free(&whole);
  free(werr.s);
}

/* Russian letters only (what every Cyrillic code page holds), from a real
 * text, as UTF-8. */
static void russian_sample(sbuf *b, size_t n) {
  size_t len = 0;
  char *data = check_read_file(check_shared_path("align/ntrex/newstest2019-ref.rus.txt"), &len);
  CHECK(data != NULL);
  b->n = 0;
  sb_add(b, "", 0);
  for (size_t i = 0; data && i < len && b->n < n; i++) {
    unsigned char c = (unsigned char)data[i];
    if (c < 0x80 && c != '\r') {
      sb_add(b, data + i, 1);
    } else if ((c == 0xD0 || c == 0xD1) && i + 1 < len) {
      uint32_t cp = ((uint32_t)(c & 0x1F) << 6) | ((unsigned char)data[i + 1] & 0x3F);
      if ((cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451)
        sb_add(b, data + i, 2);
      i++;
    }
  }
  free(data);
}

static void encode_to(tl_ctx *ctx, tl_encoding enc, const sbuf *utf8, sbuf *raw) {
  tl_buf b = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_encode(ctx, enc, utf8->s, utf8->n, &b));
  raw->n = 0;
  sb_add(raw, b.data ? b.data : "", b.len);
  tl_buf_free(&b);
}

static void test_decoder(tl_ctx *ctx) {
  sbuf ru = {0}, raw = {0}, t = {0};
  russian_sample(&ru, 90000);
  static const tl_encoding pages[] = {TL_ENC_CP1251, TL_ENC_KOI8R, TL_ENC_CP866,
                                      TL_ENC_ISO8859_5, TL_ENC_MACCYRILLIC};
  for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
    encode_to(ctx, pages[p], &ru, &raw);
    char name[96];
    snprintf(name, sizeof name, "Russian in %s", tl_encoding_name(pages[p]));
    compare_decode(ctx, name, pages[p], 0, raw.s, raw.n);
    compare_decode(ctx, name, TL_ENC_UNKNOWN, TL_DECODE_UTF8_AS_IS, raw.s, raw.n);
    compare_decode(ctx, name, TL_ENC_UNKNOWN, 0, raw.s, raw.n > 3000 ? 3000 : raw.n);
  }
  /* An ASCII head longer than the sample, then CP1251 / UTF-8 / nothing. */
  sbuf head = {0};
  while (head.n < 70000)
    sb_str(&head, "<p>Plain ASCII markup before the text.</p>\n");
  encode_to(ctx, TL_ENC_CP1251, &ru, &raw);
  t.n = 0;
  sb_add(&t, head.s, head.n);
  sb_add(&t, raw.s, raw.n > 80000 ? 80000 : raw.n);
  compare_decode(ctx, "ASCII head, then CP1251", TL_ENC_UNKNOWN, TL_DECODE_UTF8_AS_IS, t.s, t.n);
  t.n = 0;
  sb_add(&t, head.s, head.n);
  sb_add(&t, raw.s, 3000);
  compare_decode(ctx, "ASCII head, then a little CP1251", TL_ENC_UNKNOWN, 0, t.s, t.n);
  t.n = 0;
  sb_add(&t, head.s, head.n);
  sb_add(&t, ru.s, ru.n);
  sb_str(&t, "\xFF end");
  compare_decode(ctx, "ASCII head, then UTF-8 with a bad byte", TL_ENC_UNKNOWN,
                 TL_DECODE_UTF8_AS_IS, t.s, t.n);
  compare_decode(ctx, "ASCII head, then UTF-8 with a bad byte", TL_ENC_UNKNOWN, 0, t.s, t.n);
  compare_decode(ctx, "ASCII head, then UTF-8, replaced", TL_ENC_UNKNOWN, TL_DECODE_REPLACE,
                 t.s, t.n);
  compare_decode(ctx, "all ASCII", TL_ENC_UNKNOWN, 0, head.s, head.n);
  t.n = 0;
  sb_add(&t, head.s, head.n);
  sb_add(&t, "\0\0", 2);
  sb_str(&t, "\xEF\xBB\xBF\xFF\xFE ok");
  compare_decode(ctx, "ASCII head, then NUL and BOM-like bytes", TL_ENC_UNKNOWN,
                 TL_DECODE_UTF8_AS_IS, t.s, t.n);
  /* UTF-16 and UTF-32, with surrogate pairs and CRLF, BOM or not. */
  sbuf u = {0};
  sb_add(&u, ru.s, 20000);
  sb_str(&u, "\r\nOʻzbekiston 😀 👨‍💻 end\r\n");
  static const tl_encoding wide[] = {TL_ENC_UTF16LE, TL_ENC_UTF16BE, TL_ENC_UTF32LE,
                                     TL_ENC_UTF32BE};
  for (size_t w = 0; w < 4; w++) {
    encode_to(ctx, wide[w], &u, &raw);
    char name[96];
    snprintf(name, sizeof name, "%s without BOM", tl_encoding_name(wide[w]));
    compare_decode(ctx, name, wide[w], 0, raw.s, raw.n);
    compare_decode(ctx, name, TL_ENC_UNKNOWN, TL_DECODE_UTF8_AS_IS, raw.s, raw.n);
    t.n = 0;
    static const char *const boms[] = {"\xFF\xFE", "\xFE\xFF", "\xFF\xFE\0\0", "\0\0\xFE\xFF"};
    sb_add(&t, boms[w], w < 2 ? 2 : 4);
    sb_add(&t, raw.s, raw.n);
    snprintf(name, sizeof name, "%s with BOM", tl_encoding_name(wide[w]));
    compare_decode(ctx, name, wide[w], 0, t.s, t.n);
    compare_decode(ctx, name, TL_ENC_UNKNOWN, 0, t.s, t.n);
    /* Broken: a lone surrogate / an undefined value, and a cut end. */
    sb_str(&t, w < 2 ? (w == 0 ? "\x00\xD8" "a\0" : "\xD8\x00" "\0a") : "\xFF\xFF\xFF\x7F");
    sb_add(&t, "x", 1);
    snprintf(name, sizeof name, "broken %s", tl_encoding_name(wide[w]));
    compare_decode(ctx, name, wide[w], 0, t.s, t.n);
    compare_decode(ctx, name, wide[w], TL_DECODE_REPLACE, t.s, t.n);
  }
  /* Code page bytes that are undefined; UTF-8 broken every way. */
  encode_to(ctx, TL_ENC_CP1251, &ru, &raw);
  t.n = 0;
  sb_add(&t, raw.s, 5000);
  sb_str(&t, "\x98 and more\r\n");
  sb_add(&t, raw.s, 500);
  compare_decode(ctx, "CP1251 with 0x98", TL_ENC_CP1251, 0, t.s, t.n);
  compare_decode(ctx, "CP1251 with 0x98", TL_ENC_CP1251, TL_DECODE_REPLACE, t.s, t.n);
  t.n = 0;
  sb_str(&t, "\xEF\xBB\xBF");
  for (int i = 0; i < 200; i++) {
    sb_add(&t, ru.s + i * 40, 40);
    sb_str(&t, bad_bytes[i % N_BAD]);
    if (i % 7 == 0)
      sb_str(&t, "\xED\xA0\x80\x80\x80\n");
  }
  sb_str(&t, "\xE2\x82");
  compare_decode(ctx, "broken UTF-8", TL_ENC_UTF8, TL_DECODE_REPLACE, t.s, t.n);
  compare_decode(ctx, "broken UTF-8", TL_ENC_UTF8, 0, t.s, t.n);
  compare_decode(ctx, "broken UTF-8", TL_ENC_UTF8, TL_DECODE_UTF8_AS_IS, t.s, t.n);
  compare_decode(ctx, "tiny", TL_ENC_UNKNOWN, 0, "\xEF\xBB", 2);
  compare_decode(ctx, "empty", TL_ENC_UNKNOWN, 0, "", 0);
  compare_decode(ctx, "empty UTF-16", TL_ENC_UTF16LE, 0, "", 0);
  free(ru.s);
  free(raw.s);
  free(t.s);
  free(u.s);
  free(head.s);
}

/* ---------------------------------------------------------- encode */

static void compare_encode(tl_ctx *ctx, const char *name, tl_encoding enc, const char *text,
                           size_t len) {
  tl_buf whole = TL_BUF_INIT;
  sbuf werr = {0};
  tl_status wst = tl_encode(ctx, enc, text, len, &whole);
  describe(&werr, wst, ctx);
  for (size_t c = 0; c < N_CUTS; c++) {
    tl_encoder *e = NULL;
    CHECK_INT(TL_OK, tl_encoder_new(ctx, enc, &e));
    if (!e)
      continue;
    sbuf out = {0}, serr = {0};
    tl_buf piece = TL_BUF_INIT;
    tl_status st = TL_OK;
    for (size_t i = 0; i < len && !st;) {
      size_t k = next_cut(cuts[c], len - i);
      st = tl_encoder_write(e, text + i, k, &piece);
      i += k;
      sb_add(&out, piece.data ? piece.data : "", piece.len);
      tl_buf_clear(&piece);
    }
    if (!st) {
      st = tl_encoder_finish(e, &piece);
      sb_add(&out, piece.data ? piece.data : "", piece.len);
    }
    describe(&serr, st, ctx);
    char label[160];
    snprintf(label, sizeof label, "%s in %s (chunks of %zu)", name, tl_encoding_name(enc),
             cuts[c]);
    SAME("encoder status", label, werr.s, werr.n, serr.s, serr.n);
    if (!st)
      SAME("encoded text", label, whole.data ? whole.data : "", whole.len, out.s ? out.s : "",
           out.n);
    tl_buf_free(&piece);
    tl_encoder_free(e);
    free(out.s);
    free(serr.s);
  }
  tl_buf_free(&whole);
  free(werr.s);
}

static void test_encoder(tl_ctx *ctx) {
  sbuf ru = {0}, t = {0};
  russian_sample(&ru, 30000);
  compare_encode(ctx, "Russian", TL_ENC_CP1251, ru.s, ru.n);
  compare_encode(ctx, "Russian", TL_ENC_KOI8R, ru.s, ru.n);
  compare_encode(ctx, "Russian", TL_ENC_UTF16BE, ru.s, ru.n);
  compare_encode(ctx, "Russian", TL_ENC_UTF8, ru.s, ru.n);
  sb_add(&t, ru.s, ru.n);
  sb_str(&t, "\nOʻzbekiston\n");
  compare_encode(ctx, "okina far in", TL_ENC_CP1251, t.s, t.n);
  compare_encode(ctx, "okina far in", TL_ENC_UTF32LE, t.s, t.n);
  sb_str(&t, "\xE2\x82");
  compare_encode(ctx, "cut at the end", TL_ENC_UTF16LE, t.s, t.n);
  compare_encode(ctx, "cut at the end", TL_ENC_UTF8, t.s, t.n);
  free(ru.s);
  free(t.s);
}

int main(void) {
  tl_ctx *ctx = NULL;
  if (tl_ctx_new(&ctx) != TL_OK)
    return 1;
  test_output_per_line(ctx);
  test_error_position(ctx);
  test_random_texts(ctx);
  test_real_texts(ctx);
  test_decoder(ctx);
  test_encoder(ctx);
  printf("%zu stream runs compared with tl_normalize\n", n_compared);
  tl_ctx_free(ctx);
  return check_done();
}

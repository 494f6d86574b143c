/* test_normalize.c: tl_normalize's contract (reports, errors, options) and
 * the claim behind its speed: the quick check that lets text through
 * without ICU must agree with ICU's own NFC/NFKC, on every code point, on
 * random strings and on the real corpus of ../shared/data. */
#include "check.h"
#include "normalize.h"
#include "translit.h"
#include "utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* The rules other than Unicode normalization, all off. */
#define ONLY_UNICODE \
  (TL_NORM_NO_APOSTROPHES | TL_NORM_NO_LOOKALIKES | TL_NORM_KEEP_INVISIBLE | TL_NORM_KEEP_SPACES)

static char *norm(tl_ctx *ctx, unsigned flags, const char *s) {
  tl_normalize_options o;
  tl_normalize_options_init(&o);
  o.flags = flags;
  tl_buf out = TL_BUF_INIT;
  tl_status st = tl_normalize(ctx, &o, s, strlen(s), &out, NULL, NULL);
  CHECK_INT(TL_OK, st);
  char *r = strdup(out.data ? out.data : "");
  tl_buf_free(&out);
  return r;
}

/* ICU's normalization of UTF-8 s (whole string at once). */
static char *icu(int nfkc, const char *s, size_t n) {
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *n2 = nfkc ? unorm2_getNFKCInstance(&e) : unorm2_getNFCInstance(&e);
  int32_t ulen = 0;
  UChar *u = malloc((n + 1) * sizeof *u), *v = malloc((n * 18 + 16) * sizeof *v);
  u_strFromUTF8(u, (int32_t)n + 1, &ulen, s, (int32_t)n, &e);
  int32_t vlen = unorm2_normalize(n2, u, ulen, v, (int32_t)(n * 18 + 16), &e);
  char *r = malloc((size_t)vlen * 4 + 1);
  int32_t rlen = 0;
  u_strToUTF8(r, vlen * 4 + 1, &rlen, v, vlen, &e);
  r[rlen] = '\0';
  CHECK(U_SUCCESS(e));
  free(u);
  free(v);
  return r;
}

/* Every code point the quick check calls stable is stable for ICU. */
static void test_stable_exhaustive(void) {
  UErrorCode e = U_ZERO_ERROR;
  for (int nfkc = 0; nfkc <= 1; nfkc++) {
    const UNormalizer2 *n2 = nfkc ? unorm2_getNFKCInstance(&e) : unorm2_getNFCInstance(&e);
    size_t bad = 0, stable = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
      if (cp >= 0xD800 && cp <= 0xDFFF)
        continue;
      if (!tl__norm_stable(cp, nfkc))
        continue;
      stable++;
      UChar u[2];
      int32_t n = 0;
      U16_APPEND_UNSAFE(u, n, cp);
      if (!unorm2_hasBoundaryBefore(n2, (UChar32)cp) ||
          unorm2_quickCheck(n2, u, n, &e) != UNORM_YES) {
        if (bad++ < 5)
          fprintf(stderr, "U+%04X called stable for %s\n", (unsigned)cp, nfkc ? "NFKC" : "NFC");
      }
    }
    CHECK_INT(0, bad);
    CHECK(stable > 100000);
  }
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void) {
  rnd_state ^= rnd_state << 13;
  rnd_state ^= rnd_state >> 17;
  rnd_state ^= rnd_state << 5;
  return rnd_state;
}

/* Random strings from the ranges where normalization happens. */
static void test_random_agrees_with_icu(tl_ctx *ctx) {
  static const uint32_t ranges[][2] = {
      {0x20, 0x7E},     {0xA0, 0x24F},   {0x300, 0x36F},   {0x370, 0x3FF},
      {0x400, 0x52F},   {0x1100, 0x11FF}, {0xAC00, 0xAC20}, {0x1E00, 0x1EFF},
      {0x2000, 0x2027}, {0x2030, 0x214F}, {0xF900, 0xFA20}, {0xFB00, 0xFB4F},
      {0xFF00, 0xFF60}, {0x0900, 0x097F}, {0x1F600, 0x1F64F}, {0x1D15E, 0x1D164}};
  size_t nr = sizeof ranges / sizeof ranges[0], mismatches = 0;
  for (int iter = 0; iter < 3000; iter++) {
    char s[400];
    size_t n = 0, len = 1 + rnd() % 40;
    for (size_t k = 0; k < len; k++) {
      const uint32_t *r = ranges[rnd() % nr];
      uint32_t cp = r[0] + rnd() % (r[1] - r[0] + 1);
      if (cp == 0x2028 || cp == 0x2029)
        cp = 'x';
      n += tl__utf8_encode(cp, s + n);
    }
    s[n] = '\0';
    for (int nfkc = 0; nfkc <= 1; nfkc++) {
      char *a = norm(ctx, ONLY_UNICODE | (nfkc ? TL_NORM_NFKC : 0), s);
      char *b = icu(nfkc, s, n);
      if (strcmp(a, b) != 0 && mismatches++ < 3)
        check_fail(__FILE__, __LINE__, s, b, a);
      free(a);
      free(b);
    }
  }
  CHECK_INT(0, mismatches);
}

/* The real corpus, line by line, and made non-NFC on purpose (NFD). */
static void test_corpus_agrees_with_icu(tl_ctx *ctx) {
  const char *files[] = {"align/ntrex/newstest2019-ref.uzb.txt",
                         "align/ntrex/newstest2019-ref.rus.txt",
                         "uz/fitrat/langid_valid.uz_cyr-uz_lat-rus.txt"};
  size_t lines = 0, mismatches = 0;
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
  for (size_t f = 0; f < 3; f++) {
    size_t len;
    char *data = check_read_file(check_shared_path(files[f]), &len);
    if (!data) {
      fprintf(stderr, "test_normalize: cannot read %s\n", files[f]);
      check_failures++;
      continue;
    }
    for (char *line = strtok(data, "\r\n"); line; line = strtok(NULL, "\r\n")) {
      size_t n = strlen(line);
      lines++;
      for (int form = 0; form < 3; form++) {
        /* form 0: as published; 1: NFD (everything to recompose); 2: NFKC. */
        char *in = strdup(line);
        if (form == 1) {
          UChar *u = malloc((n + 1) * sizeof *u), *v = malloc((3 * n + 8) * sizeof *v);
          int32_t ul = 0, vl;
          u_strFromUTF8(u, (int32_t)n + 1, &ul, line, (int32_t)n, &e);
          vl = unorm2_normalize(nfd, u, ul, v, (int32_t)(3 * n + 8), &e);
          free(in);
          in = malloc((size_t)vl * 3 + 1);
          int32_t il = 0;
          u_strToUTF8(in, vl * 3 + 1, &il, v, vl, &e);
          in[il] = '\0';
          free(u);
          free(v);
        }
        int nfkc = form == 2;
        char *a = norm(ctx, ONLY_UNICODE | (nfkc ? TL_NORM_NFKC : 0), in);
        char *b = icu(nfkc, in, strlen(in));
        if (strcmp(a, b) != 0 && mismatches++ < 3)
          check_fail(__FILE__, __LINE__, in, b, a);
        free(a);
        free(b);
        free(in);
      }
    }
    free(data);
  }
  CHECK(lines > 4000);
  CHECK_INT(0, mismatches);
}

/* Normalizing twice changes nothing more (full default rules). */
static void test_idempotent(tl_ctx *ctx) {
  const char *files[] = {"uz/lotin-kirill/latinLongText.txt",
                         "uz/lotin-kirill/cyrillicLongText.txt",
                         "align/ntrex/newstest2019-src.eng.txt",
                         "uz/tatoeba/rus-uzb.test.tsv"};
  for (size_t f = 0; f < 4; f++) {
    size_t len;
    char *data = check_read_file(check_shared_path(files[f]), &len);
    if (!data) {
      check_failures++;
      continue;
    }
    tl_buf a = TL_BUF_INIT, b = TL_BUF_INIT;
    CHECK_INT(TL_OK, tl_normalize(ctx, NULL, data, len, &a, NULL, NULL));
    CHECK_INT(TL_OK, tl_normalize(ctx, NULL, a.data, a.len, &b, NULL, NULL));
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    tl_buf_free(&a);
    tl_buf_free(&b);
    free(data);
  }
}

typedef struct log {
  int n;
  char text[1024];
} log;

static void on_change(void *user, const tl_change *c) {
  log *l = user;
  l->n++;
  size_t k = strlen(l->text);
  snprintf(l->text + k, sizeof l->text - k, "%s@%zu:%zu:%zu[%s>%s] ", c->kind, c->offset,
           c->line, c->column, c->before, c->after);
}

static void on_last(void *user, const tl_change *c) {
  size_t *v = user; /* n, line, column of the last lookalike */
  v[0]++;
  if (strcmp(c->kind, "lookalike") == 0)
    v[1] = c->line, v[2] = c->column;
}

static void test_reports_and_errors(tl_ctx *ctx) {
  tl_buf out = TL_BUF_INIT;
  log l = {0, ""};
  const char *s = "Salom!\nTa'lim va Тошкeнт\x0b.\r\n";
  CHECK_INT(TL_OK, tl_normalize(ctx, NULL, s, strlen(s), &out, on_change, &l));
  CHECK_STR("Salom!\nTaʼlim va Тошкент.\n", out.data);
  CHECK_STR("control@30:2:18[\x0b>] lookalike@17:2:11[Тошкeнт>Тошкент] apostrophe@9:2:3['>ʼ] "
            "line-end@32:2:20[\r\n>\n] ",
            l.text);
  /* Output is appended. */
  CHECK_INT(TL_OK, tl_normalize(ctx, NULL, "x", 1, &out, NULL, NULL));
  CHECK_STR("Salom!\nTaʼlim va Тошкент.\nx", out.data);
  tl_buf_clear(&out);
  /* Invalid UTF-8: an error naming byte, line and column; nothing else. */
  const char *bad = "ok\nab \xC3\x28 cd";
  CHECK_INT(TL_EUTF8, tl_normalize(ctx, NULL, bad, strlen(bad), &out, NULL, NULL));
  CHECK_INT(6, tl_ctx_error_offset(ctx));
  size_t line, col;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(4, col);
  CHECK(strstr(tl_ctx_message(ctx), "byte 6") != NULL);
  tl_buf_clear(&out);
  /* ... or U+FFFD with TL_NORM_REPLACE, each reported. */
  tl_normalize_options o;
  tl_normalize_options_init(&o);
  o.flags |= TL_NORM_REPLACE;
  log r = {0, ""};
  CHECK_INT(TL_OK, tl_normalize(ctx, &o, bad, strlen(bad), &out, on_change, &r));
  CHECK_STR("ok\nab \xEF\xBF\xBD( cd", out.data);
  CHECK_INT(1, r.n);
  CHECK_STR("invalid-utf8@6:2:4[\\xC3>\xEF\xBF\xBD] ", r.text);
  tl_buf_free(&out);
  /* Defaults, empty input, bad arguments. */
  CHECK_INT(TL_APOS_MODERN, o.apostrophe);
  CHECK_INT(TL_OK, tl_normalize(ctx, NULL, "", 0, &out, NULL, NULL));
  CHECK_INT(0, out.len);
  CHECK_INT(TL_EINVAL, tl_normalize(ctx, NULL, NULL, 3, &out, NULL, NULL));
  o.apostrophe = (tl_apostrophe)7;
  CHECK_INT(TL_EINVAL, tl_normalize(ctx, &o, "a", 1, &out, NULL, NULL));
  tl_buf_free(&out);
}

static void test_rules(tl_ctx *ctx) {
  char *r = norm(ctx, 0, "Bu yil o'qituvchilar va o‘quvchilar uchun ta’lim islohoti boshlandi.");
  CHECK_STR("Bu yil oʻqituvchilar va oʻquvchilar uchun taʼlim islohoti boshlandi.", r);
  free(r);
  r = norm(ctx, 0, "I can't believe it's not butter, said the girl's mother.");
  CHECK_STR("I can't believe it's not butter, said the girl's mother.", r);
  free(r);
  /* Clean text comes back byte for byte. */
  const char *clean = "Oʻzbekiston Respublikasi — «Тошкент» 2024\tNBSP:\u00a0ok\n";
  r = norm(ctx, 0, clean);
  CHECK_STR(clean, r);
  free(r);
}

/* A line far longer than a work piece: same result as short lines, and
 * the columns of reports still count from the line start. */
static void test_long_line(tl_ctx *ctx) {
  const char *unit = "Bu o'quv yili ta'lim Тошкeнт shahrida boshlandi. ";
  const char *want = "Bu oʻquv yili taʼlim Тошкент shahrida boshlandi. ";
  size_t ul = strlen(unit), n = 6000; /* ~300 KB */
  char *in = malloc(ul * n + 1), *exp = malloc(strlen(want) * n + 1);
  for (size_t k = 0; k < n; k++) {
    memcpy(in + k * ul, unit, ul);
    memcpy(exp + k * strlen(want), want, strlen(want));
  }
  in[ul * n] = '\0';
  exp[strlen(want) * n] = '\0';
  tl_buf out = TL_BUF_INIT;
  log l = {0, ""};
  CHECK_INT(TL_OK, tl_normalize(ctx, NULL, in, strlen(in), &out, NULL, NULL));
  CHECK(out.data && strcmp(out.data, exp) == 0);
  tl_buf_free(&out);
  /* The last look-alike: the Latin e of the last Тошкeнт. */
  size_t cps = 0;
  for (const char *p = unit; *p; p++)
    cps += ((unsigned char)*p & 0xC0) != 0x80;
  (void)l;
  size_t last[3] = {0, 0, 0};
  CHECK_INT(TL_OK, tl_normalize(ctx, NULL, in, strlen(in), &out, on_last, last));
  CHECK_INT(3 * n, last[0]);
  CHECK_INT(1, last[1]);
  CHECK_INT((n - 1) * cps + 22, last[2]); /* "Bu o'quv yili ta'lim " = 21 */
  tl_buf_free(&out);
  free(in);
  free(exp);
}

/* Threads share nothing but immutable tables: each with its own context
 * gets the same result as a lone caller. */
typedef struct job {
  const char *in;
  char *out;
  tl_lang lang;
} job;

static void *worker(void *arg) {
  job *j = arg;
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  for (int k = 0; k < 20; k++) {
    tl_buf out = TL_BUF_INIT;
    tl_normalize(ctx, NULL, j->in, strlen(j->in), &out, NULL, NULL);
    tl_detect(ctx, &j->lang, NULL, j->in, strlen(j->in));
    free(j->out);
    j->out = strdup(out.data ? out.data : "");
    tl_buf_free(&out);
  }
  tl_ctx_free(ctx);
  return NULL;
}

static void test_threads(tl_ctx *ctx) {
  const char *in = "Bu o'quv yili ta'lim Тошкeнт shahrida boshlandi.\n"
                   "She didn't say it's five o'clock.\n";
  char *want = norm(ctx, 0, in);
  job jobs[4];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){in, NULL, TL_LANG_UNKNOWN};
    CHECK_INT(0, pthread_create(&th[i], NULL, worker, &jobs[i]));
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK_STR(want, jobs[i].out);
    CHECK_INT(TL_LANG_UZ_LATN, jobs[i].lang);
    free(jobs[i].out);
  }
  free(want);
}

int main(void) {
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  test_stable_exhaustive();
  test_random_agrees_with_icu(ctx);
  test_corpus_agrees_with_icu(ctx);
  test_idempotent(ctx);
  test_reports_and_errors(ctx);
  test_rules(ctx);
  test_long_line(ctx);
  test_threads(ctx);
  tl_ctx_free(ctx);
  return check_done();
}

/* test_threads.c: 8 threads convert, stream, normalize, detect and
 * spell-check different texts at once through shared compiled converters
 * and one shared speller, each with its own tl_ctx; every output must equal
 * the serial run, and each thread's errors carry its own offset. Also built
 * under ThreadSanitizer by scripts/test (build-tsan). */
#include "check.h"
#include "translit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_THREADS 8
#define ROUNDS 3

static const char *const articles[] = {"article.uz-Cyrl.txt", "article.uz-Latn.txt",
                                       "article.ru.txt", "article.en.txt"};
static char *text[4];
static size_t text_len[4];

static tl_converter *cv_c2l, *cv_l2c, *cv_ru;
static tl_speller *speller;

typedef struct task {
  int id;
  const char *in; /* this thread's text: its article from paragraph id/4 on */
  size_t len;
  const tl_converter *cv; /* NULL for English: no conversion */
  char *expected;         /* the serial run's result */
  int failed;
} task;

static void app(tl_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *p = realloc(b->data, cap);
    if (!p)
      abort();
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}
static void apps(tl_buf *b, const char *s) { app(b, s, strlen(s)); }

static void on_word(void *user, const tl_spell_word *w) {
  tl_buf *b = user;
  char head[64];
  snprintf(head, sizeof head, "\n%zu:%zu:%s:", w->line, w->column, tl_lang_code(w->lang));
  apps(b, head);
  app(b, w->word, w->len);
  for (size_t i = 0; i < w->n_suggestions; i++) {
    apps(b, i ? "," : " -> ");
    apps(b, w->suggestions[i]);
  }
}

/* Everything one task produces, as one string (malloc'd), or NULL after a
 * failed call (reported through CHECK-free stderr, as threads run it). */
static char *run_task(tl_ctx *ctx, const task *t) {
  tl_buf out = TL_BUF_INIT, acc = TL_BUF_INIT;
  tl_status st = TL_OK;
  if (t->cv) {
    st = tl_convert(ctx, t->cv, t->in, t->len, &out, NULL, NULL);
    if (!st) {
      apps(&acc, "convert:\n");
      app(&acc, out.data, out.len);
    }
    /* The same through a stream fed in uneven chunks. */
    tl_stream *s = NULL;
    if (!st)
      st = tl_stream_new(ctx, t->cv, NULL, NULL, &s);
    tl_buf_clear(&out);
    size_t step = 61 + (size_t)t->id * 17;
    for (size_t i = 0; !st && i < t->len; i += step)
      st = tl_stream_write(s, t->in + i, i + step < t->len ? step : t->len - i, &out);
    if (!st)
      st = tl_stream_finish(s, &out);
    tl_stream_free(s);
    if (!st) {
      apps(&acc, "\nstream:\n");
      app(&acc, out.data, out.len);
    }
  }
  tl_buf_clear(&out);
  if (!st)
    st = tl_normalize(ctx, NULL, t->in, t->len, &out, NULL, NULL);
  if (!st) {
    apps(&acc, "\nnormalize:\n");
    app(&acc, out.data, out.len);
  }
  tl_lang lang = TL_LANG_UNKNOWN;
  if (!st)
    st = tl_detect(ctx, &lang, NULL, t->in, t->len);
  if (!st) {
    apps(&acc, "\ndetect: ");
    apps(&acc, tl_lang_code(lang));
    apps(&acc, "\nspell:");
    st = tl_speller_check(ctx, speller, t->in, t->len, on_word, &acc);
  }
  tl_buf_free(&out);
  if (st) {
    fprintf(stderr, "task %d: %s: %s\n", t->id, tl_status_name(st), tl_ctx_message(ctx));
    tl_buf_free(&acc);
    return NULL;
  }
  return acc.data;
}

/* Invalid UTF-8 at a per-thread offset: the message on this thread's
 * context must name this thread's offset, whatever the others do. */
static int own_error(tl_ctx *ctx, const task *t) {
  char bad[64];
  size_t off = 5 + (size_t)t->id;
  memset(bad, 'a', off);
  bad[off] = '\xFF';
  tl_buf out = TL_BUF_INIT;
  const tl_converter *cv = t->cv ? t->cv : cv_c2l;
  tl_status st = tl_convert(ctx, cv, bad, off + 1, &out, NULL, NULL);
  tl_buf_free(&out);
  char want[64];
  snprintf(want, sizeof want, "byte offset %zu", off);
  return st == TL_EUTF8 && tl_ctx_error_offset(ctx) == off &&
         strstr(tl_ctx_message(ctx), want) != NULL;
}

static void *thread_main(void *arg) {
  task *t = arg;
  tl_ctx *ctx = NULL;
  if (tl_ctx_new(&ctx)) {
    t->failed++;
    return NULL;
  }
  for (int r = 0; r < ROUNDS; r++) {
    char *got = run_task(ctx, t);
    if (!got || strcmp(got, t->expected) != 0) {
      fprintf(stderr, "thread %d round %d: output differs from the serial run\n", t->id, r);
      t->failed++;
    }
    free(got);
    if (!own_error(ctx, t)) {
      fprintf(stderr, "thread %d: wrong error: %s\n", t->id, tl_ctx_message(ctx));
      t->failed++;
    }
  }
  tl_ctx_free(ctx);
  return NULL;
}

static tl_converter *make_cv(tl_ctx *ctx, tl_lang from, tl_lang to) {
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = from;
  o.to = to;
  tl_converter *cv = NULL;
  CHECK_INT(TL_OK, tl_converter_new(ctx, &o, &cv));
  return cv;
}

/* The start of paragraph k (blank-line separated) of s, or s. */
static const char *paragraph(const char *s, int k) {
  const char *p = s;
  for (int i = 0; i < k; i++) {
    const char *n = strstr(p, "\n\n");
    if (!n)
      return s;
    p = n + 2;
  }
  return p;
}

int main(void) {
  for (int i = 0; i < 4; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "tests/data/sample/%s", articles[i]);
    text[i] = check_read_file(check_src_path(rel), &text_len[i]);
    CHECK(text[i] != NULL);
    if (!text[i])
      return check_done();
  }
  tl_ctx *ctx = NULL;
  CHECK_INT(TL_OK, tl_ctx_new(&ctx));
  cv_c2l = make_cv(ctx, TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN);
  cv_l2c = make_cv(ctx, TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL);
  cv_ru = make_cv(ctx, TL_LANG_RU, TL_LANG_RU_LATN);

  /* The Uzbek Latin dictionary is cached on disk: in the build tree, so
   * that the test writes nothing to the home directory. */
  char cache[1024];
  const char *bd = getenv("TL_BUILD_DIR");
  snprintf(cache, sizeof cache, "%s/spell-cache", bd ? bd : ".");
  tl_speller_options so;
  tl_speller_options_init(&so);
  so.cache_dir = cache;
  CHECK_INT(TL_OK, tl_speller_new(ctx, &so, &speller));
  if (!cv_c2l || !cv_l2c || !cv_ru || !speller)
    return check_done();

  const tl_converter *cvs[4] = {cv_c2l, cv_l2c, cv_ru, NULL};
  task tasks[N_THREADS];
  for (int k = 0; k < N_THREADS; k++) {
    task *t = &tasks[k];
    memset(t, 0, sizeof *t);
    t->id = k;
    t->in = paragraph(text[k % 4], k / 4);
    t->len = text_len[k % 4] - (size_t)(t->in - text[k % 4]);
    t->cv = cvs[k % 4];
    t->expected = run_task(ctx, t);
    CHECK(t->expected != NULL);
    if (!t->expected)
      return check_done();
  }
  /* The serial run found misspellings and converted something, so the
   * comparison below is not between empty strings. */
  CHECK(strstr(tasks[0].expected, " -> ") != NULL);
  CHECK(strstr(tasks[0].expected, "Toshkent") != NULL);

  pthread_t th[N_THREADS];
  for (int k = 0; k < N_THREADS; k++)
    CHECK_INT(0, pthread_create(&th[k], NULL, thread_main, &tasks[k]));
  for (int k = 0; k < N_THREADS; k++)
    CHECK_INT(0, pthread_join(th[k], NULL));
  for (int k = 0; k < N_THREADS; k++) {
    CHECK_INT(0, tasks[k].failed);
    free(tasks[k].expected);
  }
  tl_speller_free(speller);
  tl_converter_free(cv_c2l);
  tl_converter_free(cv_l2c);
  tl_converter_free(cv_ru);
  tl_ctx_free(ctx);
  for (int i = 0; i < 4; i++)
    free(text[i]);
  return check_done();
}

/* test_leaks.c: a plugin opens and closes handles for years in one process,
 * so every handle type (and every failure path) is opened, used and closed
 * many times and the resident memory must not grow. Cheap handles run
 * 10,000 times; handles that compile lexicons or load dictionaries (tens
 * to hundreds of ms each) run fewer times with a tolerance to match. Under
 * ASan the RSS check is skipped (its quarantine holds freed memory) and
 * LeakSanitizer does the exact accounting instead. */
#include "check.h"
#include "translit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define N_CHEAP (UNDER_ASAN ? 200 : 10000)
#define N_HEAVY (UNDER_ASAN ? 1 : 9)
#define MIB (1024.0 * 1024.0)

static tl_ctx *ctx;
static char cache[1024];

/* Resident set size in bytes, from /proc/self/statm (current, unlike
 * getrusage's peak, so that freed memory counts as freed). */
static double rss(void) {
  FILE *fp = fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (fp) {
    if (fscanf(fp, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    fclose(fp);
  }
  return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef int (*step_fn)(void);

/* Runs step a few times to reach steady state (caches, allocator pools),
 * then n times; the RSS may grow by at most tolerance bytes. */
static void run(const char *name, step_fn step, int n, double tolerance) {
  int warm = n / 10 > 1 ? n / 10 : 1;
  for (int i = 0; i < warm; i++)
    if (!step()) {
      fprintf(stderr, "%s: failed: %s\n", name, tl_ctx_message(ctx));
      CHECK(!"step failed");
      return;
    }
  double before = rss(), t0 = now();
  for (int i = 0; i < n; i++)
    if (!step()) {
      fprintf(stderr, "%s: failed at %d: %s\n", name, i, tl_ctx_message(ctx));
      CHECK(!"step failed");
      return;
    }
  double grew = rss() - before;
  printf("%-30s x%-6d RSS %+6.2f MiB  %7.3f ms each\n", name, n, grew / MIB,
         (now() - t0) * 1e3 / n);
  if (!UNDER_ASAN && grew > tolerance) {
    char what[96], lim[32];
    snprintf(what, sizeof what, "RSS growth of %s over %d runs (MiB)", name, n);
    snprintf(lim, sizeof lim, "<= %.2f", tolerance / MIB);
    char got[32];
    snprintf(got, sizeof got, "%.2f", grew / MIB);
    check_fail(__FILE__, __LINE__, what, lim, got);
  }
}

static const char cyrl[] = "Тошкент шаҳрида янги мактаб очилди. Ўзбекистон.";
static const char latn[] = "Toshkent shahrida yangi maktab ochildi. Oʻzbekiston.";

static tl_converter *shared_cv; /* uz-Cyrl -> uz-Latn, for streams */
static tl_aligner *shared_al;

static int ok(tl_status st) { return st == TL_OK; }

static int step_ctx(void) {
  tl_ctx *c = NULL;
  if (!ok(tl_ctx_new(&c)))
    return 0;
  tl_ctx_free(c);
  return 1;
}

static int convert_with(tl_lang from, tl_lang to, unsigned flags, const char *text) {
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = from;
  o.to = to;
  o.flags = flags;
  tl_converter *cv = NULL;
  if (!ok(tl_converter_new(ctx, &o, &cv)))
    return 0;
  tl_buf out = TL_BUF_INIT;
  int r = ok(tl_convert(ctx, cv, text, strlen(text), &out, NULL, NULL)) && out.len > 0;
  tl_buf_free(&out);
  tl_converter_free(cv);
  return r;
}

static int step_cv_ru(void) { return convert_with(TL_LANG_RU, TL_LANG_RU_LATN, 0, "Щукин"); }
static int step_cv_c2l(void) { return convert_with(TL_LANG_UZ_CYRL, TL_LANG_UZ_LATN, 0, cyrl); }
static int step_cv_l2c(void) { return convert_with(TL_LANG_UZ_LATN, TL_LANG_UZ_CYRL, 0, latn); }

/* Failure paths free what they allocated too. */
static int step_cv_fail(void) {
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = TL_LANG_RU;
  o.to = TL_LANG_RU_LATN;
  o.scheme = "no-such-scheme";
  tl_converter *cv = NULL;
  return tl_converter_new(ctx, &o, &cv) == TL_ENOTFOUND && cv == NULL;
}

static int step_stream(void) {
  tl_stream *s = NULL;
  tl_buf out = TL_BUF_INIT;
  int r = ok(tl_stream_new(ctx, shared_cv, NULL, NULL, &s)) &&
          ok(tl_stream_write(s, cyrl, 7, &out)) &&
          ok(tl_stream_write(s, cyrl + 7, sizeof cyrl - 8, &out)) &&
          ok(tl_stream_finish(s, &out));
  tl_stream_free(s);
  tl_buf_free(&out);
  return r;
}

static int step_convert_bad(void) {
  tl_buf out = TL_BUF_INIT;
  int r = tl_convert(ctx, shared_cv, "Тош\xFFкент", 11, &out, NULL, NULL) == TL_EUTF8;
  tl_buf_free(&out);
  return r;
}

static int step_normalize(void) {
  tl_buf out = TL_BUF_INIT;
  const char *t = "O'zbekiston  va\xE2\x80\x8B g`alaba";
  int r = ok(tl_normalize(ctx, NULL, t, strlen(t), &out, NULL, NULL));
  tl_buf_free(&out);
  return r;
}

static void on_word(void *user, const tl_spell_word *w) {
  (void)user;
  (void)w;
}

static int speller_with(int check) {
  tl_speller_options o;
  tl_speller_options_init(&o);
  o.cache_dir = cache;
  tl_speller *sp = NULL;
  if (!ok(tl_speller_new(ctx, &o, &sp)))
    return 0;
  int r = 1;
  if (check) /* loads the uz-Latn and uz-Cyrl dictionaries */
    r = ok(tl_speller_check(ctx, sp, latn, strlen(latn), on_word, NULL)) &&
        ok(tl_speller_check(ctx, sp, cyrl, strlen(cyrl), on_word, NULL));
  tl_speller_free(sp);
  return r;
}
static int step_speller(void) { return speller_with(0); }
static int step_speller_loaded(void) { return speller_with(1); }

static int step_aligner(void) {
  tl_align_options o;
  tl_align_options_init(&o);
  tl_aligner *al = NULL;
  if (!ok(tl_aligner_new(ctx, &o, &al)))
    return 0;
  tl_aligner_free(al);
  return 1;
}

static int step_alignment(void) {
  tl_alignment *aln = NULL;
  if (!ok(tl_align(ctx, shared_al, latn, strlen(latn), cyrl, strlen(cyrl), &aln)))
    return 0;
  tl_buf out = TL_BUF_INIT;
  int r = ok(tl_alignment_write(ctx, aln, TL_ALIGN_JSON, 0, &out));
  tl_buf_free(&out);
  tl_alignment_free(aln);
  return r;
}

int main(void) {
  const char *bd = getenv("TL_BUILD_DIR");
  snprintf(cache, sizeof cache, "%s/spell-cache", bd ? bd : ".");
  CHECK_INT(TL_OK, tl_ctx_new(&ctx));
  tl_convert_options o;
  tl_convert_options_init(&o);
  o.from = TL_LANG_UZ_CYRL;
  CHECK_INT(TL_OK, tl_converter_new(ctx, &o, &shared_cv));
  tl_align_options ao;
  tl_align_options_init(&ao);
  CHECK_INT(TL_OK, tl_aligner_new(ctx, &ao, &shared_al));
  if (!shared_cv || !shared_al)
    return check_done();

  /* Cheap handles: 10,000 times; 1 MiB means < ~100 bytes a run. */
  run("tl_ctx", step_ctx, N_CHEAP, 1 * MIB);
  run("tl_converter ru->ru-Latn", step_cv_ru, N_CHEAP, 1 * MIB);
  run("tl_converter_new failing", step_cv_fail, N_CHEAP, 1 * MIB);
  run("tl_stream", step_stream, N_CHEAP, 1 * MIB);
  run("tl_convert invalid UTF-8", step_convert_bad, N_CHEAP, 1 * MIB);
  run("tl_normalize", step_normalize, N_CHEAP, 1 * MIB);
  /* ~2 ms a run (it reads the newsroom lists): 1,000 runs, so 1 KiB. */
  run("tl_speller (no dictionary)", step_speller, N_CHEAP / 10, 1 * MIB);
  run("tl_alignment", step_alignment, N_CHEAP / 5, 1 * MIB);
  /* Heavy handles (each compiles lexicons or loads dictionaries of
   * several MiB): a leak of the handle shows within a dozen runs. */
  run("tl_converter uz-Cyrl->uz-Latn", step_cv_c2l, N_HEAVY, 4 * MIB);
  run("tl_converter uz-Latn->uz-Cyrl", step_cv_l2c, N_HEAVY, 4 * MIB);
  run("tl_aligner", step_aligner, N_HEAVY, 4 * MIB);
  /* ~1.5 s a run: a handful shows a leak of dictionaries. */
  run("tl_speller (dictionaries)", step_speller_loaded, N_HEAVY / 3, 4 * MIB);

  tl_aligner_free(shared_al);
  tl_converter_free(shared_cv);
  tl_ctx_free(ctx);
  return check_done();
}

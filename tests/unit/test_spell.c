/* test_spell.c: the speller's contract: offsets (bytes, UTF-16, line and
 * column), invalid UTF-8, the Uzbek Latin dictionary cache and its rebuild
 * when the source list changes, missing dictionaries, session words, and one
 * speller shared by threads giving the same answers as one per thread. */
#include "check.h"
#include "spell.h"
#include "translit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct found {
  char text[8192];
  size_t n;
} found;

/* Records each reported word as "word@offset/u16:line:col lang [sugg] (reason)". */
static void collect(void *user, const tl_spell_word *w) {
  found *f = user;
  size_t room = sizeof f->text - strlen(f->text);
  snprintf(f->text + strlen(f->text), room, "%.*s@%zu/%zu+%zu:%zu:%zu %s%s%s%s;",
           (int)w->len, w->word, w->offset, w->u16_offset, w->u16_len, w->line,
           w->column, tl_lang_code(w->lang), w->ok ? " ok" : "",
           w->reason ? " " : "", w->reason ? w->reason : "");
  f->n++;
}

/* The same with the suggestions: "word[s1,s2,...];". */
static void collect_sugg(void *user, const tl_spell_word *w) {
  found *f = user;
  size_t room = sizeof f->text - strlen(f->text);
  snprintf(f->text + strlen(f->text), room, "%.*s[", (int)w->len, w->word);
  for (size_t i = 0; i < w->n_suggestions; i++) {
    room = sizeof f->text - strlen(f->text);
    snprintf(f->text + strlen(f->text), room, "%s%s", i ? "," : "", w->suggestions[i]);
  }
  room = sizeof f->text - strlen(f->text);
  snprintf(f->text + strlen(f->text), room, "];");
  f->n++;
}

static tl_speller *open_speller(tl_ctx *ctx, tl_lang lang, unsigned flags,
                                const char *cache) {
  tl_speller_options o;
  tl_speller_options_init(&o);
  o.lang = lang;
  o.flags = flags;
  o.cache_dir = cache;
  tl_speller *sp = NULL;
  tl_status st = tl_speller_new(ctx, &o, &sp);
  if (st)
    fprintf(stderr, "tl_speller_new: %s\n", tl_ctx_message(ctx));
  CHECK_INT(TL_OK, st);
  return sp;
}

static void test_offsets(tl_ctx *ctx, const char *cache) {
  tl_speller *sp = open_speller(ctx, TL_LANG_RU, TL_SPELL_NO_SUGGEST, cache);
  if (!sp)
    return;
  found f = {"", 0};
  /* 😀 is 4 bytes and 2 UTF-16 units; the second line starts at byte 20. */
  const char *t = "😀 Превет\nи ошибкаа";
  CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &f));
  CHECK_STR("Превет@5/3+6:1:3 ru;ошибкаа@21/12+7:2:3 ru;", f.text);

  /* Invalid UTF-8 fails before any word is reported, naming the place. */
  found g = {"", 0};
  const char bad[] = "Превет\nab\xff";
  CHECK_INT(TL_EUTF8, tl_speller_check(ctx, sp, bad, sizeof bad - 1, collect, &g));
  CHECK_INT(0, g.n);
  CHECK_INT(15, tl_ctx_error_offset(ctx));
  size_t line, col;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(3, col);

  /* Session words are accepted from then on. */
  found h = {"", 0};
  CHECK_INT(TL_OK, tl_speller_add(ctx, sp, "Превет", strlen("Превет")));
  CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &h));
  CHECK_STR("ошибкаа@21/12+7:2:3 ru;", h.text);
  tl_speller_free(sp);
}

static void test_auto(tl_ctx *ctx, const char *cache) {
  tl_speller *sp = open_speller(ctx, TL_LANG_UNKNOWN, TL_SPELL_NO_SUGGEST, cache);
  if (!sp)
    return;
  found f = {"", 0};
  /* A Russian quotation in an Uzbek Latin sentence is checked as Russian;
   * a Cyrillic word with a Latin look-alike letter is named as such. */
  const char *t = "Vazir aytdi: «Мы будем рабтать вместе». Ўзбекистoн";
  CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &f));
  CHECK_STR("рабтать@31/23+7:1:24 ru;Ўзбекистoн@62/40+10:1:41 uz-Cyrl "
            "Latin o inside a Cyrillic word;",
            f.text);
  /* With TL_SPELL_ALL_WORDS every word is reported, correct ones as ok. */
  tl_speller *all = open_speller(ctx, TL_LANG_UNKNOWN, TL_SPELL_ALL_WORDS, cache);
  found g = {"", 0};
  const char *u = "Toshkent shahri";
  CHECK_INT(TL_OK, tl_speller_check(ctx, all, u, strlen(u), collect, &g));
  CHECK_STR("Toshkent@0/0+8:1:1 uz-Latn ok;shahri@9/9+6:1:10 uz-Latn ok;", g.text);
  tl_speller_free(all);
  /* A word that lower-casing lengthens (İ -> i + U+0307) stays in bounds. */
  char big[2 * 200 + 2];
  for (int i = 0; i < 200; i++)
    memcpy(big + 2 * i, "\xC4\xB0", 2);
  big[400] = 'a';
  found h = {"", 0};
  CHECK_INT(TL_OK, tl_speller_check(ctx, sp, big, 401, collect, &h));
  CHECK_INT(1, h.n);
  tl_speller_free(sp);
}

/* The text is normalized before checking (apostrophe variants, NFC,
 * invisible characters, look-alikes, by normalize.c), yet every word is
 * reported as written, at its place in the text as given: bytes, UTF-16
 * units, line and column. */
static void test_normalize_first(tl_ctx *ctx, const char *cache) {
  tl_speller *uz = open_speller(ctx, TL_LANG_UZ_LATN, 0, cache);
  tl_speller *ru = open_speller(ctx, TL_LANG_RU, TL_SPELL_NO_SUGGEST, cache);
  if (!uz || !ru) {
    tl_speller_free(uz);
    tl_speller_free(ru);
    return;
  }
  /* o‘ (U+2018: 3 bytes, 1 UTF-16 unit), o' and o` are all oʻ: the three
   * misspellings are one word form, with the same suggestions. */
  const char *t = "o‘quvchilarr o'quvchilarr\no`quvchilarr oʻquvchilar";
  found f = {"", 0};
  CHECK_INT(TL_OK, tl_speller_check(ctx, uz, t, strlen(t), collect, &f));
  CHECK_STR("o‘quvchilarr@0/0+12:1:1 uz-Latn;o'quvchilarr@15/13+12:1:14 uz-Latn;"
            "o`quvchilarr@28/26+12:2:1 uz-Latn;",
            f.text);
  /* The suggestions, as seen by a callback that prints them. */
  found g = {"", 0};
  const char *v = "o‘quvchilarr o`quvchilarr";
  CHECK_INT(TL_OK, tl_speller_check(ctx, uz, v, strlen(v), collect_sugg, &g));
  CHECK_INT(2, g.n);
  char first[2048] = "";
  const char *b = strchr(g.text, '['), *e = b ? strchr(b, ';') : NULL;
  if (b && e && (size_t)(e - b) < sizeof first)
    memcpy(first, b, (size_t)(e - b));
  CHECK(strstr(first, "[oʻquvchilar,") == first);
  char want[2 * sizeof first + 64];
  snprintf(want, sizeof want, "o‘quvchilarr%s;o`quvchilarr%s;", first, first);
  CHECK_STR(want, g.text);

  /* NFD (Е + U+0308 is Ё; е + U+0301) and a soft hyphen inside a word:
   * checked as NFC without the hyphen, reported with the bytes as given,
   * and the words after them keep their places. */
  const char *n = "Е\xCC\x88лкаа и ошибкаа, Пре\xC2\xADзидентт\nЁ\xC2\xADлка ошибкаа";
  found h = {"", 0};
  CHECK_INT(TL_OK, tl_speller_check(ctx, ru, n, strlen(n), collect, &h));
  CHECK_STR("Е\xCC\x88лкаа@0/0+6:1:1 ru;ошибкаа@16/9+7:1:10 ru;"
            "Пре\xC2\xADзидентт@32/18+11:1:19 ru;ошибкаа@66/36+7:2:7 ru;",
            h.text);
  /* The NFD word is the NFC word to the dictionary: both or neither flagged. */
  found k = {"", 0};
  const char *m = "Е\xCC\x88лка Ёлка";
  CHECK_INT(TL_OK, tl_speller_check(ctx, ru, m, strlen(m), collect, &k));
  CHECK_STR("", k.text);

  /* A look-alike letter: the normalizer's fix, reported at the word. */
  found l = {"", 0};
  const char *q = "Тошкентда мактабга кeлди";
  tl_speller *auto_sp = open_speller(ctx, TL_LANG_UNKNOWN, TL_SPELL_NO_SUGGEST, cache);
  if (auto_sp) {
    CHECK_INT(TL_OK, tl_speller_check(ctx, auto_sp, q, strlen(q), collect, &l));
    CHECK_STR("кeлди@36/19+5:1:20 uz-Cyrl Latin e inside a Cyrillic word;", l.text);
  }
  tl_speller_free(auto_sp);
  tl_speller_free(uz);
  tl_speller_free(ru);

  /* A personal list saved in NFD (й = и + U+0306, ё = е + U+0308) or with
   * a soft hyphen matches the text in NFC, and the other way round. */
  char path[] = "/tmp/tl-spell-personal-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  const char *list = "# site names\nЗии\xCC\x86\xD0\xB5\xCC\x88хон\nТош\xC2\xADбулоқ\n";
  CHECK_INT((long)strlen(list), (long)write(fd, list, strlen(list)));
  close(fd);
  tl_speller_options o;
  tl_speller_options_init(&o);
  o.lang = TL_LANG_RU;
  o.flags = TL_SPELL_NO_SUGGEST;
  o.cache_dir = cache;
  const char *files[1] = {path};
  o.personal_files = files;
  o.n_personal_files = 1;
  tl_speller *p = NULL;
  CHECK_INT(TL_OK, tl_speller_new(ctx, &o, &p));
  if (p) {
    found r = {"", 0};
    const char *x = "Зийёхон и Ташбулоқ и Тошбулоқ, Зии\xCC\x86\xD0\xB5\xCC\x88хон";
    CHECK_INT(TL_OK, tl_speller_check(ctx, p, x, strlen(x), collect, &r));
    CHECK_STR("Ташбулоқ@18/10+8:1:11 ru;", r.text);
    /* tl_speller_add reads its word the same way. */
    CHECK_INT(TL_OK, tl_speller_add(ctx, p, "Ташбу\xC2\xADлоқ", strlen("Ташбу\xC2\xADлоқ")));
    found q2 = {"", 0};
    CHECK_INT(TL_OK, tl_speller_check(ctx, p, x, strlen(x), collect, &q2));
    CHECK_STR("", q2.text);
  }
  tl_speller_free(p);
  unlink(path);
}

static int write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  if (!fp)
    return -1;
  fputs(text, fp);
  return fclose(fp);
}

/* The Uzbek Latin list is made from the Cyrillic one by our conversion,
 * cached, and made again when the Cyrillic list changes. */
static void test_latin_cache(tl_ctx *ctx) {
  char dir[] = "/tmp/tl-spell-test-XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char dicts[256], cache[256], aff[300], dic[300];
  snprintf(dicts, sizeof dicts, "%s/dicts", dir);
  snprintf(cache, sizeof cache, "%s/cache", dir);
  mkdir(dicts, 0777);
  snprintf(aff, sizeof aff, "%s/uz_UZ.aff", dicts);
  snprintf(dic, sizeof dic, "%s/uz_UZ.dic", dicts);
  CHECK_INT(0, write_file(aff, "SET UTF-8\n"));
  CHECK_INT(0, write_file(dic, "3\nТошкент\nшаҳар\nўқитувчи\n"));

  tl_speller_options o;
  tl_speller_options_init(&o);
  o.lang = TL_LANG_UZ_LATN;
  o.flags = TL_SPELL_NO_NEWSROOM | TL_SPELL_NO_SUGGEST;
  o.dict_dir = dicts;
  o.cache_dir = cache;
  tl_speller *sp = NULL;
  CHECK_INT(TL_OK, tl_speller_new(ctx, &o, &sp));
  found f = {"", 0};
  const char *t = "Toshkent shahar oʻqituvchi kitob";
  if (sp)
    CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &f));
  CHECK_STR("kitob@28/27+5:1:28 uz-Latn;", f.text);
  tl_speller_free(sp);

  /* A new source list (other size and mtime) gets a new cache key. */
  char key1[17], key2[17];
  tl_convert_options co;
  tl_convert_options_init(&co);
  co.from = TL_LANG_UZ_CYRL;
  co.to = TL_LANG_UZ_LATN;
  tl_converter *cv = NULL;
  CHECK_INT(TL_OK, tl_converter_new(ctx, &co, &cv));
  CHECK_INT(TL_OK, tl__spell_latin_key(ctx, dic, cv, key1));
  /* (a different size: no need to wait for the clock to tick) */
  CHECK_INT(0, write_file(dic, "2\nкитоб\nшаҳар\n"));
  CHECK_INT(TL_OK, tl__spell_latin_key(ctx, dic, cv, key2));
  CHECK(strcmp(key1, key2) != 0);
  tl_converter_free(cv);
  sp = NULL;
  CHECK_INT(TL_OK, tl_speller_new(ctx, &o, &sp));
  found g = {"", 0};
  if (sp)
    CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &g));
  CHECK_STR("Toshkent@0/0+8:1:1 uz-Latn;oʻqituvchi@16/16+10:1:17 uz-Latn;", g.text);
  tl_speller_free(sp);

  /* No writable cache: the list is made in a temporary folder instead. */
  o.cache_dir = "/proc/no-cache-here";
  sp = NULL;
  CHECK_INT(TL_OK, tl_speller_new(ctx, &o, &sp));
  found h = {"", 0};
  if (sp)
    CHECK_INT(TL_OK, tl_speller_check(ctx, sp, t, strlen(t), collect, &h));
  CHECK_STR(g.text, h.text);
  tl_speller_free(sp);

  /* A missing dictionary is TL_ENODICT, naming the file and the package. */
  sp = NULL;
  o.lang = TL_LANG_RU;
  CHECK_INT(TL_ENODICT, tl_speller_new(ctx, &o, &sp));
  CHECK(sp == NULL);
  CHECK(strstr(tl_ctx_message(ctx), "ru_RU.dic") != NULL);
  CHECK(strstr(tl_ctx_message(ctx), "hunspell-ru") != NULL);

  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK_INT(0, system(cmd));
}

/* ------------------------------------------------------------- threads */

typedef struct job {
  tl_speller *sp; /* shared, or NULL: open one */
  const char *cache;
  const char *text;
  size_t len;
  found out;
  tl_status st;
} job;

static void *run_job(void *arg) {
  job *j = arg;
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  tl_speller *own = NULL;
  if (!j->sp) {
    tl_speller_options o;
    tl_speller_options_init(&o);
    o.cache_dir = j->cache;
    o.flags = TL_SPELL_NO_SUGGEST; /* suggestions are not compared */
    j->st = tl_speller_new(ctx, &o, &own);
  }
  for (int rep = 0; rep < (j->sp ? 3 : 1) && !j->st; rep++) {
    j->out.text[0] = '\0';
    j->out.n = 0;
    j->st = tl_speller_check(ctx, j->sp ? j->sp : own, j->text, j->len, collect, &j->out);
  }
  tl_speller_free(own);
  tl_ctx_free(ctx);
  return NULL;
}

static void test_threads(tl_ctx *ctx, const char *cache) {
  const char *names[] = {"tests/data/sample/article.ru.txt", "tests/data/sample/article.en.txt",
                         "tests/data/sample/article.uz-Latn.txt",
                         "tests/data/sample/article.uz-Cyrl.txt"};
  char *texts[4];
  size_t lens[4];
  for (int i = 0; i < 4; i++) {
    texts[i] = check_read_file(check_src_path(names[i]), &lens[i]);
    CHECK(texts[i] != NULL);
    if (!texts[i])
      return;
  }
  /* The reference: one thread. */
  tl_speller *shared = open_speller(ctx, TL_LANG_UNKNOWN, 0, cache);
  job ref[4];
  for (int i = 0; i < 4; i++) {
    ref[i] = (job){shared, cache, texts[i], lens[i], {"", 0}, TL_OK};
    run_job(&ref[i]);
  }
  tl_speller_free(shared);
  /* 8 threads on one shared speller (fresh caches), and 2 with their own. */
  shared = open_speller(ctx, TL_LANG_UNKNOWN, 0, cache);
  job jobs[10];
  pthread_t th[10];
  for (int i = 0; i < 10; i++) {
    jobs[i] = (job){i < 8 ? shared : NULL, cache, texts[i % 4], lens[i % 4], {"", 0}, TL_OK};
    pthread_create(&th[i], NULL, run_job, &jobs[i]);
  }
  for (int i = 0; i < 10; i++) {
    pthread_join(th[i], NULL);
    CHECK_INT(TL_OK, jobs[i].st);
    CHECK_STR(ref[i % 4].out.text, jobs[i].out.text);
  }
  tl_speller_free(shared);
  for (int i = 0; i < 4; i++)
    free(texts[i]);
}

int main(void) {
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  /* A private cache, so that the test never depends on the user's. */
  char cache[] = "/tmp/tl-spell-cache-XXXXXX";
  if (!mkdtemp(cache))
    return 2;
  test_offsets(ctx, cache);
  test_auto(ctx, cache);
  test_normalize_first(ctx, cache);
  test_latin_cache(ctx);
  test_threads(ctx, cache);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", cache);
  tl_ctx_free(ctx);
  return check_done();
}

/* test_align.c: the aligner's contracts: names meet across scripts, numbers
 * across notations; missing, extra, merged and edited sentences are found
 * where they are; every sentence is in exactly one link; the formats carry
 * what a user reads; errors name the side and the byte. */
#include "align.h"
#include "check.h"
#include "translit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tl_ctx *ctx;

static const char *skel(const char *w) {
  static char out[4][8];
  static int k;
  char fold[64];
  size_t n = tl__fold_word(w, strlen(w), fold, sizeof fold);
  k = (k + 1) % 4;
  tl__word_skeleton(fold, n, out[k]);
  return out[k];
}

static void test_keys(void) {
  /* Names across scripts (even where the converter leaves Cyrillic). */
  CHECK_STR(skel("Malginov"), skel("Малгинов"));
  CHECK_STR(skel("Usmonov"), skel("Усмонов"));
  CHECK_STR(skel("Rossiya"), skel("Россия"));
  CHECK_STR(skel("Oʻzbekiston"), skel("Ўзбекистон"));
  CHECK_STR(skel("Shavkat"), skel("Шавкат"));
  CHECK_STR(skel("parliament"), skel("парламент"));
  CHECK(strcmp(skel("Malginov"), skel("Usmonov")) != 0);
  /* Inflected forms keep the key of the stem. */
  CHECK_STR(skel("Malginov"), skel("Малгиновым"));
  /* Numbers: thousands separators and decimal commas. */
  uint32_t *a, *b;
  size_t na = tl__text_keys("1 200 va 3,5", 12, 0, &a);
  size_t nb = tl__text_keys("1,200 and 3.5", 13, 0, &b);
  CHECK_INT(2, na);
  CHECK(nb >= 2);
  size_t shared = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      shared += a[i] == b[j];
  CHECK_INT(2, shared);
  free(a);
  free(b);
  na = tl__text_keys("см. https://www.example.uz/a.", 31, 0, &a);
  nb = tl__text_keys("see http://example.uz/a", 23, 0, &b);
  shared = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      shared += a[i] == b[j] && tl__key_type(a[i]) == TL__KEY_URL;
  CHECK_INT(1, shared);
  free(a);
  free(b);
}

/* Does the key set of a contain, as a variant, a word key of b? */
static int variant_meets(const char *a, const char *b) {
  uint32_t *ka, *kb;
  size_t na = tl__text_keys(a, strlen(a), 0, &ka), nb = tl__text_keys(b, strlen(b), 0, &kb);
  int hit = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      hit |= tl__key_type(ka[i]) == TL__KEY_VARIANT && tl__key_type(kb[j]) == TL__KEY_WORD &&
             (ka[i] & 0x3FFFFFFFu) == kb[j];
  free(ka);
  free(kb);
  return hit;
}

static void test_variants(void) {
  /* Latin letters that Russian renders another way still meet: c as k,
   * English g as dzh, an initial h as g, w as a vowel. */
  CHECK(variant_meets("Macedonia", "Македония"));
  CHECK(variant_meets("Rangers", "Рейнджерс"));
  CHECK(variant_meets("Hamilton", "Гамильтон"));
  CHECK(variant_meets("Walton", "Уолтон"));
  /* A three-consonant word meets a two-consonant stem (one suffix). */
  CHECK(variant_meets("votes", "vote"));
  /* A variant is no content of its own: no variant where nothing differs. */
  CHECK(!variant_meets("Malginov", "Малгинов"));
}

/* Do the keys of a (flags fa) and b (flags fb) meet, of the given type? */
static int keys_meet(const char *a, unsigned fa, const char *b, unsigned fb, unsigned type) {
  uint32_t *ka, *kb;
  size_t na = tl__text_keys(a, strlen(a), fa, &ka), nb = tl__text_keys(b, strlen(b), fb, &kb);
  int hit = 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      hit |= ka[i] == kb[j] && tl__key_type(ka[i]) == type;
  free(ka);
  free(kb);
  return hit;
}

static void test_stems_and_marks(void) {
  /* Uzbek words are keyed by their stem: suffixed forms meet the
   * dictionary form that a lexicon entry names (ovoz - vote). */
  CHECK(keys_meet("ovozlarni", TL__KEYS_UZ, "ovoz", TL__KEYS_UZ, TL__KEY_WORD));
  CHECK(!keys_meet("ovozlarni", 0, "ovoz", 0, TL__KEY_WORD));
  CHECK(keys_meet("Toshkentdagi", TL__KEYS_UZ, "Тошкент", TL__KEYS_UZ, TL__KEY_WORD));
  /* ... only suffixes it knows, down to four letters: bilan (with) is not
   * bil (know) + an. */
  CHECK(!keys_meet("bilan", TL__KEYS_UZ, "bilmoq", TL__KEYS_UZ, TL__KEY_WORD));
  /* A word of fewer than two consonants still has a key (yil, year). */
  CHECK(keys_meet("yil", TL__KEYS_UZ, "Yil", 0, TL__KEY_WORD));
  CHECK(!keys_meet("yil", TL__KEYS_UZ, "oy", 0, TL__KEY_WORD));
  /* Punctuation that translations keep: a question meets a question, a
   * sentence of direct speech another, a colon in a URL is no colon. */
  CHECK(keys_meet("Kim keldi?", TL__KEYS_UZ, "Кто пришёл?", 0, TL__KEY_URL));
  CHECK(!keys_meet("Kim keldi.", TL__KEYS_UZ, "Кто пришёл?", 0, TL__KEY_URL));
  CHECK(keys_meet("«Biz tayyormiz», dedi u.", TL__KEYS_UZ, "“We are ready,” he said.", 0, TL__KEY_URL));
  CHECK(!keys_meet("see https://a.uz", 0, "Note: this", 0, TL__KEY_URL));
}

static void test_diff(void) {
  tl_buf d = TL_BUF_INIT;
  CHECK_INT(1, tl__word_diff("Toshkent shahri katta", 21, "Toshkent shahrida juda katta", 28, &d));
  CHECK_STR("Toshkent [-shahri-]{+shahrida juda+} katta", d.data);
  tl_buf_clear(&d);
  /* Apostrophe variants and scripts do not count as edits. */
  CHECK_INT(0, tl__word_diff("Oʻzbekiston «bayrogʻi»", strlen("Oʻzbekiston «bayrogʻi»"),
                             "O'zbekiston “bayrog‘i”", strlen("O'zbekiston “bayrog‘i”"), &d));
  tl_buf_clear(&d);
  CHECK_INT(1, tl__word_diff("a b c", 5, "a c", 3, &d));
  CHECK_STR("a [-b-] c", d.data);
  tl_buf_free(&d);
}

static char *read_src(const char *rel, size_t *len) {
  char *s = check_read_file(check_src_path(rel), len);
  if (!s) {
    fprintf(stderr, "cannot read %s\n", rel);
    exit(2);
  }
  return s;
}

static tl_alignment *run(tl_lang la, tl_lang lb, unsigned flags, const char *a,
                         size_t an, const char *b, size_t bn) {
  tl_align_options o;
  tl_align_options_init(&o);
  o.lang_a = la;
  o.lang_b = lb;
  o.flags = flags;
  tl_aligner *al = NULL;
  tl_alignment *r = NULL;
  CHECK_INT(TL_OK, tl_aligner_new(ctx, &o, &al));
  CHECK_INT(TL_OK, tl_align(ctx, al, a, an, b, bn, &r));
  tl_aligner_free(al);
  return r;
}

/* Every sentence of each side in exactly one link, in order. */
static int covers(const tl_alignment *r) {
  size_t n, na = 0, nb = 0;
  const tl_align_link *l = tl_alignment_links(r, &n);
  for (size_t k = 0; k < n; k++) {
    if (l[k].a_count && l[k].a_first != na)
      return 0;
    if (l[k].b_count && l[k].b_first != nb)
      return 0;
    if (!l[k].a_count && !l[k].b_count)
      return 0;
    if (l[k].confidence < 0 || l[k].confidence > 1)
      return 0;
    na += l[k].a_count;
    nb += l[k].b_count;
  }
  return na == tl_alignment_sentence_count(r, 0) && nb == tl_alignment_sentence_count(r, 1);
}

/* The links as "a:b" strings ("4:" missing, ":6" extra, "1,2:1" merged). */
static const char *links_str(const tl_alignment *r) {
  static char out[2048];
  size_t n;
  const tl_align_link *l = tl_alignment_links(r, &n);
  out[0] = '\0';
  for (size_t k = 0; k < n; k++) {
    char part[64] = "";
    size_t p = 0;
    for (size_t i = 0; i < l[k].a_count; i++)
      p += (size_t)snprintf(part + p, sizeof part - p, "%s%zu", i ? "," : "", l[k].a_first + i);
    p += (size_t)snprintf(part + p, sizeof part - p, ":");
    for (size_t i = 0; i < l[k].b_count; i++)
      p += (size_t)snprintf(part + p, sizeof part - p, "%s%zu", i ? "," : "", l[k].b_first + i);
    if (k)
      strcat(out, " ");
    strcat(out, part);
  }
  return out;
}

static void test_drift(void) {
  size_t an, bn;
  char *a = read_src("tests/data/align/drift.ru.txt", &an);
  char *b = read_src("tests/data/align/drift.uz-Latn.txt", &bn);
  tl_alignment *r = run(TL_LANG_UNKNOWN, TL_LANG_UNKNOWN, 0, a, an, b, bn);
  CHECK_INT(TL_LANG_RU, tl_alignment_lang(r, 0));
  CHECK_INT(TL_LANG_UZ_LATN, tl_alignment_lang(r, 1));
  CHECK(covers(r));
  /* Sentence 4 of the Russian version is missing from the Uzbek one, and
   * the Uzbek one has an extra last paragraph. */
  CHECK_STR("0:0 1:1 2:2 3:3 4: 5:4 6:5 :6", links_str(r));
  size_t n;
  const tl_align_link *l = tl_alignment_links(r, &n);
  CHECK_INT(TL_LINK_MISSING, l[4].kind);
  CHECK_INT(TL_LINK_EXTRA, l[7].kind);
  CHECK(tl_align_link_is_problem(&l[4]));
  CHECK(!tl_align_link_is_problem(&l[0]));
  CHECK_INT(5, tl_alignment_paragraph_count(r, 0));
  /* TSV: ids, confidence, texts; --only-problems keeps the two drifts. */
  tl_buf out = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_alignment_write(ctx, r, TL_ALIGN_TSV, TL_ALIGN_ONLY_PROBLEMS, &out));
  CHECK(strncmp(out.data, "4\t\t0.", 5) == 0);
  CHECK(strstr(out.data, "\n\t6\t") != NULL);
  CHECK(strstr(out.data, "Tadbirda 150 ta kompaniya") != NULL);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_alignment_write(ctx, r, TL_ALIGN_JSON, 0, &out));
  CHECK(strstr(out.data, "\"missing\":1,\"extra\":1") != NULL);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_alignment_write(ctx, r, TL_ALIGN_TMX, 0, &out));
  CHECK(strstr(out.data, "<tuv xml:lang=\"ru\"><seg>") != NULL);
  CHECK(strstr(out.data, "Организаторы") == NULL); /* not a pair */
  tl_buf_free(&out);
  tl_alignment_free(r);
  /* The same, swapped: the missing sentence becomes an extra one. */
  r = run(TL_LANG_UZ_LATN, TL_LANG_RU, 0, b, bn, a, an);
  CHECK_STR("0:0 1:1 2:2 3:3 :4 4:5 5:6 6:", links_str(r));
  tl_alignment_free(r);
  free(a);
  free(b);
}

static void test_merge_split(void) {
  const char *a = "Prezident Shavkat Mirziyoyev 12 mart kuni Samarqandga bordi.\n"
                  "U yerda 240 ta yangi maktab ochildi.\n"
                  "Keyin u Buxoro viloyatiga yoʻl oldi.\n"
                  "Safar 3 kun davom etadi.\n";
  const char *b = "Президент Шавкат Мирзиёев 12 марта посетил Самарканд, где открылись 240 новых школ.\n"
                  "Затем он отправился в Бухарскую область.\n"
                  "Поездка продлится 3 дня.\n";
  tl_alignment *r = run(TL_LANG_UZ_LATN, TL_LANG_RU, TL_ALIGN_SEGMENTED, a, strlen(a), b, strlen(b));
  CHECK(covers(r));
  CHECK_STR("0,1:0 2:1 3:2", links_str(r));
  tl_alignment_free(r);
}

static void test_same_language(void) {
  size_t an, bn;
  char *a = read_src("tests/data/align/edit.uz-Cyrl.txt", &an);
  char *b = read_src("tests/data/align/edit.uz-Latn.txt", &bn);
  tl_alignment *r = run(TL_LANG_UNKNOWN, TL_LANG_UNKNOWN, 0, a, an, b, bn);
  CHECK_INT(TL_LANG_UZ_CYRL, tl_alignment_lang(r, 0));
  CHECK_STR("0:0 1:1 2:2", links_str(r));
  size_t n;
  const tl_align_link *l = tl_alignment_links(r, &n);
  CHECK_INT(TL_LINK_MATCH, l[0].kind);
  CHECK_INT(TL_LINK_CHANGED, l[1].kind);
  CHECK_INT(TL_LINK_MATCH, l[2].kind);
  tl_buf out = TL_BUF_INIT;
  CHECK_INT(TL_OK, tl_alignment_write(ctx, r, TL_ALIGN_JSON, TL_ALIGN_ONLY_PROBLEMS, &out));
  CHECK(strstr(out.data, "\"diff\":\"Unda [-30-]{+35+} ta davlatdan") != NULL);
  CHECK(strstr(out.data, "\"kind\":\"match\"") == NULL);
  tl_buf_clear(&out);
  CHECK_INT(TL_OK, tl_alignment_write(ctx, r, TL_ALIGN_HTML, 0, &out));
  CHECK(strstr(out.data, "<del>30</del><ins>35</ins>") != NULL);
  tl_buf_free(&out);
  tl_alignment_free(r);
  free(a);
  free(b);
}

/* A long document with scattered drops: the banded program finds them all
 * and keeps every sentence. */
static void test_long(void) {
  tl_buf a = TL_BUF_INIT, b = TL_BUF_INIT;
  size_t dropped = 0;
  for (int i = 0; i < 3000; i++) {
    char line[160];
    snprintf(line, sizeof line, "Report %d says %d people came to the %s meeting at %d:%02d.\n", i,
             (i * 37) % 1000, i % 2 ? "city" : "village", i % 24, i % 60);
    tl_buf *dst[2] = {&a, &b};
    for (int s = 0; s < 2; s++) {
      if (s == 1 && i % 97 == 50) {
        dropped++;
        continue;
      }
      for (const char *p = line; *p; p++) {
        char c = *p;
        tl_buf *o = dst[s];
        if (o->len + 2 > o->cap) {
          o->cap = o->cap ? 2 * o->cap : 4096;
          o->data = realloc(o->data, o->cap);
        }
        o->data[o->len++] = c;
        o->data[o->len] = '\0';
      }
    }
  }
  tl_alignment *r = run(TL_LANG_EN, TL_LANG_EN, TL_ALIGN_SEGMENTED, a.data, a.len, b.data, b.len);
  CHECK(covers(r));
  size_t n, missing = 0, good = 0;
  const tl_align_link *l = tl_alignment_links(r, &n);
  for (size_t k = 0; k < n; k++) {
    if (l[k].kind == TL_LINK_MISSING && l[k].a_first % 97 == 50)
      missing++;
    if (l[k].a_count == 1 && l[k].b_count == 1)
      good++;
  }
  CHECK_INT(dropped, missing);
  CHECK_INT(3000 - dropped, good);
  tl_alignment_free(r);
  tl_buf_free(&a);
  tl_buf_free(&b);
}

static void test_errors(void) {
  tl_align_options o;
  tl_align_options_init(&o);
  tl_aligner *al = NULL;
  tl_alignment *r = NULL;
  CHECK_INT(TL_OK, tl_aligner_new(ctx, &o, &al));
  CHECK_INT(TL_EUTF8, tl_align(ctx, al, "ok", 2, "line\nba\xc3(d", 9, &r));
  CHECK(r == NULL);
  CHECK(strncmp(tl_ctx_message(ctx), "B: invalid UTF-8", 16) == 0);
  size_t line, col;
  tl_ctx_error_position(ctx, &line, &col);
  CHECK_INT(2, line);
  CHECK_INT(3, col);
  CHECK_INT(7, tl_ctx_error_offset(ctx));
  /* Empty sides: all sentences of the other are extra or missing. */
  CHECK_INT(TL_OK, tl_align(ctx, al, "", 0, "One. Two.", 9, &r));
  CHECK_STR(":0 :1", links_str(r));
  tl_alignment_free(r);
  tl_aligner_free(al);
  /* A bad lexicon names its file and line. */
  const char *path = "/tmp/tl-test-align-lexicon.tsv";
  FILE *fp = fopen(path, "w");
  fputs("# comment\nsuv\tвода\nno tab here\n", fp);
  fclose(fp);
  const char *files[] = {path};
  o.lexicon_files = files;
  o.n_lexicon_files = 1;
  CHECK_INT(TL_ESYNTAX, tl_aligner_new(ctx, &o, &al));
  CHECK(strstr(tl_ctx_message(ctx), "tl-test-align-lexicon.tsv:3:") != NULL);
  remove(path);
  o.n_lexicon_files = 0;
  o.lang_a = TL_LANG_RU_LATN;
  CHECK_INT(TL_EUNSUPPORTED, tl_aligner_new(ctx, &o, &al));
}

/* A sentence left out of the translation is found although its neighbours
 * are as long: its numbers are nowhere on the other side. */
static void test_number_anchor(void) {
  const char *a = "The city council met on Monday to discuss the new budget.\n"
                  "The budget for 2024 grows by 12 percent to 450 million sums.\n"
                  "Spending on schools rises by 8 percent, to 95 million.\n"
                  "Roads will receive 120 million, the mayor said.\n"
                  "The vote is planned for 15 March.\n";
  const char *b = "Городской совет в понедельник обсудил новый бюджет.\n"
                  "Бюджет на 2024 год вырастет на 12 процентов, до 450 миллионов сумов.\n"
                  "На дороги выделят 120 миллионов, сообщил мэр.\n"
                  "Голосование назначено на 15 марта.\n";
  tl_alignment *r = run(TL_LANG_EN, TL_LANG_RU, TL_ALIGN_SEGMENTED, a, strlen(a), b, strlen(b));
  CHECK(covers(r));
  CHECK_STR("0:0 1:1 2: 3:2 4:3", links_str(r));
  size_t n;
  const tl_align_link *l = tl_alignment_links(r, &n);
  CHECK(n == 5 && l[2].kind == TL_LINK_MISSING && l[2].confidence >= 0.5);
  tl_alignment_free(r);
}

int main(void) {
  tl_ctx_new(&ctx);
  test_keys();
  test_variants();
  test_stems_and_marks();
  test_number_anchor();
  test_diff();
  test_drift();
  test_merge_split();
  test_same_language();
  test_long();
  test_errors();
  tl_ctx_free(ctx);
  return check_done();
}

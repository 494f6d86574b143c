/* test_segment.c: paragraph and sentence splitting for the aligner: ICU's
 * sentence breaks corrected by the abbreviation lists (titles, т.е., mln.,
 * initials, "г." after a year), decimals, quotes, HTML and Markdown input,
 * pre-segmented input and invalid UTF-8. */
#include "check.h"
#include "error.h"
#include "segment.h"
#include "translit.h"

#include <stdlib.h>
#include <string.h>

/* Segments text and returns the sentences joined by " | " (paragraph breaks
 * as " || "), so that one string shows the whole split. */
static char *split(const char *text, tl_lang lang, unsigned mode) {
  tl_ctx *ctx = NULL;
  tl__abbrevs *ab = NULL;
  tl__doc d;
  static char out[4096];
  tl_ctx_new(&ctx);
  tl__abbrevs_load(ctx, lang, &ab);
  out[0] = '\0';
  if (tl__doc_build(ctx, text, strlen(text), mode, ab, &d) != TL_OK) {
    snprintf(out, sizeof out, "ERROR %s", tl_ctx_message(ctx));
  } else {
    for (size_t i = 0; i < d.n; i++) {
      if (i)
        strcat(out, d.sents[i].para != d.sents[i - 1].para ? " || " : " | ");
      strncat(out, d.text + d.sents[i].off, d.sents[i].len);
    }
    tl__doc_free(&d);
  }
  tl__abbrevs_free(ab);
  tl_ctx_free(ctx);
  return out;
}

static void test_abbreviations(void) {
  CHECK_STR("Mr. Smith met Dr. Jones on Monday. | They talked.",
            split("Mr. Smith met Dr. Jones on Monday. They talked.", TL_LANG_EN, 0));
  CHECK_STR("Об этом сообщил проф. Иванов. | Он добавил подробности.",
            split("Об этом сообщил проф. Иванов. Он добавил подробности.", TL_LANG_RU, 0));
  /* "г." is "город" before a name, but ends a sentence after a year. */
  CHECK_STR("Центр открыт в г. Ташкенте. | Это было в 2019 г. | Потом всё изменилось.",
            split("Центр открыт в г. Ташкенте. Это было в 2019 г. Потом всё изменилось.",
                  TL_LANG_RU, 0));
  CHECK_STR("Это, т.е. проект, важен. | Он начнётся скоро.",
            split("Это, т.е. проект, важен. Он начнётся скоро.", TL_LANG_RU, 0));
  CHECK_STR("Loyiha uchun 5 mln. AQSh dollari ajratildi. | Ish boshlandi.",
            split("Loyiha uchun 5 mln. AQSh dollari ajratildi. Ish boshlandi.",
                  TL_LANG_UZ_LATN, 0));
}

static void test_initials(void) {
  CHECK_STR("Sh. Mirziyoyev va A. Karimov uchrashdi. | Keyin matbuot anjumani boʻldi.",
            split("Sh. Mirziyoyev va A. Karimov uchrashdi. Keyin matbuot anjumani boʻldi.",
                  TL_LANG_UZ_LATN, 0));
  CHECK_STR("Выступил А. С. Пушкин. | Зал аплодировал.",
            split("Выступил А. С. Пушкин. Зал аплодировал.", TL_LANG_RU, 0));
}

static void test_numbers_and_quotes(void) {
  CHECK_STR("Inflation was 3.5 percent in 2024. | Prices rose by 1,200 sums.",
            split("Inflation was 3.5 percent in 2024. Prices rose by 1,200 sums.",
                  TL_LANG_EN, 0));
  CHECK_STR("«Мы готовы», — сказал он. | Потом ушёл.",
            split("«Мы готовы», — сказал он. Потом ушёл.", TL_LANG_RU, 0));
  CHECK_STR("He said: \"We are ready.\" | Then he left.",
            split("He said: \"We are ready.\" Then he left.", TL_LANG_EN, 0));
  CHECK_STR("Is it true? | Yes! | It is.",
            split("Is it true? Yes! It is.", TL_LANG_EN, 0));
}

static void test_paragraphs(void) {
  /* Blank lines separate paragraphs; a hard-wrapped line joins its paragraph. */
  CHECK_STR("Title || One two. | Three. || Four.",
            split("Title\n\nOne\ntwo. Three.\n\n\n  Four.\n", TL_LANG_EN, 0));
  /* Without any blank line, each line is a paragraph. */
  CHECK_STR("First line. || Second line. || Third.",
            split("First line.\nSecond line.\nThird.", TL_LANG_EN, 0));
  CHECK_STR("", split("", TL_LANG_EN, 0));
  CHECK_STR("", split("\n\n  \n", TL_LANG_EN, 0));
}

static void test_segmented(void) {
  CHECK_STR("One. Two. | Three || Four",
            split("One. Two.\nThree\n\n\nFour\n", TL_LANG_EN, TL__SEG_SEGMENTED));
}

static void test_markup(void) {
  CHECK_STR("Head || One. | Two & three. || Item",
            split("<html><head><title>x</title><style>p{}</style></head><body>"
                  "<h1>Head</h1><p>One. Two &amp; three.</p><script>var a=1;</script>"
                  "<ul><li>Item</li></ul></body></html>",
                  TL_LANG_EN, TL__SEG_HTML));
  CHECK_STR("Title || Text bold link. || item one || item two",
            split("# Title\n\nText **bold** [link](http://x.org/a.b).\n\n- item one\n- item two\n"
                  "```\ncode. Not text.\n```\n",
                  TL_LANG_EN, TL__SEG_MARKDOWN));
}

static void test_invalid(void) {
  tl_ctx *ctx = NULL;
  tl__doc d;
  tl_ctx_new(&ctx);
  CHECK_INT(TL_EUTF8, tl__doc_build(ctx, "ok \xff bad", 8, 0, NULL, &d));
  CHECK_INT(3, tl_ctx_error_offset(ctx));
  tl_ctx_free(ctx);
}

/* A paragraph of over a megabyte is segmented in pieces (ICU lengths are
 * 32-bit, and its offset map would take ten bytes a character): no
 * sentence is cut where the paragraph has sentence ends, and nothing is
 * lost where it has none. */
static void test_huge_paragraph(void) {
  tl_ctx *ctx = NULL;
  tl_ctx_new(&ctx);
  const char *unit = "Abc def ghi. ";
  size_t reps = 100000, ul = strlen(unit);
  char *t = malloc(2000000); /* both texts below */
  for (size_t i = 0; i < reps; i++)
    memcpy(t + i * ul, unit, ul);
  t[reps * ul - 1] = '\0'; /* no trailing space */
  tl__doc d;
  CHECK_INT(TL_OK, tl__doc_build(ctx, t, strlen(t), 0, NULL, &d));
  CHECK_INT(reps, d.n);
  CHECK_INT(1, d.npara);
  size_t whole = 0;
  for (size_t i = 0; i < d.n; i++)
    whole += d.sents[i].len == ul - 1 && memcmp(d.text + d.sents[i].off, unit, ul - 1) == 0;
  CHECK_INT(reps, whole);
  tl__doc_free(&d);
  /* No sentence end at all: cut at spaces, every word kept. */
  reps = 600000;
  for (size_t i = 0; i < reps; i++)
    memcpy(t + i * 3, "ab ", 3);
  t[reps * 3 - 1] = '\0';
  CHECK_INT(TL_OK, tl__doc_build(ctx, t, strlen(t), 0, NULL, &d));
  CHECK(d.n >= 2);
  size_t words = 0;
  for (size_t i = 0; i < d.n; i++)
    words += (d.sents[i].len + 1) / 3;
  CHECK_INT(reps, words);
  tl__doc_free(&d);
  free(t);
  tl_ctx_free(ctx);
}

int main(void) {
  test_abbreviations();
  test_initials();
  test_numbers_and_quotes();
  test_paragraphs();
  test_segmented();
  test_markup();
  test_invalid();
  test_huge_paragraph();
  return check_done();
}

/* fuzz_dict_file.c: the dictionary-file parsers: the Uzbek exception
 * lexicons (tl__lexicon_parse: the dictionaries/uz TSV files and --dict files) and
 * the word lists (tl__wordlist_each: hunspell .dic, newsroom and personal
 * lists). Asserts: a lexicon failure is TL_ESYNTAX or TL_EUTF8 naming the
 * file, and keeps no half entry; parsed entries are non-empty valid UTF-8
 * and know their direction; every word of a list lies inside the text,
 * without its line end. */
#include "fuzz.h"
#include "lexicon.h"

static tl_ctx *ctx;

typedef struct words {
  const char *text;
  size_t len;
} words;

static tl_status on_word(void *user, const char *w, size_t n) {
  words *ws = user;
  if (n == 0 || w < ws->text || w + n > ws->text + ws->len)
    fuzz_fail("a word is empty or outside the list", w, n, NULL, 0);
  if (memchr(w, '\n', n)) fuzz_fail("a word contains a line end", w, n, NULL, 0);
  return TL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx && tl_ctx_new(&ctx) != TL_OK) abort();
  const char *in = (const char *)data;
  tl__lexicon lx;
  memset(&lx, 0, sizeof lx);
  tl_status st = tl__lexicon_parse(ctx, &lx, in, size, "fuzz.tsv");
  if (st != TL_OK) {
    if (st != TL_ESYNTAX && st != TL_EUTF8)
      fuzz_fail_status("tl__lexicon_parse", st, ctx);
    if (!strstr(tl_ctx_message(ctx), "fuzz.tsv"))
      fuzz_fail("the message does not name the file", tl_ctx_message(ctx),
                strlen(tl_ctx_message(ctx)), NULL, 0);
  }
  for (size_t i = 0; i < lx.n; i++) {
    const tl__lex_entry *e = &lx.e[i];
    if (!e->cyr || !e->lat || !*e->cyr || !*e->lat)
      fuzz_fail("an entry has an empty side", NULL, 0, NULL, 0);
    fuzz_check_utf8("an entry's Cyrillic is not valid UTF-8", e->cyr, strlen(e->cyr));
    fuzz_check_utf8("an entry's Latin is not valid UTF-8", e->lat, strlen(e->lat));
    if (!(e->flags & (TL__LEX_TO_LATIN | TL__LEX_TO_CYRL)))
      fuzz_fail("an entry is usable in no direction", e->cyr, strlen(e->cyr), e->lat, strlen(e->lat));
  }
  tl__lexicon_free(&lx);

  words ws = {in, size};
  st = tl__wordlist_each(in, size, on_word, &ws);
  if (st != TL_OK) fuzz_fail_status("tl__wordlist_each", st, NULL);
  return 0;
}

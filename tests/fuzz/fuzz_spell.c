/* fuzz_spell.c: the spell-checker's tokenizer through tl_speller_check
 * (all words reported, no suggestions, so that the run measures the
 * tokenizer, the skip rules and the per-language routing rather than
 * hunspell's suggestion search). The first byte picks plain, HTML or
 * Markdown and the forced language. Asserts: valid UTF-8 gives a success
 * (TL_EUTF8 otherwise, before any word); words come in text order, inside
 * the text, with word == text + offset, valid UTF-8, and line, column and
 * UTF-16 offsets that match the bytes before them. Needs the hunspell
 * dictionaries of scripts/setup (uz, ru, en). */
#include "fuzz.h"

#include <sys/stat.h>

static tl_ctx *ctx;
static tl_speller *sp[6];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (tl_ctx_new(&ctx) != TL_OK) abort();
  /* The Uzbek Latin dictionary is built on first use into a cache folder. */
  static char cache[512];
  const char *tmp = getenv("TMPDIR");
  snprintf(cache, sizeof cache, "%s/translit-fuzz-cache", tmp && *tmp ? tmp : "/tmp");
  mkdir(cache, 0700);
  static const unsigned flags[3] = {0, TL_SPELL_HTML, TL_SPELL_MARKDOWN};
  for (int i = 0; i < 6; i++) {
    tl_speller_options o;
    tl_speller_options_init(&o);
    o.flags = flags[i % 3] | TL_SPELL_ALL_WORDS | TL_SPELL_NO_SUGGEST |
              (i >= 3 ? TL_SPELL_CHECK_CAPS : 0);
    o.lang = i >= 3 ? TL_LANG_UZ_CYRL : TL_LANG_UNKNOWN;
    o.cache_dir = cache;
    tl_status st = tl_speller_new(ctx, &o, &sp[i]);
    if (st != TL_OK) fuzz_fail_status("tl_speller_new", st, ctx);
  }
  return 0;
}

typedef struct seen {
  const char *text;
  size_t len, end, words;
} seen;

static void on_word(void *user, const tl_spell_word *w) {
  seen *s = user;
  if (w->offset < s->end || w->len == 0 || w->offset + w->len > s->len ||
      w->word != s->text + w->offset)
    fuzz_fail("a word is out of order or outside the text", w->word, w->len, s->text, s->len);
  fuzz_check_utf8("a word is not valid UTF-8", w->word, w->len);
  size_t line = 1, col = 1, u16 = 0, u16_len = 0;
  for (size_t i = 0; i < w->offset + w->len; i++) {
    unsigned char c = (unsigned char)s->text[i];
    size_t units = (c & 0xC0) == 0x80 ? 0 : c >= 0xF0 ? 2 : 1;
    if (i < w->offset) {
      u16 += units;
      if (c == '\n') line++, col = 1;
      else if (units) col++;
    } else {
      u16_len += units;
    }
  }
  if (w->line != line || w->column != col || w->u16_offset != u16 || w->u16_len != u16_len) {
    fprintf(stderr, "line %zu col %zu u16 %zu+%zu; expected %zu %zu %zu+%zu\n", w->line,
            w->column, w->u16_offset, w->u16_len, line, col, u16, u16_len);
    fuzz_fail("a word's line, column or UTF-16 offset is wrong", w->word, w->len, NULL, 0);
  }
  s->end = w->offset + w->len;
  s->words++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  tl_speller *s = sp[data[0] % 6];
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  seen sn = {in, n, 0, 0};
  tl_status st = tl_speller_check(ctx, s, in, n, on_word, &sn);
  if (!fuzz_utf8_valid(in, n)) {
    if (st != TL_EUTF8) fuzz_fail_status("invalid UTF-8 not reported", st, ctx);
    if (sn.words) fuzz_fail("words reported before an invalid UTF-8 error", in, n, NULL, 0);
    return 0;
  }
  if (st != TL_OK) fuzz_fail_status("tl_speller_check", st, ctx);
  return 0;
}

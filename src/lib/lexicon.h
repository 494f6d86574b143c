/* lexicon.h: the Uzbek exception lexicons (dictionaries/uz/ TSV files and the
 * files of --dict): "CYRILLIC<TAB>LATIN[<TAB>FLAGS]" lines, parsed into
 * entries with their words lowercased and apostrophes made canonical. */
#ifndef TL_LEXICON_H
#define TL_LEXICON_H

#include "translit.h"
#include <stddef.h>
#include <stdint.h>

#define TL__LEX_STEM 0x1u     /* '*': suffixes may follow */
#define TL__LEX_TO_LATIN 0x2u /* usable Cyrillic -> Latin */
#define TL__LEX_TO_CYRL 0x4u  /* usable Latin -> Cyrillic */
#define TL__LEX_DROP_SOFT 0x8u /* '-': final ь dropped before a suffix (октябрда) */

/* Latin apostrophes inside words, canonical form. */
#define TL__OKINA 0x02BBu /* ʻ in oʻ gʻ */
#define TL__TUTUQ 0x02BCu /* ʼ the tutuq (Cyrillic ъ) */

typedef struct tl__lex_entry {
  char *cyr;      /* as written in the file (UTF-8), case kept */
  char *lat;      /* canonical apostrophes, case kept */
  unsigned flags; /* TL__LEX_* */
} tl__lex_entry;

typedef struct tl__lexicon {
  tl__lex_entry *e;
  size_t n, cap;
} tl__lexicon;

/* Is cp one of the apostrophe spellings (' ‘ ’ ` ʼ ʻ ′)? */
static inline int tl__is_apostrophe(uint32_t cp) {
  if (cp < 0x80)
    return cp == '\'' || cp == '`';
  return cp == 0x2018 || cp == 0x2019 || cp == 0x02BB || cp == 0x02BC ||
         cp == 0x02BD || cp == 0x2032 || cp == 0x00B4;
}

/* Parses a lexicon held in memory and appends its entries. Errors (TL_ESYNTAX,
 * TL_EUTF8) name name:line. */
tl_status tl__lexicon_parse(tl_ctx *ctx, tl__lexicon *lx, const char *text,
                            size_t len, const char *name);
/* Reads a lexicon file and appends its entries (TL_EIO if unreadable). */
tl_status tl__lexicon_load_file(tl_ctx *ctx, tl__lexicon *lx, const char *path);
void tl__lexicon_free(tl__lexicon *lx);

/* Calls fn for each word of a word list (one per line, '#' comments, text
 * after '/' or a TAB dropped, as in a hunspell .dic whose first line may be
 * a count). Stops at fn's first non-OK status. */
typedef tl_status (*tl__word_fn)(void *user, const char *word, size_t len);
tl_status tl__wordlist_each(const char *text, size_t len, tl__word_fn fn,
                            void *user);

/* Decodes UTF-8 s[0..n) into lowercased code points out[0..max); returns the
 * count, or (size_t)-1 if it does not fit or is invalid. Apostrophe spellings
 * become canon_apos (0 keeps them as they are). */
size_t tl__lower_cps(const char *s, size_t n, uint32_t *out, size_t max,
                     uint32_t canon_apos);

#endif

/* spell.h: internals of the speller (spell.c) that the unit tests reach:
 * the Uzbek Latin dictionary cache and the run-language guess. */
#ifndef TL_SPELL_H
#define TL_SPELL_H

#include "translit.h"

#include <stddef.h>

/* The cache key of the Uzbek Latin dictionary made from the hunspell-uz list
 * at dic_path: its size and mtime, the library version and the output of the
 * converter on probe words (so a new conversion engine rebuilds the cache).
 * Writes 16 hex digits and a NUL to key. */
tl_status tl__spell_latin_key(tl_ctx *ctx, const char *dic_path,
                              const void *converter, char key[17]);

/* Paths of the cached Uzbek Latin .aff/.dic for dic_path under cache_dir
 * (NULL = the default cache dir), building them if they are missing or stale
 * (and removing the stale ones). Writes the .dic path to dic_out and the
 * .aff path to aff_out (both of size cap). When no cache can be written the
 * files are made in a new temporary folder, named in tmpdir_out (size
 * PATH_MAX; "" otherwise), which the caller removes after loading them. */
tl_status tl__spell_latin_dict(tl_ctx *ctx, const char *dic_path,
                               const char *cache_dir, char *aff_out,
                               char *dic_out, size_t cap, char *tmpdir_out);

/* Guess for one word of a run: +score for Uzbek, -score for the other
 * language of its script (Russian or English). text is one NFC word. */
int tl__spell_uz_score(const char *word, size_t len, int cyrillic);

#endif

/* uzbek.c: Uzbek Cyrillic <-> Latin under the 1995 orthography.
 *
 * Cyrillic -> Latin is the rules plus the exception lexicons: a lexicon
 * word or stem (with a suffix chain after it) wins, every other letter goes
 * by its context rule (е, ц, ъ, ь, сҳ). Latin -> Cyrillic is ambiguous
 * (s/ц, ts/тс/ц, e/э, yo/ё/йо, ь and ъ that Latin does not write), so each
 * word is decided in this order: a lexicon word; a word of the system
 * hunspell-uz list, searched over the spellings the Latin allows while
 * walking the list's trie (so that impossible spellings die at once); a
 * lexicon stem + suffixes; a dictionary stem + suffixes; the rules.
 * Case is carried letter by letter: ALL CAPS stays caps (ШАҲАР -> SHAHAR),
 * Title stays Title (Шаҳар -> Shahar), one-letter words follow their
 * neighbours, mixed acronyms keep their shape (ЎзА -> OʻzA). */
#include "uzbek.h"
#include "buf.h"
#include "detect.h"
#include "embedded.h"
#include "error.h"
#include "lexicon.h"
#include "trie.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define DEFAULT_SYSTEM_DICT "/usr/share/hunspell/uz_UZ.dic"
/* Words longer than this (code points) are converted by the rules alone. */
#define MAXW 64
/* The dictionary search gives up on spellings this far from the rules. */
#define MAX_COST 4

/* The Cyrillic spellings a Latin unit allows, the rules' choice first,
 * each with its cost ("cyrillic:cost", '|' between them). */
enum spec_id {
  SP_SH_SEP,
  SP_O_OKINA,
  SP_G_OKINA,
  SP_SH,
  SP_CH,
  SP_TS,
  SP_TS_C,
  SP_YE_V,
  SP_YO_V,
  SP_YU_V,
  SP_YA_V,
  SP_YE_C,
  SP_YO_C,
  SP_YU_C,
  SP_YA_C,
  SP_TUTUQ,
  SP_E_V,
  SP_E_C,
  SP_E_EE,
  SP_S,
  SP_S_C,
  SP_LETTER /* + 0..25: the plain Latin letters a..z */
};
#define N_SPECS (SP_LETTER + 26)

static const char *const spec_text[] = {
    "сҳ", /* SP_SH_SEP */
    "ў|ўъ:1", /* SP_O_OKINA */
    "ғ", /* SP_G_OKINA */
    "ш|сҳ:2", /* SP_SH */
    "ч", /* SP_CH */
    "тс|ц:1", /* SP_TS */
    "ц|тс:1", /* SP_TS_C */
    "е|йе:2", /* SP_YE_V */
    "ё|йо:1", /* SP_YO_V */
    "ю|йу:1", /* SP_YU_V */
    "я|йа:1", /* SP_YA_V */
    "ье|ъе:1|е:1|йе:2", /* SP_YE_C */
    "ё|ьо:1|йо:1|ъё:2", /* SP_YO_C */
    "ю|ью:1|ъю:1|йу:2", /* SP_YU_C */
    "я|ья:1|ъя:1|йа:2", /* SP_YA_C */
    "ъ", /* SP_TUTUQ */
    "э", /* SP_E_V */
    "е", /* SP_E_C: э after a consonant only from the lexicon (мэр) */
    "е|э:1", /* SP_E_EE */
    "с|ц:1", /* SP_S */
    "ц|с:1", /* SP_S_C */
    "а", "б", "ц", "д", "е", "ф", "г", "ҳ", "и", "ж", "к", "л", "м", "н", "о", "п", "қ", "р", "с", "т", "у", "в", "в", "х", "й", "з"};

#define MAXALT 5
typedef struct alt {
  uint32_t cp[3];
  unsigned char n, cost;
} alt;

typedef struct alt_set {
  unsigned char nalt;
  alt alts[MAXALT];
} alt_set;

struct tl__uz {
  tl__lexicon lex;
  tl__trie lex_cyr; /* lowercase Cyrillic word or stem -> entry index */
  tl__trie lex_lat; /* lowercase Latin word or stem -> entry index */
  tl__trie dict;    /* system word list, lowercase Cyrillic -> 1 */
  int have_dict;
  tl__trie suf_lat; /* suffixes and suffix chains, Latin */
  int16_t *suf_dfa; /* suf_lat as a dense table: node * SUF_SYMS + symbol */
  tl__trie suf_cyr; /* the same, Cyrillic */
  tl__trie keep;    /* Latin words left alone, lowercase */
  tl__trie prefix;  /* Latin prefixes after which a morpheme keeps its э */
  alt_set specs[N_SPECS]; /* spec_text, parsed */
  /* Cyrillic -> Latin lookups, filled once by letter_tables(): for each
   * code point U+0400..U+052F its lowercase form and CY_* flags; for each
   * lowercase letter U+0430..U+052F its context-free Latin, by apostrophe
   * style and case (lower, Title, CAPS), len 0 when it has none. */
  uint16_t cy_lower[0x130];
  unsigned char cy_flags[0x130];
  struct lat_form {
    unsigned char len;
    char b[7];
  } lat[3][3][0x100];
};
enum { CY_LETTER = 1, CY_UPPER = 2 };
enum { KEEP_NAME = 1, KEEP_WORD = 2 }; /* values of the keep trie */

/* ------------------------------------------------------------ letters */

static int cyr_is_vowel(uint32_t c) {
  switch (c) {
  case 0x430: case 0x435: case 0x451: case 0x438: case 0x43E: case 0x443:
  case 0x45E: case 0x44D: case 0x44E: case 0x44F: case 0x44B:
    return 1;
  }
  return 0;
}

static int is_cyrillic_letter(uint32_t c) {
  return (c >= 0x400 && c <= 0x4FF && c != 0x482 && !(c >= 0x483 && c <= 0x489)) ||
         (c >= 0x500 && c <= 0x52F);
}

static int is_latin_letter_slow(uint32_t c) {
  return c >= 0xC0 && u_isalpha((UChar32)c) &&
         ublock_getCode((UChar32)c) != UBLOCK_CYRILLIC;
}

static inline int is_latin_letter(uint32_t c) {
  if (c < 0x80)
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  if (c >= 0x400 && c <= 0x52F)
    return 0;
  return is_latin_letter_slow(c);
}

static int is_any_letter(uint32_t c) {
  if (c < 0x80)
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  return u_isalpha((UChar32)c) || (u_charType((UChar32)c) == U_NON_SPACING_MARK);
}

/* Case of Cyrillic letters by arithmetic (the common case), ICU otherwise. */
static inline int cyr_pair_even_upper(uint32_t c) {
  return (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) ||
         (c >= 0x4D0 && c <= 0x52F);
}

static inline uint32_t lower(uint32_t c) {
  if (c < 0x80)
    return (c - 'A' < 26u) ? c + 32 : c;
  if (c >= 0x400 && c < 0x530) {
    if (c < 0x410)
      return c + 0x50;
    if (c < 0x430)
      return c + 0x20;
    if (c < 0x460)
      return c;
    if (cyr_pair_even_upper(c))
      return c | 1;
    if (c >= 0x4C1 && c <= 0x4CE)
      return (c & 1) ? c + 1 : c;
    return c == 0x4C0 ? 0x4CF : c;
  }
  return (uint32_t)u_tolower((UChar32)c);
}

static inline uint32_t upper(uint32_t c) {
  if (c < 0x80)
    return (c - 'a' < 26u) ? c - 32 : c;
  if (c >= 0x400 && c < 0x530) {
    if (c >= 0x450 && c < 0x460)
      return c - 0x50;
    if (c >= 0x430 && c < 0x450)
      return c - 0x20;
    if (c < 0x430)
      return c;
    if (cyr_pair_even_upper(c))
      return c & ~1u;
    if (c >= 0x4C1 && c <= 0x4CE)
      return (c & 1) ? c : c - 1;
    return c == 0x4CF ? 0x4C0 : c;
  }
  return (uint32_t)u_toupper((UChar32)c);
}

static inline int is_upper(uint32_t c) {
  if (c < 0x80)
    return c - 'A' < 26u;
  if (c >= 0x400 && c < 0x530) {
    if (c < 0x430)
      return 1;
    if (c < 0x460)
      return 0;
    if (cyr_pair_even_upper(c))
      return !(c & 1);
    if (c >= 0x4C1 && c <= 0x4CE)
      return c & 1;
    return c == 0x4C0;
  }
  return u_isupper((UChar32)c);
}

/* ---------------------------------------------------------- loading */

typedef struct load_ctx {
  tl__uz *uz;
  tl__trie *trie;
  int cyrillic_only; /* skip words with non-Cyrillic letters */
  int32_t value;     /* stored for each word */
} load_ctx;

static tl_status add_word(void *user, const char *w, size_t n) {
  load_ctx *lc = user;
  uint32_t cps[MAXW];
  size_t k = tl__lower_cps(w, n, cps, MAXW, TL__TUTUQ);
  if (k == (size_t)-1 || k == 0)
    return TL_OK;
  if (lc->cyrillic_only)
    for (size_t i = 0; i < k; i++)
      if (!is_cyrillic_letter(cps[i]) && cps[i] != '-')
        return TL_OK;
  return tl__trie_insert(lc->trie, cps, k, lc->value, 0);
}

/* Latin -> Cyrillic of a suffix by the plain rules (for the Cyrillic suffix
 * trie). Suffixes follow a consonant-or-vowel stem; both are added. */
static size_t suffix_to_cyr(const tl__uz *uz, const uint32_t *w, size_t n, uint32_t *out);
static void parse_spec(alt_set *u, const char *spec);

static tl_status add_suffix(void *user, const char *w, size_t n) {
  tl__uz *uz = user;
  uint32_t cps[MAXW], cyr[MAXW * 2];
  /* Canonical apostrophes: after o/g an okina, else a tutuq. */
  size_t k = tl__lower_cps(w, n, cps, MAXW, TL__TUTUQ);
  if (k == (size_t)-1 || k == 0)
    return TL_OK;
  for (size_t i = 1; i < k; i++)
    if (cps[i] == TL__TUTUQ && (cps[i - 1] == 'o' || cps[i - 1] == 'g'))
      cps[i] = TL__OKINA;
  tl_status st = tl__trie_insert(&uz->suf_lat, cps, k, 1, 0);
  if (st)
    return st;
  size_t m = suffix_to_cyr(uz, cps, k, cyr);
  return m ? tl__trie_insert(&uz->suf_cyr, cyr, m, 1, 0) : TL_OK;
}

static tl_status index_entry(tl__uz *uz, size_t idx, int replace) {
  const tl__lex_entry *e = &uz->lex.e[idx];
  uint32_t cyr[MAXW], lat[MAXW];
  size_t nc = tl__lower_cps(e->cyr, strlen(e->cyr), cyr, MAXW, 0);
  size_t nl = tl__lower_cps(e->lat, strlen(e->lat), lat, MAXW, 0);
  if (nc == (size_t)-1 || nl == (size_t)-1)
    return TL_OK; /* longer than any word we look up */
  tl_status st = TL_OK;
  if (e->flags & TL__LEX_TO_LATIN) {
    st = tl__trie_insert(&uz->lex_cyr, cyr, nc, (int32_t)idx, replace);
    /* A stem ending in ь drops it before a suffix (октябрь -> октябрда). */
    if (!st && (e->flags & TL__LEX_STEM) && nc > 1 && cyr[nc - 1] == 0x44C)
      st = tl__trie_insert(&uz->lex_cyr, cyr, nc - 1, (int32_t)idx, replace);
  }
  if (!st && (e->flags & TL__LEX_TO_CYRL))
    st = tl__trie_insert(&uz->lex_lat, lat, nl, (int32_t)idx, replace);
  return st;
}

/* Adds the words of a hunspell .dic text to uz->dict, as
 * tl__wordlist_each(add_word) would, in one pass: the common line, two-byte
 * Cyrillic letters and hyphens up to '/' or the line end, is lowered by
 * table and inserted here; any other line goes through add_word. (This is
 * most of the start-up time of Latin -> Cyrillic.) */
static tl_status load_dict_words(tl__uz *uz, const char *text, size_t len) {
  load_ctx lc = {uz, &uz->dict, 1, 1};
  const unsigned char *s = (const unsigned char *)text;
  uint32_t cps[MAXW];
  for (size_t pos = 0; pos < len;) {
    size_t i = pos, k = 0;
    while (k < MAXW) {
      if (i + 1 < len && s[i] >= 0xD0 && s[i] <= 0xD4 && (s[i + 1] & 0xC0) == 0x80) {
        uint32_t d = ((uint32_t)(s[i] & 0x1F) << 6 | (s[i + 1] & 0x3F)) - 0x400;
        if (d < 0x130 && (uz->cy_flags[d] & CY_LETTER)) {
          cps[k++] = uz->cy_lower[d];
          i += 2;
          continue;
        }
      } else if (i < len && s[i] == '-') {
        cps[k++] = '-';
        i++;
        continue;
      }
      break;
    }
    int end = i == len || s[i] == '/' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
    size_t next;
    if (i < len && s[i] == '\n') {
      next = i + 1;
    } else {
      const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
      next = nl ? (size_t)(nl - text) + 1 : len;
    }
    tl_status st = end && k > 0 ? tl__trie_insert(&uz->dict, cps, k, 1, 0)
                                : tl__wordlist_each(text + pos, next - pos, add_word, &lc);
    if (st)
      return st;
    pos = next;
  }
  return TL_OK;
}

static tl_status load_system_dict(tl_ctx *ctx, tl__uz *uz, const char *path,
                                  int required) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    if (!required)
      return TL_OK; /* not installed: lexicons and rules only */
    return tl__fail(ctx, TL_ENODICT, TL_NO_OFFSET, "%s: cannot open: %s", path,
                    strerror(errno));
  }
  tl_buf b = TL_BUF_INIT;
  char chunk[65536];
  size_t k;
  tl_status st = TL_OK;
  while (!st && (k = fread(chunk, 1, sizeof chunk, fp)) > 0)
    st = tl__buf_append(&b, chunk, k);
  int err = ferror(fp);
  fclose(fp);
  if (!st && err)
    st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: read error", path);
  if (!st) {
    st = load_dict_words(uz, b.data ? b.data : "", b.len);
    if (st)
      tl__fail(ctx, st, TL_NO_OFFSET, "%s: %s", path, tl_strerror(st));
    uz->have_dict = 1;
  }
  tl_buf_free(&b);
  return st;
}

static void letter_tables(tl__uz *uz);
static tl_status suf_dfa_build(tl__uz *uz);

tl_status tl__uz_new(tl_ctx *ctx, const tl_convert_options *opts, tl__uz **out) {
  *out = NULL;
  tl__uz *uz = calloc(1, sizeof *uz);
  if (!uz)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  tl_status st = TL_OK;
  tl__trie *tries[] = {&uz->lex_cyr, &uz->lex_lat, &uz->dict,
                       &uz->suf_lat, &uz->suf_cyr, &uz->keep, &uz->prefix};
  for (size_t i = 0; !st && i < sizeof tries / sizeof tries[0]; i++)
    st = tl__trie_init(tries[i]);
  if (st) {
    tl__uz_free(uz);
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  }
  for (int i = 0; i < N_SPECS; i++)
    parse_spec(&uz->specs[i], spec_text[i]);
  letter_tables(uz);
  /* The embedded lexicons, word lists and suffixes (dictionaries/uz/). */
  size_t nblobs;
  const tl__blob *blobs = tl__embedded_table(&nblobs);
  for (size_t i = 0; !st && i < nblobs; i++) {
    const char *name = blobs[i].name;
    size_t nl = strlen(name);
    if (strncmp(name, "uz/", 3) != 0)
      continue;
    const char *text = (const char *)blobs[i].data;
    if (nl > 4 && strcmp(name + nl - 4, ".tsv") == 0) {
      char fname[256];
      snprintf(fname, sizeof fname, "dictionaries/%s", name);
      st = tl__lexicon_parse(ctx, &uz->lex, text, blobs[i].len, fname);
    } else if (strcmp(name, "uz/suffixes.txt") == 0) {
      st = tl__wordlist_each(text, blobs[i].len, add_suffix, uz);
    } else if (strcmp(name, "uz/keep-latin.txt") == 0 ||
               strcmp(name, "uz/keep-english.txt") == 0) {
      /* KEEP_NAME: a name, which suffixes may follow (Google'ga). */
      load_ctx lc = {uz, &uz->keep, 0, name[8] == 'l' ? KEEP_NAME : KEEP_WORD};
      st = tl__wordlist_each(text, blobs[i].len, add_word, &lc);
    } else if (strcmp(name, "uz/prefixes.txt") == 0) {
      load_ctx lc = {uz, &uz->prefix, 0, 1};
      st = tl__wordlist_each(text, blobs[i].len, add_word, &lc);
    }
  }
  size_t builtin = uz->lex.n;
  for (size_t i = 0; !st && i < uz->lex.n; i++)
    st = index_entry(uz, i, 0);
  /* A site's own lexicons override the built-in entries. */
  for (size_t f = 0; !st && f < opts->n_dict_files; f++) {
    size_t first = uz->lex.n;
    st = tl__lexicon_load_file(ctx, &uz->lex, opts->dict_files[f]);
    for (size_t i = first; !st && i < uz->lex.n; i++)
      st = index_entry(uz, i, 1);
  }
  (void)builtin;
  /* Only Latin -> Cyrillic needs the word list (to judge spellings). */
  if (!st && opts->to == TL_LANG_UZ_CYRL && !(opts->flags & TL_CONVERT_NO_SYSDICT)) {
    const char *path = opts->system_dict;
    int required = path && *path;
    if (!required) {
      const char *env = getenv("TL_UZ_DICT");
      path = env && *env ? env : DEFAULT_SYSTEM_DICT;
    }
    st = load_system_dict(ctx, uz, path, required);
  } else if (!st && opts->system_dict && *opts->system_dict) {
    /* Not needed this way, but a path the caller names must exist: a typo
     * is reported, not ignored. */
    FILE *fp = fopen(opts->system_dict, "rb");
    if (!fp)
      st = tl__fail(ctx, TL_ENODICT, TL_NO_OFFSET, "%s: cannot open: %s",
                    opts->system_dict, strerror(errno));
    else
      fclose(fp);
  }
  for (size_t i = 0; !st && i < sizeof tries / sizeof tries[0]; i++)
    st = tl__trie_freeze(tries[i]);
  if (!st)
    st = suf_dfa_build(uz);
  if (st) {
    if (!tl_ctx_message(ctx)[0])
      tl__fail(ctx, st, TL_NO_OFFSET, "%s", tl_strerror(st));
    tl__uz_free(uz);
    return st;
  }
  *out = uz;
  return TL_OK;
}

void tl__uz_free(tl__uz *uz) {
  if (!uz)
    return;
  tl__lexicon_free(&uz->lex);
  tl__trie_free(&uz->lex_cyr);
  tl__trie_free(&uz->lex_lat);
  tl__trie_free(&uz->dict);
  tl__trie_free(&uz->suf_lat);
  free(uz->suf_dfa);
  tl__trie_free(&uz->suf_cyr);
  tl__trie_free(&uz->keep);
  tl__trie_free(&uz->prefix);
  free(uz);
}

/* The Latin suffix trie as a dense table (a step is one load; the search
 * asks it at every position of every new word): symbols a..z, ʻ, ʼ. */
#define SUF_SYMS 28
static inline int suf_sym(uint32_t c) {
  return c - 'a' < 26u ? (int)(c - 'a') : c == TL__OKINA ? 26 : c == TL__TUTUQ ? 27 : -1;
}

static tl_status suf_dfa_build(tl__uz *uz) {
  const tl__trie *t = &uz->suf_lat;
  int16_t *d = malloc(t->n * SUF_SYMS * sizeof *d);
  if (!d || t->n > INT16_MAX) {
    free(d);
    return d ? TL_OK : TL_ENOMEM; /* too big: the trie is used as it is */
  }
  for (size_t i = 0; i < t->n * SUF_SYMS; i++)
    d[i] = -1;
  for (size_t i = 0; i < t->n; i++) {
    const tl__trie_node *nd = &t->nodes[i];
    for (int32_t c = nd->child; c != TL__TRIE_NONE && c < nd->child + nd->sibling; c++) {
      int sy = suf_sym(t->nodes[c].cp);
      if (sy < 0) { /* a suffix with another character: keep the trie */
        free(d);
        return TL_OK;
      }
      d[i * SUF_SYMS + (size_t)sy] = (int16_t)c;
    }
  }
  uz->suf_dfa = d;
  return TL_OK;
}

/* ok[i] = is w[i..n) a chain of one or more suffixes of t (for i >= from)? */
static void suffix_chains(const tl__trie *t, const int16_t *dfa, const uint32_t *w,
                          size_t from, size_t n, unsigned char *ok) {
  ok[n] = 1;
  if (dfa) {
    for (size_t i = n; i-- > from;) {
      ok[i] = 0;
      int32_t node = TL__TRIE_ROOT;
      for (size_t j = i; j < n; j++) {
        int sy = suf_sym(w[j]);
        if (sy < 0 || (node = dfa[node * SUF_SYMS + sy]) < 0)
          break;
        if (t->nodes[node].value != TL__TRIE_NONE && ok[j + 1]) {
          ok[i] = 1;
          break;
        }
      }
    }
    ok[n] = 0;
    return;
  }
  for (size_t i = n; i-- > from;) {
    ok[i] = 0;
    int32_t node = TL__TRIE_ROOT;
    for (size_t j = i; j < n; j++) {
      node = tl__trie_step(t, node, w[j]);
      if (node == TL__TRIE_NONE)
        break;
      if (t->nodes[node].value != TL__TRIE_NONE && ok[j + 1]) {
        ok[i] = 1;
        break;
      }
    }
  }
  ok[n] = 0; /* an empty remainder is not a suffix */
}

/* ------------------------------------------------------ word output */

/* A word being built: code points, and for each the case it must take. */
typedef struct wout {
  uint32_t cp[MAXW * 4];
  unsigned char caps[MAXW * 4]; /* 0 keep, 1 upper */
  size_t n;
} wout;

static void w_put(wout *o, uint32_t cp, int up) {
  if (o->n < sizeof o->cp / sizeof o->cp[0]) {
    o->cp[o->n] = cp;
    o->caps[o->n] = (unsigned char)up;
    o->n++;
  }
}

/* Appends an ASCII/placeholder string; case: 0 none, 1 first letter, 2 all. */
static void w_puts(wout *o, const char *s, int cs) {
  for (int i = 0; s[i]; i++) {
    uint32_t c = (unsigned char)s[i];
    if (c == 1)
      c = TL__OKINA;
    else if (c == 2)
      c = TL__TUTUQ;
    w_put(o, c, cs == 2 || (cs == 1 && i == 0));
  }
}

static tl_status emit_latin(const wout *o, tl_apostrophe apos, tl_buf *out) {
  char tmp[MAXW * 4 * 4 + 8];
  size_t k = 0;
  for (size_t i = 0; i < o->n; i++) {
    uint32_t c = o->cp[i];
    if (c < 0x80) { /* the common case: a Latin letter */
      tmp[k++] = (char)((o->caps[i] && c - 'a' < 26u) ? c - 32 : c);
      continue;
    }
    if (c == TL__OKINA)
      c = apos == TL_APOS_ASCII ? '\'' : apos == TL_APOS_TYPOGRAPHIC ? 0x2018 : TL__OKINA;
    else if (c == TL__TUTUQ)
      c = apos == TL_APOS_ASCII ? '\'' : apos == TL_APOS_TYPOGRAPHIC ? 0x2019 : TL__TUTUQ;
    else if (o->caps[i])
      c = upper(c);
    k += tl__utf8_encode(c, tmp + k);
  }
  return tl__buf_append(out, tmp, k);
}

/* tl__utf8_encode, with the one- and two-byte cases inline (Cyrillic). */
static inline size_t put_utf8(uint32_t c, char *o) {
  if (c < 0x80) {
    o[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    o[0] = (char)(0xC0 | (c >> 6));
    o[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  return tl__utf8_encode(c, o);
}

static tl_status emit_cps(const wout *o, tl_buf *out) {
  char tmp[MAXW * 4 * 4 + 8];
  size_t k = 0;
  for (size_t i = 0; i < o->n; i++)
    k += put_utf8(o->caps[i] ? upper(o->cp[i]) : o->cp[i], tmp + k);
  return tl__buf_append(out, tmp, k);
}

/* ---------------------------------------------------- case patterns */

enum { CASE_LOWER, CASE_TITLE, CASE_CAPS, CASE_MIXED };

static int case_pattern(const unsigned char *up, size_t n) {
  size_t nu = 0;
  for (size_t i = 0; i < n; i++)
    nu += up[i];
  if (nu == 0)
    return CASE_LOWER;
  if (nu == n)
    return n == 1 ? CASE_TITLE : CASE_CAPS;
  if (nu == 1 && up[0])
    return CASE_TITLE;
  return CASE_MIXED;
}

/* For a one-letter capital word: is the nearest word of two or more letters
 * before or after it (on the same line) written in capitals? */
static int neighbours_caps(const char *t, size_t len, size_t start, size_t end) {
  for (int dir = -1; dir <= 1; dir += 2) {
    size_t i = dir < 0 ? start : end;
    for (int words = 0; words < 4;) {
      /* Skip to the next word in this direction. */
      size_t a, b;
      if (dir > 0) {
        while (i < len && t[i] != '\n') {
          uint32_t cp;
          size_t k = tl__utf8_next(t + i, &cp);
          if (is_any_letter(cp))
            break;
          i += k;
        }
        if (i >= len || t[i] == '\n')
          break;
        a = i;
        while (i < len) {
          uint32_t cp;
          size_t k = tl__utf8_next(t + i, &cp);
          if (!is_any_letter(cp))
            break;
          i += k;
        }
        b = i;
      } else {
        while (i > 0 && t[i - 1] != '\n') {
          size_t j = i - 1;
          while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
            j--;
          uint32_t cp;
          tl__utf8_next(t + j, &cp);
          if (is_any_letter(cp))
            break;
          i = j;
        }
        if (i == 0 || t[i - 1] == '\n')
          break;
        b = i;
        while (i > 0) {
          size_t j = i - 1;
          while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
            j--;
          uint32_t cp;
          tl__utf8_next(t + j, &cp);
          if (!is_any_letter(cp))
            break;
          i = j;
        }
        a = i;
      }
      words++;
      size_t letters = 0, ups = 0;
      for (size_t j = a; j < b;) {
        uint32_t cp;
        j += tl__utf8_next(t + j, &cp);
        letters++;
        ups += is_upper(cp) != 0;
      }
      if (letters >= 2) {
        if (ups == letters)
          return 1;
        break; /* the nearest real word is not in capitals */
      }
    }
  }
  return 0;
}

/* Is the word w (lowercase, with up[] its capitals) written exactly as the
 * UTF-8 string entry, case included? */
static int exact_case(const char *entry, const uint32_t *w, const unsigned char *up,
                      size_t n) {
  size_t i = 0;
  for (const char *p = entry; *p; i++) {
    uint32_t cp;
    p += tl__utf8_next(p, &cp);
    if (i >= n)
      return 0;
    uint32_t want = up[i] ? upper(w[i]) : w[i];
    if (cp != want && !(tl__is_apostrophe(cp) && tl__is_apostrophe(w[i])) &&
        !((cp == TL__OKINA || cp == TL__TUTUQ) && (w[i] == TL__OKINA || w[i] == TL__TUTUQ)))
      return 0;
  }
  return i == n;
}

static const char *e_lat_cps(const tl__uz *uz, int32_t idx) { return uz->lex.e[idx].lat; }

/* ============================================ Cyrillic -> Latin */

/* The Latin of lowercase Cyrillic letter w[i] in its word w[0..n), by the
 * rules; prev is w[i-1] or 0 at the start. \1 is the okina, \2 the tutuq. */
static const char *cyr_letter(const uint32_t *w, size_t n, size_t i) {
  uint32_t c = w[i], prev = i ? w[i - 1] : 0, next = i + 1 < n ? w[i + 1] : 0;
  switch (c) {
  case 0x430: return "a";
  case 0x431: return "b";
  case 0x432: return "v";
  case 0x433: return "g";
  case 0x434: return "d";
  case 0x435: /* е: ye at the start, after a vowel, ъ or ь */
    return (!prev || cyr_is_vowel(prev) || prev == 0x44A || prev == 0x44C) ? "ye" : "e";
  case 0x451: return "yo";
  case 0x436: return "j";
  case 0x437: return "z";
  case 0x438: return "i";
  case 0x439: return "y";
  case 0x43A: return "k";
  case 0x43B: return "l";
  case 0x43C: return "m";
  case 0x43D: return "n";
  case 0x43E: return "o";
  case 0x43F: return "p";
  case 0x440: return "r";
  case 0x441: return next == 0x4B3 ? "s\2" : "s"; /* сҳ -> sʼh, not sh */
  case 0x442: return "t";
  case 0x443: return "u";
  case 0x444: return "f";
  case 0x445: return "x";
  case 0x446: /* ц: s at the start and after a consonant, ts after a vowel */
    return (prev && cyr_is_vowel(prev)) ? "ts" : "s";
  case 0x447: return "ch";
  case 0x448: return "sh";
  case 0x449: return "sh";
  case 0x44A: /* ъ: not written after ў, nor before е ё ю я (Russian) */
    if (prev == 0x45E || next == 0x435 || next == 0x451 || next == 0x44E ||
        next == 0x44F || !prev)
      return ""; /* at the end it stays: жамъ -> jamʼ, манъ -> manʼ */
    return "\2";
  case 0x44B: return "i";
  case 0x44C: /* ь: dropped; before о it keeps the y of the sound (бульон) */
    return next == 0x43E ? "y" : "";
  case 0x44D: return "e";
  case 0x44E: return "yu";
  case 0x44F: return "ya";
  case 0x45E: return "o\1";
  case 0x49B: return "q";
  case 0x493: return "g\1";
  case 0x4B3: return "h";
  case 0x456: return "i";  /* і, Kazakh/Ukrainian i, in names */
  case 0x4E9: return "o";  /* ө */
  case 0x4AF: return "u";  /* ү */
  case 0x4A3: return "ng"; /* ң */
  case 0x4BB: return "h";  /* һ */
  }
  return NULL;
}

/* Letters of w[from..n) by the rules into o, each with the case of up[]
 * (caps when a capital has a capital letter next to it, or caps_alone). */
static void cyr_rules(const uint32_t *w, const unsigned char *up, size_t from,
                      size_t n, int caps_alone, wout *o, int *guess) {
  for (size_t i = from; i < n; i++) {
    const char *m = cyr_letter(w, n, i);
    if (!m) { /* a letter we have no rule for: keep it */
      w_put(o, w[i], up[i]);
      continue;
    }
    if (w[i] == 0x446 && i && cyr_is_vowel(w[i - 1]) && guess)
      *guess = 1;
    int cs = 0;
    if (up[i]) {
      int near = (i > 0 && up[i - 1]) || (i + 1 < n && up[i + 1]);
      cs = (near || (n == 1 && caps_alone)) ? 2 : 1;
    }
    w_puts(o, m, cs);
  }
}

/* The Latin of the lowercase Cyrillic letters U+0430..U+04FF that need no
 * context; "" marks those that do (е ц ъ ь с), NULL those without a rule. */
#define CTX_LETTER ""
static const char *const cyr_simple[0x4D0] = {
    [0x430 - 0x430] = "a", [0x431 - 0x430] = "b", [0x432 - 0x430] = "v",
    [0x433 - 0x430] = "g", [0x434 - 0x430] = "d", [0x435 - 0x430] = CTX_LETTER,
    [0x436 - 0x430] = "j", [0x437 - 0x430] = "z", [0x438 - 0x430] = "i",
    [0x439 - 0x430] = "y", [0x43A - 0x430] = "k", [0x43B - 0x430] = "l",
    [0x43C - 0x430] = "m", [0x43D - 0x430] = "n", [0x43E - 0x430] = "o",
    [0x43F - 0x430] = "p", [0x440 - 0x430] = "r", [0x441 - 0x430] = CTX_LETTER,
    [0x442 - 0x430] = "t", [0x443 - 0x430] = "u", [0x444 - 0x430] = "f",
    [0x445 - 0x430] = "x", [0x446 - 0x430] = CTX_LETTER, [0x447 - 0x430] = "ch",
    [0x448 - 0x430] = "sh", [0x449 - 0x430] = "sh", [0x44A - 0x430] = CTX_LETTER,
    [0x44B - 0x430] = "i", [0x44C - 0x430] = CTX_LETTER, [0x44D - 0x430] = "e",
    [0x44E - 0x430] = "yu", [0x44F - 0x430] = "ya", [0x451 - 0x430] = "yo",
    [0x456 - 0x430] = "i", [0x45E - 0x430] = "o\1", [0x493 - 0x430] = "g\1",
    [0x49B - 0x430] = "q", [0x4B3 - 0x430] = "h", [0x4E9 - 0x430] = "o",
    [0x4AF - 0x430] = "u", [0x4A3 - 0x430] = "ng", [0x4BB - 0x430] = "h"};

static const char *const okina_bytes[] = {"\xCA\xBB", "'", "\xE2\x80\x98"};
static const char *const tutuq_bytes[] = {"\xCA\xBC", "'", "\xE2\x80\x99"};

/* Fills the lookup tables of uz (see struct tl__uz) from lower(),
 * is_upper(), is_cyrillic_letter() and cyr_simple. */
static void letter_tables(tl__uz *uz) {
  for (uint32_t d = 0; d < 0x130; d++) {
    uint32_t c = 0x400 + d;
    uz->cy_lower[d] = (uint16_t)lower(c);
    uz->cy_flags[d] = (unsigned char)((is_cyrillic_letter(c) ? CY_LETTER : 0) |
                                      (is_upper(c) ? CY_UPPER : 0));
  }
  for (int a = 0; a < 3; a++)
    for (int cs = 0; cs < 3; cs++)
      for (uint32_t d = 0; d < 0x100; d++) {
        struct lat_form *f = &uz->lat[a][cs][d];
        const char *m = cyr_simple[d];
        f->len = 0;
        if (!m || !*m)
          continue;
        size_t k = 0;
        for (size_t j = 0; m[j]; j++) {
          const char *ap = m[j] == 1 ? okina_bytes[a] : m[j] == 2 ? tutuq_bytes[a] : NULL;
          if (ap) {
            while (*ap)
              f->b[k++] = *ap++;
          } else {
            f->b[k++] = (cs == 2 || (cs == 1 && j == 0)) ? (char)(m[j] - 32) : m[j];
          }
        }
        f->len = (unsigned char)k;
      }
}

/* The rules for a whole word of one case pattern (lower, Title, CAPS), the
 * common case, written straight to bytes; context-free letters come from
 * the table uz->lat. */
static size_t cyr_rules_bytes(const tl__uz *uz, const uint32_t *w, size_t n,
                              int pattern, tl_apostrophe apos, char *tmp);

static tl_status cyr_rules_fast(const tl__uz *uz, const uint32_t *w, size_t n,
                                int pattern, tl_apostrophe apos, tl_buf *out) {
  char tmp[MAXW * 8 + 16];
  return tl__buf_append(out, tmp, cyr_rules_bytes(uz, w, n, pattern, apos, tmp));
}

/* cyr_rules_fast into tmp (room for MAXW * 8 + 16 bytes); returns the length. */
static size_t cyr_rules_bytes(const tl__uz *uz, const uint32_t *w, size_t n,
                              int pattern, tl_apostrophe apos, char *tmp) {
  size_t k = 0;
  int first = 1;
  const struct lat_form(*forms)[0x100] = uz->lat[apos];
  int rest = pattern == CASE_CAPS ? 2 : 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t lc = w[i];
    if (lc - 0x430 < 0x100) {
      const struct lat_form *f = &forms[first && pattern == CASE_TITLE ? 1 : rest][lc - 0x430];
      if (f->len) {
        memcpy(tmp + k, f->b, sizeof f->b); /* each form ends in slack */
        k += f->len;
        first = 0;
        continue;
      }
    }
    const char *m = lc >= 0x430 && lc < 0x430 + 0x4D0 ? cyr_simple[lc - 0x430] : NULL;
    if (m && !*m)
      m = cyr_letter(w, n, i);
    if (!m) { /* no rule: keep the letter, in its case */
      uint32_t c = pattern == CASE_CAPS || (pattern == CASE_TITLE && first) ? upper(w[i]) : w[i];
      k += tl__utf8_encode(c, tmp + k);
      first = 0;
      continue;
    }
    for (; *m; m++) {
      if (*m == 1 || *m == 2) {
        const char *a = (*m == 1 ? okina_bytes : tutuq_bytes)[apos];
        while (*a)
          tmp[k++] = *a++;
        continue;
      }
      char c = *m;
      if (pattern == CASE_CAPS || (pattern == CASE_TITLE && first))
        c = (char)(c - 32);
      first = 0;
      tmp[k++] = c;
    }
  }
  return k;
}

/* Applies a whole-word case pattern to o (built lowercase). */
static void apply_case(wout *o, int pattern, size_t from) {
  if (pattern == CASE_CAPS) {
    for (size_t i = from; i < o->n; i++)
      o->caps[i] = 1;
  } else if (pattern == CASE_TITLE || pattern == CASE_MIXED) {
    for (size_t i = from; i < o->n; i++)
      if (o->cp[i] != TL__OKINA && o->cp[i] != TL__TUTUQ) {
        o->caps[i] = 1;
        break;
      }
  }
}

static tl_status cyr_word_uncached(const tl__uz *uz, const tl__run *run,
                                   size_t start, size_t len, tl_apostrophe apos,
                                   tl_buf *out, int *guessed);

/* Re-emits the note of a cached guess. */
static void cached_note(const tl__run *run, size_t start, size_t len,
                        const char *o, size_t olen, const char *reason) {
  char tmp[1024];
  size_t k = olen < sizeof tmp - 1 ? olen : sizeof tmp - 1;
  memcpy(tmp, o, k);
  tmp[k] = '\0';
  tl__note(run, start, len, tmp, reason);
}

#define C2L_REASON "ц after a vowel written ts; s if a new stem starts there"
#define L2C_REASON "not in the lexicons or the dictionary; ts, y+vowel or ь/ъ guessed"
#define L2C_DICT_REASON "the dictionary's nearest word, whose Latin is spelled otherwise"
#define L2C_VARIANT_REASON "a variant Latin spelling: the lexicon writes this word otherwise"
/* The reason of a word's note, by the guess kind lat_word_uncached gives. */
static const char *l2c_reason(int guess) {
  return guess == 3 ? L2C_VARIANT_REASON : guess == 2 ? L2C_DICT_REASON : L2C_REASON;
}

/* After each hyphen of the input token, the case of the next letter is
 * given to the letter after the matching hyphen of the output
 * (Нью-Йорк -> Nyu-York when the lexicon wrote the whole token). */
static void hyphen_case(wout *o, const char *t, size_t len) {
  size_t oi = 0;
  for (size_t i = 0; i + 1 < len; i++) {
    if (t[i] != '-')
      continue;
    uint32_t cp;
    tl__utf8_next(t + i + 1, &cp);
    while (oi < o->n && o->cp[oi] != '-')
      oi++;
    if (oi + 1 < o->n && is_upper(cp))
      o->caps[oi + 1] = 1;
    oi++;
  }
}

/* Invisible format characters an editor puts inside a word: the soft
 * hyphen (a hyphenation hint), ZWNJ, ZWJ and the word joiner. */
static inline int in_word_invisible(uint32_t c) {
  return c == 0xAD || c == 0x200C || c == 0x200D || c == 0x2060;
}

static int has_invisible(const char *t, size_t len) {
  for (size_t i = 0; i + 1 < len; i++) {
    unsigned char b = (unsigned char)t[i];
    if ((b == 0xC2 && (unsigned char)t[i + 1] == 0xAD) ||
        (b == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
         ((unsigned char)t[i + 2] == 0x8C || (unsigned char)t[i + 2] == 0x8D)) ||
        (b == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x81 &&
         (unsigned char)t[i + 2] == 0xA0))
      return 1;
  }
  return 0;
}

/* How many Latin code points the Cyrillic c[i] (lowercase, in its word
 * c[0..n)) is written with: 1 for what has no rule. */
static size_t latin_width(const uint32_t *c, size_t n, size_t i) {
  const char *m = is_cyrillic_letter(c[i]) ? cyr_letter(c, n, i) : NULL;
  return m ? strlen(m) : 1;
}

typedef tl_status (*plain_fn)(const tl__uz *uz, const tl__run *run, size_t start,
                              size_t len, tl_buf *out, void *arg);

/* Too long to be one word: the pieces between the invisible characters
 * are converted as words of their own (none holds an invisible, so fn does
 * not come back here) and the invisibles copied between them. */
static tl_status split_at_invisibles(const tl__uz *uz, const tl__run *run, size_t start,
                                     size_t len, plain_fn fn, void *arg, tl_buf *out) {
  const char *t = run->text + start;
  tl_status st = TL_OK;
  size_t a = 0;
  for (size_t i = 0; i < len && !st;) {
    uint32_t cp;
    size_t k = tl__utf8_next(t + i, &cp);
    if (in_word_invisible(cp)) {
      if (i > a)
        st = fn(uz, run, start + a, i - a, out, arg);
      if (!st)
        st = tl__buf_append(out, t + i, k);
      a = i + k;
    }
    i += k;
  }
  if (!st && len > a)
    st = fn(uz, run, start + a, len - a, out, arg);
  return st;
}

/* Converts a word with invisible characters inside: they are taken out for
 * the conversion (so that the lexicons see re\u00ADeksport as reeksport)
 * and put back where they stood. The two scripts are aligned letter by
 * letter through the Latin of each Cyrillic letter (я is two, ь none): an
 * invisible after k letters of Latin goes after the Cyrillic letters that
 * make those k (okt\u00ADyabr -> окт\u00ADябрь, fil\u00ADm -> филь\u00ADм). */
static tl_status with_invisibles(const tl__uz *uz, const tl__run *run, size_t start,
                                 size_t len, int to_cyr, plain_fn fn, void *arg,
                                 tl_buf *out) {
  const char *t = run->text + start;
  char clean[MAXW * 8];
  uint32_t src[MAXW * 2];
  size_t inv_at[MAXW], inv_off[MAXW], inv_len[MAXW], ninv = 0, nc = 0, ns = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = tl__utf8_next(t + i, &cp);
    if (in_word_invisible(cp)) {
      if (ninv == MAXW)
        return split_at_invisibles(uz, run, start, len, fn, arg, out);
      inv_at[ninv] = ns, inv_off[ninv] = i, inv_len[ninv] = k, ninv++;
    } else {
      if (nc + k > sizeof clean || ns == MAXW * 2)
        return split_at_invisibles(uz, run, start, len, fn, arg, out);
      memcpy(clean + nc, t + i, k);
      nc += k;
      src[ns++] = lower(cp);
    }
    i += k;
  }
  tl__run r = *run;
  r.text = clean;
  r.len = nc;
  r.notes = NULL; /* offsets into clean[] would mislead */
  r.cache = NULL;
  tl_buf tmp = TL_BUF_INIT;
  tl_status st = fn(uz, &r, 0, nc, &tmp, arg);
  if (st) {
    tl_buf_free(&tmp);
    return st;
  }
  /* The output's code points, and where each starts in tmp. */
  uint32_t o[MAXW * 4];
  size_t ooff[MAXW * 4 + 1], no = 0;
  for (size_t i = 0; i < tmp.len && no < MAXW * 4;) {
    ooff[no] = i;
    i += tl__utf8_next(tmp.data + i, &o[no]);
    o[no] = lower(o[no]);
    no++;
  }
  ooff[no] = tmp.len;
  size_t pos = 0; /* bytes of tmp written */
  for (size_t v = 0; v < ninv && !st; v++) {
    size_t j; /* output code points before the invisible */
    if (to_cyr) { /* the most Cyrillic letters whose Latin fits in inv_at */
      size_t sum = 0;
      for (j = 0; j < no; j++) {
        size_t wdt = latin_width(o, no, j);
        if (sum + wdt > inv_at[v])
          break;
        sum += wdt;
      }
    } else { /* the Latin of the Cyrillic letters before it */
      j = 0;
      for (size_t i = 0; i < inv_at[v] && i < ns; i++)
        j += latin_width(src, ns, i);
      if (j > no)
        j = no;
    }
    if (ooff[j] > pos) {
      st = tl__buf_append(out, tmp.data + pos, ooff[j] - pos);
      pos = ooff[j];
    }
    if (!st)
      st = tl__buf_append(out, t + inv_off[v], inv_len[v]);
  }
  if (!st)
    st = tl__buf_append(out, tmp.data + pos, tmp.len - pos);
  tl_buf_free(&tmp);
  return st;
}

static tl_status cyr_plain(const tl__uz *uz, const tl__run *run, size_t start, size_t len,
                           tl_buf *out, void *arg) {
  int guessed = 0;
  return cyr_word_uncached(uz, run, start, len, *(const tl_apostrophe *)arg, out, &guessed);
}

/* Converts one Cyrillic word (letters only) to Latin. No word cache here:
 * the rules cost less than a cache lookup. */
static tl_status cyr_word(const tl__uz *uz, const tl__run *run, size_t start,
                          size_t len, tl_apostrophe apos, tl_buf *out) {
  int guessed = 0;
  if (has_invisible(run->text + start, len))
    return with_invisibles(uz, run, start, len, 0, cyr_plain, &apos, out);
  return cyr_word_uncached(uz, run, start, len, apos, out, &guessed);
}

static tl_status cyr_word_cps(const tl__uz *uz, const tl__run *run, size_t start,
                              size_t len, const uint32_t *w, const unsigned char *up,
                              size_t n, tl_apostrophe apos, tl_buf *out, int *guessed);

static tl_status cyr_word_uncached(const tl__uz *uz, const tl__run *run,
                                   size_t start, size_t len, tl_apostrophe apos,
                                   tl_buf *out, int *guessed) {
  const char *t = run->text + start;
  uint32_t w[MAXW];
  unsigned char up[MAXW];
  size_t n = 0;
  for (size_t i = 0; i < len && n < MAXW;) {
    uint32_t cp;
    i += tl__utf8_next(t + i, &cp);
    up[n] = (unsigned char)(is_upper(cp) != 0);
    w[n++] = lower(cp);
  }
  if (n < MAXW)
    return cyr_word_cps(uz, run, start, len, w, up, n, apos, out, guessed);
  { /* too long for the lexicons: rules, piece by piece */
    wout o;
    o.n = 0;
    tl_status st = TL_OK;
    size_t i = 0;
    while (!st && i < len) {
      size_t cnt = 0, j = i;
      while (j < len && cnt < MAXW) {
        uint32_t cp;
        j += tl__utf8_next(t + j, &cp);
        up[cnt] = (unsigned char)(is_upper(cp) != 0);
        w[cnt++] = lower(cp);
      }
      o.n = 0;
      cyr_rules(w, up, 0, cnt, 0, &o, NULL);
      st = emit_latin(&o, apos, out);
      i = j;
    }
    return st;
  }
}

/* Converts the Cyrillic word run->text[start..start+len), decoded: w[0..n)
 * its lowercase letters (n < MAXW), up[] which were capitals. */
static tl_status cyr_word_cps(const tl__uz *uz, const tl__run *run, size_t start,
                              size_t len, const uint32_t *w, const unsigned char *up,
                              size_t n, tl_apostrophe apos, tl_buf *out, int *guessed) {
  const char *t = run->text + start;
  int pattern = case_pattern(up, n);
  int caps_alone = 0;
  if (n == 1 && up[0])
    caps_alone = neighbours_caps(run->text, run->len, start, start + len);

  /* Lexicon: the whole word, else the longest stem followed by suffixes. */
  int32_t whole = TL__TRIE_NONE, stem = TL__TRIE_NONE;
  size_t stem_len = 0;
  int32_t node = TL__TRIE_ROOT;
  unsigned char sok[MAXW + 1];
  int sok_done = 0;
  for (size_t i = 0; i < n; i++) {
    node = tl__trie_step(&uz->lex_cyr, node, w[i]);
    if (node == TL__TRIE_NONE)
      break;
    int32_t v = uz->lex_cyr.nodes[node].value;
    if (v == TL__TRIE_NONE)
      continue;
    if (i + 1 == n)
      whole = v;
    else if (uz->lex.e[v].flags & TL__LEX_STEM) {
      if (!sok_done)
        suffix_chains(&uz->suf_cyr, NULL, w, 1, n, sok), sok_done = 1;
      if (sok[i + 1])
        stem = v, stem_len = i + 1;
    }
  }
  wout o;
  o.n = 0;
  int guess = 0;
  if (whole != TL__TRIE_NONE && exact_case(uz->lex.e[whole].cyr, w, up, n)) {
    /* Written exactly as the entry (МГц -> MGs): the entry's own case. */
    uint32_t lat[MAXW];
    const char *l = uz->lex.e[whole].lat;
    size_t nl = tl__lower_cps(l, strlen(l), lat, MAXW, 0);
    size_t k = 0;
    for (const char *p = l; *p && k < nl && nl != (size_t)-1; k++) {
      uint32_t cp;
      p += tl__utf8_next(p, &cp);
      w_put(&o, cp, 0);
    }
  } else if (whole != TL__TRIE_NONE || stem != TL__TRIE_NONE) {
    const tl__lex_entry *e = &uz->lex.e[whole != TL__TRIE_NONE ? whole : stem];
    uint32_t lat[MAXW];
    size_t nl = tl__lower_cps(e->lat, strlen(e->lat), lat, MAXW, 0);
    for (size_t i = 0; i < nl && nl != (size_t)-1; i++)
      w_put(&o, lat[i], 0);
    int stem_pattern = pattern;
    if (pattern == CASE_MIXED) {
      /* An acronym and its suffixes (ГЭСлар -> GESlar): the stem's case. */
      size_t end = whole != TL__TRIE_NONE ? n : stem_len, ups = 0, letters = 0;
      for (size_t i = 0; i < end; i++)
        if (w[i] != '-')
          letters++, ups += up[i];
      stem_pattern = (ups == letters && letters > 1) ? CASE_CAPS : up[0] ? CASE_TITLE : CASE_LOWER;
    } else if (n == 1 && caps_alone) {
      stem_pattern = CASE_CAPS;
    }
    apply_case(&o, stem_pattern, 0);
    if (whole == TL__TRIE_NONE) {
      size_t mark = o.n;
      cyr_rules(w, up, stem_len, n, 0, &o, NULL);
      if (pattern == CASE_CAPS)
        apply_case(&o, CASE_CAPS, mark);
    }
    hyphen_case(&o, t, len);
  } else {
    if (pattern != CASE_MIXED && !run->notes)
      return cyr_rules_fast(uz, w, n, pattern == CASE_TITLE && !(n == 1 && caps_alone)
                                      ? CASE_TITLE
                                      : (n == 1 && caps_alone) ? CASE_CAPS : pattern,
                            apos, out);
    cyr_rules(w, up, 0, n, caps_alone, &o, &guess);
  }
  tl_status st = emit_latin(&o, apos, out);
  if (!st && guess && run->notes) {
    char tmp[MAXW * 16];
    size_t k = 0;
    for (size_t i = 0; i < o.n && k + 5 < sizeof tmp; i++)
      k += tl__utf8_encode(o.caps[i] ? upper(o.cp[i]) : o.cp[i], tmp + k);
    tmp[k] = '\0';
    tl__note(run, start, len, tmp, C2L_REASON);
  }
  *guessed = guess;
  return st;
}

/* Is the token t[0..len) made of parts joined by hyphens that the lexicon
 * knows only as a whole (Нью-Йорк, general-mayor)? lc are its lowercase
 * code points. */
static int lexicon_joins(const tl__trie *lex, const uint32_t *lc, size_t n) {
  size_t last_hyphen = 0;
  for (size_t i = 0; i < n; i++)
    if (lc[i] == '-')
      last_hyphen = i;
  if (!last_hyphen)
    return 0;
  int32_t node = TL__TRIE_ROOT;
  for (size_t i = 0; i < n; i++) {
    node = tl__trie_step(lex, node, lc[i]);
    if (node == TL__TRIE_NONE)
      return 0;
    if (i > last_hyphen && lex->nodes[node].value != TL__TRIE_NONE)
      return 1;
  }
  return 0;
}

/* Converts a token that may hold hyphens: as a whole when the lexicon knows
 * it so, else part by part (each part is a word of its own for the rules). */
typedef tl_status (*word_fn)(const tl__uz *uz, const tl__run *run, size_t start,
                             size_t len, void *arg, tl_buf *out);

static tl_status hyphenated(const tl__uz *uz, const tl__run *run, size_t start,
                            size_t len, const tl__trie *lex, uint32_t apos_canon,
                            word_fn fn, void *arg, tl_buf *out) {
  const char *t = run->text + start;
  if (!memchr(t, '-', len))
    return fn(uz, run, start, len, arg, out);
  uint32_t lc[MAXW];
  size_t n = tl__lower_cps(t, len, lc, MAXW, apos_canon);
  if (apos_canon)
    for (size_t i = 1; i < n && n != (size_t)-1; i++)
      if (lc[i] == TL__TUTUQ && (lc[i - 1] == 'o' || lc[i - 1] == 'g'))
        lc[i] = TL__OKINA;
  if (n != (size_t)-1 && lexicon_joins(lex, lc, n))
    return fn(uz, run, start, len, arg, out);
  tl_status st = TL_OK;
  size_t a = 0;
  for (size_t i = 0; !st && i <= len; i++) {
    if (i == len || t[i] == '-') {
      if (i > a)
        st = fn(uz, run, start + a, i - a, arg, out);
      if (!st && i < len)
        st = tl__buf_putc(out, '-');
      a = i + 1;
    }
  }
  return st;
}

static tl_status cyr_word_fn(const tl__uz *uz, const tl__run *run, size_t start,
                             size_t len, void *arg, tl_buf *out) {
  return cyr_word(uz, run, start, len, *(const tl_apostrophe *)arg, out);
}

tl_status tl__uz_to_latin(const tl__uz *uz, const tl__run *run,
                          tl_apostrophe apos, tl_buf *out) {
  const char *t = run->text;
  size_t n = run->len, i = 0, plain = 0;
  uint32_t w[MAXW];
  unsigned char up[MAXW];
  tl_status st = TL_OK;
  while (i < n && !st) {
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = tl__utf8_next(t + i, &cp);
    if (!is_cyrillic_letter(cp)) {
      i += k;
      continue;
    }
    /* A Cyrillic word (hyphens between letters included): copy what came
     * before, convert the word. Its letters are decoded on the way, for
     * the common case of a word without hyphen that fits MAXW. */
    size_t start = i, nw = 0;
    int hyphen = 0;
    while (i < n) {
      unsigned char b0 = (unsigned char)t[i];
      if (b0 >= 0xD0 && b0 <= 0xD4) { /* U+0400..U+053F: by table */
        uint32_t d = ((uint32_t)(b0 & 0x1F) << 6 | ((unsigned char)t[i + 1] & 0x3F)) - 0x400;
        if (d < 0x130 && (uz->cy_flags[d] & CY_LETTER)) {
          if (nw < MAXW) {
            up[nw] = (uz->cy_flags[d] & CY_UPPER) != 0;
            w[nw++] = uz->cy_lower[d];
          }
          i += 2;
          continue;
        }
      }
      k = tl__utf8_next(t + i, &cp);
      if (cp == '-' && i > start && i + 1 < n) {
        uint32_t nx;
        tl__utf8_next(t + i + 1, &nx);
        if (is_cyrillic_letter(nx)) {
          hyphen = 1;
          i++;
          continue;
        }
      }
      if (in_word_invisible(cp) && i + k < n) {
        uint32_t nx; /* a soft hyphen or joiner between letters */
        tl__utf8_next(t + i + k, &nx);
        if (is_cyrillic_letter(nx)) {
          hyphen = 1; /* the slow path, which takes it out */
          i += k;
          continue;
        }
      }
      if (!is_cyrillic_letter(cp) && !(cp >= 0x300 && cp <= 0x36F))
        break;
      if (nw < MAXW) {
        up[nw] = (unsigned char)(is_upper(cp) != 0);
        w[nw++] = lower(cp);
      }
      i += k;
    }
    st = tl__buf_append(out, t + plain, start - plain);
    if (st)
      break;
    if (!hyphen && nw < MAXW) {
      int guessed = 0;
      st = cyr_word_cps(uz, run, start, i - start, w, up, nw, apos, out, &guessed);
    } else {
      st = hyphenated(uz, run, start, i - start, &uz->lex_cyr, 0, cyr_word_fn, &apos, out);
    }
    plain = i;
  }
  if (!st)
    st = tl__buf_append(out, t + plain, n - plain);
  return st;
}

/* ============================================ Latin -> Cyrillic */

/* A unit of a Latin word: a letter or digraph, and what it may be written as
 * in Cyrillic (the rule's choice first, at cost 0). */
typedef struct unit {
  unsigned char start, len; /* in the word's code points */
  unsigned char vowel;      /* ends in a vowel sound */
  unsigned char consonant;  /* may take a soft sign after it */
  unsigned char ambiguous;  /* the rules' choice is a guess */
  const alt_set *set;       /* NULL: not a Latin letter, kept (own) */
  alt_set own;
} unit;

/* Parses a spec: alternatives separated by '|', each "cyrillic:cost". */
static void parse_spec(alt_set *u, const char *spec) {
  u->nalt = 0;
  const char *s = spec;
  while (*s && u->nalt < MAXALT) {
    alt *a = &u->alts[u->nalt++];
    a->n = 0;
    a->cost = 0;
    while (*s && *s != '|' && *s != ':') {
      uint32_t cp;
      s += tl__utf8_next(s, &cp);
      if (a->n < 3)
        a->cp[a->n++] = cp;
    }
    if (*s == ':') {
      s++;
      a->cost = (unsigned char)(*s++ - '0');
    }
    if (*s == '|')
      s++;
  }
}

static const alt_set *unit_alts(const unit *u) { return u->set ? u->set : &u->own; }

static int lat_vowel(uint32_t c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Splits the lowercase Latin word w[0..n) into units. Returns the count. */
/* The letters parse_units must look at closely: c (ch), e, g (gʻ), o (oʻ),
 * s (sh, sʼh, ksiya), t (ts), y (y+vowel). */
#define PLAIN_NOT ((1u << ('c' - 'a')) | (1u << ('e' - 'a')) | (1u << ('g' - 'a')) | \
                   (1u << ('o' - 'a')) | (1u << ('s' - 'a')) | (1u << ('t' - 'a')) | \
                   (1u << ('y' - 'a')))

static size_t parse_units(const tl__uz *uz, const uint32_t *w, size_t n, unit *u) {
  size_t nu = 0;
  int prev_vowel = 0, at_start = 1;
  for (size_t i = 0; i < n && nu < MAXW;) {
    unit *x = &u[nu];
    x->start = (unsigned char)i;
    x->vowel = x->ambiguous = 0; /* x->own is set only when used */
    uint32_t c = w[i], c1 = i + 1 < n ? w[i + 1] : 0, c2 = i + 2 < n ? w[i + 2] : 0;
    int ctx_vowel = at_start || prev_vowel; /* start of word or after a vowel */
    size_t len = 1;
    int spec = -1;
    x->consonant = 0;
    /* A letter that starts no digraph and has no context rule (most of
     * them): straight from the tables, skipping the chain below. */
    if (c - 'a' < 26u && !((1u << (c - 'a')) & PLAIN_NOT)) {
      x->len = 1;
      x->set = &uz->specs[SP_LETTER + (int)(c - 'a')];
      x->vowel = lat_vowel(c);
      x->consonant = (0x22ABC6Au >> (c - 'a')) & 1u;
      prev_vowel = x->vowel;
      at_start = 0;
      i++;
      nu++;
      continue;
    }
    if (c == 's' && c1 == TL__TUTUQ && c2 == 'h') {
      len = 3, spec = SP_SH_SEP;
    } else if ((c == 'o' || c == 'g') && c1 == TL__OKINA) {
      len = 2, spec = c == 'o' ? SP_O_OKINA : SP_G_OKINA;
      x->vowel = c == 'o';
    } else if (c == 's' && c1 == 'h') {
      len = 2, spec = SP_SH;
    } else if (c == 'c' && c1 == 'h') {
      len = 2, spec = SP_CH;
    } else if (c == 't' && c1 == 's' && c2 != 'h') {
      /* -tsiya/-tsion after a vowel is the Russian -ция/-цион (militsiya,
       * kanonizatsiya): t+s never meets i+ya/on across an Uzbek suffix. */
      int tsiya = i > 0 && lat_vowel(w[i - 1]) && c2 == 'i' && i + 4 < n &&
                  ((w[i + 3] == 'y' && w[i + 4] == 'a') || (w[i + 3] == 'o' && w[i + 4] == 'n'));
      len = 2, spec = tsiya ? SP_TS_C : SP_TS, x->ambiguous = !tsiya;
    } else if (c == 'y' && (c1 == 'e' || c1 == 'u' || c1 == 'a' ||
                            (c1 == 'o' && c2 != TL__OKINA))) {
      len = 2;
      x->vowel = 1;
      if (ctx_vowel) {
        spec = c1 == 'e' ? SP_YE_V : c1 == 'o' ? SP_YO_V : c1 == 'u' ? SP_YU_V : SP_YA_V;
        x->ambiguous = c1 == 'o' && !at_start;
      } else {
        spec = c1 == 'e' ? SP_YE_C : c1 == 'o' ? SP_YO_C : c1 == 'u' ? SP_YU_C : SP_YA_C;
        x->ambiguous = 1;
      }
    } else if (c == TL__TUTUQ || c == TL__OKINA) {
      spec = SP_TUTUQ;
    } else if (c == 'e') {
      /* Cyrillic е after a vowel or at the start is "ye" in Latin, so a
       * Latin e there is э, except after e (Alekseev(na), Mendeleev). */
      spec = (!at_start && i > 0 && w[i - 1] == 'e') ? SP_E_EE
             : ctx_vowel                              ? SP_E_V
                                                      : SP_E_C;
      x->vowel = 1;
    } else if (c == 's') {
      /* -ksiya/-ksion is -кция/-кцион (aksiya, funksiya, reaksion). */
      int ksiya = i > 0 && w[i - 1] == 'k' && c1 == 'i' && i + 3 < n &&
                  ((w[i + 2] == 'y' && w[i + 3] == 'a') || (w[i + 2] == 'o' && w[i + 3] == 'n'));
      spec = ksiya ? SP_S_C : SP_S;
      x->consonant = 1;
    } else if (c < 0x80 && c >= 'a' && c <= 'z') {
      spec = SP_LETTER + (int)(c - 'a');
      x->vowel = lat_vowel(c);
      /* l n t r z d p b f m v k g take a soft sign after them */
      x->consonant = (0x22ABC6Au >> (c - 'a')) & 1u;
    } else {
      spec = -1; /* not a Latin letter: kept as it is */
    }
    x->len = (unsigned char)len;
    if (spec >= 0) {
      x->set = &uz->specs[spec];
    } else {
      x->own.nalt = 1;
      x->own.alts[0].cp[0] = c;
      x->own.alts[0].n = 1;
      x->own.alts[0].cost = 0;
      x->set = NULL;
    }
    prev_vowel = x->vowel;
    at_start = 0;
    i += len;
    nu++;
  }
  return nu;
}

static size_t suffix_to_cyr(const tl__uz *uz, const uint32_t *w, size_t n, uint32_t *out) {
  unit u[MAXW];
  size_t nu = parse_units(uz, w, n, u), k = 0;
  for (size_t i = 0; i < nu; i++) {
    const alt *a = &unit_alts(&u[i])->alts[0];
    /* A suffix starts after a stem: e after a consonant is е, not э. */
    if (i == 0 && w[0] == 'e')
      out[k++] = 0x435;
    else if (i == 0 && w[0] == 'y' && n > 1 && u[0].len == 2)
      out[k++] = a->cp[a->n - 1] == 0x435 ? 0x435 : a->cp[a->n - 1];
    else
      for (size_t j = 0; j < a->n; j++)
        out[k++] = a->cp[j];
  }
  return k;
}

/* The dictionary search over the spellings the units allow. */
typedef struct search {
  const tl__uz *uz;
  const unit *u;
  size_t nu;
  const uint32_t *w;              /* the word, for the suffix check */
  size_t n;
  const unsigned char *sfx;       /* by code point: w[i..) is a suffix chain */
  uint32_t buf[MAXW * 3];
  unsigned char ubuf[MAXW * 3]; /* unit index of each code point */
  /* best whole word */
  int best_cost;
  uint32_t best[MAXW * 3];
  unsigned char best_u[MAXW * 3];
  size_t best_n;
  /* best stem: longest, then cheapest */
  size_t stem_units;
  int stem_cost;
  uint32_t stem[MAXW * 3];
  unsigned char stem_u[MAXW * 3];
  size_t stem_n;
  unsigned steps;
} search;

static void dfs(search *s, size_t ui, int32_t node, size_t len, int cost) {
  if (++s->steps > 20000)
    return; /* pathological word: the rules will do */
  const tl__trie *t = &s->uz->dict;
  if (ui == s->nu) {
    if (t->nodes[node].value != TL__TRIE_NONE && cost < s->best_cost) {
      s->best_cost = cost;
      memcpy(s->best, s->buf, len * sizeof *s->buf);
      memcpy(s->best_u, s->ubuf, len);
      s->best_n = len;
    }
    return;
  }
  if (ui > 0 && t->nodes[node].value != TL__TRIE_NONE && s->sfx[s->u[ui].start] &&
      (ui > s->stem_units || (ui == s->stem_units && cost < s->stem_cost)) &&
      (cost == 0 || len >= 3)) {
    s->stem_units = ui;
    s->stem_cost = cost;
    memcpy(s->stem, s->buf, len * sizeof *s->buf);
    memcpy(s->stem_u, s->ubuf, len);
    s->stem_n = len;
  }
  const unit *u = &s->u[ui];
  const alt_set *as = unit_alts(u);
  for (size_t a = 0; a < as->nalt; a++) {
    int c = cost + as->alts[a].cost;
    if (c > MAX_COST || c >= s->best_cost)
      continue;
    int32_t nd = node;
    size_t l = len;
    for (size_t j = 0; j < as->alts[a].n && nd != TL__TRIE_NONE; j++) {
      nd = tl__trie_step(t, nd, as->alts[a].cp[j]);
      s->buf[l] = as->alts[a].cp[j];
      s->ubuf[l++] = (unsigned char)ui;
    }
    if (nd == TL__TRIE_NONE)
      continue;
    dfs(s, ui + 1, nd, l, c);
    /* A soft sign Latin does not write, after a consonant before a
     * consonant or at the end (февраль, фильм). */
    if (u->consonant && c + 1 <= MAX_COST &&
        (ui + 1 == s->nu || (!s->u[ui + 1].vowel && s->u[ui + 1].len < 3))) {
      int32_t ns = tl__trie_step(t, nd, 0x44C);
      if (ns != TL__TRIE_NONE) {
        s->buf[l] = 0x44C;
        s->ubuf[l] = (unsigned char)ui;
        dfs(s, ui + 1, ns, l + 1, c + 1);
      }
    }
  }
}

/* Appends the rules' spelling of units[from..nu) to o, with case. */
static void lat_rules(const unit *u, size_t from, size_t nu, const unsigned char *ucase,
                      int pattern, wout *o) {
  for (size_t i = from; i < nu; i++) {
    const alt *a = &unit_alts(&u[i])->alts[0];
    for (size_t j = 0; j < a->n; j++) {
      int up = pattern == CASE_CAPS || (pattern != CASE_LOWER && ucase[i] && j == 0) ||
               (pattern == CASE_MIXED && ucase[i] == 2);
      w_put(o, a->cp[j], up);
    }
  }
}

/* Is the word a Roman numeral (XX asr, II jahon urushi), kept in Latin? A
 * lone I, V or X followed by a dot is an initial (I. Karimov), not a number. */
static int roman_numeral(const tl__run *run, size_t start, size_t len) {
  const char *t = run->text + start;
  for (size_t i = 0; i < len; i++)
    if (!strchr("IVXLCDM", t[i]) || !t[i])
      return 0;
  if (len == 1) {
    size_t next = start + 1;
    if (t[0] != 'I' && t[0] != 'V' && t[0] != 'X')
      return 0;
    if (next < run->len && run->text[next] == '.')
      return 0;
  }
  return 1;
}

/* Is the Latin word not Uzbek (letters Uzbek Latin lacks, or an Irish O'
 * before a capital: O'Nil, O'Brien), so kept as is? */
static int foreign_latin(const uint32_t *w, const unsigned char *up, size_t n) {
  if (n > 3 && w[0] == 'o' && up[0] && w[1] == TL__OKINA && up[2] && !up[3])
    return 1;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = w[i];
    if (c == 'w' || (c == 'c' && (i + 1 >= n || w[i + 1] != 'h')))
      return 1;
    if (c >= 0x80 && c != TL__OKINA && c != TL__TUTUQ)
      return 1;
  }
  return 0;
}

static inline int lat_consonant(uint32_t c) {
  return c >= 'a' && c <= 'z' && !lat_vowel(c) && c != 'y';
}

/* Does the Latin word hold a cluster that Uzbek Latin spelling never
 * produces, not even in Russian loans (checked against every form of the
 * hunspell-uz list read in Latin)? gh ph ck, th at the start, tion (Uzbek
 * writes tsion, sion), and y as a vowel: after a consonant at the end (Technology,
 * University) or between consonants (Sydney, Lynch). Uzbek writes y only
 * next to a vowel. Such a word is still converted when the lexicons or the
 * dictionary know it. */
static int foreign_cluster(const uint32_t *w, const unsigned char *up, size_t n) {
  if (n <= 5) { /* an acronym spells letters, not clusters (MFY) */
    size_t caps = 0;
    for (size_t i = 0; i < n; i++)
      caps += up[i];
    if (caps == n)
      return 0;
  }
  if (n >= 2 && w[0] == 't' && w[1] == 'h')
    return 1;
  for (size_t i = 0; i + 1 < n; i++) {
    uint32_t c = w[i], d = w[i + 1];
    if ((c == 'g' || c == 'p') && d == 'h')
      return 1;
    if (c == 'c' && d == 'k')
      return 1;
    if (c == 'y' && i > 0 && lat_consonant(w[i - 1]) && lat_consonant(d))
      return 1;
  }
  if (n >= 2 && w[n - 1] == 'y' && lat_consonant(w[n - 2]))
    return 1;
  for (size_t i = 0; i + 3 < n; i++)
    if (w[i] == 't' && w[i + 1] == 'i' && w[i + 2] == 'o' && w[i + 3] == 'n')
      return 1;
  return 0;
}

/* What lat_word tells lat_span about a word, besides its review-note kind
 * (the low bits, see l2c_reason): kept in Latin as foreign, or converted by
 * the rules alone with nothing Uzbek about it (a capital word of this kind
 * next to a foreign one is taken as part of the same name). */
enum {
  LW_NOTE = 15,
  LW_FOREIGN = 16,
  LW_NAMELIKE = 32,
  LW_PROPER = 64,
  LW_KEPT = 128,
  LW_KNOWN = 256,   /* spelled by the lexicons or the dictionary */
  LW_NAME_SFX = 512 /* name-like before an apostrophe and Uzbek suffixes */
};

/* If w is letters, one apostrophe and then a chain of suffixes (sok from
 * suffix_chains), the code point after the apostrophe, else 0. */
static size_t name_apostrophe(const uint32_t *w, size_t n, const unsigned char *sok) {
  size_t at = 0;
  for (size_t i = 0; i < n; i++)
    if (w[i] == TL__TUTUQ || w[i] == TL__OKINA) {
      if (at || i < 2 || i + 1 >= n)
        return 0;
      at = i + 1;
    }
  return at && sok[at] ? at : 0;
}

/* Does the word carry a sign of Uzbek (or Russian) spelling that English
 * names lack: oʻ gʻ ʼ, q, shch (щ), or a surname ending -ov(a) -ev(a)
 * -ovich -ovna with any suffixes after it (Mirziyoyevning)? */
static int uzbek_marks(const tl__uz *uz, const uint32_t *w, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (w[i] == TL__OKINA || w[i] == TL__TUTUQ || w[i] == 'q' ||
        (i + 3 < n && w[i] == 's' && w[i + 1] == 'h' && w[i + 2] == 'c' && w[i + 3] == 'h'))
      return 1;
  unsigned char sok[MAXW + 1];
  int sok_done = 0;
  for (size_t i = 1; i + 1 < n; i++) {
    if (!(w[i + 1] == 'v' && (w[i] == 'o' || w[i] == 'e')))
      continue;
    size_t j = i + 2; /* after -ov/-ev */
    if (j + 3 <= n && (w[j] == 'i' && w[j + 1] == 'c' && w[j + 2] == 'h'))
      j += 3;
    else if (j + 2 <= n && w[j] == 'n' && w[j + 1] == 'a')
      j += 2;
    else if (j < n && w[j] == 'a')
      j += 1;
    if (j == n)
      return 1;
    if (!sok_done)
      suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok), sok_done = 1;
    if (sok[j])
      return 1;
  }
  return 0;
}

/* A word kept in Latin with Uzbek suffixes after it (Google'ga, Facebookda,
 * Telegram'dagi): the name stays as written, the suffixes are converted
 * (Google'га, Facebookда), as Uzbek Cyrillic print writes them and so that
 * Cyrillic -> Latin gives the word back. Without an apostrophe the name must
 * be in keep-latin.txt (Canada, Rwanda end in "da" too); after one it may be
 * any foreign word. Returns the code point where the suffixes start, or 0. */
static size_t kept_with_suffix(const tl__uz *uz, const uint32_t *w, const unsigned char *up,
                               size_t n) {
  /* Where a name could end: a keep-latin word, or an apostrophe. */
  unsigned char cand[MAXW + 1] = {0};
  int any = 0;
  int32_t node = TL__TRIE_ROOT;
  for (size_t i = 0; i + 1 < n && node != TL__TRIE_NONE; i++) {
    node = tl__trie_step(&uz->keep, node, w[i]);
    if (node != TL__TRIE_NONE && i >= 1 && uz->keep.nodes[node].value == KEEP_NAME)
      cand[i + 1] = 1, any = 1;
  }
  for (size_t i = 2; i + 1 < n; i++)
    if ((w[i] == TL__TUTUQ || w[i] == TL__OKINA) && !cand[i] &&
        (foreign_latin(w, up, i) || foreign_cluster(w, up, i)))
      cand[i] = 2, any = 1;
  if (!any)
    return 0;
  unsigned char sok[MAXW + 1];
  suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok);
  for (size_t m = 2; m < n; m++) {
    if (!cand[m])
      continue;
    int sep = w[m] == TL__TUTUQ || w[m] == TL__OKINA;
    if (sep && m + 1 < n && sok[m + 1])
      return m + 1;
    if (!sep && cand[m] == 1 && sok[m])
      return m;
  }
  return 0;
}

/* Is lexicon entry idx a proper noun (York, Fransiya) written with a
 * capital? After a foreign word it is part of an English name (New York
 * Times), but it does not start one (Fransiya Technology). */
static int lexicon_name(const tl__uz *uz, int32_t idx, const unsigned char *up) {
  uint32_t c;
  tl__utf8_next(uz->lex.e[idx].cyr, &c);
  return up[0] && is_upper(c);
}

/* Writes the name w[0..at) as written in t, then the suffixes w[at..n) by
 * the rules (see kept_with_suffix). */
static tl_status kept_suffixed(const tl__uz *uz, const char *t, const uint32_t *w,
                               const unsigned char *up, size_t n, size_t at, tl_buf *out,
                               int *guessed) {
  size_t b = 0;
  for (size_t i = 0; i < at; i++)
    b += tl__utf8_next(t + b, &(uint32_t){0});
  uint32_t cyr[MAXW * 2];
  size_t m = suffix_to_cyr(uz, w + at, n - at, cyr);
  int caps = 1;
  for (size_t i = at; i < n; i++)
    caps &= up[i] || w[i] == TL__OKINA || w[i] == TL__TUTUQ;
  wout so;
  so.n = 0;
  for (size_t i = 0; i < m; i++)
    w_put(&so, cyr[i], caps);
  size_t name = w[at - 1] == TL__TUTUQ || w[at - 1] == TL__OKINA ? at - 1 : at;
  *guessed = foreign_latin(w, up, name) || foreign_cluster(w, up, name) ? LW_FOREIGN : LW_KEPT;
  tl_status st = tl__buf_append(out, t, b);
  return st ? st : emit_cps(&so, out);
}

static int reads_back(const tl__uz *uz, const wout *o, const uint32_t *w, size_t n);
static tl_status lat_word_uncached(const tl__uz *uz, const tl__run *run,
                                   size_t start, size_t len, tl_buf *out,
                                   int *guessed);

/* Uzbek Cyrillic writes э where a morpheme starting with it follows a
 * prefix (реэкспорт, телеэкран, беэътибор, суперэлита), while the rules
 * read e after a consonant or after e as е (Alekseev). If w starts with a
 * prefix of prefixes.txt followed by e, and the rest, read as a word of its
 * own, is one the lexicons or the dictionary know, writes the prefix by the
 * rules and the rest as that word and sets *known. */
static tl_status after_prefix(const tl__uz *uz, const tl__run *run, size_t start,
                              size_t len, const uint32_t *w, size_t n, const unit *u,
                              size_t nu, const unsigned char *ucase, int pattern,
                              tl_buf *out, int *known) {
  *known = 0;
  int32_t node = TL__TRIE_ROOT;
  for (size_t p = 0; p + 3 < n; p++) {
    node = tl__trie_step(&uz->prefix, node, w[p]);
    if (node == TL__TRIE_NONE)
      return TL_OK;
    if (uz->prefix.nodes[node].value == TL__TRIE_NONE || w[p + 1] != 'e')
      continue;
    size_t ui = 0; /* the unit that starts the rest */
    while (ui < nu && u[ui].start < p + 1)
      ui++;
    if (ui == nu || u[ui].start != p + 1)
      continue;
    size_t b = 0;
    for (size_t i = 0; i <= p; i++)
      b += tl__utf8_next(run->text + start + b, &(uint32_t){0});
    tl__run r = *run;
    r.notes = NULL; /* the rest is a word of its own only for the lookup */
    r.cache = NULL;
    tl_buf rest = TL_BUF_INIT;
    int g = 0;
    tl_status st = lat_word_uncached(uz, &r, start + b, len - b, &rest, &g);
    if (!st && (g & LW_KNOWN)) {
      wout o;
      o.n = 0;
      lat_rules(u, 0, ui, ucase, pattern, &o);
      st = emit_cps(&o, out);
      if (!st)
        st = tl__buf_append(out, rest.data, rest.len);
      *known = 1;
    }
    tl_buf_free(&rest);
    if (st || *known)
      return st;
  }
  return TL_OK;
}

static tl_status lat_word_uncached(const tl__uz *uz, const tl__run *run,
                                   size_t start, size_t len, tl_buf *out,
                                   int *guessed);

/* Converts one Latin word t[start..start+len) to Cyrillic, through the
 * cache; *kind gets its LW_* flags. */
static tl_status lat_word(const tl__uz *uz, const tl__run *run, size_t start,
                          size_t len, tl_buf *out, int *kind) {
  const char *t = run->text + start;
  if (run->cache) {
    size_t olen;
    int flag;
    const char *o = tl__wcache_get(run->cache, t, len, &olen, &flag);
    if (o) {
      if ((flag & LW_NOTE) && run->notes)
        cached_note(run, start, len, o, olen, l2c_reason(flag & LW_NOTE));
      *kind = flag;
      return tl__buf_append(out, o, olen);
    }
  }
  size_t before = out->len;
  int guessed = 0;
  tl_status st = lat_word_uncached(uz, run, start, len, out, &guessed);
  if (!st && run->cache)
    tl__wcache_put(run->cache, t, len, out->data + before, out->len - before, guessed);
  *kind = guessed;
  return st;
}

static tl_status lat_plain(const tl__uz *uz, const tl__run *run, size_t start, size_t len,
                           tl_buf *out, void *arg) {
  return lat_word_uncached(uz, run, start, len, out, arg);
}

static tl_status lat_word_uncached(const tl__uz *uz, const tl__run *run,
                                   size_t start, size_t len, tl_buf *out,
                                   int *guessed) {
  const char *t = run->text + start;
  if (has_invisible(t, len))
    return with_invisibles(uz, run, start, len, 1, lat_plain, guessed, out);
  uint32_t w[MAXW] = {0};
  unsigned char up[MAXW];
  size_t n = 0;
  uint32_t prev = 0;
  for (size_t i = 0; i < len; n++) {
    if (n == MAXW)
      return tl__buf_append(out, t, len); /* too long to be a word */
    uint32_t cp;
    i += tl__utf8_next(t + i, &cp);
    up[n] = (unsigned char)(is_upper(cp) != 0);
    if (tl__is_apostrophe(cp))
      cp = (prev == 'o' || prev == 'g') ? TL__OKINA : TL__TUTUQ;
    else
      cp = lower(cp);
    w[n] = prev = cp;
  }
  size_t sfx_at = 0, sfx_later = 0;
  int kept_whole = tl__trie_get(&uz->keep, w, n) != TL__TRIE_NONE;
  if (!kept_whole)
    sfx_at = kept_with_suffix(uz, w, up, n);
  if (sfx_at && w[sfx_at - 1] != TL__TUTUQ && w[sfx_at - 1] != TL__OKINA &&
      !foreign_latin(w, up, n))
    sfx_later = sfx_at, sfx_at = 0; /* unless an Uzbek word (telegrammasida) */
  if (kept_whole) {
    *guessed = LW_KEPT; /* a one-word brand: not part of a longer name */
    return tl__buf_append(out, t, len);
  }
  if (!sfx_at && !sfx_later && foreign_latin(w, up, n)) {
    *guessed = LW_FOREIGN;
    return tl__buf_append(out, t, len);
  }
  if (roman_numeral(run, start, len))
    return tl__buf_append(out, t, len);
  if (sfx_at)
    return kept_suffixed(uz, t, w, up, n, sfx_at, out, guessed);

  /* Case: the pattern over letters, and per unit for mixed words. */
  unsigned char lup[MAXW];
  size_t nl = 0;
  for (size_t i = 0; i < n; i++)
    if (w[i] != TL__OKINA && w[i] != TL__TUTUQ)
      lup[nl++] = up[i];
  int pattern = case_pattern(lup, nl);
  if (nl == 1 && lup[0])
    pattern = CASE_CAPS;

  unit u[MAXW];
  size_t nu = parse_units(uz, w, n, u);
  unsigned char ucase[MAXW]; /* 0 lower, 1 first letter upper, 2 all upper */
  if (pattern == CASE_LOWER) { /* (no capital anywhere) */
    memset(ucase, 0, nu);
  } else {
    for (size_t i = 0; i < nu; i++) {
      int first = up[u[i].start], all = 1;
      for (size_t j = 0; j < u[i].len; j++)
        all &= up[u[i].start + j] || w[u[i].start + j] == TL__OKINA ||
               w[u[i].start + j] == TL__TUTUQ;
      ucase[i] = (unsigned char)(first ? (all && u[i].len > 1 ? 2 : 1) : 0);
    }
  }
  /* Where the rest of the word is a chain of suffixes. */
  unsigned char sok[MAXW + 1];
  int sok_done = 0;

  wout o;
  o.n = 0;
  int guess = 0, namelike = 0, known = 0;
  /* 1. The lexicon: the whole word, else the longest stem + suffixes. */
  int32_t whole = TL__TRIE_NONE, lstem = TL__TRIE_NONE;
  size_t lstem_units = 0;
  {
    int unit_at[MAXW + 1]; /* unit starting at a code point, or -1 */
    for (size_t i = 0; i <= n; i++)
      unit_at[i] = -1;
    for (size_t i = 0; i < nu; i++)
      unit_at[u[i].start] = (int)i;
    int32_t node = TL__TRIE_ROOT;
    for (size_t i = 0; i < n; i++) {
      node = tl__trie_step(&uz->lex_lat, node, w[i]);
      if (node == TL__TRIE_NONE)
        break;
      int32_t v = uz->lex_lat.nodes[node].value;
      if (v == TL__TRIE_NONE)
        continue;
      if (i + 1 == n)
        whole = v;
      else if ((uz->lex.e[v].flags & TL__LEX_STEM) && unit_at[i + 1] >= 0) {
        if (!sok_done)
          suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok), sok_done = 1;
        if (sok[i + 1])
          lstem = v, lstem_units = (size_t)unit_at[i + 1];
      }
    }
  }
  /* A lexicon stem wins over the dictionary, so that every form of a word
   * is spelled alike in one article (Polsha, Polshada -> Польша, Польшада). */
  search search_mem, *s = NULL;
  if (whole == TL__TRIE_NONE && lstem == TL__TRIE_NONE && uz->have_dict) {
    s = &search_mem;
    s->uz = uz;
    s->u = u;
    s->nu = nu;
    s->w = w;
    s->n = n;
    if (!sok_done)
      suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok), sok_done = 1;
    s->sfx = sok;
    s->best_cost = MAX_COST + 1;
    s->best_n = 0;
    s->stem_units = 0;
    s->stem_cost = MAX_COST + 1;
    s->stem_n = 0;
    s->steps = 0;
    dfs(s, 0, TL__TRIE_ROOT, 0, 0);
  }
  if (sfx_later && whole == TL__TRIE_NONE && lstem == TL__TRIE_NONE &&
      !(s && (s->best_n || s->stem_n)))
    return kept_suffixed(uz, t, w, up, n, sfx_later, out, guessed);
  if (whole == TL__TRIE_NONE && lstem == TL__TRIE_NONE && !(s && s->best_n) &&
      foreign_cluster(w, up, n)) {
    *guessed = LW_FOREIGN; /* Technology, University: not Uzbek */
    return tl__buf_append(out, t, len);
  }
  if (whole == TL__TRIE_NONE && lstem == TL__TRIE_NONE && !(s && s->best_n)) {
    /* re+eksport, tele+elektron: э starts the word after the prefix. */
    int split = 0;
    tl_status st0 = after_prefix(uz, run, start, len, w, n, u, nu, ucase, pattern, out, &split);
    if (st0 || split) {
      *guessed = LW_KNOWN;
      return st0;
    }
  }
  if (whole != TL__TRIE_NONE && exact_case(e_lat_cps(uz, whole), w, up, n)) {
    /* Written exactly as the entry (MGs, iPhone-like shapes): its case. */
    const char *c = uz->lex.e[whole].cyr;
    tl_status st0 = tl__buf_puts(out, c);
    *guessed = (uz->lex.e[whole].flags & TL__LEX_TO_LATIN) ? 0 : 3;
    if (!st0 && *guessed && run->notes)
      tl__note(run, start, len, c, l2c_reason(*guessed));
    if (lexicon_name(uz, whole, up))
      *guessed |= LW_PROPER;
    *guessed |= LW_KNOWN;
    return st0;
  }
  if (whole != TL__TRIE_NONE || lstem != TL__TRIE_NONE) {
    const tl__lex_entry *e = &uz->lex.e[whole != TL__TRIE_NONE ? whole : lstem];
    if (whole != TL__TRIE_NONE && lexicon_name(uz, whole, up))
      namelike = LW_PROPER;
    known = LW_KNOWN;
    if (!(e->flags & TL__LEX_TO_LATIN))
      guess = 3; /* senor -> сеньор, which reads senyor */
    uint32_t cyr[MAXW];
    size_t nc = tl__lower_cps(e->cyr, strlen(e->cyr), cyr, MAXW, 0);
    if (nc == (size_t)-1)
      nc = 0;
    if (whole == TL__TRIE_NONE && nc > 1 && cyr[nc - 1] == 0x44C &&
        ((e->flags & TL__LEX_DROP_SOFT) || u[lstem_units].vowel))
      nc--; /* октябрь + да -> октябрда (but Брюссель + да -> Брюссельда) */
    for (size_t i = 0; i < nc; i++)
      w_put(&o, cyr[i], 0);
    int stem_pattern = pattern;
    if (pattern == CASE_MIXED) {
      /* An acronym and its suffixes (GESlar -> ГЭСлар): the stem's case. */
      size_t end = whole != TL__TRIE_NONE ? n : u[lstem_units].start, letters = 0, ups = 0;
      for (size_t i = 0; i < end; i++)
        if (w[i] != TL__OKINA && w[i] != TL__TUTUQ && w[i] != '-')
          letters++, ups += up[i];
      stem_pattern = (ups == letters && letters > 1) ? CASE_CAPS : lup[0] ? CASE_TITLE : CASE_LOWER;
    }
    apply_case(&o, stem_pattern, 0);
    hyphen_case(&o, t, len);
    if (whole == TL__TRIE_NONE)
      lat_rules(u, lstem_units, nu, ucase, pattern, &o);
  } else if (s && (s->best_n || s->stem_n)) {
    known = LW_KNOWN;
    const uint32_t *cp = s->best_n ? s->best : s->stem;
    const unsigned char *cu = s->best_n ? s->best_u : s->stem_u;
    size_t m = s->best_n ? s->best_n : s->stem_n;
    /* A dictionary stem keeps its ь before suffixes, as the dictionary
     * spells its own forms (Брюссельда), but not before a vowel (медали). */
    if (!s->best_n && m > 1 && cp[m - 1] == 0x44C && u[s->stem_units].vowel)
      m--;
    for (size_t i = 0; i < m; i++) {
      int first_of_unit = i == 0 || cu[i - 1] != cu[i];
      int upc = pattern == CASE_CAPS ||
                (pattern != CASE_LOWER && ucase[cu[i]] && first_of_unit) ||
                (pattern == CASE_MIXED && ucase[cu[i]] == 2);
      w_put(&o, cp[i], upc);
    }
    if (!s->best_n)
      lat_rules(u, s->stem_units, nu, ucase, pattern, &o);
    /* The dictionary may have taken a word that the Latin does not spell
     * (senordi -> сеньорди, which reads senyordi; gts -> Гц, Gs): a
     * correction an editor should see. */
    if (!reads_back(uz, &o, w, n))
      guess = 2;
  } else {
    lat_rules(u, 0, nu, ucase, pattern, &o);
    /* A guess only counts in the stem, not in a known chain of suffixes
     * (bajar-yapman, tushiril-ayotganda are regular). */
    if (!sok_done)
      suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok), sok_done = 1;
    size_t stem_end = n;
    for (size_t p = 1; p < n; p++)
      if (sok[p]) {
        stem_end = p;
        break;
      }
    for (size_t i = 0; i < nu; i++)
      if (u[i].start < stem_end)
        guess |= u[i].ambiguous;
    if (up[0] && !uzbek_marks(uz, w, n)) {
      namelike = LW_NAMELIKE;
    } else if (up[0]) {
      /* Times'ning, Journal'da: a name (if its neighbours make it one)
       * with Uzbek suffixes after an apostrophe. */
      size_t at = name_apostrophe(w, n, sok);
      if (at && !uzbek_marks(uz, w, at - 1))
        namelike = LW_NAMELIKE | LW_NAME_SFX;
    }
  }
  tl_status st = emit_cps(&o, out);
  if (!st && guess && run->notes) {
    char tmp[MAXW * 16];
    size_t k = 0;
    for (size_t i = 0; i < o.n && k + 5 < sizeof tmp; i++)
      k += tl__utf8_encode(o.caps[i] ? upper(o.cp[i]) : o.cp[i], tmp + k);
    tmp[k] = '\0';
    tl__note(run, start, len, tmp, l2c_reason(guess));
  }
  *guessed = guess | namelike | known;
  return st;
}

/* Does the Cyrillic word o read back, by our own Cyrillic -> Latin, as the
 * Latin word w[0..n) (lowercase, apostrophes as okina and tutuq)? */
static int reads_back(const tl__uz *uz, const wout *o, const uint32_t *w, size_t n) {
  if (o->n == 0 || o->n >= MAXW)
    return 1;
  uint32_t cw[MAXW];
  unsigned char up[MAXW] = {0};
  char cyr[MAXW * 4 + 1], lat[MAXW * 4 + 1];
  size_t kc = 0, kl = 0;
  for (size_t i = 0; i < o->n; i++) {
    cw[i] = lower(o->cp[i]);
    kc += put_utf8(cw[i], cyr + kc);
  }
  for (size_t i = 0; i < n; i++)
    kl += put_utf8(w[i], lat + kl);
  /* The common case: no lexicon word or stem starts the Cyrillic, so
   * cyr_word_cps would write it by the rules; do that without a buffer. */
  int32_t node = TL__TRIE_ROOT;
  int lexicon = 0;
  for (size_t i = 0; i < o->n && !lexicon; i++) {
    node = tl__trie_step(&uz->lex_cyr, node, cw[i]);
    if (node == TL__TRIE_NONE)
      break;
    lexicon = uz->lex_cyr.nodes[node].value != TL__TRIE_NONE;
  }
  if (!lexicon) {
    char rb[MAXW * 8 + 16];
    size_t kr = cyr_rules_bytes(uz, cw, o->n, CASE_LOWER, TL_APOS_MODERN, rb);
    return kr == kl && memcmp(rb, lat, kl) == 0;
  }
  tl__run r = {cyr, kc, 0, 1, 1, NULL, NULL, NULL};
  tl_buf back = TL_BUF_INIT;
  int guessed = 0, same = 1;
  if (cyr_word_cps(uz, &r, 0, kc, cw, up, o->n, TL_APOS_MODERN, &back, &guessed) == TL_OK)
    same = back.len == kl && memcmp(back.data, lat, kl) == 0;
  tl_buf_free(&back);
  return same;
}

/* The words of one sentence as converted, for names of several words: a
 * capital word converted by the rules alone (LW_NAMELIKE) next to a word
 * kept as foreign is part of the same name and is kept too (Technology
 * Review, New York Times, Harvard University). */
#define MAX_TOKS 128
typedef struct name_toks {
  struct tok {
    size_t in, in_len, out, out_len;
    int kind;
  } t[MAX_TOKS];
  size_t n;
  int foreign;
  int weak_start; /* t[0] starts a sentence and there is no dictionary */
  const tl__run *run; /* the run (with its notes); words see a quiet copy */
  const tl__uz *uz;
} name_toks;

static tl_status name_runs(name_toks *nt, tl_buf *out);

/* Writes the name-like word t[0..len) of kind LW_NAME_SFX as a name:
 * Latin up to its apostrophe, the suffixes after it in Cyrillic. */
static tl_status name_with_suffix(const tl__uz *uz, const char *t, size_t len, tl_buf *out) {
  uint32_t w[MAXW];
  unsigned char up[MAXW], sok[MAXW + 1];
  size_t n = 0;
  uint32_t prev = 0;
  for (size_t i = 0; i < len && n < MAXW; n++) {
    uint32_t cp;
    i += tl__utf8_next(t + i, &cp);
    up[n] = (unsigned char)(is_upper(cp) != 0);
    w[n] = prev = tl__is_apostrophe(cp) ? ((prev == 'o' || prev == 'g') ? TL__OKINA : TL__TUTUQ)
                                        : lower(cp);
  }
  suffix_chains(&uz->suf_lat, uz->suf_dfa, w, 1, n, sok);
  size_t at = name_apostrophe(w, n, sok);
  if (!at) /* (cannot happen: lat_word_uncached found it so) */
    return tl__buf_append(out, t, len);
  int g;
  return kept_suffixed(uz, t, w, up, n, at, out, &g);
}

static tl_status lat_word_rec(const tl__uz *uz, const tl__run *run, size_t start,
                              size_t len, tl_buf *out, name_toks *nt) {
  tl_status st = nt->n == MAX_TOKS ? name_runs(nt, out) : TL_OK;
  if (st)
    return st;
  size_t before = out->len;
  int kind = 0;
  st = lat_word(uz, run, start, len, out, &kind);
  if (st)
    return st;
  struct tok *k = &nt->t[nt->n++];
  k->in = start, k->in_len = len, k->out = before, k->out_len = out->len - before;
  k->kind = kind;
  nt->foreign |= (kind & LW_FOREIGN) != 0;
  return st;
}

static tl_status lat_word_fn(const tl__uz *uz, const tl__run *run, size_t start,
                             size_t len, void *arg, tl_buf *out) {
  return lat_word_rec(uz, run, start, len, out, arg);
}

/* Puts the Latin back for the name-like words joined (by one space or a
 * hyphen) to a foreign word, directly or through other such words. */
static tl_status name_runs(name_toks *nt, tl_buf *out) {
  const tl__run *run = nt->run;
  size_t n = nt->n;
  int weak = nt->weak_start, foreign_seen = nt->foreign;
  nt->n = 0;
  nt->weak_start = 0;
  nt->foreign = 0;
  unsigned char keep[MAX_TOKS] = {0};
  int any = 0;
  for (size_t a = 0; foreign_seen && a < n;) {
    /* A chain of joined words, each foreign or name-like; a lexicon's
     * proper noun may go on a chain but not start one. */
    size_t b = a;
    int foreign = 0;
    /* Without the dictionary every word is "unknown": the capital of a
     * sentence's first word says nothing then (Kompaniya Technology). */
    if (!(nt->t[a].kind & (LW_FOREIGN | LW_NAMELIKE)) ||
        (a == 0 && weak && !(nt->t[a].kind & LW_FOREIGN))) {
      a++;
      continue;
    }
    while (b < n && (nt->t[b].kind & (LW_FOREIGN | LW_NAMELIKE | LW_PROPER))) {
      foreign |= (nt->t[b].kind & LW_FOREIGN) != 0;
      b++;
      if (b < n) {
        size_t gap0 = nt->t[b - 1].in + nt->t[b - 1].in_len, gap1 = nt->t[b].in;
        const char *g = run->text + gap0;
        if (!(gap1 - gap0 == 1 && (*g == ' ' || *g == '-')))
          break;
      }
    }
    if (b == a) {
      a++;
      continue;
    }
    if (foreign && b - a > 1)
      for (size_t i = a; i < b; i++)
        if (nt->t[i].kind & (LW_NAMELIKE | LW_PROPER))
          keep[i] = 1, any = 1;
    a = b;
  }
  /* The review notes of the words that stay converted, in text order (the
   * words were converted quietly, as a name may take them back). */
  for (size_t i = 0; run->notes && i < n; i++) {
    if (keep[i] || !(nt->t[i].kind & LW_NOTE))
      continue;
    char tmp[MAXW * 16];
    size_t k = nt->t[i].out_len < sizeof tmp - 1 ? nt->t[i].out_len : sizeof tmp - 1;
    memcpy(tmp, out->data + nt->t[i].out, k);
    tmp[k] = '\0';
    tl__note(run, nt->t[i].in, nt->t[i].in_len, tmp, l2c_reason(nt->t[i].kind & LW_NOTE));
  }
  if (!any)
    return TL_OK;
  size_t base = nt->t[0].out;
  tl_buf tail = TL_BUF_INIT;
  tl_status st = tl__buf_append(&tail, out->data + base, out->len - base);
  if (st)
    return st;
  out->len = base;
  size_t pos = 0; /* in tail */
  for (size_t i = 0; i < n && !st; i++) {
    size_t o = nt->t[i].out - base;
    st = tl__buf_append(out, tail.data + pos, o - pos);
    if (!st && !keep[i])
      st = tl__buf_append(out, tail.data + o, nt->t[i].out_len);
    else if (!st && !(nt->t[i].kind & LW_NAME_SFX))
      st = tl__buf_append(out, run->text + nt->t[i].in, nt->t[i].in_len);
    else if (!st)
      st = name_with_suffix(nt->uz, run->text + nt->t[i].in, nt->t[i].in_len, out);
    pos = o + nt->t[i].out_len;
  }
  if (!st)
    st = tl__buf_append(out, tail.data + pos, tail.len - pos);
  tl_buf_free(&tail);
  return st;
}

/* Latin -> Cyrillic of one sentence or line; *english (unless NULL) is set
 * if it has an English function word (see has_english_word). */
static tl_status lat_span(const tl__uz *uz, const tl__run *run, size_t from,
                          size_t to, int *english, tl_buf *out);

/* End of the sentence that starts at i: after . ! ? followed by a space, or
 * after a line end. */
static size_t sentence_end(const char *t, size_t n, size_t i) {
#if defined(__SSE2__) && defined(__GNUC__)
  /* To the next line end or . ! ?, 16 bytes a step. */
  const __m128i nl = _mm_set1_epi8('\n'), dot = _mm_set1_epi8('.'),
                ex = _mm_set1_epi8('!'), q = _mm_set1_epi8('?');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
    unsigned bits = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, dot)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, ex), _mm_cmpeq_epi8(v, q))));
    if (bits) {
      i += (size_t)__builtin_ctz(bits);
      break;
    }
    i += 16;
  }
#endif
  for (; i < n; i++) {
    if (t[i] == '\n')
      return i + 1;
    if ((t[i] == '.' || t[i] == '!' || t[i] == '?') && i + 1 < n && t[i + 1] == ' ')
      return i + 2;
  }
  return n;
}

/* English function words, which Uzbek never has, packed as little-endian
 * integers of their lowercase bytes, shortest first: a cheap filter before the language
 * model is asked whether a sentence is English. */
#define W2(a, b) ((uint64_t)(a) | (uint64_t)(b) << 8)
#define W3(a, b, c) (W2(a, b) | (uint64_t)(c) << 16)
#define W4(a, b, c, d) (W3(a, b, c) | (uint64_t)(d) << 24)
#define W5(a, b, c, d, e) (W4(a, b, c, d) | (uint64_t)(e) << 32)
static const uint64_t english_words[] = {
    W2('o', 'f'), W2('i', 's'), W3('t', 'h', 'e'), W3('a', 'n', 'd'),
    W3('a', 'r', 'e'), W3('w', 'a', 's'), W3('f', 'o', 'r'), W3('h', 'a', 's'),
    W4('w', 'e', 'r', 'e'), W4('w', 'i', 't', 'h'), W4('t', 'h', 'i', 's'),
    W4('t', 'h', 'a', 't'), W4('f', 'r', 'o', 'm'), W4('h', 'a', 'v', 'e'),
    W4('t', 'h', 'e', 'y'), W4('w', 'i', 'l', 'l'), W4('b', 'e', 'e', 'n'),
    W5('w', 'h', 'i', 'c', 'h'), W5('t', 'h', 'e', 'i', 'r'),
    W5('t', 'h', 'e', 'r', 'e'), W5('w', 'o', 'u', 'l', 'd')};
#undef W2
#undef W3
#undef W4
#undef W5
_Static_assert(sizeof english_words / sizeof english_words[0] == 21,
               "english_words is indexed by length in english_word()");

static inline int ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Is t[a..b) (ASCII letters) an English function word? english_words is
 * sorted by length: the words of each length start at by_len[len]. */
static int english_word(const char *t, size_t a, size_t b) {
  static const unsigned char by_len[7] = {0, 0, 0, 2, 8, 17, 21};
  size_t len = b - a;
  if (len < 2 || len > 5)
    return 0;
  /* the first letters of english_words: a b f h i o t w */
  unsigned c0 = ((unsigned char)t[a] | 0x20) - 'a';
  if (c0 >= 26 || !((0x4841A3u >> c0) & 1))
    return 0;
  uint64_t key = 0;
  for (size_t i = a; i < b; i++)
    key |= (uint64_t)((unsigned char)t[i] | 0x20) << (8 * (i - a));
  for (size_t k = by_len[len]; k < by_len[len + 1]; k++)
    if (english_words[k] == key)
      return 1;
  return 0;
}

/* Does t[from..to) contain an English function word as a token? Only the
 * tokens that start in t[a..b) (a word inside it) are looked at. */
static int has_english_word_in(const char *t, size_t from, size_t to, size_t a, size_t b) {
  for (size_t i = a; i < b;) {
    if (!ascii_letter((unsigned char)t[i])) {
      i++;
      continue;
    }
    size_t r = i;
    while (i < b && ascii_letter((unsigned char)t[i]))
      i++;
    if (i - r < 2 || i - r > 5)
      continue;
    /* A token starts at an ASCII letter and goes on over letters and
     * non-ASCII bytes (“the counts, the” does not): r must not continue
     * one that began before it, and the run must end the token. */
    if (!english_word(t, r, i)) /* (the cheap test first) */
      continue;
    size_t j = r;
    while (j > from && (unsigned char)t[j - 1] >= 0x80)
      j--;
    int before = j > from && ascii_letter((unsigned char)t[j - 1]);
    int after = i < to && (ascii_letter((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80);
    if (!before && !after)
      return 1;
  }
  return 0;
}

static int has_english_word(const char *t, size_t n) {
  return has_english_word_in(t, 0, n, 0, n);
}

/* Does t[0..n) hold a word with an Uzbek case ending or oʻ/gʻ (an Uzbek
 * sentence quoting an English title: "Science and Technology" ilmiy
 * jurnalining)? Then the sentence is Uzbek, whatever else it quotes. */
static int has_uzbek_word(const char *t, size_t n) {
  static const char *const endings[] = {"ning", "lar", "lari", "larni", "dagi",
                                        "dan", "ni", "ga", "da", "imiz", "ingiz"};
  for (size_t i = 0; i < n;) {
    while (i < n && !((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z'))
      i++;
    size_t a = i;
    uint32_t prev = 0;
    while (i < n) {
      uint32_t cp;
      size_t k = tl__utf8_next(t + i, &cp);
      if (tl__is_apostrophe(cp) && (prev == 'o' || prev == 'g' || prev == 'O' || prev == 'G') &&
          i + k < n && ((t[i + k] | 0x20) >= 'a' && (t[i + k] | 0x20) <= 'z'))
        return 1; /* oʻ, gʻ inside a word */
      if (!(cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')))
        break;
      prev = cp;
      i += k;
    }
    size_t len = i - a;
    for (size_t k = 0; k < sizeof endings / sizeof endings[0]; k++) {
      size_t el = strlen(endings[k]);
      if (len >= el + 3 && strncasecmp(t + i - el, endings[k], el) == 0)
        return 1;
    }
    if (i == a)
      i++;
  }
  return 0;
}

/* Is t[0..n), which has an English function word, plainly English? */
static int english_sentence(const char *t, size_t n) {
  if (has_uzbek_word(t, n))
    return 0;
  tl_lang lang = TL_LANG_UNKNOWN;
  double conf = 0;
  size_t letters = 0;
  tl__detect_span(t, n, &lang, &conf, &letters);
  return lang == TL_LANG_EN && conf >= 0.95 && letters >= 20;
}

tl_status tl__uz_to_cyrillic(const tl__uz *uz, const tl__run *run, tl_buf *out) {
  /* Sentences that are plainly English (a quote, an English paragraph in an
   * Uzbek article) are left in Latin: they are not Uzbek words. The bar is
   * high, so that no Uzbek sentence is ever left unconverted. */
  tl_status st = TL_OK;
  for (size_t i = 0; i < run->len && !st;) {
    size_t e = sentence_end(run->text, run->len, i);
    const char *t = run->text + i;
    if (run->notes) {
      /* Review notes cannot be taken back: decide first. */
      if (has_english_word(t, e - i) && english_sentence(t, e - i))
        st = tl__buf_append(out, t, e - i);
      else
        st = lat_span(uz, run, i, e, NULL, out);
    } else {
      /* Convert, noting English function words on the way (one pass over
       * the text); the rare sentence that has some is then judged, and
       * put back as it was if it is English. */
      size_t mark = out->len;
      int english = 0;
      st = lat_span(uz, run, i, e, &english, out);
      if (!st && english && english_sentence(t, e - i)) {
        out->len = mark;
        st = tl__buf_append(out, t, e - i);
      }
    }
    i = e;
  }
  return st;
}

static tl_status lat_span(const tl__uz *uz, const tl__run *run, size_t from,
                          size_t to, int *english, tl_buf *out) {
  const char *t = run->text;
  size_t n = to, i = from, plain = from;
  tl_status st = TL_OK;
  name_toks nt;
  nt.n = 0;
  nt.foreign = 0;
  nt.weak_start = !uz->have_dict;
  nt.run = run;
  nt.uz = uz;
  tl__run quiet = *run;
  quiet.notes = NULL;
  const tl__run *wrun = &quiet;
  while (i < n && !st) {
    uint32_t cp;
    size_t k = tl__utf8_next(t + i, &cp);
    if (!is_latin_letter(cp)) {
      i += k;
      continue;
    }
    /* A Latin word: letters; one or two apostrophes between letters (o‘’
     * is ўъ) or after o/g at the end (togʻ); hyphens between letters. */
    size_t start = i;
    uint32_t before = 0;
    if (start > 0) {
      size_t j = start - 1;
      while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
        j--;
      tl__utf8_next(t + j, &before);
    }
    uint32_t prev = 0;
    int ascii = 1; /* ASCII letters only */
    int hyphen = 0;
    while (i < n) {
      unsigned char b = (unsigned char)t[i];
      if (ascii_letter(b)) { /* the common case */
        prev = b;
        i++;
        continue;
      }
      k = tl__utf8_next(t + i, &cp);
      if (is_latin_letter(cp) || (cp >= 0x300 && cp <= 0x36F)) {
        ascii &= cp < 0x80;
        prev = cp;
        i += k;
        continue;
      }
      if (in_word_invisible(cp) && prev && i + k < n) {
        uint32_t nx; /* a soft hyphen or joiner between letters */
        tl__utf8_next(t + i + k, &nx);
        if (is_latin_letter(nx) || tl__is_apostrophe(nx)) {
          ascii = 0;
          i += k;
          continue;
        }
      }
      if (tl__is_apostrophe(cp) && prev && !tl__is_apostrophe(prev)) {
        size_t j = i + k, count = 1;
        uint32_t nx = 0;
        if (j < n)
          tl__utf8_next(t + j, &nx); /* peek */
        if (tl__is_apostrophe(nx) && j < n) {
          j += tl__utf8_next(t + j, &nx);
          count = 2;
          nx = 0;
          if (j < n)
            tl__utf8_next(t + j, &nx);
        }
        int og = prev == 'o' || prev == 'g' || prev == 'O' || prev == 'G';
        /* At the end of a word after o/g the apostrophe is the okina
         * (togʻ, bogʻ), unless the word opened with a quote it closes. */
        int closes_quote = tl__is_apostrophe(before) && before != TL__OKINA;
        if (is_latin_letter(nx) ||
            (og && count == 1 && (cp == TL__OKINA || !closes_quote))) {
          prev = cp;
          i = j;
          ascii = 0;
          continue;
        }
      }
      if (cp == '-' && prev && i + 1 < n) {
        uint32_t nx;
        tl__utf8_next(t + i + 1, &nx);
        if (is_latin_letter(nx)) {
          prev = '-';
          i += 1;
          ascii = 0;
          hyphen = 1;
          continue;
        }
      }
      break;
    }
    /* (a word of more than five ASCII letters holds no function word) */
    if (english && !*english && (i - start <= 5 || !ascii))
      *english = has_english_word_in(t, from, to, start, i);
    st = tl__buf_append(out, t + plain, start - plain);
    if (!st && !hyphen)
      st = lat_word_rec(uz, wrun, start, i - start, out, &nt);
    else if (!st)
      st = hyphenated(uz, wrun, start, i - start, &uz->lex_lat, TL__TUTUQ, lat_word_fn,
                      &nt, out);
    plain = i;
  }
  if (!st)
    st = name_runs(&nt, out);
  if (!st)
    st = tl__buf_append(out, t + plain, n - plain);
  return st;
}

/* ============================================ Russian -> Uzbek Cyrillic */

tl_status tl__uz_russian_to_cyrillic(const tl__run *run, tl_buf *out) {
  const char *t = run->text;
  size_t n = run->len, plain = 0;
  tl_status st = TL_OK;
  for (size_t i = 0; i < n && !st;) {
    uint32_t cp;
    size_t k = tl__utf8_next(t + i, &cp);
    const char *rep = cp == 0x449 ? "ш" : cp == 0x429 ? "Ш"
                    : cp == 0x44B ? "и" : cp == 0x42B ? "И" : NULL;
    if (rep) {
      st = tl__buf_append(out, t + plain, i - plain);
      if (!st)
        st = tl__buf_puts(out, rep);
      plain = i + k;
    }
    i += k;
  }
  if (!st)
    st = tl__buf_append(out, t + plain, n - plain);
  return st;
}

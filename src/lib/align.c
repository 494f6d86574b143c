/* align.c: aligning two versions of one article. Paragraphs are aligned
 * first, then the sentences inside each group of matched paragraphs, both by
 * one banded dynamic program whose bead cost adds a Gale-Church length term
 * to an anchor term: the share of comparison keys (numbers, URLs, quoted
 * strings, punctuation, consonant skeletons of words after transliteration
 * into Latin, Uzbek stems, lexicon translations) that the two sides have in
 * common, beyond what each shares with its neighbours anyway. */
#include "align.h"

#include "buf.h"
#include "embedded.h"
#include "error.h"
#include "segment.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>

/* ------------------------------------------------------------ word keys */

/* Cyrillic (lower case, U+0430..U+045F) to Latin, for comparison only:
 * close to Uzbek Latin, so that leftovers of the converter still meet. */
static const char *const cyr_lat[] = {
    "a", "b", "v", "g", "d", "e", "j", "z", "i", "y", "k", "l", "m", "n", "o",
    "p", "r", "s", "t", "u", "f", "x", "ts", "ch", "sh", "sh", "", "i", "",
    "e", "yu", "ya", /* U+0450.. */ "e", "yo", "", "", "", "i", "i", "j", "",
    "", "", "", "", "", "o", ""};

static const char *fold_cp(uint32_t cp, int word_start) {
  static const char *const lat1[] = {
      /* U+00E0.. */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e",
      "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o",
      "u", "u", "u", "u", "y", "th", "y"};
  if (cp >= 0x430 && cp <= 0x45F) {
    if (cp == 0x435 && word_start)
      return "ye";
    return cyr_lat[cp - 0x430];
  }
  switch (cp) {
  case 0x49B: return "q";  /* қ */
  case 0x493: return "g";  /* ғ */
  case 0x4B3: return "h";  /* ҳ */
  case 0x45E: return "o";  /* ў */
  case 0x4E9: return "o";
  case 0x4AF: return "u";
  case 0xDF: return "ss";
  case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x201E: return "\"";
  case 0x2013: case 0x2014: return "-";
  case 0x153: return "oe";
  default: break;
  }
  if (cp >= 0xE0 && cp <= 0xFF)
    return lat1[cp - 0xE0];
  return NULL;
}

static int is_apos(uint32_t cp) {
  return cp == '\'' || cp == 0x2BB || cp == 0x2BC || cp == 0x2018 ||
         cp == 0x2019 || cp == '`' || cp == 0x2BF || cp == 0x2BE;
}

size_t tl__fold_word(const char *w, size_t n, char *out, size_t cap) {
  size_t o = 0;
  int start = 1;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    i += tl__utf8_decode(w + i, n - i, &cp);
    if (cp == TL__UTF8_INVALID || is_apos(cp))
      continue;
    cp = (uint32_t)u_tolower((UChar32)cp);
    char tmp[8];
    const char *rep = NULL;
    if (cp < 0x80) {
      tmp[0] = (char)cp;
      tmp[1] = '\0';
      rep = tmp;
    } else {
      rep = fold_cp(cp, start);
      if (!rep) {
        size_t k = tl__utf8_encode(cp, tmp);
        tmp[k] = '\0';
        rep = tmp;
      }
    }
    start = 0;
    for (; *rep && o + 1 < cap; rep++)
      out[o++] = *rep;
  }
  if (cap)
    out[o < cap ? o : cap - 1] = '\0';
  return o;
}

static int is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

size_t tl__word_skeleton(const char *f, size_t n, char out[8]) {
  size_t o = 0;
  for (size_t i = 0; i < n && o < TL__SKEL_LEN; i++) {
    char c = f[i], nx = i + 1 < n ? f[i + 1] : 0;
    if (is_vowel(c))
      continue;
    /* Digraphs of the romanizations meet the single letters of others. */
    if (nx == 'h' && (c == 's' || c == 'c' || c == 'z' || c == 'k' || c == 't' ||
                      c == 'p' || c == 'g')) {
      c = c == 's' ? 'S' : c == 'c' ? 'C' : c == 'z' ? 'j' : c == 'k' ? 'h'
          : c == 't' ? 't' : c == 'p' ? 'f' : 'g';
      i++;
    } else if (c == 't' && nx == 's') {
      c = 's';
      i++;
    } else if (c == 'd' && nx == 'j') {
      c = 'j';
      i++;
    } else if (c == 'c' && nx == 'k') {
      c = 'k';
      i++;
    } else if (c == 'c') {
      c = (nx == 'e' || nx == 'i' || nx == 'y') ? 's' : 'k';
    } else if (c == 'q') {
      c = 'k';
    } else if (c == 'w') {
      c = 'v';
    } else if (c == 'x') {
      c = 'h';
    } else if (c == 'z') {
      c = 's'; /* organise / organize, Uzbek z for Russian s in loans */
    }
    if ((unsigned char)c >= 0x80 || c == '-')
      continue;
    if (o > 0 && out[o - 1] == c)
      continue;
    out[o++] = c;
  }
  out[o] = '\0';
  return o;
}

static uint32_t hash_bytes(const char *s, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static uint32_t make_key(unsigned type, const char *s, size_t n) {
  return (type << 30) | (hash_bytes(s, n, 2166136261u) & 0x3FFFFFFFu);
}

static int is_word_cp(uint32_t cp) {
  return cp != TL__UTF8_INVALID && u_isalpha((UChar32)cp);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct keyvec {
  uint32_t *v;
  size_t n, cap;
  int oom;
} keyvec;

static void kv_push(keyvec *k, uint32_t key) {
  if (k->n == k->cap) {
    size_t cap = k->cap ? 2 * k->cap : 32;
    uint32_t *nv = realloc(k->v, cap * sizeof *nv);
    if (!nv) {
      k->oom = 1;
      return;
    }
    k->v = nv;
    k->cap = cap;
  }
  k->v[k->n++] = key;
}

static size_t kv_sort_unique(uint32_t *v, size_t n) {
  if (n == 0)
    return 0;
  qsort(v, n, sizeof *v, cmp_u32);
  size_t o = 1;
  for (size_t i = 1; i < n; i++)
    if (v[i] != v[o - 1])
      v[o++] = v[i];
  return o;
}

/* A number at s[i..): digit groups joined by separators; thousands
 * separators (a group of exactly three digits follows) are dropped and a
 * decimal comma becomes a point, so "1 200", "1,200" and "1200" meet. */
static size_t scan_number(const char *s, size_t n, size_t i, char *out,
                          size_t cap, size_t *olen) {
  size_t o = 0, j = i;
  while (j < n) {
    while (j < n && s[j] >= '0' && s[j] <= '9') {
      if (o + 1 < cap)
        out[o++] = s[j];
      j++;
    }
    /* Separator followed by digits? */
    size_t sl = 0;
    if (j + 1 < n && (s[j] == ',' || s[j] == '.' || s[j] == ' '))
      sl = 1;
    else if (j + 2 < n && (unsigned char)s[j] == 0xC2 && (unsigned char)s[j + 1] == 0xA0)
      sl = 2;
    else if (j + 3 < n && (unsigned char)s[j] == 0xE2 && (unsigned char)s[j + 1] == 0x80 &&
             ((unsigned char)s[j + 2] == 0xAF || (unsigned char)s[j + 2] == 0x89))
      sl = 3;
    if (!sl || j + sl >= n || !(s[j + sl] >= '0' && s[j + sl] <= '9'))
      break;
    size_t g = j + sl;
    while (g < n && s[g] >= '0' && s[g] <= '9')
      g++;
    int thousands = g - (j + sl) == 3 && s[j] != '.';
    if (s[j] == ' ' && !thousands)
      break; /* two numbers side by side */
    if (!thousands && o + 1 < cap)
      out[o++] = '.';
    j += sl;
  }
  *olen = o;
  return j;
}

/* A word of fewer than two consonants (yil, iyun, year, oyi) has no
 * skeleton to speak of: its whole folded spelling is its key, so that the
 * lexicon can still pair it (yil - year - god). */
static uint32_t short_key(const char *fold, size_t fl) {
  return make_key(TL__KEY_WORD, fold, fl) ^ 0x15A5A5A5u;
}

/* Uzbek adds its grammar as suffixes (ovoz-lar-ni, saylov-lar-da, ishon-
 * gan-i), and a consonant skeleton of four letters keeps them when the stem
 * is short. On Uzbek text and on the Uzbek column of the lexicons a word is
 * keyed by its stem: the longest known suffix is stripped again and again
 * while four letters are left, so that "ovoz - vote" meets ovozlarni.
 * Shorter stems stay whole: three-letter stems (ayt-, ber-, qil-) meet far
 * too many unrelated words. Suffixes as fold_word spells them (apostrophes
 * dropped). */
static const char *const uz_suffixes[] = {
    "larining", "laridan", "laridagi", "ishicha", "ayotgan", "lardan", "larini",
    "larning", "lariga", "larida", "ganlar", "ganini", "ganligi", "moqchi", "moqda",
    "yotgan", "dilar", "adilar", "lari", "larga", "larda", "larni", "ligi", "ligini",
    "ining", "ingiz", "imiz", "ishga", "ishda", "ishni", "ishdan", "yapti", "gani",
    "dagi", "gacha", "guncha", "ilgan", "ildi", "madi", "magan", "moq", "lar", "ning",
    "dan", "gan", "kan", "qan", "ish", "ishi", "dim", "ding", "dik", "adi", "ydi",
    "lik", "chi", "cha", "siz", "roq", "dek", "day", "mas", "gach", "ni", "ga", "ka",
    "qa", "da", "di", "ti", "gi", "si", "ib", "im", "sa", "li", "i"};
#define UZ_MIN_STEM 4

static size_t uz_stem(const char *f, size_t n) {
  for (int round = 0; round < 4; round++) {
    size_t best = 0;
    for (size_t q = 0; q < sizeof uz_suffixes / sizeof *uz_suffixes; q++) {
      const char *x = uz_suffixes[q];
      size_t l = strlen(x);
      if (l > best && n >= l + UZ_MIN_STEM && f[n - 1] == x[l - 1] &&
          memcmp(f + n - l, x, l) == 0)
        best = l;
    }
    if (!best)
      break;
    n -= best;
  }
  return n;
}

/* Romanizations differ where one language reads a Latin letter another
 * way: c before e/i is k in loans through Russian (Macedonia, Македония),
 * g before e/i is dzh in English names (Rangers, Рейнджерс), an initial h
 * is g in Russian (Hamilton, Гамильтон) and w is often a vowel (Walton,
 * Уолтон). Each spelling that yields another skeleton becomes a variant key. */
static void push_variants(keyvec *k, const char *fold, size_t fl,
                          const char *sk, size_t kl) {
  char v[256], vs[8];
  if (fl >= sizeof v)
    return;
  for (int kind = 0; kind < 4; kind++) {
    size_t o = 0;
    int changed = 0;
    for (size_t i = 0; i < fl; i++) {
      char c = fold[i], nx = i + 1 < fl ? fold[i + 1] : 0;
      int soft = nx == 'e' || nx == 'i' || nx == 'y';
      if (kind == 0 && c == 'c' && soft && (i == 0 || fold[i - 1] != 's')) {
        v[o++] = 'k', changed = 1;
      } else if (kind == 1 && c == 'g' && soft) {
        v[o++] = 'j', changed = 1;
      } else if (kind == 2 && i == 0 && (c == 'h' || c == 'g')) {
        v[o++] = c == 'h' ? 'g' : 'h', changed = 1;
      } else if (kind == 3 && c == 'w') {
        v[o++] = 'u', changed = 1;
      } else {
        v[o++] = c;
      }
    }
    if (!changed)
      continue;
    size_t vl = tl__word_skeleton(v, o, vs);
    if (vl >= 2 && (vl != kl || memcmp(vs, sk, vl) != 0)) {
      kv_push(k, make_key(TL__KEY_VARIANT, vs, vl));
      if (vl == 4)
        kv_push(k, make_key(TL__KEY_VARIANT, vs, 3));
    }
  }
}

/* Punctuation that a translation keeps, one key for each kind present: a
 * question, an exclamation, a quotation (and a sentence that opens with
 * one: direct speech), a parenthesis, a colon, a semicolon, a dash between
 * words, an ellipsis, a percent or currency sign. Translations agree on
 * these more than on words: a loose one that shares few words still asks
 * the same question or quotes the same person. */
static void punct_keys(const char *s, size_t n, keyvec *k) {
  unsigned char seen[128] = {0};
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i], kind = 0;
    int spaced = i > 0 && s[i - 1] == ' ', next_space = i + 1 < n && s[i + 1] == ' ';
    switch (c) {
    case '?': case '!': case '(': case '%': case '$': kind = c; break;
    case '"': kind = 'q'; break;
    case ':': case ';': kind = next_space ? c : 0; break;
    case '-': kind = spaced && next_space ? '-' : 0; break;
    case '.': kind = i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.' ? '.' : 0; break;
    case 0xC2: /* « £ */
      if (i + 1 < n)
        kind = s[i + 1] == '\xAB' ? 'q' : s[i + 1] == '\xA3' ? '$' : 0;
      break;
    case 0xE2: /* “ „ — – … € */
      if (i + 2 < n && s[i + 1] == '\x80') {
        unsigned char t = (unsigned char)s[i + 2];
        int dash_spaced = spaced && i + 3 < n && s[i + 3] == ' ';
        kind = t == 0x9C || t == 0x9E ? 'q' : t == 0xA6 ? '.'
             : (t == 0x94 || t == 0x93) && dash_spaced ? '-' : 0;
      } else if (i + 2 < n && s[i + 1] == '\x82' && s[i + 2] == '\xAC') {
        kind = '$';
      }
      break;
    default: break;
    }
    if (kind && !seen[kind]) {
      seen[kind] = 1;
      kv_push(k, make_key(TL__KEY_URL, (const char[]){'\x01', (char)kind}, 2));
    }
  }
  /* Direct speech: the sentence opens with a quotation mark. */
  if (n && (s[0] == '"' || (n >= 2 && memcmp(s, "\xC2\xAB", 2) == 0) ||
            (n >= 3 && (memcmp(s, "\xE2\x80\x9C", 3) == 0 || memcmp(s, "\xE2\x80\x9E", 3) == 0))))
    kv_push(k, make_key(TL__KEY_URL, "\x01^", 2));
}

size_t tl__text_keys(const char *s, size_t n, unsigned flags, uint32_t **keys) {
  keyvec k = {0};
  char fold[256], sk[8], num[64];
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c >= '0' && c <= '9') {
      size_t nl;
      size_t j = scan_number(s, n, i, num, sizeof num, &nl);
      kv_push(&k, make_key(TL__KEY_NUMBER, num, nl));
      i = j;
      continue;
    }
    if ((n - i > 7 && strncmp(s + i, "http://", 7) == 0) ||
        (n - i > 8 && strncmp(s + i, "https://", 8) == 0) ||
        (n - i > 4 && strncmp(s + i, "www.", 4) == 0)) {
      size_t j = i;
      while (j < n && s[j] != ' ' && s[j] != '"' && s[j] != '<' && s[j] != ')')
        j++;
      size_t e = j;
      while (e > i && strchr(".,;:!?", s[e - 1]))
        e--;
      size_t b = i + (s[i] == 'h' ? (s[i + 4] == 's' ? 8 : 7) : 0);
      if (e - b > 4 && strncmp(s + b, "www.", 4) == 0)
        b += 4;
      kv_push(&k, make_key(TL__KEY_URL, s + b, e - b));
      i = j;
      continue;
    }
    uint32_t cp;
    size_t cl = tl__utf8_decode(s + i, n - i, &cp);
    if (!is_word_cp(cp)) {
      i += cl;
      continue;
    }
    /* A word: letters, with apostrophes inside (oʻ, gʻ, ʼ). */
    size_t j = i + cl;
    while (j < n) {
      size_t l2 = tl__utf8_decode(s + j, n - j, &cp);
      if (is_word_cp(cp) || (is_apos(cp) && j + l2 < n)) {
        j += l2;
        continue;
      }
      break;
    }
    size_t fl = tl__fold_word(s + i, j - i, fold, sizeof fold);
    if ((flags & TL__KEYS_UZ) && fl < sizeof fold)
      fl = uz_stem(fold, fl);
    if (fl >= 3) {
      size_t kl = tl__word_skeleton(fold, fl, sk);
      if (kl >= 2)
        kv_push(&k, make_key(TL__KEY_WORD, sk, kl));
      else
        kv_push(&k, short_key(fold, fl));
      /* And its first three consonants, so that a stem meets its longer
       * forms and derivations (Buxoro / Бухарская: bhr / bhrs). */
      if (kl == 4)
        kv_push(&k, make_key(TL__KEY_WORD, sk, 3));
      /* A three-consonant word may be a stem with one suffix consonant
       * (votes, голосов): its first two may meet the other side's stem
       * (vote). Not content of its own, so a variant. */
      if (kl == 3)
        kv_push(&k, make_key(TL__KEY_VARIANT, sk, 2));
      push_variants(&k, fold, fl, sk, kl);
    }
    i = j;
  }
  punct_keys(s, n, &k);
  /* Quoted strings, as one key each: «…», “…”, "…". */
  static const char *const open_q[] = {"\xC2\xAB", "\xE2\x80\x9C", "\xE2\x80\x9E", "\""};
  static const char *const close_q[] = {"\xC2\xBB", "\xE2\x80\x9D", "\xE2\x80\x9C", "\""};
  for (size_t q = 0; q < 4; q++) {
    size_t ol = strlen(open_q[q]), cl = strlen(close_q[q]);
    const char *p = s, *end = s + n;
    while (p < end) {
      const char *a = memmem(p, (size_t)(end - p), open_q[q], ol);
      if (!a)
        break;
      const char *b = memmem(a + ol, (size_t)(end - a - ol), close_q[q], cl);
      if (!b)
        break;
      size_t fl = 0;
      char buf[256];
      /* Fold each word of the quote so that scripts and cases meet. */
      for (const char *w = a + ol; w < b;) {
        const char *we = w;
        while (we < b && *we != ' ')
          we++;
        fl += tl__fold_word(w, (size_t)(we - w), buf + fl, sizeof buf - fl);
        w = we < b ? we + 1 : we;
      }
      if (fl >= 3)
        kv_push(&k, make_key(TL__KEY_URL, buf, fl));
      p = b + cl;
    }
  }
  if (k.oom) {
    free(k.v);
    *keys = NULL;
    return (size_t)-1;
  }
  *keys = k.v;
  return kv_sort_unique(k.v, k.n);
}

/* ------------------------------------------------------------ word diff */

typedef struct span {
  size_t off, len;
} span;

static size_t split_words(const char *s, size_t n, span **out) {
  size_t cnt = 0, cap = 0;
  span *v = NULL;
  for (size_t i = 0; i < n;) {
    while (i < n && s[i] == ' ')
      i++;
    if (i >= n)
      break;
    size_t j = i;
    while (j < n && s[j] != ' ')
      j++;
    if (cnt == cap) {
      cap = cap ? 2 * cap : 32;
      span *nv = realloc(v, cap * sizeof *nv);
      if (!nv) {
        free(v);
        *out = NULL;
        return (size_t)-1;
      }
      v = nv;
    }
    v[cnt++] = (span){i, j - i};
    i = j;
  }
  *out = v;
  return cnt;
}

static int words_equal(const char *a, span x, const char *b, span y) {
  char fa[256], fb[256];
  size_t la = tl__fold_word(a + x.off, x.len, fa, sizeof fa);
  size_t lb = tl__fold_word(b + y.off, y.len, fb, sizeof fb);
  return la == lb && memcmp(fa, fb, la) == 0;
}

int tl__word_diff(const char *a, size_t an, const char *b, size_t bn,
                  tl_buf *out) {
  span *wa = NULL, *wb = NULL;
  size_t na = split_words(a, an, &wa), nb = split_words(b, bn, &wb);
  if (na == (size_t)-1 || nb == (size_t)-1) {
    free(wa);
    free(wb);
    return -1;
  }
  /* LCS table (words of one sentence pair: small). */
  size_t W = nb + 1;
  unsigned short *L = NULL;
  int too_big = (na + 1) * W > 4000000;
  if (!too_big) {
    L = calloc((na + 1) * W, sizeof *L);
    if (!L) {
      free(wa);
      free(wb);
      return -1;
    }
    for (size_t i = na; i-- > 0;)
      for (size_t j = nb; j-- > 0;)
        L[i * W + j] = words_equal(a, wa[i], b, wb[j])
                           ? (unsigned short)(L[(i + 1) * W + j + 1] + 1)
                           : (L[(i + 1) * W + j] > L[i * W + j + 1] ? L[(i + 1) * W + j]
                                                                    : L[i * W + j + 1]);
  }
  int differ = 0;
  tl_status st = TL_OK;
  size_t i = 0, j = 0;
  int first = 1;
#define SEP() (first ? (first = 0, TL_OK) : tl__buf_putc(out, ' '))
  while (!st && (i < na || j < nb)) {
    if (!too_big && i < na && j < nb && words_equal(a, wa[i], b, wb[j])) {
      st = SEP();
      if (!st)
        st = tl__buf_append(out, b + wb[j].off, wb[j].len);
      i++, j++;
      continue;
    }
    /* A run of deletions, then a run of insertions. */
    size_t i0 = i, j0 = j;
    if (too_big) {
      i = na, j = nb;
    } else {
      while (i < na && (j >= nb || L[(i + 1) * W + j] >= L[i * W + j + 1]) &&
             !(j < nb && words_equal(a, wa[i], b, wb[j])))
        i++;
      while (j < nb && (i >= na || L[i * W + j + 1] > L[(i + 1) * W + j]) &&
             !(i < na && words_equal(a, wa[i], b, wb[j])))
        j++;
      if (i == i0 && j == j0) { /* cannot happen; make progress anyway */
        if (i < na)
          i++;
        else
          j++;
      }
    }
    differ = 1;
    if (i > i0) {
      st = SEP();
      if (!st)
        st = tl__buf_puts(out, "[-");
      if (!st)
        st = tl__buf_append(out, a + wa[i0].off, wa[i - 1].off + wa[i - 1].len - wa[i0].off);
      if (!st)
        st = tl__buf_puts(out, "-]");
    }
    if (!st && j > j0) {
      st = i > i0 ? TL_OK : SEP(); /* "[-old-]{+new+}" reads as one change */
      if (!st)
        st = tl__buf_puts(out, "{+");
      if (!st)
        st = tl__buf_append(out, b + wb[j0].off, wb[j - 1].off + wb[j - 1].len - wb[j0].off);
      if (!st)
        st = tl__buf_puts(out, "+}");
    }
  }
#undef SEP
  free(L);
  free(wa);
  free(wb);
  return st ? -1 : differ;
}

/* ------------------------------------------------------------- lexicons */

typedef struct lexpair {
  uint32_t from, to;
} lexpair;

typedef struct lexmap {
  lexpair *v;
  size_t n, cap;
} lexmap;

/* Language classes that share a lexicon column: Uzbek in either script
 * (both fold to Latin keys), Russian, English. */
enum { CL_UZ = 0, CL_RU, CL_EN, CL_OTHER };

static int lang_class(tl_lang l) {
  switch (l) {
  case TL_LANG_UZ_LATN:
  case TL_LANG_UZ_CYRL: return CL_UZ;
  case TL_LANG_RU: return CL_RU;
  case TL_LANG_EN: return CL_EN;
  default: return CL_OTHER;
  }
}

static const struct {
  const char *file;
  int c1, c2;
} lex_files[3] = {{"align/lex-uz-ru.tsv", CL_UZ, CL_RU},
                  {"align/lex-uz-en.tsv", CL_UZ, CL_EN},
                  {"align/lex-ru-en.tsv", CL_RU, CL_EN}};

static int cmp_lexpair(const void *a, const void *b) {
  const lexpair *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return x->to < y->to ? -1 : x->to > y->to;
}

static int lex_push(lexmap *m, uint32_t from, uint32_t to) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 1024;
    lexpair *nv = realloc(m->v, cap * sizeof *nv);
    if (!nv)
      return -1;
    m->v = nv;
    m->cap = cap;
  }
  m->v[m->n++] = (lexpair){from, to};
  return 0;
}

static void lex_finish(lexmap *m) {
  if (m->n)
    qsort(m->v, m->n, sizeof *m->v, cmp_lexpair);
}

/* The word key of the longest word of a phrase (uz: Uzbek, keyed by its
 * stem); 0 if none. */
static int phrase_key(const char *s, size_t n, int uz, uint32_t *key) {
  size_t best = 0;
  int found = 0;
  for (size_t i = 0; i < n;) {
    while (i < n && (s[i] == ' ' || s[i] == '-'))
      i++;
    size_t j = i;
    while (j < n && s[j] != ' ' && s[j] != '-')
      j++;
    char fold[128], sk[8];
    size_t fl = tl__fold_word(s + i, j - i, fold, sizeof fold);
    if (uz && fl < sizeof fold)
      fl = uz_stem(fold, fl);
    size_t kl = fl >= 3 ? tl__word_skeleton(fold, fl, sk) : 0;
    if (kl >= 2 && fl > best) {
      best = fl;
      *key = make_key(TL__KEY_WORD, sk, kl);
      found = 1;
    } else if (fl >= 3 && kl < 2 && !found) {
      *key = short_key(fold, fl);
      found = 1;
    }
    i = j;
  }
  return found;
}

/* Parses "word<TAB>translation[, translation...]" lines into fwd (first
 * column to second) and back. name is for messages. */
static tl_status lex_parse(tl_ctx *ctx, const char *name, const char *s,
                           size_t n, int uz1, int uz2, lexmap *fwd, lexmap *back) {
  size_t bad;
  if (!tl__utf8_valid(s, n, &bad))
    return tl__fail(ctx, TL_EUTF8, bad, "%s: invalid UTF-8 at byte %zu", name, bad);
  size_t line = 0;
  for (size_t i = 0; i < n;) {
    const char *eol = memchr(s + i, '\n', n - i);
    size_t e = eol ? (size_t)(eol - s) : n;
    line++;
    size_t le = e;
    while (le > i && (s[le - 1] == '\r' || s[le - 1] == ' '))
      le--;
    if (le > i && s[i] != '#') {
      const char *tab = memchr(s + i, '\t', le - i);
      if (!tab)
        return tl__fail_at(ctx, TL_ESYNTAX, i, line, 1,
                           "%s:%zu: expected 'word<TAB>translation'", name, line);
      uint32_t k1, k2;
      if (phrase_key(s + i, (size_t)(tab - (s + i)), uz1, &k1)) {
        const char *p = tab + 1, *end = s + le;
        while (p < end) {
          const char *c = memchr(p, ',', (size_t)(end - p));
          const char *ce = c ? c : end;
          if (phrase_key(p, (size_t)(ce - p), uz2, &k2) &&
              (lex_push(fwd, k1, k2) || lex_push(back, k2, k1)))
            return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
          p = ce + 1;
        }
      }
    }
    i = e + 1;
  }
  return TL_OK;
}

/* Appends the translations of key k found in m. */
static void lex_lookup(const lexmap *m, uint32_t k, keyvec *out) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->v[mid].from < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < m->n && m->v[lo].from == k; lo++)
    kv_push(out, m->v[lo].to);
}

/* --------------------------------------------------------------- aligner */

struct tl_aligner {
  tl_lang lang[2];
  unsigned flags;
  lexmap lex_fwd[3], lex_back[3]; /* built-in, per lex_files entry */
  lexmap user_fwd, user_back;     /* the caller's lexicons, A to B */
  tl__abbrevs *ab[3];             /* per class: uz, ru, en */
  tl_converter *to_latn;          /* any Cyrillic -> uz-Latn (NULL: fold only) */
  tl_converter *to_cyrl;          /* uz-Latn -> uz-Cyrl (for diffs shown in Cyrillic) */
};

void tl_align_options_init(tl_align_options *opts) {
  if (opts)
    memset(opts, 0, sizeof *opts);
}

void tl_aligner_free(tl_aligner *al) {
  if (!al)
    return;
  for (int i = 0; i < 3; i++) {
    free(al->lex_fwd[i].v);
    free(al->lex_back[i].v);
    tl__abbrevs_free(al->ab[i]);
  }
  free(al->user_fwd.v);
  free(al->user_back.v);
  tl_converter_free(al->to_latn);
  tl_converter_free(al->to_cyrl);
  free(al);
}

static int is_cyrillic_lang(tl_lang l) {
  return l == TL_LANG_UZ_CYRL || l == TL_LANG_RU;
}

tl_status tl_aligner_new(tl_ctx *ctx, const tl_align_options *opts,
                         tl_aligner **out) {
  if (!out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_aligner_new: out is NULL");
  *out = NULL;
  tl_align_options def;
  if (!opts) {
    tl_align_options_init(&def);
    opts = &def;
  }
  for (int s = 0; s < 2; s++) {
    tl_lang l = s ? opts->lang_b : opts->lang_a;
    if (l != TL_LANG_UNKNOWN && lang_class(l) == CL_OTHER)
      return tl__fail(ctx, TL_EUNSUPPORTED, TL_NO_OFFSET,
                      "cannot align %s: use uz-Latn, uz-Cyrl, ru or en",
                      tl_lang_code(l));
  }
  tl_aligner *al = calloc(1, sizeof *al);
  if (!al)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  al->lang[0] = opts->lang_a;
  al->lang[1] = opts->lang_b;
  al->flags = opts->flags;
  tl_status st = TL_OK;
  static const tl_lang class_lang[3] = {TL_LANG_UZ_LATN, TL_LANG_RU, TL_LANG_EN};
  for (int i = 0; i < 3 && !st; i++)
    st = tl__abbrevs_load(ctx, class_lang[i], &al->ab[i]);
  if (!(opts->flags & TL_ALIGN_NO_LEXICON)) {
    /* With both languages given, only their pair's lexicon is read: the
     * others would cost a batch of small articles most of its time. */
    int ca = opts->lang_a ? lang_class(opts->lang_a) : -1;
    int cb = opts->lang_b ? lang_class(opts->lang_b) : -1;
    for (int i = 0; i < 3 && !st; i++) {
      if (ca >= 0 && cb >= 0 &&
          !((lex_files[i].c1 == ca && lex_files[i].c2 == cb) ||
            (lex_files[i].c1 == cb && lex_files[i].c2 == ca)))
        continue;
      const tl__blob *b = tl__embedded_find(lex_files[i].file);
      if (!b)
        continue;
      st = lex_parse(ctx, lex_files[i].file, (const char *)b->data, b->len,
                     lex_files[i].c1 == CL_UZ, lex_files[i].c2 == CL_UZ,
                     &al->lex_fwd[i], &al->lex_back[i]);
      lex_finish(&al->lex_fwd[i]);
      lex_finish(&al->lex_back[i]);
    }
  }
  for (size_t f = 0; f < opts->n_lexicon_files && !st; f++) {
    const char *path = opts->lexicon_files[f];
    FILE *fp = fopen(path, "rb");
    if (!fp) {
      st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open lexicon", path);
      break;
    }
    tl_buf data = TL_BUF_INIT;
    char chunk[65536];
    size_t k;
    while (!st && (k = fread(chunk, 1, sizeof chunk, fp)) > 0)
      st = tl__buf_append(&data, chunk, k);
    if (!st && ferror(fp))
      st = tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: read error", path);
    fclose(fp);
    if (!st)
      st = lex_parse(ctx, path, data.data ? data.data : "", data.len,
                     lang_class(opts->lang_a) == CL_UZ, lang_class(opts->lang_b) == CL_UZ,
                     &al->user_fwd, &al->user_back);
    tl_buf_free(&data);
  }
  lex_finish(&al->user_fwd);
  lex_finish(&al->user_back);
  if (!st) {
    /* Transliteration is a help, not a requirement: without a converter
     * the fold table still brings Cyrillic to Latin for comparison. */
    tl_convert_options co;
    tl_convert_options_init(&co);
    co.from = TL_LANG_UNKNOWN;
    co.to = TL_LANG_UZ_LATN;
    co.flags = TL_CONVERT_REPLACE | TL_CONVERT_NO_SYSDICT;
    /* Each converter only where the languages may need it (both unknown
     * until the text is seen): into Latin for a Cyrillic side, into
     * Cyrillic for the diffs of uz-Latn against uz-Cyrl. */
    tl_lang la = opts->lang_a, lb = opts->lang_b;
    int known = la != TL_LANG_UNKNOWN && lb != TL_LANG_UNKNOWN;
    tl_status cs = TL_OK;
    if (!known || is_cyrillic_lang(la) || is_cyrillic_lang(lb))
      cs = tl_converter_new(ctx, &co, &al->to_latn);
    if (cs == TL_ENOMEM)
      st = cs;
    else if (cs != TL_OK)
      al->to_latn = NULL;
    co.from = TL_LANG_UZ_LATN;
    co.to = TL_LANG_UZ_CYRL;
    if (!st && (!known || lb == TL_LANG_UZ_CYRL)) {
      cs = tl_converter_new(ctx, &co, &al->to_cyrl);
      if (cs == TL_ENOMEM)
        st = cs;
      else if (cs != TL_OK)
        al->to_cyrl = NULL;
    }
  }
  if (st) {
    tl_aligner_free(al);
    return st;
  }
  tl__ok(ctx);
  *out = al;
  return TL_OK;
}

/* ------------------------------------------------------- language guess */

/* A guess from letters alone, the fallback of detect_lang():
 * Cyrillic with ў қ ғ ҳ is Uzbek, other Cyrillic Russian; Latin with oʻ gʻ,
 * the tutuq or frequent Uzbek words is Uzbek, other Latin English. */
static tl_lang guess_lang(const char *s, size_t n) {
  size_t cyr = 0, lat = 0, uzc = 0, uzl = 0, en = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    i += tl__utf8_decode(s + i, n - i, &cp);
    if (cp >= 0x400 && cp <= 0x4FF) {
      cyr++;
      if (cp == 0x40E || cp == 0x45E || cp == 0x49A || cp == 0x49B || cp == 0x492 ||
          cp == 0x493 || cp == 0x4B2 || cp == 0x4B3)
        uzc++;
    } else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
      lat++;
    } else if (cp == 0x2BB || cp == 0x2BC) {
      uzl += 3;
    }
  }
  if (cyr > lat)
    return uzc * 200 >= cyr ? TL_LANG_UZ_CYRL : TL_LANG_RU;
  /* Count frequent function words. */
  static const char *const uzw[] = {"va", "bilan", "uchun", "ham", "bu", "deb",
                                    "edi", "boʻyicha", "haqida", "esa", "yil", NULL};
  static const char *const enw[] = {"the", "and", "of", "to", "is", "in", "that",
                                    "was", "for", "with", "on", NULL};
  for (size_t i = 0; i < n;) {
    while (i < n && !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
      i++;
    size_t j = i;
    while (j < n && (((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') ||
                     (unsigned char)s[j] >= 0x80))
      j++;
    for (int k = 0; uzw[k]; k++)
      if (strlen(uzw[k]) == j - i && strncasecmp(uzw[k], s + i, j - i) == 0)
        uzl++;
    for (int k = 0; enw[k]; k++)
      if (strlen(enw[k]) == j - i && strncasecmp(enw[k], s + i, j - i) == 0)
        en++;
    if ((j - i > 4 && strncmp(s + j - 3, "lar", 3) == 0) ||
        (j - i > 5 && strncmp(s + j - 4, "ning", 4) == 0))
      uzl++;
    i = j > i ? j : i + 1;
  }
  if (lat == 0)
    return TL_LANG_UNKNOWN;
  /* Too few of either (German, French, ...): say so rather than guess. */
  size_t letters_per_word = 6, words = lat / letters_per_word + 1;
  if (uzl > en && uzl * 50 >= words)
    return TL_LANG_UZ_LATN;
  if (en * 20 >= words)
    return TL_LANG_EN;
  return TL_LANG_UNKNOWN;
}

/* The library's detector (tl_detect) tells the four languages apart; it
 * knows no others, so Latin text it calls English but that lacks English
 * function words (German, French, ...) is left unknown: the aligner then
 * uses no lexicon and no same-language diff for it. */
static tl_lang detect_lang(tl_ctx *ctx, const char *s, size_t n) {
  tl_lang l = TL_LANG_UNKNOWN;
  double conf = 0;
  if (tl_detect(ctx, &l, &conf, s, n) != TL_OK || conf < 0.5 ||
      l == TL_LANG_MIXED || l == TL_LANG_RU_LATN)
    l = TL_LANG_UNKNOWN;
  tl_lang g = guess_lang(s, n);
  if (l == TL_LANG_UNKNOWN || (l == TL_LANG_EN && g == TL_LANG_UNKNOWN))
    l = g;
  tl__ok(ctx);
  return l;
}

/* ----------------------------------------------------------- key sets */

/* The comparison keys of one unit (a sentence, two sentences, a paragraph):
 * its own keys, the same plus their lexicon translations into the other
 * side's language, their weight and the unit's length in characters. */
#define TL__LEN_TAB 2048

typedef struct kset {
  uint32_t *k, *e;
  float *kw; /* weight of each key of k */
  size_t nk, ne;
  double w, len;
  double loglen; /* log(len + 1) */
  double cnt; /* number of sentences */
  int cross;  /* two sentences of different paragraphs */
  int pstart, pend; /* the unit starts / ends a paragraph */
  uint64_t nmask;   /* a bit (key mod 64) for each number key; 0: none */
  /* What the unit typically shares with the other side's units near its
   * place, related or not (topic words, names of the story): the mean of
   * its best few shares there. A link counts what it shares beyond that. */
  double base;
} kset;

typedef struct posting {
  uint32_t key;
  uint32_t j;
  float w; /* weight of the key in unit j (B's plain keys) */
} posting;

static int cmp_posting(const void *a, const void *b) {
  const posting *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->j < y->j ? -1 : x->j > y->j;
}

static double key_weight(uint32_t k) {
  switch (tl__key_type(k)) {
  case TL__KEY_NUMBER: return 2.5;
  case TL__KEY_URL: return 2.0;
  default: return 1.0;
  }
}

/* Weight (from aw) of the keys of a that are also in b. */
static double inter_w(const uint32_t *a, const float *aw, size_t na,
                      const uint32_t *b, size_t nb) {
  double w = 0;
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    if (a[i] < b[j])
      i++;
    else if (a[i] > b[j])
      j++;
    else
      w += aw[i], i++, j++;
  }
  return w;
}

/* Sorted union of keys with weights (a key in both keeps a's weight). */
static int merge_weighted(const kset *x, const kset *y, kset *out) {
  size_t na = x->nk, nb = y->nk, i = 0, j = 0, k = 0;
  out->k = malloc((na + nb + 1) * sizeof *out->k);
  out->kw = malloc((na + nb + 1) * sizeof *out->kw);
  if (!out->k || !out->kw)
    return -1;
  while (i < na || j < nb) {
    if (j >= nb || (i < na && x->k[i] < y->k[j]))
      out->kw[k] = x->kw[i], out->k[k++] = x->k[i++];
    else if (i >= na || y->k[j] < x->k[i])
      out->kw[k] = y->kw[j], out->k[k++] = y->k[j++];
    else
      out->kw[k] = x->kw[i], out->k[k++] = x->k[i++], j++;
  }
  out->nk = k;
  return 0;
}

/* Sorted union of two sorted sets into a new array (NULL: out of memory
 * unless both are empty). */
static uint32_t *merge_keys(const uint32_t *a, size_t na, const uint32_t *b,
                            size_t nb, size_t *n) {
  uint32_t *o = malloc((na + nb + 1) * sizeof *o);
  size_t i = 0, j = 0, k = 0;
  if (!o)
    return NULL;
  while (i < na || j < nb) {
    if (j >= nb || (i < na && a[i] < b[j]))
      o[k++] = a[i++];
    else if (i >= na || b[j] < a[i])
      o[k++] = b[j++];
    else
      o[k++] = a[i++], j++;
  }
  *n = k;
  return o;
}

static void kset_free(kset *s) {
  free(s->k);
  free(s->kw);
  free(s->e);
  s->k = s->e = NULL;
  s->kw = NULL;
}

static int kset_union(const kset *x, const kset *y, kset *out) {
  memset(out, 0, sizeof *out);
  out->e = merge_keys(x->e, x->ne, y->e, y->ne, &out->ne);
  if (merge_weighted(x, y, out) || !out->e) {
    kset_free(out);
    return -1;
  }
  for (size_t i = 0; i < out->nk; i++)
    out->w += out->kw[i];
  out->len = x->len + y->len + 1;
  out->loglen = log(out->len + 1);
  out->cnt = x->cnt + y->cnt;
  out->nmask = x->nmask | y->nmask;
  out->base = x->w + y->w > 0 ? (x->w * x->base + y->w * y->base) / (x->w + y->w)
                              : (x->base + y->base) / 2;
  return 0;
}

/* A sequence to align: units and the unions of neighbouring pairs. */
typedef struct seq {
  size_t n;
  kset *one; /* n units (owned) */
  kset *two; /* n-1 unions one[i] + one[i+1] (owned) */
} seq;

static void seq_free(seq *s) {
  if (s->one)
    for (size_t i = 0; i < s->n; i++)
      kset_free(&s->one[i]);
  if (s->two)
    for (size_t i = 0; i + 1 < s->n; i++)
      kset_free(&s->two[i]);
  free(s->one);
  free(s->two);
  memset(s, 0, sizeof *s);
}

/* Builds a sequence whose unit u is the union of sentence sets
 * sent[first[u] .. first[u+1]). */
static int seq_build(seq *s, const kset *sent, const size_t *first, size_t n) {
  memset(s, 0, sizeof *s);
  s->n = n;
  s->one = calloc(n + 1, sizeof *s->one);
  s->two = calloc(n + 1, sizeof *s->two);
  if (!s->one || !s->two)
    return -1;
  for (size_t u = 0; u < n; u++) {
    /* All keys of the unit's sentences at once, sorted and deduplicated
     * (a key keeps its weight: the same key has the same weight on one
     * side), so that a long paragraph costs n log n, not n squared. */
    size_t nk = 0, ne = 0;
    kset *o = &s->one[u];
    for (size_t i = first[u]; i < first[u + 1]; i++)
      nk += sent[i].nk, ne += sent[i].ne;
    posting *pk = malloc((nk + 1) * sizeof *pk);
    o->k = malloc((nk + 1) * sizeof *o->k);
    o->kw = malloc((nk + 1) * sizeof *o->kw);
    o->e = malloc((ne + 1) * sizeof *o->e);
    if (!pk || !o->k || !o->kw || !o->e) {
      free(pk);
      return -1;
    }
    nk = ne = 0;
    double bw = 0;
    for (size_t i = first[u]; i < first[u + 1]; i++) {
      for (size_t q = 0; q < sent[i].nk; q++)
        pk[nk++] = (posting){sent[i].k[q], 0, sent[i].kw[q]};
      memcpy(o->e + ne, sent[i].e, sent[i].ne * sizeof *o->e);
      ne += sent[i].ne;
      o->len += sent[i].len + (i > first[u]);
      o->cnt += sent[i].cnt;
      o->nmask |= sent[i].nmask;
      o->base += sent[i].base * sent[i].w;
      bw += sent[i].w;
    }
    /* One sentence: its sets are sorted and unique already. */
    int one = first[u + 1] - first[u] == 1;
    if (!one)
      qsort(pk, nk, sizeof *pk, cmp_posting);
    for (size_t q = 0; q < nk; q++)
      if (o->nk == 0 || o->k[o->nk - 1] != pk[q].key) {
        o->k[o->nk] = pk[q].key;
        o->kw[o->nk++] = pk[q].w;
        o->w += pk[q].w;
      }
    o->ne = one ? ne : kv_sort_unique(o->e, ne);
    o->loglen = log(o->len + 1);
    o->base = bw > 0 ? o->base / bw : 0;
    free(pk);
  }
  for (size_t u = 0; u + 1 < n; u++)
    if (kset_union(&s->one[u], &s->one[u + 1], &s->two[u]))
      return -1;
  return 0;
}

/* ----------------------------------------------------------- bead costs */

typedef struct costctx {
  const seq *x, *y;
  double ratio; /* mean length of B per character of A */
  double s2;    /* variance of that ratio per character */
  double sim_w; /* weight of the anchor term */
  double skip;  /* cost of leaving one unit unmatched */
  double p21, p22;
  double p_cross; /* a 2-sentence unit across a paragraph break */
  double skip_c;  /* cost of leaving a sentence unmatched, beside its weight */
  double f_part, p_weak; /* a merged sentence sharing less than f_part */
  double skip_share; /* skip = sim_w * (1 - typical share * skip_share) */
  double len_w;   /* weight of the length term */
  double norm;    /* mean key weight of a sentence */
  /* The sentence level scores a link by log-likelihood ratios (llr set):
   * how much likelier its length ratio and its shared keys are for a
   * translation than for a neighbouring sentence it does not translate.
   * A skipped sentence costs the -log prior of a skip, a link the -log
   * prior of its kind minus those ratios. */
  int llr;
  double inv_ratio;      /* 1 / ratio */
  const double *norm_tab; /* per length: -0.5 log(vt / vf) of len_llr */
  double lmu;            /* mean log length ratio (B per A) */
  double len_var, len_var_log; /* variance factor of this pair, its 0.5 log */
  double c11, c10, c21, c22; /* -log priors of the link kinds */
  double sh0, sh_lo, sh_hi, sh_cap; /* share LLR: zero point, slopes, cap */
  double margin;  /* how much of the units' base shares a link must exceed */
  double wmargin; /* the same for each sentence of a 2-x link on its own */
  /* Translators keep paragraphs: a link whose two sides start (or end) a
   * paragraph alike is likelier (b_edge), one where only one side does
   * less (p_edge). */
  double p_edge, b_edge;
  double w_scale; /* weight (in average sentences) of a part that counts fully */
  double p_num;   /* numbers on both sides, none in common */
  /* While a DP runs: may unit i of A share any key with unit j of B? One
   * byte per cell of the band (row i: columns ov_lo[i] ..), 1 = maybe. */
  const float *ovx, *ovy; /* per cell: weight of A's keys B has, of B's A has */
  const size_t *ov_lo, *ov_off;
} costctx;

/* The shared key weights of single units i (of A) and j (of B), from the
 * table of the band; 0 when the cell is outside it. */
static int cell_share(const costctx *cc, size_t i, size_t j, double *mx, double *my) {
  if (!cc->ovx || i >= cc->x->n || j >= cc->y->n)
    return 0;
  size_t lo = cc->ov_lo[i], width = cc->ov_off[i + 1] - cc->ov_off[i];
  if (j < lo || j - lo >= width)
    return 0;
  *mx = cc->ovx[cc->ov_off[i] + (j - lo)];
  *my = cc->ovy[cc->ov_off[i] + (j - lo)];
  return 1;
}

/* Gale-Church: -log of the probability of a length difference at least as
 * large as this one under the normal model. */
static double len_cost(const costctx *cc, double lx, double ly) {
  double mean = (lx + ly / cc->ratio) / 2;
  if (mean < 1)
    mean = 1;
  double d = (ly - lx * cc->ratio) / sqrt(mean * cc->s2);
  double p = erfc(fabs(d) / sqrt(2.0));
  if (p < 1e-12)
    p = 1e-12;
  return -log(p);
}

static const kset *unit(const seq *s, size_t i, size_t a) {
  return a == 1 ? &s->one[i] : &s->two[i];
}

/* Log-likelihood ratio of a length pair: translations have a log length
 * ratio near the document's with a variance that shrinks with the length
 * (0.01 + 2.4 / length, measured on news translations ru, en, uz); for
 * neighbours that are no translation of each other its spread is about 0.8. */
static double len_llr(const costctx *cc, const kset *x, const kset *y) {
  double L = (x->len + y->len * cc->inv_ratio) / 2;
  if (L < 4)
    L = 4;
  double vt = (0.01 + 2.4 / L) * cc->len_var, vf = 0.64;
  double r = y->loglen - x->loglen - cc->lmu;
  /* -0.5 log(vt / vf), from a table by length (a log per cell costs more
   * than the rest of the cell), and the document's variance factor. */
  size_t li = L < TL__LEN_TAB - 1 ? (size_t)L : TL__LEN_TAB - 1;
  return -0.5 * r * r / vt + 0.5 * r * r / vf + cc->norm_tab[li] - cc->len_var_log;
}

/* Log-likelihood ratio of a share of keys s (the weight of both sides'
 * keys that the other side explains, over their total weight) for units of
 * typical weight tw (1: an average sentence). Below sh0 shares speak
 * against a link, the more so the more keys the units have; above it, for,
 * up to a cap (a share grows little once most names and numbers meet). */
static double share_llr(const costctx *cc, double s, double tw) {
  if (s < -cc->sh0)
    s = -cc->sh0; /* at most twice the penalty of sharing nothing */
  if (s < cc->sh0) {
    double a = cc->sh_lo * tw;
    if (a < 1)
      a = 1;
    if (a > 4)
      a = 4;
    return -a * (cc->sh0 - s) / cc->sh0;
  }
  double v = cc->sh_hi * (s - cc->sh0);
  return v > cc->sh_cap ? cc->sh_cap : v;
}

static double llr_cost(const costctx *cc, size_t i, size_t a, size_t j, size_t b);

/* How far the weakest sentence of a 2-x link falls short of sharing
 * f_part of its keys with the other side (0: none does; 1: one shares
 * nothing), scaled by how much that sentence has to say: a short piece
 * with two keys that meet nothing is weak evidence, a full sentence is
 * strong. From the table of single units when the link lies in it, else
 * by intersecting the sets. */
static double weak_part(const costctx *cc, int in_table, size_t i, size_t a,
                        size_t j, size_t b) {
  double worst = 0, cx, cy;
  for (int side = 0; side < 2; side++) {
    size_t parts = side ? b : a;
    if (parts != 2)
      continue;
    for (size_t q = 0; q < 2; q++) {
      const kset *u = side ? &cc->y->one[j + q] : &cc->x->one[i + q];
      const kset *o = side ? unit(cc->x, i, a) : unit(cc->y, j, b);
      double hit = 0;
      if (in_table) {
        /* Exact against one unit; against two, the sum bounds it. */
        for (size_t p = 0; p < (side ? a : b); p++)
          if (side ? cell_share(cc, i + p, j + q, &cx, &cy) : cell_share(cc, i + q, j + p, &cx, &cy))
            hit += side ? cy : cx;
      } else {
        hit = inter_w(u->k, u->kw, u->nk, o->e, o->ne);
      }
      if (u->w <= 0)
        continue;
      double fr = hit / u->w - cc->wmargin * u->base;
      if (fr >= cc->f_part)
        continue;
      double d = 1 - fr / cc->f_part;
      if (d > 1)
        d = 1;
      if (cc->w_scale > 0) {
        double sc = u->w / cc->norm / cc->w_scale;
        d *= sc < 1 ? sc : 1;
      }
      if (d > worst)
        worst = d;
    }
  }
  return worst;
}

/* The anchor term counts the content left unexplained: the weight of the
 * keys of each side that the other side does not have (directly or through
 * the lexicon). A sentence that is left out costs its whole weight at the
 * skip rate plus skip_c, so that putting an unrelated sentence into a
 * neighbour's link (2-1) does not look cheaper than calling it missing,
 * while a true translation, which explains part of its keys, is cheaper
 * linked than skipped. */
static double bead_cost(const costctx *cc, size_t i, size_t a, size_t j, size_t b) {
  if (cc->llr)
    return llr_cost(cc, i, a, j, b);
  if (a == 0 || b == 0) {
    const kset *u = a ? unit(cc->x, i, a) : unit(cc->y, j, b);
    return cc->skip_c * u->cnt + cc->skip * u->w / cc->norm;
  }
  const kset *x = unit(cc->x, i, a), *y = unit(cc->y, j, b);
  double prior = (a + b == 3 ? cc->p21 : a + b == 4 ? cc->p22 : 0) +
                 (x->cross || y->cross ? cc->p_cross : 0);
  double lc = cc->len_w * len_cost(cc, x->len, y->len) + prior;
  /* Never better than leaving both sides unmatched: spare the key work
   * (most cells of the band are such pairs). */
  double skips = cc->skip_c * (x->cnt + y->cnt) + cc->skip * (x->w + y->w) / cc->norm;
  if (lc >= skips)
    return lc;
  /* Shared weights from the table of single units: exact for a 1-1 link;
   * for a longer one the sum over its pairs is an upper bound (a key in
   * both sentences counts twice), so a link that cannot beat leaving both
   * sides unmatched is known without intersecting any set. */
  double mx = 0, my = 0, weak = 0;
  int from_table = 1;
  for (size_t p = 0; p < a && from_table; p++)
    for (size_t q = 0; q < b && from_table; q++) {
      double cx = 0, cy = 0;
      from_table = cell_share(cc, i + p, j + q, &cx, &cy);
      mx += cx;
      my += cy;
    }
  int in_table = from_table;
  if (from_table && a + b > 2) {
    double bx = mx < x->w ? mx : x->w, by = my < y->w ? my : y->w;
    double bound = lc + cc->sim_w * ((x->w - bx) + (y->w - by)) / cc->norm;
    if (bound >= skips)
      return bound;
    from_table = 0;
  }
  if (from_table) {
    /* mx, my are exact. */
  } else {
    mx = inter_w(x->k, x->kw, x->nk, y->e, y->ne);
    my = inter_w(y->k, y->kw, y->nk, x->e, x->ne);
    weak = weak_part(cc, in_table, i, a, j, b);
  }
  double un = (x->w - mx) + (y->w - my);
  if (un < 0)
    un = 0;
  double c = lc + cc->sim_w * un / cc->norm;
  /* In a 2-1, 1-2 or 2-2 link each sentence must share something with the
   * other side on its own: a sentence that shares nothing was not merged
   * but is missing, and should not hide in its neighbour's link. */
  if (a + b > 2)
    c += cc->p_weak * weak;
  return c;
}

/* Both units name numbers and none of them meet: strong evidence that
 * they say different things (numbers are written the same in every
 * language the aligner knows). From the units' number masks, so a few
 * clashes may pass for a match, never the other way round. */
static int number_clash(const kset *x, const kset *y) {
  return x->nmask && y->nmask && !(x->nmask & y->nmask);
}

static double llr_cost(const costctx *cc, size_t i, size_t a, size_t j, size_t b) {
  if (a == 0 || b == 0) {
    const kset *u = a ? unit(cc->x, i, a) : unit(cc->y, j, b);
    return cc->c10 * u->cnt;
  }
  const kset *x = unit(cc->x, i, a), *y = unit(cc->y, j, b);
  double prior = (a + b == 2 ? cc->c11 : a + b == 3 ? cc->c21 : cc->c22) +
                 (x->cross || y->cross ? cc->p_cross : 0) +
                 (x->pstart != y->pstart ? cc->p_edge : -cc->b_edge) +
                 (x->pend != y->pend ? cc->p_edge : -cc->b_edge);
  double lc = prior - cc->len_w * len_llr(cc, x, y);
  /* Never better than leaving both sides unmatched, even with the best
   * share: spare the key work (most cells of the band are such pairs). */
  double skips = cc->c10 * (x->cnt + y->cnt);
  if (lc - cc->sh_cap >= skips)
    return lc - cc->sh_cap;
  double mx = 0, my = 0, weak = 0;
  int from_table = 1;
  for (size_t p = 0; p < a && from_table; p++)
    for (size_t q = 0; q < b && from_table; q++) {
      double cx = 0, cy = 0;
      from_table = cell_share(cc, i + p, j + q, &cx, &cy);
      mx += cx;
      my += cy;
    }
  int in_table = from_table;
  double den = x->w + y->w, tw = den / cc->norm / (x->cnt + y->cnt);
  double base = den > 0 ? cc->margin * (x->w * x->base + y->w * y->base) / den : 0;
  if (from_table && a + b > 2) {
    /* The sums over the pairs bound the shares from above. */
    double bx = mx < x->w ? mx : x->w, by = my < y->w ? my : y->w;
    double bound = lc - share_llr(cc, den > 0 ? (bx + by) / den - base : 0, tw);
    if (bound >= skips)
      return bound;
    from_table = 0;
  }
  if (!from_table) {
    mx = inter_w(x->k, x->kw, x->nk, y->e, y->ne);
    my = inter_w(y->k, y->kw, y->nk, x->e, x->ne);
    weak = weak_part(cc, in_table, i, a, j, b);
  }
  double c = lc - share_llr(cc, den > 0 ? (mx + my) / den - base : 0, tw);
  if (cc->p_num > 0 && number_clash(x, y))
    c += cc->p_num;
  if (a + b > 2)
    c += cc->p_weak * weak;
  return c;
}

static double pair_share(const kset *x, const kset *y) {
  double den = x->w + y->w;
  if (den <= 0)
    return 0;
  return (inter_w(x->k, x->kw, x->nk, y->e, y->ne) + inter_w(y->k, y->kw, y->nk, x->e, x->ne)) / den;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median, over the sentences of A, of the best share of keys with a B
 * sentence near the diagonal: what a translation shares here. */
static double typical_share(const kset *x, size_t n, const kset *y, size_t m) {
  if (!n || !m)
    return 0.5;
  double *best = malloc(n * sizeof *best);
  if (!best)
    return -1; /* out of memory: the caller fails */
  for (size_t i = 0; i < n; i++) {
    size_t c = (size_t)((double)i * (double)m / (double)n);
    size_t lo = c > 4 ? c - 4 : 0, hi = c + 4 < m ? c + 4 : m - 1;
    best[i] = 0;
    for (size_t j = lo; j <= hi; j++) {
      double f = pair_share(&x[i], &y[j]);
      if (f > best[i])
        best[i] = f;
    }
  }
  qsort(best, n, sizeof *best, cmp_double);
  double med = best[n / 2];
  free(best);
  return med < 0.05 ? 0.05 : med;
}

/* The base share of each sentence of x (n of them) and y (m): the mean of
 * its BASE_K best shares with the other side's sentences within BASE_W of
 * its place (centre: the expected column of each row, NULL: the diagonal).
 * Sentences of one story share its names and topic words with all their
 * neighbours; a translation stands out from that level, a missing
 * sentence does not (the margin idea of bitext mining, on key shares). */
#define BASE_K 4
#define BASE_W 6

static void top_insert(double *top, double v) {
  for (int q = 0; q < BASE_K; q++)
    if (v > top[q]) {
      for (int r = BASE_K - 1; r > q; r--)
        top[r] = top[r - 1];
      top[q] = v;
      return;
    }
}

static int share_bases(kset *x, size_t n, kset *y, size_t m, const double *centre) {
  double *tx = calloc((n + 1) * BASE_K, sizeof *tx), *ty = calloc((m + 1) * BASE_K, sizeof *ty);
  if (!tx || !ty) {
    free(tx);
    free(ty);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    double c = centre ? centre[i] : (double)i * (double)m / (double)n;
    size_t lo = c > BASE_W ? (size_t)(c - BASE_W) : 0;
    for (size_t j = lo; j < m && (double)j <= c + BASE_W; j++) {
      double f = pair_share(&x[i], &y[j]);
      top_insert(tx + i * BASE_K, f);
      top_insert(ty + j * BASE_K, f);
    }
  }
  for (size_t i = 0; i < n; i++) {
    x[i].base = 0;
    for (int q = 0; q < BASE_K; q++)
      x[i].base += tx[i * BASE_K + q] / BASE_K;
  }
  for (size_t j = 0; j < m; j++) {
    y[j].base = 0;
    for (int q = 0; q < BASE_K; q++)
      y[j].base += ty[j * BASE_K + q] / BASE_K;
  }
  free(tx);
  free(ty);
  return 0;
}

/* ------------------------------------------------------ banded DP */

typedef struct bead {
  size_t i, a, j, b;
  double cost;
} bead;

static const unsigned char BA[6] = {1, 1, 0, 2, 1, 2};
static const unsigned char BB[6] = {1, 0, 1, 1, 2, 2};

/* The band of row i: columns lo..hi (inclusive). *soft_lo / *soft_hi say
 * that a limit comes from the width w (and may move if w grows) rather than
 * from a hard limit such as the matched paragraphs. */
typedef struct band {
  size_t n, m;
  /* Sentence level: per row, the hard limits from the paragraph alignment
   * and the centre of the row's paragraph group (NULL: diagonal band). */
  const size_t *hard_lo, *hard_hi;
  const double *centre;
} band;

static void band_row(const band *bd, size_t i, size_t w, size_t *lo, size_t *hi,
                     int *soft_lo, int *soft_hi) {
  double c = bd->centre ? bd->centre[i]
                        : (bd->n ? (double)i * (double)bd->m / (double)bd->n : 0);
  size_t hl = bd->hard_lo ? bd->hard_lo[i] : 0;
  size_t hh = bd->hard_hi ? bd->hard_hi[i] : bd->m;
  size_t cc = (size_t)(c + 0.5);
  size_t l = cc > w ? cc - w : 0, h = cc + w;
  *soft_lo = l > hl;
  *soft_hi = h < hh;
  if (l < hl)
    l = hl;
  if (h > hh)
    h = hh;
  if (i == 0)
    l = 0, *soft_lo = 0;
  if (i == bd->n)
    h = bd->m, *soft_hi = 0;
  if (l > h)
    l = h;
  *lo = l;
  *hi = h;
}

/* Sorts postings by key, keeping the order of equal keys (they come in
 * order of unit): three passes of 11 bits, linear in n, since the posting
 * lists of a long document hold hundreds of thousands of keys. */
static int sort_postings(posting *v, size_t n) {
  if (n < 512) {
    qsort(v, n, sizeof *v, cmp_posting);
    return 0;
  }
  posting *tmp = malloc(n * sizeof *tmp);
  if (!tmp)
    return -1;
  posting *src = v, *dst = tmp;
  for (int shift = 0; shift < 33; shift += 11) {
    size_t cnt[2049] = {0};
    for (size_t i = 0; i < n; i++)
      cnt[((src[i].key >> shift) & 2047u) + 1]++;
    for (size_t b = 1; b < 2049; b++)
      cnt[b] += cnt[b - 1];
    for (size_t i = 0; i < n; i++)
      dst[cnt[(src[i].key >> shift) & 2047u]++] = src[i];
    posting *t = src;
    src = dst;
    dst = t;
  }
  if (src != v)
    memcpy(v, src, n * sizeof *v);
  free(tmp);
  return 0;
}

/* Fills the table of shared key weights of single units for every cell
 * of the band, through indexes of B's keys (plain and expanded), so that a
 * cell costs a few additions instead of set intersections. */
static int share_table(const costctx *cc, size_t n, size_t m, const size_t *lo,
                       const size_t *off, float *ovx, float *ovy) {
  for (int pass = 0; pass < 2; pass++) {
    /* pass 0: A's keys against B's expanded sets (weights of A);
     * pass 1: A's expanded sets against B's keys (weights of B). */
    size_t total = 0;
    for (size_t j = 0; j < m; j++)
      total += pass ? cc->y->one[j].nk : cc->y->one[j].ne;
    posting *pl = malloc((total + 1) * sizeof *pl);
    if (!pl)
      return -1;
    size_t t = 0;
    for (size_t j = 0; j < m; j++) {
      const kset *y = &cc->y->one[j];
      for (size_t q = 0; q < (pass ? y->nk : y->ne); q++)
        pl[t++] = (posting){pass ? y->k[q] : y->e[q], (uint32_t)j, pass ? y->kw[q] : 0};
    }
    if (sort_postings(pl, total)) {
      free(pl);
      return -1;
    }
    for (size_t i = 0; i < n; i++) {
      const kset *x = &cc->x->one[i];
      size_t width = off[i + 1] - off[i];
      size_t nkeys = pass ? x->ne : x->nk;
      for (size_t q = 0; q < nkeys; q++) {
        uint32_t key = pass ? x->e[q] : x->k[q];
        size_t a = 0, b = total;
        while (a < b) {
          size_t mid = a + (b - a) / 2;
          if (pl[mid].key < key || (pl[mid].key == key && pl[mid].j < lo[i]))
            a = mid + 1;
          else
            b = mid;
        }
        for (; a < total && pl[a].key == key && pl[a].j - lo[i] < width; a++) {
          if (pass)
            ovy[off[i] + (pl[a].j - lo[i])] += pl[a].w;
          else
            ovx[off[i] + (pl[a].j - lo[i])] += x->kw[q];
        }
      }
    }
    free(pl);
  }
  return 0;
}

/* Aligns units 0..n of cc->x with 0..m of cc->y inside a band. Memory is
 * linear: a backpointer byte per cell of the band, which is widened and the
 * run repeated when the best path touches a soft edge. */
static int dp_align(const costctx *cc, const band *bd, size_t n, size_t m,
                    bead **out, size_t *nout) {
  const costctx *cc0 = cc;
  *out = NULL;
  *nout = 0;
  size_t big = n > m ? n : m;
  size_t w = 8 + (n > m ? n - m : m - n) / 4;
  for (;;) {
    if (w > big)
      w = big;
    size_t *lo = malloc((n + 1) * sizeof *lo), *off = malloc((n + 2) * sizeof *off);
    if (!lo || !off) {
      free(lo);
      free(off);
      return -1;
    }
    size_t maxw = 1;
    off[0] = 0;
    for (size_t i = 0; i <= n; i++) {
      size_t h;
      int sl, sh;
      band_row(bd, i, w, &lo[i], &h, &sl, &sh);
      size_t width = h - lo[i] + 1;
      off[i + 1] = off[i] + width;
      if (width > maxw)
        maxw = width;
    }
    unsigned char *bp = malloc(off[n + 1]);
    float *ovx = calloc(off[n + 1] + 1, sizeof *ovx);
    float *ovy = calloc(off[n + 1] + 1, sizeof *ovy);
    double *rows = malloc(3 * maxw * sizeof *rows);
    bead *path = malloc((n + m + 1) * sizeof *path);
    costctx c2 = *cc;
    if (!bp || !ovx || !ovy || !rows || !path ||
        share_table(cc, n, m, lo, off, ovx, ovy)) {
      free(lo);
      free(off);
      free(bp);
      free(ovx);
      free(ovy);
      free(rows);
      free(path);
      return -1;
    }
    c2.ovx = ovx;
    c2.ovy = ovy;
    c2.ov_lo = lo;
    c2.ov_off = off;
    cc = &c2;
    for (size_t i = 0; i <= n; i++) {
      double *row = rows + (i % 3) * maxw;
      size_t width = off[i + 1] - off[i];
      for (size_t x = 0; x < width; x++) {
        size_t j = lo[i] + x;
        row[x] = INFINITY;
        bp[off[i] + x] = 255;
        if (i == 0 && j == 0) {
          row[x] = 0;
          continue;
        }
        for (int t = 0; t < 6; t++) {
          size_t a = BA[t], b = BB[t];
          if (a > i || b > j)
            continue;
          size_t pi = i - a, pj = j - b;
          if (pj < lo[pi] || pj - lo[pi] >= off[pi + 1] - off[pi])
            continue;
          double prev = rows[(pi % 3) * maxw + (pj - lo[pi])];
          if (prev == INFINITY)
            continue;
          double c = prev + bead_cost(cc, pi, a, pj, b);
          if (c < row[x]) {
            row[x] = c;
            bp[off[i] + x] = (unsigned char)t;
          }
        }
      }
    }
    /* Trace back from (n, m). */
    size_t i = n, j = m, np = 0;
    int touched = 0, broken = 0;
    while (i > 0 || j > 0) {
      size_t width = off[i + 1] - off[i];
      if (j < lo[i] || j - lo[i] >= width || bp[off[i] + (j - lo[i])] == 255) {
        broken = 1;
        break;
      }
      size_t l2, h2;
      int sl, sh;
      band_row(bd, i, w, &l2, &h2, &sl, &sh);
      if ((j == l2 && sl) || (j == h2 && sh))
        touched = 1;
      int t = bp[off[i] + (j - lo[i])];
      size_t a = BA[t], b = BB[t];
      path[np++] = (bead){i - a, a, j - b, b, 0};
      i -= a;
      j -= b;
    }
    free(bp);
    free(ovx);
    free(ovy);
    free(rows);
    free(lo);
    free(off);
    cc = cc0;
    if ((touched || broken) && w < big) {
      free(path);
      w *= 2;
      continue;
    }
    if (broken) {
      free(path);
      return -2;
    }
    /* Reverse into document order and fill in the costs. */
    for (size_t k = 0; k < np / 2; k++) {
      bead t = path[k];
      path[k] = path[np - 1 - k];
      path[np - 1 - k] = t;
    }
    for (size_t k = 0; k < np; k++)
      path[k].cost = bead_cost(cc, path[k].i, path[k].a, path[k].j, path[k].b);
    *out = path;
    *nout = np;
    return 0;
  }
}

/* ------------------------------------------------------------ alignment */

struct tl_alignment {
  tl_lang lang[2];
  tl__doc doc[2];
  tl_align_link *links;
  size_t n, cap;
  char **diff;      /* per link: word diff (same language), or NULL */
  int same_language;
};

typedef struct doc_side {
  tl__doc *doc;
  tl_lang lang;
  kset *sent; /* per sentence */
  double chars;
} doc_side;

static int link_push(tl_alignment *r, size_t i, size_t a, size_t j, size_t b,
                     double conf) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 64;
    tl_align_link *nv = realloc(r->links, cap * sizeof *nv);
    if (!nv)
      return -1;
    r->links = nv;
    r->cap = cap;
  }
  tl_link_kind kind = a && b ? TL_LINK_MATCH : a ? TL_LINK_MISSING : TL_LINK_EXTRA;
  r->links[r->n++] = (tl_align_link){i, a, j, b, conf, kind};
  return 0;
}

static size_t count_cp(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/* Radix sort of unsigned keys, 11 bits a pass (qsort below 512 keys): the
 * key arrays and word pairs of a long document number in the millions,
 * where qsort was the slowest part. NAME(v, n) returns 0, or -1 when out
 * of memory. */
#define TL_RADIX_SORT(NAME, T, CMP)                                            \
  static int NAME(T *v, size_t n) {                                            \
    if (n < 512) {                                                             \
      qsort(v, n, sizeof *v, CMP);                                             \
      return 0;                                                                \
    }                                                                          \
    T *tmp = malloc(n * sizeof *tmp);                                          \
    if (!tmp)                                                                  \
      return -1;                                                               \
    T *src = v, *dst = tmp;                                                    \
    for (unsigned shift = 0; shift < 8 * sizeof(T); shift += 11) {           \
      size_t cnt[2049] = {0};                                                  \
      for (size_t i = 0; i < n; i++)                                           \
        cnt[((src[i] >> shift) & 2047u) + 1]++;                                \
      for (size_t b = 1; b < 2049; b++)                                        \
        cnt[b] += cnt[b - 1];                                                  \
      for (size_t i = 0; i < n; i++)                                           \
        dst[cnt[(src[i] >> shift) & 2047u]++] = src[i];                        \
      T *t = src;                                                              \
      src = dst;                                                               \
      dst = t;                                                                 \
    }                                                                          \
    if (src != v)                                                              \
      memcpy(v, src, n * sizeof *v);                                           \
    free(tmp);                                                                 \
    return 0;                                                                  \
  }

TL_RADIX_SORT(sort_u32, uint32_t, cmp_u32)

/* Compresses a sorted array to its distinct values, cnt[i] receiving how
 * often v[i] occurred; returns the number of distinct values. (Counting a
 * run at each look-up would cost the square of a frequent word's count.) */
static size_t count_runs(uint32_t *v, size_t n, uint32_t *cnt) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i])
      j++;
    v[o] = v[i];
    cnt[o++] = (uint32_t)(j - i);
    i = j;
  }
  return o;
}

/* How often k occurred, from count_runs' output. */
static size_t run_count(const uint32_t *v, const uint32_t *cnt, size_t n, uint32_t k) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && v[lo] == k ? cnt[lo] : 0;
}

/* Weights the keys of each sentence by their type and their rarity in the
 * document (inverse document frequency): a key in every other sentence
 * (a function word) says little about which sentence is which. */
static tl_status idf_weights(doc_side *sd) {
  size_t n = sd->doc->n, total = 0;
  for (size_t i = 0; i < n; i++)
    total += sd->sent[i].nk;
  uint32_t *all = malloc((total + 1) * sizeof *all);
  if (!all)
    return TL_ENOMEM;
  size_t t = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t q = 0; q < sd->sent[i].nk; q++)
      all[t++] = sd->sent[i].k[q];
  uint32_t *cnt = malloc((total + 1) * sizeof *cnt);
  if (!cnt || sort_u32(all, total)) {
    free(all);
    free(cnt);
    return TL_ENOMEM;
  }
  size_t nu = count_runs(all, total, cnt);
  for (size_t i = 0; i < n; i++) {
    kset *k = &sd->sent[i];
    k->w = 0;
    for (size_t q = 0; q < k->nk; q++) {
      size_t df = run_count(all, cnt, nu, k->k[q]);
      double idf = log((double)(n + 1) / ((double)df + 0.5));
      if (idf < 0.1)
        idf = 0.1;
      k->kw[q] = (float)(key_weight(k->k[q]) * idf);
      k->w += k->kw[q];
    }
    /* Keys found in most sentences (function words) weigh next to nothing
     * but cost as much to compare: drop them. */
    size_t o = 0;
    double floor_w = 0.25 * log((double)(n + 1));
    for (size_t q = 0; q < k->nk; q++)
      if (k->kw[q] >= floor_w || n < 8) {
        k->k[o] = k->k[q];
        k->kw[o++] = k->kw[q];
      } else {
        k->w -= k->kw[q];
      }
    k->nk = o;
  }
  free(all);
  free(cnt);
  return TL_OK;
}

/* Keys of every sentence of a side, with translations into lang `other`. */
static tl_status side_keys(tl_ctx *ctx, const tl_aligner *al, doc_side *sd,
                           tl_lang other, int is_b) {
  tl__doc *d = sd->doc;
  sd->sent = calloc(d->n + 1, sizeof *sd->sent);
  if (!sd->sent)
    return TL_ENOMEM;
  const lexmap *maps[2] = {NULL, NULL};
  int ca = lang_class(sd->lang), cb = lang_class(other);
  for (int f = 0; f < 3; f++) {
    if (lex_files[f].c1 == ca && lex_files[f].c2 == cb)
      maps[0] = &al->lex_fwd[f];
    else if (lex_files[f].c1 == cb && lex_files[f].c2 == ca)
      maps[0] = &al->lex_back[f];
  }
  maps[1] = is_b ? &al->user_back : &al->user_fwd;
  tl_buf latin = TL_BUF_INIT, all = TL_BUF_INIT;
  tl_status st = TL_OK;
  /* Cyrillic sides are compared in Latin: the sentences are converted in
   * one call, one a line (a call per sentence costs more than the
   * conversion itself), and split again; should the line count change,
   * each sentence is converted on its own. */
  size_t *line_off = NULL;
  if (al->to_latn && is_cyrillic_lang(sd->lang) && d->n) {
    tl_buf joined = TL_BUF_INIT;
    for (size_t i = 0; i < d->n && !st; i++) {
      st = tl__buf_append(&joined, d->text + d->sents[i].off, d->sents[i].len);
      if (!st)
        st = tl__buf_putc(&joined, '\n');
    }
    line_off = malloc((d->n + 1) * sizeof *line_off);
    if (!st && line_off &&
        tl_convert(ctx, al->to_latn, joined.data, joined.len, &all, NULL, NULL) == TL_OK) {
      size_t cnt = 0;
      line_off[0] = 0;
      for (size_t q = 0; q < all.len && cnt < d->n; q++)
        if (all.data[q] == '\n')
          line_off[++cnt] = q + 1;
      if (cnt != d->n) {
        free(line_off);
        line_off = NULL;
      }
    } else {
      free(line_off);
      line_off = NULL;
    }
    tl_buf_free(&joined);
  }
  for (size_t i = 0; i < d->n && !st; i++) {
    const char *s = d->text + d->sents[i].off;
    size_t n = d->sents[i].len;
    if (line_off) {
      s = all.data + line_off[i];
      n = line_off[i + 1] - line_off[i] - 1;
    } else if (al->to_latn && is_cyrillic_lang(sd->lang)) {
      tl_buf_clear(&latin);
      if (tl_convert(ctx, al->to_latn, s, n, &latin, NULL, NULL) == TL_OK && latin.data) {
        s = latin.data;
        n = latin.len;
      }
    }
    kset *k = &sd->sent[i];
    k->len = (double)count_cp(d->text + d->sents[i].off, d->sents[i].len);
    k->cnt = 1;
    sd->chars += k->len;
    k->nk = tl__text_keys(s, n, lang_class(sd->lang) == CL_UZ ? TL__KEYS_UZ : 0, &k->k);
    if (k->nk == (size_t)-1) {
      k->nk = 0;
      st = TL_ENOMEM;
      break;
    }
    keyvec e = {0};
    size_t own = 0;
    for (size_t q = 0; q < k->nk; q++) {
      if (tl__key_type(k->k[q]) == TL__KEY_VARIANT) {
        /* Another spelling: something the other side may have, as a word. */
        kv_push(&e, k->k[q] & 0x3FFFFFFFu);
        continue;
      }
      k->k[own++] = k->k[q];
      kv_push(&e, k->k[q]);
      if (tl__key_type(k->k[q]) == TL__KEY_WORD)
        for (int m = 0; m < 2; m++)
          if (maps[m])
            lex_lookup(maps[m], k->k[q], &e);
    }
    k->nk = own;
    for (size_t q = 0; q < k->nk; q++)
      if (tl__key_type(k->k[q]) == TL__KEY_NUMBER)
        k->nmask |= 1ull << (k->k[q] & 63);
    if (e.oom) {
      free(e.v);
      st = TL_ENOMEM;
      break;
    }
    k->ne = kv_sort_unique(e.v, e.n);
    k->e = e.v;
    if (!k->k)
      k->k = malloc(sizeof *k->k);
    if (!k->e)
      k->e = malloc(sizeof *k->e);
    k->kw = malloc((k->nk + 1) * sizeof *k->kw);
    if (!k->k || !k->e || !k->kw)
      st = TL_ENOMEM;
  }
  if (!st)
    st = idf_weights(sd);
  tl_buf_free(&latin);
  tl_buf_free(&all);
  free(line_off);
  if (st == TL_ENOMEM)
    return st;
  tl__ok(ctx);
  return TL_OK;
}

static void side_free(doc_side *sd) {
  if (sd->sent)
    for (size_t i = 0; i < sd->doc->n; i++)
      kset_free(&sd->sent[i]);
  free(sd->sent);
}

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

/* Sentence-level alignment of the whole documents inside the band given by
 * the paragraph alignment; appends the links with their confidence. */
static int align_sentences(tl_alignment *r, const doc_side *A, const doc_side *B,
                           costctx proto, const band *bd) {
  size_t n = A->doc->n, m = B->doc->n;
  size_t big = n > m ? n : m;
  size_t *fid = malloc((big + 1) * sizeof *fid);
  seq sx = {0}, sy = {0};
  bead *path = NULL;
  size_t np = 0;
  int rc = -1;
  if (!fid)
    goto done;
  for (size_t i = 0; i <= big; i++)
    fid[i] = i;
  if (seq_build(&sx, A->sent, fid, n) || seq_build(&sy, B->sent, fid, m))
    goto done;
  for (size_t i = 0; i + 1 < n; i++)
    sx.two[i].cross = A->doc->sents[i].para != A->doc->sents[i + 1].para;
  for (size_t j = 0; j + 1 < m; j++)
    sy.two[j].cross = B->doc->sents[j].para != B->doc->sents[j + 1].para;
  for (int side = 0; side < 2; side++) {
    seq *q = side ? &sy : &sx;
    const tl__doc *dd = side ? B->doc : A->doc;
    for (size_t u = 0; u < dd->n; u++) {
      int st = u == 0 || dd->sents[u].para != dd->sents[u - 1].para;
      int en = u + 1 == dd->n || dd->sents[u].para != dd->sents[u + 1].para;
      q->one[u].pstart = st;
      q->one[u].pend = en;
      if (u + 1 < dd->n) {
        q->two[u].pstart = st;
        q->two[u].pend = u + 2 == dd->n || dd->sents[u + 1].para != dd->sents[u + 2].para;
      }
    }
  }
  proto.x = &sx;
  proto.y = &sy;
  int d = dp_align(&proto, bd, n, m, &path, &np);
  if (d == -2) {
    /* The paragraphs left no path: align without their limits. */
    band free_band = {n, m, NULL, NULL, NULL};
    d = dp_align(&proto, &free_band, n, m, &path, &np);
  }
  if (d)
    goto done;
  for (size_t k = 0; k < np; k++) {
    const bead *p = &path[k];
    double conf;
    if (p->a && p->b) {
      /* The margin over calling both sides missing. */
      double both = bead_cost(&proto, p->i, p->a, p->j, 0) + bead_cost(&proto, p->i, 0, p->j, p->b);
      /* Under the likelihood ratios a link without evidence either way
       * (ratio 1) is a coin toss more than a match: about 0.65. */
      conf = sigmoid((both - p->cost) / 2.0 + (proto.llr ? -0.5 : 1.0));
    } else {
      /* How much worse would pairing it with a neighbour be? */
      double alt = INFINITY, skip_pair = 0;
      if (p->a) {
        for (size_t y = p->j > 1 ? p->j - 2 : 0; y < m && y <= p->j + 1; y++) {
          double c = bead_cost(&proto, p->i, 1, y, 1) - bead_cost(&proto, p->i, 0, y, 1);
          if (c < alt)
            alt = c;
        }
        skip_pair = bead_cost(&proto, p->i, 1, p->j, 0);
      } else {
        for (size_t x = p->i > 1 ? p->i - 2 : 0; x < n && x <= p->i + 1; x++) {
          double c = bead_cost(&proto, x, 1, p->j, 1) - bead_cost(&proto, x, 1, p->j, 0);
          if (c < alt)
            alt = c;
        }
        skip_pair = bead_cost(&proto, p->i, 0, p->j, 1);
      }
      /* alt: the extra cost of pairing it with its best neighbour instead. */
      conf = alt == INFINITY ? 0.95 : sigmoid((alt - skip_pair) / 2.0 + 1.0);
      if (proto.llr) {
        /* The real alternatives are on the path: joining the link before
         * or after it (a 2-1), or pairing with a skip of the other side
         * next to it. Their extra cost is the margin. */
        double best = INFINITY;
        for (int dir = -1; dir <= 1; dir += 2) {
          if ((dir < 0 && k == 0) || (dir > 0 && k + 1 >= np))
            continue;
          const bead *q = dir < 0 ? &path[k - 1] : &path[k + 1];
          double merged = INFINITY;
          if (p->a && q->a == 1 && q->b)
            merged = bead_cost(&proto, dir < 0 ? q->i : p->i, 2, q->j, q->b);
          else if (p->b && q->b == 1 && q->a)
            merged = bead_cost(&proto, q->i, q->a, dir < 0 ? q->j : p->j, 2);
          else if (p->a && !q->a && q->b == 1)
            merged = bead_cost(&proto, p->i, 1, q->j, 1);
          else if (p->b && !q->b && q->a == 1)
            merged = bead_cost(&proto, q->i, 1, p->j, 1);
          double margin = merged - q->cost - p->cost;
          if (margin < best)
            best = margin;
        }
        if (best != INFINITY)
          conf = sigmoid(best / 2.0 + 0.5);
      }
    }
    if (link_push(r, p->i, p->a, p->j, p->b, conf))
      goto done;
  }
  rc = 0;
done:
  free(path);
  seq_free(&sx);
  seq_free(&sy);
  free(fid);
  return rc;
}

/* Narrows the hard limits of each row of the sentence DP to the columns of
 * the path found (r's links) plus or minus k. */
static void narrow_band(const tl_alignment *r, size_t n, size_t *hard_lo,
                        size_t *hard_hi, size_t k) {
  size_t i = 0, j = 0, prev_lo = 0, prev_hi = 0;
  size_t *lo = hard_lo, *hi = hard_hi;
  /* Rows inside a 2-x link keep the columns of the row before. */
  size_t *mn = malloc((n + 1) * sizeof *mn), *mxv = malloc((n + 1) * sizeof *mxv);
  if (!mn || !mxv) {
    free(mn);
    free(mxv);
    return; /* the old limits are still valid, just wider */
  }
  for (size_t q = 0; q <= n; q++)
    mn[q] = (size_t)-1, mxv[q] = 0;
  mn[0] = mxv[0] = 0;
  for (size_t l = 0; l < r->n; l++) {
    i += r->links[l].a_count;
    j += r->links[l].b_count;
    if (i > n)
      break;
    if (j < mn[i])
      mn[i] = j;
    if (j > mxv[i])
      mxv[i] = j;
  }
  for (size_t q = 0; q <= n; q++) {
    if (mn[q] == (size_t)-1)
      mn[q] = prev_lo, mxv[q] = prev_hi;
    prev_lo = mn[q];
    prev_hi = mxv[q];
    size_t a = mn[q] > k ? mn[q] - k : 0, b = mxv[q] + k;
    if (a > lo[q])
      lo[q] = a;
    if (b < hi[q])
      hi[q] = b;
    if (lo[q] > hi[q])
      lo[q] = hi[q];
  }
  free(mn);
  free(mxv);
}

/* Is key k in the sorted set v? */
static int has_key(const uint32_t *v, size_t n, uint32_t k) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && v[lo] == k;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

TL_RADIX_SORT(sort_u64, uint64_t, cmp_u64)

/* Adds to each sentence's expanded set the learned translations of its
 * keys (pairs sorted by their first key). */
static int add_learned(doc_side *sd, const uint64_t *pairs, size_t np) {
  for (size_t i = 0; i < sd->doc->n; i++) {
    kset *k = &sd->sent[i];
    keyvec add = {0};
    for (size_t q = 0; q < k->nk; q++) {
      uint64_t lo_key = (uint64_t)k->k[q] << 32;
      size_t lo = 0, hi = np;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pairs[mid] < lo_key)
          lo = mid + 1;
        else
          hi = mid;
      }
      for (; lo < np && (pairs[lo] >> 32) == k->k[q]; lo++)
        kv_push(&add, (uint32_t)pairs[lo]);
    }
    if (add.oom) {
      free(add.v);
      return -1;
    }
    if (!add.n)
      continue;
    /* The few additions sorted, then merged into the sorted set. */
    size_t na = kv_sort_unique(add.v, add.n), ne;
    uint32_t *e = merge_keys(k->e, k->ne, add.v, na, &ne);
    free(add.v);
    if (!e)
      return -1;
    free(k->e);
    k->e = e;
    k->ne = ne;
  }
  return 0;
}

/* How lengths relate in this pair of documents, from the confident 1-1
 * links of the first pass: the median log length ratio, and how widely
 * translations spread around it compared with the news model (Russian and
 * Uzbek spread a quarter wider than English and either). Shrunk towards the
 * prior by LEN_PRIOR links' worth, since an article has few sentences. */
#define LEN_PRIOR 8.0

static void length_fit(const tl_alignment *r, const doc_side *A, const doc_side *B,
                       costctx *cc) {
  double *v = malloc((r->n + 1) * sizeof *v);
  if (!v)
    return; /* keep the prior: a help, not a need */
  size_t n = 0;
  for (size_t l = 0; l < r->n; l++) {
    const tl_align_link *lk = &r->links[l];
    if (lk->a_count == 1 && lk->b_count == 1 && lk->confidence >= 0.8)
      v[n++] = B->sent[lk->b_first].loglen - A->sent[lk->a_first].loglen;
  }
  if (n >= 3) {
    qsort(v, n, sizeof *v, cmp_double);
    double med = v[n / 2], z = 0;
    cc->lmu = (cc->lmu * LEN_PRIOR + med * (double)n) / (LEN_PRIOR + (double)n);
    size_t q = 0;
    for (size_t l = 0; l < r->n; l++) {
      const tl_align_link *lk = &r->links[l];
      if (!(lk->a_count == 1 && lk->b_count == 1 && lk->confidence >= 0.8))
        continue;
      const kset *x = &A->sent[lk->a_first], *y = &B->sent[lk->b_first];
      double L = (x->len + y->len * cc->inv_ratio) / 2, d = y->loglen - x->loglen - cc->lmu;
      z += d * d / (0.01 + 2.4 / (L < 4 ? 4 : L));
      q++;
    }
    double f = (z + LEN_PRIOR) / ((double)q + LEN_PRIOR);
    cc->len_var = f < 0.7 ? 0.7 : f > 2 ? 2 : f;
    cc->len_var_log = 0.5 * log(cc->len_var);
  }
  free(v);
}

/* Translations learned from the document itself, the way hunalign's second
 * pass does: over the confident 1-1 links of a first alignment, a word of A
 * and a word of B that neither side explains yet and that keep occurring
 * together (in at least two links, and rarely apart: Dice >= 0.7) are taken
 * as translations of each other (a topic word: shark / акула / akula, a
 * name spelt two ways). Returns the number of pairs learned, -1 when out of
 * memory. */
/* At most this many unexplained keys of a sentence take part (the pairs
 * grow with its square). */
#define LEARN_KEYS 24

static long learn_lexicon(const tl_alignment *r, doc_side *A, doc_side *B) {
  size_t npair = 0, cap = 0, na = 0, nb = 0, capa = 0, capb = 0;
  uint64_t *pairs = NULL;
  uint32_t *ka = NULL, *kb = NULL;
  long learned = 0;
  int oom = 0;
  for (size_t l = 0; l < r->n && !oom; l++) {
    const tl_align_link *lk = &r->links[l];
    if (lk->a_count != 1 || lk->b_count != 1 || lk->confidence < 0.8)
      continue;
    const kset *x = &A->sent[lk->a_first], *y = &B->sent[lk->b_first];
    /* Keys of each side that the other does not explain. */
    uint32_t ux[LEARN_KEYS], uy[LEARN_KEYS];
    size_t nux = 0, nuy = 0;
    for (size_t q = 0; q < x->nk && nux < LEARN_KEYS; q++)
      if (tl__key_type(x->k[q]) == TL__KEY_WORD && !has_key(y->e, y->ne, x->k[q]))
        ux[nux++] = x->k[q];
    for (size_t q = 0; q < y->nk && nuy < LEARN_KEYS; q++)
      if (tl__key_type(y->k[q]) == TL__KEY_WORD && !has_key(x->e, x->ne, y->k[q]))
        uy[nuy++] = y->k[q];
    if (na + nux > capa) {
      capa = 2 * (na + nux) + 64;
      uint32_t *nv = realloc(ka, capa * sizeof *nv);
      if (!nv) { oom = 1; break; }
      ka = nv;
    }
    if (nb + nuy > capb) {
      capb = 2 * (nb + nuy) + 64;
      uint32_t *nv = realloc(kb, capb * sizeof *nv);
      if (!nv) { oom = 1; break; }
      kb = nv;
    }
    if (nux)
      memcpy(ka + na, ux, nux * sizeof *ux);
    na += nux;
    if (nuy)
      memcpy(kb + nb, uy, nuy * sizeof *uy);
    nb += nuy;
    if (npair + nux * nuy > cap) {
      cap = 2 * (npair + nux * nuy) + 256;
      uint64_t *nv = realloc(pairs, cap * sizeof *nv);
      if (!nv) { oom = 1; break; }
      pairs = nv;
    }
    for (size_t p = 0; p < nux; p++)
      for (size_t q = 0; q < nuy; q++)
        pairs[npair++] = (uint64_t)ux[p] << 32 | uy[q];
  }
  uint64_t *fwd = NULL, *back = NULL;
  uint32_t *ca = NULL, *cb = NULL;
  size_t nf = 0;
  if (!oom && npair) {
    oom = sort_u64(pairs, npair);
    ca = malloc((na + 1) * sizeof *ca);
    cb = malloc((nb + 1) * sizeof *cb);
    oom = oom || !ca || !cb || sort_u32(ka, na) || sort_u32(kb, nb);
    if (!oom) {
      na = count_runs(ka, na, ca);
      nb = count_runs(kb, nb, cb);
    }
    fwd = malloc(npair * sizeof *fwd);
    back = malloc(npair * sizeof *back);
    oom = oom || !fwd || !back;
    for (size_t p = 0; p < npair && !oom;) {
      size_t c = 1;
      while (p + c < npair && pairs[p + c] == pairs[p])
        c++;
      uint32_t a = (uint32_t)(pairs[p] >> 32), b = (uint32_t)pairs[p];
      if (c >= 2) {
        double dice = 2.0 * (double)c /
                      (double)(run_count(ka, ca, na, a) + run_count(kb, cb, nb, b));
        if (dice >= 0.7) {
          fwd[nf] = pairs[p];
          back[nf++] = (uint64_t)b << 32 | a;
        }
      }
      p += c;
    }
  }
  if (!oom && nf) {
    oom = sort_u64(back, nf) ||
          add_learned(A, fwd, nf) || add_learned(B, back, nf);
    learned = (long)nf;
  }
  free(fwd);
  free(back);
  free(pairs);
  free(ka);
  free(kb);
  free(ca);
  free(cb);
  return oom ? -1 : learned;
}

static tl_status same_language_diffs(tl_ctx *ctx, const tl_aligner *al,
                                     tl_alignment *r) {
  r->diff = calloc(r->n + 1, sizeof *r->diff);
  if (!r->diff)
    return TL_ENOMEM;
  /* A is shown in B's script. */
  const tl_converter *cv = NULL;
  if (r->lang[0] != r->lang[1])
    cv = r->lang[1] == TL_LANG_UZ_LATN ? al->to_latn : al->to_cyrl;
  tl_buf a = TL_BUF_INIT, b = TL_BUF_INIT, conv = TL_BUF_INIT, diff = TL_BUF_INIT;
  tl_status st = TL_OK;
  for (size_t k = 0; k < r->n && !st; k++) {
    tl_align_link *l = &r->links[k];
    if (!l->a_count || !l->b_count)
      continue;
    tl_buf_clear(&a);
    tl_buf_clear(&b);
    tl_buf_clear(&conv);
    tl_buf_clear(&diff);
    for (size_t i = 0; i < l->a_count && !st; i++) {
      const tl__sent *s = &r->doc[0].sents[l->a_first + i];
      if (i)
        st = tl__buf_putc(&a, ' ');
      if (!st)
        st = tl__buf_append(&a, r->doc[0].text + s->off, s->len);
    }
    for (size_t i = 0; i < l->b_count && !st; i++) {
      const tl__sent *s = &r->doc[1].sents[l->b_first + i];
      if (i)
        st = tl__buf_putc(&b, ' ');
      if (!st)
        st = tl__buf_append(&b, r->doc[1].text + s->off, s->len);
    }
    if (st)
      break;
    const char *shown = a.data;
    size_t shown_len = a.len;
    if (cv && tl_convert(ctx, cv, a.data, a.len, &conv, NULL, NULL) == TL_OK && conv.data) {
      shown = conv.data;
      shown_len = conv.len;
    }
    int d = tl__word_diff(shown, shown_len, b.data, b.len, &diff);
    if (d < 0) {
      st = TL_ENOMEM;
    } else if (d > 0) {
      l->kind = TL_LINK_CHANGED;
      r->diff[k] = strdup(diff.data);
      if (!r->diff[k])
        st = TL_ENOMEM;
    }
  }
  tl_buf_free(&a);
  tl_buf_free(&b);
  tl_buf_free(&conv);
  tl_buf_free(&diff);
  return st;
}

void tl_alignment_free(tl_alignment *r) {
  if (!r)
    return;
  if (r->diff)
    for (size_t k = 0; k < r->n; k++)
      free(r->diff[k]);
  free(r->diff);
  free(r->links);
  tl__doc_free(&r->doc[0]);
  tl__doc_free(&r->doc[1]);
  free(r);
}

tl_status tl_align(tl_ctx *ctx, const tl_aligner *al, const char *a,
                   size_t a_len, const char *b, size_t b_len,
                   tl_alignment **out) {
  if (!out || !al || (!a && a_len) || (!b && b_len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_align: NULL argument");
  *out = NULL;
  const char *txt[2] = {a ? a : "", b ? b : ""};
  size_t len[2] = {a_len, b_len};
  for (int s = 0; s < 2; s++) {
    size_t bad;
    if (!tl__utf8_valid(txt[s], len[s], &bad)) {
      size_t line = 1, col = 1;
      tl__utf8_advance(&line, &col, txt[s], bad);
      return tl__fail_at(ctx, TL_EUTF8, bad, line, col,
                         "%s: invalid UTF-8 (byte 0x%02X) at byte %zu", s ? "B" : "A",
                         (unsigned char)txt[s][bad], bad);
    }
  }
  tl_alignment *r = calloc(1, sizeof *r);
  if (!r)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  tl_status st = TL_OK;
  doc_side sd[2];
  memset(sd, 0, sizeof sd);
  for (int s = 0; s < 2 && !st; s++) {
    r->lang[s] = al->lang[s] ? al->lang[s] : detect_lang(ctx, txt[s], len[s]);
    unsigned mode = 0;
    if (al->flags & TL_ALIGN_SEGMENTED)
      mode |= TL__SEG_SEGMENTED;
    else if (al->flags & (s ? TL_ALIGN_HTML_B : TL_ALIGN_HTML_A))
      mode |= TL__SEG_HTML;
    else if (al->flags & (s ? TL_ALIGN_MARKDOWN_B : TL_ALIGN_MARKDOWN_A))
      mode |= TL__SEG_MARKDOWN;
    int cl = lang_class(r->lang[s]);
    st = tl__doc_build(ctx, txt[s], len[s], mode, cl < 3 ? al->ab[cl] : NULL, &r->doc[s]);
    sd[s].doc = &r->doc[s];
    sd[s].lang = r->lang[s];
  }
  r->same_language = !st && lang_class(r->lang[0]) == lang_class(r->lang[1]) &&
                     lang_class(r->lang[0]) != CL_OTHER;
  for (int s = 0; s < 2 && !st; s++)
    st = side_keys(ctx, al, &sd[s], r->lang[!s], s);
  if (st) {
    if (st == TL_ENOMEM)
      tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
    side_free(&sd[0]);
    side_free(&sd[1]);
    tl_alignment_free(r);
    return st;
  }
  costctx cc = {0};
  cc.ratio = sd[0].chars > 0 && sd[1].chars > 0 ? sd[1].chars / sd[0].chars : 1.0;
  if (cc.ratio < 0.5 || cc.ratio > 2)
    cc.ratio = cc.ratio < 0.5 ? 0.5 : 2;
  cc.s2 = r->same_language ? 2.0 : 6.8;
  cc.sim_w = 10.0;
  cc.skip = 10.0;
  cc.p21 = 2.0;
  cc.p22 = 5.0;
  cc.p_cross = 3.0;
  cc.skip_c = 1.0;
  cc.f_part = 0.10;
  cc.p_weak = 1.5;
  cc.w_scale = 1.0;
  cc.skip_share = 0.3;
  cc.len_w = 0.28;
  /* Sentence level, across languages: -log priors of the link kinds, the
   * share LLR and the weights of the other evidence, fitted on news
   * articles perturbed as in scripts/eval-align (seeds 7, 11, 13: a skip is
   * about one link in ten, 2-x links one in twelve) and checked on others
   * (17, 19, 23). */
  cc.lmu = log(cc.ratio);
  cc.len_var = 1;
  cc.c11 = 0.225;
  cc.c10 = 1.1;
  cc.c21 = 1.5;
  cc.c22 = 4.5;
  cc.sh0 = 0.11;
  cc.sh_lo = 3.28;
  cc.sh_hi = 29.3;
  cc.sh_cap = 10.0;
  cc.margin = 0.33;
  cc.wmargin = 0.5;
  cc.p_edge = 0.6;
  cc.b_edge = 0.25;
  cc.p_num = 1.0;
  double wsum = 0, cnt = 0;
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < r->doc[s].n; i++)
      wsum += sd[s].sent[i].w, cnt++;
  cc.norm = cnt > 0 && wsum > cnt ? wsum / cnt : 1.0;
  /* How much do translations share in this pair of documents? The skip
   * rate follows, so that a sentence is called missing when it shares
   * clearly less than translations here typically do. */
  double ft = typical_share(sd[0].sent, r->doc[0].n, sd[1].sent, r->doc[1].n);
  if (ft < 0) {
    side_free(&sd[0]);
    side_free(&sd[1]);
    tl_alignment_free(r);
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  cc.skip = cc.sim_w * (1 - ft * cc.skip_share);

  /* Paragraphs first. */
  size_t np[2];
  size_t *first[2] = {NULL, NULL};
  seq ps[2] = {{0}, {0}};
  bead *pp = NULL;
  size_t npp = 0;
  int fail = 0;
  for (int s = 0; s < 2 && !fail; s++) {
    const tl__doc *d = &r->doc[s];
    np[s] = d->npara;
    first[s] = malloc((np[s] + 1) * sizeof *first[s]);
    if (!first[s]) {
      fail = 1;
      break;
    }
    size_t p = 0;
    for (size_t i = 0; i < d->n; i++)
      while (p <= d->sents[i].para)
        first[s][p++] = i;
    while (p <= np[s])
      first[s][p++] = d->n;
    fail = seq_build(&ps[s], sd[s].sent, first[s], np[s]);
  }
  if (!fail) {
    costctx pc = cc;
    pc.x = &ps[0];
    pc.y = &ps[1];
    band pb = {np[0], np[1], NULL, NULL, NULL};
    fail = dp_align(&pc, &pb, np[0], np[1], &pp, &npp) != 0;
  }
  /* Then sentences, each A sentence limited to the B sentences of the
   * paragraphs matched with its own and with its neighbours. */
  size_t n = r->doc[0].n, m = r->doc[1].n;
  size_t *rb0 = NULL, *rb1 = NULL, *ga0 = NULL, *ga1 = NULL;
  size_t *hard_lo = NULL, *hard_hi = NULL;
  double *centre = NULL;
  if (!fail) {
    size_t P = np[0] ? np[0] : 1;
    rb0 = calloc(P, sizeof *rb0);
    rb1 = calloc(P, sizeof *rb1);
    ga0 = calloc(P, sizeof *ga0);
    ga1 = calloc(P, sizeof *ga1);
    hard_lo = calloc(n + 1, sizeof *hard_lo);
    hard_hi = calloc(n + 1, sizeof *hard_hi);
    centre = calloc(n + 1, sizeof *centre);
    fail = !rb0 || !rb1 || !ga0 || !ga1 || !hard_lo || !hard_hi || !centre;
  }
  if (!fail) {
    for (size_t k = 0; k < npp; k++) {
      const bead *p = &pp[k];
      for (size_t q = p->i; q < p->i + p->a; q++) {
        rb0[q] = first[1][p->j];
        rb1[q] = first[1][p->j + p->b];
        ga0[q] = first[0][p->i];
        ga1[q] = first[0][p->i + p->a];
      }
    }
    for (size_t i = 0; i <= n; i++) {
      size_t p = i < n ? r->doc[0].sents[i].para : (np[0] ? np[0] - 1 : 0);
      size_t pl = p > 0 ? p - 1 : 0, ph = p + 1 < np[0] ? p + 1 : p;
      hard_lo[i] = np[0] ? rb0[pl] : 0;
      hard_hi[i] = np[0] ? rb1[ph] : m;
      double width = ga1[p] > ga0[p] ? (double)(ga1[p] - ga0[p]) : 1;
      centre[i] = np[0] ? (double)rb0[p] + (double)(i - ga0[p]) *
                                               (double)(rb1[p] - rb0[p]) / width
                        : (double)m;
    }
    band sb = {n, m, hard_lo, hard_hi, centre};
    costctx sc = cc;
    double norm_tab[TL__LEN_TAB];
    for (size_t L = 0; L < TL__LEN_TAB; L++)
      norm_tab[L] = -0.5 * log((0.01 + 2.4 / (L < 4 ? 4.0 : (double)L)) / 0.64);
    sc.norm_tab = norm_tab;
    sc.inv_ratio = 1 / cc.ratio;
    /* The likelihood ratios are measured on translations between uz, ru
     * and en; two scripts of one language share far more, and languages
     * the aligner does not know (no lexicon) far less: those keep the
     * older share-of-content cost. */
    sc.llr = !r->same_language && lang_class(r->lang[0]) != CL_OTHER &&
             lang_class(r->lang[1]) != CL_OTHER;
    /* The base shares, once: the second pass's learned words move them
     * little. */
    fail = sc.llr && share_bases(sd[0].sent, n, sd[1].sent, m, centre);
    if (!fail)
      fail = align_sentences(r, &sd[0], &sd[1], sc, &sb);
    /* A second pass with the translations the first one taught and the
     * length relation it measured. */
    if (!fail && sc.llr) {
      long learned = learn_lexicon(r, &sd[0], &sd[1]);
      if (learned < 0) {
        fail = 1;
      } else if (learned > 0) {
        /* Within a few sentences of the first path: the new translations
         * move links locally, and a narrow band keeps the pass cheap. */
        narrow_band(r, n, hard_lo, hard_hi, 3);
        length_fit(r, &sd[0], &sd[1], &sc);
        r->n = 0;
        fail = align_sentences(r, &sd[0], &sd[1], sc, &sb);
      }
    }
  }
  free(rb0);
  free(rb1);
  free(ga0);
  free(ga1);
  free(hard_lo);
  free(hard_hi);
  free(centre);
  free(pp);
  for (int s = 0; s < 2; s++) {
    seq_free(&ps[s]);
    free(first[s]);
  }
  side_free(&sd[0]);
  side_free(&sd[1]);
  if (!fail && r->same_language)
    st = same_language_diffs(ctx, al, r);
  if (fail || st) {
    tl_alignment_free(r);
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  }
  tl__ok(ctx);
  *out = r;
  return TL_OK;
}

/* ------------------------------------------------------------ accessors */

const tl_align_link *tl_alignment_links(const tl_alignment *r, size_t *count) {
  if (count)
    *count = r ? r->n : 0;
  return r ? r->links : NULL;
}

tl_lang tl_alignment_lang(const tl_alignment *r, int side) {
  return r && (side == 0 || side == 1) ? r->lang[side] : TL_LANG_UNKNOWN;
}

size_t tl_alignment_sentence_count(const tl_alignment *r, int side) {
  return r && (side == 0 || side == 1) ? r->doc[side].n : 0;
}

size_t tl_alignment_paragraph_count(const tl_alignment *r, int side) {
  return r && (side == 0 || side == 1) ? r->doc[side].npara : 0;
}

tl_status tl_alignment_sentence(const tl_alignment *r, int side, size_t i,
                                const char **text, size_t *len, size_t *para) {
  if (!r || (side != 0 && side != 1) || i >= r->doc[side].n)
    return TL_EINVAL;
  const tl__sent *s = &r->doc[side].sents[i];
  if (text)
    *text = r->doc[side].text + s->off;
  if (len)
    *len = s->len;
  if (para)
    *para = s->para;
  return TL_OK;
}

int tl_align_link_is_problem(const tl_align_link *l) {
  return l && (l->kind != TL_LINK_MATCH || l->confidence < TL_ALIGN_LOW_CONFIDENCE);
}

/* --------------------------------------------------------------- output */

static const char *kind_name(tl_link_kind k) {
  switch (k) {
  case TL_LINK_MISSING: return "missing";
  case TL_LINK_EXTRA: return "extra";
  case TL_LINK_CHANGED: return "changed";
  default: return "match";
  }
}

static tl_status put_ids(tl_buf *o, size_t first, size_t count, const char *sep) {
  tl_status st = TL_OK;
  for (size_t i = 0; i < count && !st; i++)
    st = tl__buf_printf(o, "%s%zu", i ? sep : "", first + i);
  return st;
}

/* The sentences of one side of a link, joined by spaces. */
static tl_status put_text(tl_buf *o, const tl_alignment *r, int side,
                          size_t first, size_t count,
                          tl_status (*esc)(tl_buf *, const char *, size_t)) {
  tl_status st = TL_OK;
  for (size_t i = 0; i < count && !st; i++) {
    const tl__sent *s = &r->doc[side].sents[first + i];
    if (i)
      st = tl__buf_putc(o, ' ');
    if (!st)
      st = esc(o, r->doc[side].text + s->off, s->len);
  }
  return st;
}

static tl_status esc_none(tl_buf *o, const char *s, size_t n) {
  return tl__buf_append(o, s, n);
}

static tl_status esc_json(tl_buf *o, const char *s, size_t n) {
  tl_status st = TL_OK;
  for (size_t i = 0; i < n && !st; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      st = tl__buf_putc(o, '\\'), st = st ? st : tl__buf_putc(o, (char)c);
    else if (c < 0x20)
      st = tl__buf_printf(o, "\\u%04x", c);
    else
      st = tl__buf_putc(o, (char)c);
  }
  return st;
}

/* XML/HTML text: & < > " escaped; characters XML 1.0 forbids dropped. */
static tl_status esc_xml(tl_buf *o, const char *s, size_t n) {
  tl_status st = TL_OK;
  for (size_t i = 0; i < n && !st; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '&')
      st = tl__buf_puts(o, "&amp;");
    else if (c == '<')
      st = tl__buf_puts(o, "&lt;");
    else if (c == '>')
      st = tl__buf_puts(o, "&gt;");
    else if (c == '"')
      st = tl__buf_puts(o, "&quot;");
    else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      continue;
    else
      st = tl__buf_putc(o, (char)c);
  }
  return st;
}

/* A diff "a [-old-]{+new+} b" as HTML with <del> and <ins>. */
static tl_status diff_html(tl_buf *o, const char *d) {
  tl_status st = TL_OK;
  while (*d && !st) {
    if (strncmp(d, "[-", 2) == 0 || strncmp(d, "{+", 2) == 0) {
      int del = d[0] == '[';
      const char *end = strstr(d + 2, del ? "-]" : "+}");
      if (end) {
        st = tl__buf_puts(o, del ? "<del>" : "<ins>");
        if (!st)
          st = esc_xml(o, d + 2, (size_t)(end - d - 2));
        if (!st)
          st = tl__buf_puts(o, del ? "</del>" : "</ins>");
        d = end + 2;
        continue;
      }
    }
    const char *nx = d + 1;
    while (*nx && strncmp(nx, "[-", 2) != 0 && strncmp(nx, "{+", 2) != 0)
      nx++;
    st = esc_xml(o, d, (size_t)(nx - d));
    d = nx;
  }
  return st;
}

typedef struct summary {
  size_t links, matched, missing, extra, changed, low;
} summary;

static summary summarize(const tl_alignment *r) {
  summary s = {0};
  for (size_t k = 0; k < r->n; k++) {
    const tl_align_link *l = &r->links[k];
    s.links++;
    switch (l->kind) {
    case TL_LINK_MATCH: s.matched++; break;
    case TL_LINK_MISSING: s.missing += l->a_count; break;
    case TL_LINK_EXTRA: s.extra += l->b_count; break;
    case TL_LINK_CHANGED: s.changed++; break;
    }
    if (l->a_count && l->b_count && l->confidence < TL_ALIGN_LOW_CONFIDENCE)
      s.low++;
  }
  return s;
}

static tl_status write_tsv(const tl_alignment *r, unsigned flags, tl_buf *o) {
  tl_status st = TL_OK;
  for (size_t k = 0; k < r->n && !st; k++) {
    const tl_align_link *l = &r->links[k];
    if ((flags & TL_ALIGN_ONLY_PROBLEMS) && !tl_align_link_is_problem(l))
      continue;
    st = put_ids(o, l->a_first, l->a_count, ",");
    if (!st)
      st = tl__buf_putc(o, '\t');
    if (!st)
      st = put_ids(o, l->b_first, l->b_count, ",");
    if (!st)
      st = tl__buf_printf(o, "\t%.2f\t", l->confidence);
    if (!st)
      st = put_text(o, r, 0, l->a_first, l->a_count, esc_none);
    if (!st)
      st = tl__buf_putc(o, '\t');
    if (!st)
      st = put_text(o, r, 1, l->b_first, l->b_count, esc_none);
    if (!st)
      st = tl__buf_putc(o, '\n');
  }
  return st;
}

static tl_status write_json(const tl_alignment *r, unsigned flags, tl_buf *o) {
  summary s = summarize(r);
  tl_status st = tl__buf_printf(
      o,
      "{\"langs\":[\"%s\",\"%s\"],\"sentences\":[%zu,%zu],\"paragraphs\":[%zu,%zu],"
      "\"summary\":{\"links\":%zu,\"matched\":%zu,\"missing\":%zu,\"extra\":%zu,"
      "\"changed\":%zu,\"low_confidence\":%zu},\n\"links\":[",
      tl_lang_code(r->lang[0]), tl_lang_code(r->lang[1]), r->doc[0].n, r->doc[1].n,
      r->doc[0].npara, r->doc[1].npara, s.links, s.matched, s.missing, s.extra,
      s.changed, s.low);
  int first = 1;
  for (size_t k = 0; k < r->n && !st; k++) {
    const tl_align_link *l = &r->links[k];
    if ((flags & TL_ALIGN_ONLY_PROBLEMS) && !tl_align_link_is_problem(l))
      continue;
    st = tl__buf_puts(o, first ? "\n{\"a\":[" : ",\n{\"a\":[");
    first = 0;
    if (!st)
      st = put_ids(o, l->a_first, l->a_count, ",");
    if (!st)
      st = tl__buf_puts(o, "],\"b\":[");
    if (!st)
      st = put_ids(o, l->b_first, l->b_count, ",");
    if (!st)
      st = tl__buf_printf(o, "],\"confidence\":%.3f,\"kind\":\"%s\",\"a_text\":\"",
                          l->confidence, kind_name(l->kind));
    if (!st)
      st = put_text(o, r, 0, l->a_first, l->a_count, esc_json);
    if (!st)
      st = tl__buf_puts(o, "\",\"b_text\":\"");
    if (!st)
      st = put_text(o, r, 1, l->b_first, l->b_count, esc_json);
    if (!st)
      st = tl__buf_putc(o, '"');
    if (!st && r->diff && r->diff[k]) {
      st = tl__buf_puts(o, ",\"diff\":\"");
      if (!st)
        st = esc_json(o, r->diff[k], strlen(r->diff[k]));
      if (!st)
        st = tl__buf_putc(o, '"');
    }
    if (!st)
      st = tl__buf_putc(o, '}');
  }
  if (!st)
    st = tl__buf_puts(o, "\n]}\n");
  return st;
}

/* BCP 47 code for xml:lang; "und" (undetermined) for an unknown language. */
static const char *bcp47(tl_lang l) {
  return l == TL_LANG_UNKNOWN || l == TL_LANG_MIXED ? "und" : tl_lang_code(l);
}

static tl_status write_tmx(const tl_alignment *r, unsigned flags, tl_buf *o) {
  tl_status st = tl__buf_printf(
      o,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<tmx version=\"1.4\">\n"
      "  <header creationtool=\"translit\" creationtoolversion=\"%s\"\n"
      "          segtype=\"sentence\" o-tmf=\"translit\" adminlang=\"en\"\n"
      "          srclang=\"%s\" datatype=\"plaintext\"/>\n"
      "  <body>\n",
      TL_VERSION_STRING, bcp47(r->lang[0]));
  size_t tuid = 0;
  for (size_t k = 0; k < r->n && !st; k++) {
    const tl_align_link *l = &r->links[k];
    /* A translation memory takes only the pairs it can trust. */
    if (!l->a_count || !l->b_count || l->confidence < TL_ALIGN_LOW_CONFIDENCE)
      continue;
    if ((flags & TL_ALIGN_ONLY_PROBLEMS) && !tl_align_link_is_problem(l))
      continue;
    st = tl__buf_printf(o,
                        "    <tu tuid=\"%zu\">\n"
                        "      <prop type=\"x-confidence\">%.2f</prop>\n"
                        "      <prop type=\"x-sentences\">%zu-%zu</prop>\n"
                        "      <tuv xml:lang=\"%s\"><seg>",
                        ++tuid, l->confidence, l->a_count, l->b_count,
                        bcp47(r->lang[0]));
    if (!st)
      st = put_text(o, r, 0, l->a_first, l->a_count, esc_xml);
    if (!st)
      st = tl__buf_printf(o, "</seg></tuv>\n      <tuv xml:lang=\"%s\"><seg>",
                          bcp47(r->lang[1]));
    if (!st)
      st = put_text(o, r, 1, l->b_first, l->b_count, esc_xml);
    if (!st)
      st = tl__buf_puts(o, "</seg></tuv>\n    </tu>\n");
  }
  if (!st)
    st = tl__buf_puts(o, "  </body>\n</tmx>\n");
  return st;
}

static const char html_style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.3em}"
    ".summary{padding:.6em 1em;background:#f4f4f4;border-radius:6px;margin-bottom:1em}"
    ".summary span{margin-right:1.2em}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.35em .5em;vertical-align:top}"
    "th{text-align:left;background:#fafafa}"
    "td.ids,td.conf{white-space:nowrap;color:#666;font-size:.85em;width:4em}"
    "td.text{width:45%}"
    "tr.missing td.a{background:#ffe3e3}tr.missing td.b{background:#fff5f5}"
    "tr.extra td.b{background:#e3f0ff}tr.extra td.a{background:#f5f9ff}"
    "tr.low td.conf{background:#fff3c4;font-weight:bold}"
    "tr.changed td{background:#fffbe6}"
    "del{background:#ffc9c9;text-decoration:line-through}"
    "ins{background:#c9f5c9;text-decoration:none}"
    ".tag{font-size:.75em;padding:0 .4em;border-radius:3px;background:#eee;margin-left:.4em}";

static tl_status write_html(const tl_alignment *r, unsigned flags, tl_buf *o) {
  summary s = summarize(r);
  const char *la = tl_lang_code(r->lang[0]), *lb = tl_lang_code(r->lang[1]);
  tl_status st = tl__buf_printf(
      o,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Alignment %s / %s</title>\n<style>%s</style>\n</head>\n<body>\n"
      "<h1>Alignment: %s (A, %zu sentences) / %s (B, %zu sentences)</h1>\n"
      "<div class=\"summary\" id=\"summary\"><span>%zu links</span>"
      "<span>%zu matched</span><span class=\"n-missing\">%zu missing from B</span>"
      "<span class=\"n-extra\">%zu extra in B</span>"
      "<span class=\"n-changed\">%zu changed</span>"
      "<span class=\"n-low\">%zu low confidence</span></div>\n"
      "<table>\n<tr><th>A</th><th>%s</th><th>B</th><th>%s</th><th>confidence</th></tr>\n",
      la, lb, html_style, la, r->doc[0].n, lb, r->doc[1].n, s.links, s.matched,
      s.missing, s.extra, s.changed, s.low, la, lb);
  for (size_t k = 0; k < r->n && !st; k++) {
    const tl_align_link *l = &r->links[k];
    if ((flags & TL_ALIGN_ONLY_PROBLEMS) && !tl_align_link_is_problem(l))
      continue;
    int low = l->a_count && l->b_count && l->confidence < TL_ALIGN_LOW_CONFIDENCE;
    st = tl__buf_printf(o, "<tr class=\"%s%s\" data-kind=\"%s\"><td class=\"ids\">",
                        kind_name(l->kind), low ? " low" : "", kind_name(l->kind));
    if (!st)
      st = put_ids(o, l->a_first, l->a_count, ", ");
    if (!st)
      st = tl__buf_puts(o, "</td><td class=\"text a\">");
    if (!st)
      st = put_text(o, r, 0, l->a_first, l->a_count, esc_xml);
    if (!st && l->kind == TL_LINK_MISSING)
      st = tl__buf_puts(o, "<span class=\"tag\">missing from B</span>");
    if (!st)
      st = tl__buf_puts(o, "</td><td class=\"ids\">");
    if (!st)
      st = put_ids(o, l->b_first, l->b_count, ", ");
    if (!st)
      st = tl__buf_puts(o, "</td><td class=\"text b\">");
    if (!st && r->diff && r->diff[k])
      st = diff_html(o, r->diff[k]);
    else if (!st)
      st = put_text(o, r, 1, l->b_first, l->b_count, esc_xml);
    if (!st && l->kind == TL_LINK_EXTRA)
      st = tl__buf_puts(o, "<span class=\"tag\">extra in B</span>");
    if (!st)
      st = tl__buf_printf(o, "</td><td class=\"conf\">%.2f</td></tr>\n", l->confidence);
  }
  if (!st)
    st = tl__buf_puts(o, "</table>\n</body>\n</html>\n");
  return st;
}

tl_status tl_alignment_write(tl_ctx *ctx, const tl_alignment *r,
                             tl_align_format format, unsigned flags,
                             tl_buf *out) {
  if (!r || !out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_alignment_write: NULL argument");
  tl_status st;
  switch (format) {
  case TL_ALIGN_TSV: st = write_tsv(r, flags, out); break;
  case TL_ALIGN_JSON: st = write_json(r, flags, out); break;
  case TL_ALIGN_TMX: st = write_tmx(r, flags, out); break;
  case TL_ALIGN_HTML: st = write_html(r, flags, out); break;
  default:
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown alignment format %d",
                    (int)format);
  }
  if (st)
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  tl__ok(ctx);
  return TL_OK;
}

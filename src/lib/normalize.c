/* normalize.c: cleaning newsroom text: Unicode NFC/NFKC (ICU), the six
 * spellings of the Uzbek apostrophe, Latin/Cyrillic look-alike letters,
 * invisible and control characters, spaces, line ends and (on request)
 * typographic quotes, dashes and ellipses, each change reported with its
 * position. Work is done a line at a time; a line that the quick check finds
 * clean is copied as it is, so clean text costs one scan. The same line
 * loop serves a whole buffer (tl_normalize) and a stream of chunks
 * (tl_normalize_stream_*), which keeps only the line being read. */
#include "normalize.h"
#include "buf.h"
#include "detect.h"
#include "embedded.h"
#include "encoding.h"
#include "error.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#define OKINA 0x02BB /* modifier letter turned comma: oʻ gʻ */
#define TUTUQ 0x02BC /* modifier letter apostrophe: maʼno */
/* How far around a short line normalize looks to tell its language. */
#define CONTEXT_BYTES 300
/* Longest piece of a line worked at once (see tl_normalize). */
#define MAX_PIECE (64u * 1024u)
/* Output of the current paragraph that a stream keeps between writes, for
 * the paragraph context: more than CONTEXT_BYTES plus a character. */
#define TAIL_KEEP 1024u

void tl_normalize_options_init(tl_normalize_options *opts) {
  if (!opts)
    return;
  memset(opts, 0, sizeof *opts);
  opts->apostrophe = TL_APOS_MODERN;
  opts->quotes = TL_LANG_UNKNOWN;
}

/* ------------------------------------------------------ character classes */

/* The six spellings of oʻ/gʻ/ʼ (' ‘ ’ ` ʻ ʼ), and three that some sites
 * use for them (´ ′ ʽ: O´zbekiston); the converter reads the same set
 * (tl__is_apostrophe). */
static int is_apostrophe(uint32_t c) {
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == '`' || c == TUTUQ ||
         c == OKINA || c == 0x00B4 || c == 0x2032 || c == 0x02BD;
}
int tl__norm_is_apostrophe(uint32_t c) { return is_apostrophe(c); }
static int is_latin_letter(uint32_t c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
         (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}
static int is_cyrillic_letter(uint32_t c) {
  return c >= 0x400 && c <= 0x52F && !(c >= 0x482 && c <= 0x489);
}
static int is_letter(uint32_t c) {
  if (c < 0x80)
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha((UChar32)c) != 0;
}
/* Removed unless TL_NORM_KEEP_INVISIBLE: they change nothing on screen but
 * break search, spell-checking and word counts. ZWJ/ZWNJ are judged apart
 * (emoji and some scripts need them). */
static int is_invisible(uint32_t c) {
  return c == 0xAD || c == 0x180E || c == 0x200B || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || c == 0x061C;
}
static int is_control(uint32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c < 0xA0);
}
/* Spaces other than U+0020 that --spaces turns into U+0020. */
static int is_other_space(uint32_t c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}
static int is_double_quote(uint32_t c) {
  return c == '"' || c == 0xAB || c == 0xBB || (c >= 0x201C && c <= 0x201F);
}

int tl__norm_stable(uint32_t cp, int nfkc) {
  /* Ranges checked once against ICU (tests/unit/test_normalize.c): the
   * letters of our four languages never reach ICU. */
  if (cp < (nfkc ? 0xA0u : 0x300u))
    return 1;
  if ((cp >= 0x400 && cp <= 0x482) || (cp >= 0x48A && cp <= 0x52F))
    return 1;
  if (!nfkc && cp >= 0x2002 && cp <= 0x206F)
    return 1;
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *n2 = nfkc ? unorm2_getNFKCInstance(&e) : unorm2_getNFCInstance(&e);
  if (U_FAILURE(e))
    return 0;
  if (!unorm2_hasBoundaryBefore(n2, (UChar32)cp))
    return 0;
  UChar u[2];
  int32_t n = 0;
  if (cp < 0x10000) {
    u[n++] = (UChar)cp;
  } else {
    u[n++] = (UChar)(0xD7C0 + (cp >> 10));
    u[n++] = (UChar)(0xDC00 | (cp & 0x3FF));
  }
  return unorm2_quickCheck(n2, u, n, &e) == UNORM_YES && U_SUCCESS(e);
}

/* -------------------------------------------------------------- look-alikes */

/* Latin and Cyrillic letters drawn the same in common fonts. */
static const struct { uint16_t lat, cyr; } lookalikes[] = {
    {'a', 0x430}, {'c', 0x441}, {'e', 0x435}, {'o', 0x43E}, {'p', 0x440},
    {'x', 0x445}, {'y', 0x443}, {'i', 0x456}, {'j', 0x458}, {'s', 0x455},
    {'k', 0x43A}, {0xEB, 0x451}, {'A', 0x410}, {'B', 0x412}, {'C', 0x421},
    {'E', 0x415}, {'H', 0x41D}, {'K', 0x41A}, {'M', 0x41C}, {'O', 0x41E},
    {'P', 0x420}, {'T', 0x422}, {'X', 0x425}, {'Y', 0x423}, {'I', 0x406},
    {'J', 0x408}, {'S', 0x405}, {0xCB, 0x401},
};
#define N_LOOKALIKES (sizeof lookalikes / sizeof lookalikes[0])

/* The twin of c in the other script, or 0. */
static uint32_t twin(uint32_t c) {
  for (size_t i = 0; i < N_LOOKALIKES; i++) {
    if (lookalikes[i].lat == c)
      return lookalikes[i].cyr;
    if (lookalikes[i].cyr == c)
      return lookalikes[i].lat;
  }
  return 0;
}

/* ----------------------------------------------------------------- state */

typedef struct unit {
  uint32_t cp;
  size_t off; /* byte offset in the input of the character it came from */
} unit;

typedef struct units {
  unit *v;
  size_t n, cap;
} units;

typedef struct norm {
  tl_ctx *ctx;
  unsigned flags;
  tl_apostrophe style;
  tl_lang quotes;
  const char *text; /* the input at hand: a whole text, or a stream's window */
  size_t len;
  size_t base;       /* offset of text[0] in the whole input (for reports) */
  tl_buf *out;
  tl_change_fn report;
  void *user;
  const UNormalizer2 *n2;
  units a, b;         /* the line, and scratch for passes that resize it */
  UChar *u16;         /* scratch for ICU */
  size_t u16cap;
  tl_buf before, after; /* scratch for reports */
  tl_buf scratch;       /* the line as text, for the language check */
  size_t line;                   /* current input line (1-based) */
  size_t pos;                    /* next byte of text to work */
  size_t scan;                   /* text[pos..scan) holds no line end */
  int line_open;                 /* the line at pos has been started */
  int line_blank;                /* its pieces so far are blank */
  size_t piece_start, piece_col; /* the piece of a long line being worked */
  size_t col_off, col;           /* last column computed, for reports */
  int line_lang_known;
  tl_lang line_lang;
  size_t line_letters;
  /* The output of the current paragraph is tail ++ out[para_out..): tail
   * holds the last TAIL_KEEP bytes at least (of tail_total) of what earlier
   * writes of a stream gave out; empty for a whole text. */
  size_t para_out;
  tl_buf tail;
  size_t tail_total;
  int para_known;
  tl_lang para_lang;
  tl__norm_map *map; /* where the output came from, or NULL */
  tl_status st;
} norm;

/* Notes that the next output byte comes from input byte in: an anchor only
 * where the distance between the two changes, so clean text costs none. */
static void map_at(norm *nm, size_t in) {
  tl__norm_map *m = nm->map;
  size_t o = nm->out->len;
  if (!m || (m->n && in - m->v[2 * m->n - 1] == o - m->v[2 * m->n - 2]))
    return;
  if (m->n && m->v[2 * m->n - 2] == o) { /* nothing written since: replace */
    m->v[2 * m->n - 1] = in;
    return;
  }
  if (m->n == m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 256;
    size_t *v = realloc(m->v, 2 * cap * sizeof *v);
    if (!v) {
      nm->st = TL_ENOMEM;
      return;
    }
    m->v = v;
    m->cap = cap;
  }
  m->v[2 * m->n] = o;
  m->v[2 * m->n + 1] = in;
  m->n++;
}

size_t tl__norm_map_in(const tl__norm_map *m, size_t o) {
  size_t lo = 0, hi = m->n; /* the last anchor with out <= o */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->v[2 * mid] <= o)
      lo = mid;
    else
      hi = mid;
  }
  return m->n ? m->v[2 * lo + 1] + (o - m->v[2 * lo]) : o;
}

void tl__norm_map_free(tl__norm_map *m) {
  if (!m)
    return;
  free(m->v);
  m->v = NULL;
  m->n = m->cap = 0;
}

static int push(norm *nm, units *u, uint32_t cp, size_t off) {
  if (u->n == u->cap) {
    size_t cap = u->cap ? u->cap * 2 : 256;
    unit *v = realloc(u->v, cap * sizeof *v);
    if (!v) {
      nm->st = TL_ENOMEM;
      return 0;
    }
    u->v = v;
    u->cap = cap;
  }
  u->v[u->n++] = (unit){cp, off};
  return 1;
}

static void swap_units(norm *nm) {
  units t = nm->a;
  nm->a = nm->b;
  nm->b = t;
  nm->b.n = 0;
}

/* Reports one change: before/after are code point arrays. */
static void change(norm *nm, const char *kind, size_t off, const uint32_t *before,
                   size_t nb, const uint32_t *after, size_t na) {
  if (!nm->report || nm->st)
    return;
  tl_buf_clear(&nm->before);
  tl_buf_clear(&nm->after);
  for (size_t i = 0; i < nb; i++)
    if (tl__buf_put_cp(&nm->before, before[i]))
      nm->st = TL_ENOMEM;
  for (size_t i = 0; i < na; i++)
    if (tl__buf_put_cp(&nm->after, after[i]))
      nm->st = TL_ENOMEM;
  if (nm->st || tl__buf_reserve(&nm->before, 0) || tl__buf_reserve(&nm->after, 0)) {
    nm->st = TL_ENOMEM;
    return;
  }
  nm->before.data[nm->before.len] = '\0'; /* a fresh buffer holds no NUL yet */
  nm->after.data[nm->after.len] = '\0';
  /* Columns are counted from the last one computed (changes come in order
   * within a pass) or from the piece start: linear even on huge lines. */
  size_t from = nm->piece_start, col = nm->piece_col;
  if (nm->col_off >= nm->piece_start && nm->col_off <= off)
    from = nm->col_off, col = nm->col;
  for (size_t i = from; i < off && i < nm->len; i++)
    col += ((unsigned char)nm->text[i] & 0xC0) != 0x80;
  nm->col_off = off;
  nm->col = col;
  tl_change c = {kind, nm->base + off, nm->line, col, nm->before.data, nm->after.data};
  nm->report(nm->user, &c);
}

static void change1(norm *nm, const char *kind, size_t off, uint32_t before,
                    uint32_t after) {
  change(nm, kind, off, &before, 1, &after, after ? 1 : 0);
}

/* ------------------------------------------------------------- contexts */

static int blank(const norm *nm, const char *s, size_t n);

/* Appends the words of the current line to the scratch buffer, at most
 * max_letters letters: letters as they are, every apostrophe as ', anything
 * else as one space. What the detector reads of a line is then the same
 * whatever the rules have already changed in it (oʻ or o', “ or ", — or
 * --), so that a second run decides as the first. */
static void append_words(norm *nm, size_t max_letters) {
  size_t letters = 0;
  int gap = 0;
  for (size_t k = 0; k < nm->a.n && letters < max_letters; k++) {
    uint32_t c = nm->a.v[k].cp;
    if (is_apostrophe(c)) {
      c = '\'';
    } else if (is_letter(c)) {
      letters++;
    } else {
      gap = 1;
      continue;
    }
    if (gap && tl__buf_putc(&nm->scratch, ' '))
      nm->st = TL_ENOMEM;
    gap = 0;
    if (tl__buf_put_cp(&nm->scratch, c))
      nm->st = TL_ENOMEM;
  }
}

/* Appends to the scratch buffer the last CONTEXT_BYTES bytes (from a
 * character start) of the current paragraph's output: tail ++ out[para_out..),
 * read as one text, so that a stream sees what a whole buffer would. */
static void para_so_far(norm *nm) {
  const tl_buf *o = nm->out;
  size_t here = o->len - nm->para_out, total = nm->tail_total + here;
  size_t tail0 = nm->tail_total - nm->tail.len; /* offset of tail.data[0] */
  size_t from = 0;
  if (total > CONTEXT_BYTES) {
    from = total - CONTEXT_BYTES;
    for (; from < total; from++) {
      unsigned char b = from < nm->tail_total
                            ? (unsigned char)nm->tail.data[from - tail0]
                            : (unsigned char)o->data[nm->para_out + from - nm->tail_total];
      if ((b & 0xC0) != 0x80)
        break;
    }
  }
  if (from < nm->tail_total &&
      tl__buf_append(&nm->scratch, nm->tail.data + (from - tail0), nm->tail_total - from))
    nm->st = TL_ENOMEM;
  size_t h = from > nm->tail_total ? from - nm->tail_total : 0;
  if (h < here && tl__buf_append(&nm->scratch, o->data + nm->para_out + h, here - h))
    nm->st = TL_ENOMEM;
}

/* The language of the current line, or of its paragraph when the line is
 * too short to tell: what decides whether o'/ta'lim are Uzbek. */
static tl_lang latin_context(norm *nm) {
  if (!nm->line_lang_known) {
    /* The line as cleaned so far (so that a second run judges the same
     * text), its first CONTEXT_BYTES bytes at most: plenty of words, and a
     * bounded cost per line. */
    double conf;
    tl_buf_clear(&nm->scratch);
    append_words(nm, CONTEXT_BYTES);
    tl__detect_span(nm->scratch.data ? nm->scratch.data : "", nm->scratch.len,
                    &nm->line_lang, &conf, &nm->line_letters);
    nm->line_lang_known = 1;
  }
  int line_latin = nm->line_lang == TL_LANG_UZ_LATN || nm->line_lang == TL_LANG_EN;
  if (line_latin && nm->line_letters >= 15)
    return nm->line_lang;
  if (!nm->para_known) {
    /* The paragraph so far as already written (normalized), at most
     * CONTEXT_BYTES of it, and this line as cleaned so far. Only what is
     * already final is read, so a second run judges the same text and
     * normalize is idempotent. */
    double conf;
    size_t letters;
    tl_buf_clear(&nm->scratch);
    para_so_far(nm);
    append_words(nm, SIZE_MAX);
    tl__detect_span(nm->scratch.data ? nm->scratch.data : "", nm->scratch.len,
                    &nm->para_lang, &conf, &letters);
    nm->para_known = 1;
  }
  if (nm->para_lang == TL_LANG_UZ_LATN || nm->para_lang == TL_LANG_EN)
    return nm->para_lang;
  return line_latin ? nm->line_lang : TL_LANG_UNKNOWN;
}

/* Uzbek evidence of one word alone (> 0: Uzbek rather than English). */
static double word_score(const unit *u, size_t n) {
  char buf[4 * 40 + 4];
  size_t k = 0;
  if (n > 36)
    return 0;
  buf[k++] = '=';
  for (size_t i = 0; i < n; i++) {
    uint32_t c = is_apostrophe(u[i].cp) ? '\'' : (uint32_t)u_tolower((UChar32)u[i].cp);
    k += tl__utf8_encode(c, buf + k);
  }
  double s = tl__detect_feature(buf, k);
  if (s != 0)
    return s;
  /* Unknown word: its trigrams. */
  buf[0] = '_';
  buf[k++] = '_';
  size_t starts[44], m = 0;
  for (size_t i = 0; i < k; i++)
    if (((unsigned char)buf[i] & 0xC0) != 0x80)
      starts[m++] = i;
  starts[m] = k;
  for (size_t i = 0; i + 3 <= m; i++)
    s += tl__detect_feature(buf + starts[i], starts[i + 3] - starts[i]);
  return s;
}

/* 1 if word (lower-cased, apostrophes as ') is in the list of English words
 * with an apostrophe (sorted lines, searched in place). */
static int english_apostrophe_word(const unit *u, size_t n) {
  char key[64];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = u[i].cp;
    if (is_apostrophe(c))
      c = '\'';
    else if (c < 0x80)
      c = (uint32_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    else
      return 0;
    if (k + 1 >= sizeof key)
      return 0;
    key[k++] = (char)c;
  }
  const tl__blob *b = tl__embedded_find("normalize/en-apostrophe-words.txt");
  if (!b)
    return 0;
  const char *s = (const char *)b->data;
  size_t lo = 0, hi = b->len;
  while (lo < hi && s[lo] == '#') {
    const char *nl = memchr(s + lo, '\n', hi - lo);
    lo = nl ? (size_t)(nl - s) + 1 : hi;
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    while (mid > lo && s[mid - 1] != '\n')
      mid--;
    const char *nl = memchr(s + mid, '\n', b->len - mid);
    size_t wl = nl ? (size_t)(nl - s) - mid : b->len - mid;
    size_t m = wl < k ? wl : k;
    int c = memcmp(key, s + mid, m);
    if (c == 0)
      c = k < wl ? -1 : k > wl ? 1 : 0;
    if (c == 0)
      return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + wl + 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- passes */

/* NFC or NFKC of the segments that need it, through ICU. A segment runs
 * from a character with a normalization boundary before it to the next. */
static void pass_unicode(norm *nm) {
  int nfkc = (nm->flags & TL_NORM_NFKC) != 0;
  units *a = &nm->a;
  size_t i = 0;
  int any = 0;
  for (size_t k = 0; k < a->n && !any; k++)
    any = !tl__norm_stable(a->v[k].cp, nfkc);
  if (!any)
    return;
  nm->b.n = 0;
  while (i < a->n && !nm->st) {
    if (tl__norm_stable(a->v[i].cp, nfkc)) {
      /* Copy up to the next unstable character, but keep its starter. */
      size_t j = i;
      while (j < a->n && tl__norm_stable(a->v[j].cp, nfkc))
        j++;
      size_t s = j;
      if (j < a->n)
        while (s > i && !unorm2_hasBoundaryBefore(nm->n2, (UChar32)a->v[s].cp))
          s--;
      for (size_t k = i; k < s; k++)
        push(nm, &nm->b, a->v[k].cp, a->v[k].off);
      i = s;
      if (i >= a->n)
        break;
    }
    /* Segment [i, e): to the next stable character with a boundary. */
    size_t e = i + 1;
    while (e < a->n && !(unorm2_hasBoundaryBefore(nm->n2, (UChar32)a->v[e].cp) &&
                         tl__norm_stable(a->v[e].cp, nfkc)))
      e++;
    size_t need = 2 * (e - i) * 2 + 32;
    if (need * 5 > nm->u16cap) {
      UChar *p = realloc(nm->u16, need * 5 * sizeof *p);
      if (!p) {
        nm->st = TL_ENOMEM;
        return;
      }
      nm->u16 = p;
      nm->u16cap = need * 5;
    }
    int32_t n16 = 0;
    for (size_t k = i; k < e; k++) {
      uint32_t c = a->v[k].cp;
      if (c < 0x10000) {
        nm->u16[n16++] = (UChar)c;
      } else {
        nm->u16[n16++] = (UChar)(0xD7C0 + (c >> 10));
        nm->u16[n16++] = (UChar)(0xDC00 | (c & 0x3FF));
      }
    }
    UErrorCode err = U_ZERO_ERROR;
    UChar *dst = nm->u16 + n16;
    int32_t room = (int32_t)(nm->u16cap - (size_t)n16);
    int32_t m = unorm2_normalize(nm->n2, nm->u16, n16, dst, room, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) {
      /* NFKC can expand a lot (U+FDFA is 18 characters): grow and redo. */
      size_t cap = (size_t)n16 + (size_t)m + 16;
      UChar *p = realloc(nm->u16, cap * sizeof *p);
      if (!p) {
        nm->st = TL_ENOMEM;
        return;
      }
      nm->u16 = p;
      nm->u16cap = cap;
      dst = nm->u16 + n16;
      err = U_ZERO_ERROR;
      m = unorm2_normalize(nm->n2, nm->u16, n16, dst, m + 16, &err);
    }
    if (U_FAILURE(err)) {
      nm->st = TL_EINTERNAL;
      return;
    }
    /* Back to code points, compared with the input segment. */
    uint32_t outv[64];
    size_t no = 0, base = nm->b.n;
    for (int32_t k = 0; k < m; k++) {
      uint32_t c = dst[k];
      if (c >= 0xD800 && c <= 0xDBFF && k + 1 < m)
        c = 0x10000 + ((c - 0xD800) << 10) + (dst[++k] - 0xDC00);
      push(nm, &nm->b, c, a->v[i].off);
      if (no < 64)
        outv[no++] = c;
    }
    int same = nm->b.n - base == e - i;
    for (size_t k = 0; same && k < e - i; k++)
      same = nm->b.v[base + k].cp == a->v[i + k].cp;
    if (!same && e - i <= 64) {
      uint32_t inv[64];
      for (size_t k = i; k < e; k++)
        inv[k - i] = a->v[k].cp;
      change(nm, nfkc ? "nfkc" : "nfc", a->v[i].off, inv, e - i, outv, no);
    }
    i = e;
  }
  swap_units(nm);
}

/* Other spaces to U+0020 (--spaces), then runs of spaces inside a line
 * folded to one (indentation and trailing spaces are left: Markdown needs
 * them). */
static void pass_spaces(norm *nm) {
  units *a = &nm->a;
  if (nm->flags & TL_NORM_SPACES)
    for (size_t i = 0; i < a->n; i++)
      if (is_other_space(a->v[i].cp)) {
        change1(nm, "space", a->v[i].off, a->v[i].cp, ' ');
        a->v[i].cp = ' ';
      }
  if (nm->flags & TL_NORM_KEEP_SPACES)
    return;
  size_t i = 0;
  while (i < a->n && (a->v[i].cp == ' ' || a->v[i].cp == '\t'))
    i++;
  int any = 0;
  for (size_t k = i; k + 1 < a->n && !any; k++)
    any = a->v[k].cp == ' ' && a->v[k + 1].cp == ' ';
  if (!any)
    return;
  nm->b.n = 0;
  for (size_t k = 0; k < i; k++)
    push(nm, &nm->b, a->v[k].cp, a->v[k].off);
  while (i < a->n) {
    if (a->v[i].cp == ' ') {
      size_t j = i;
      while (j < a->n && a->v[j].cp == ' ')
        j++;
      push(nm, &nm->b, ' ', a->v[i].off);
      if (j - i > 1 && j < a->n) {
        uint32_t sp[16], one = ' ';
        size_t ns = j - i < 16 ? j - i : 16;
        for (size_t k = 0; k < ns; k++)
          sp[k] = ' ';
        change(nm, "space", a->v[i].off, sp, ns, &one, 1);
      } else {
        for (size_t k = i + 1; k < j; k++) /* trailing: kept */
          push(nm, &nm->b, ' ', a->v[k].off);
      }
      i = j;
      continue;
    }
    push(nm, &nm->b, a->v[i].cp, a->v[i].off);
    i++;
  }
  swap_units(nm);
}

/* Converts letters [s, e) of a word to the script `to_cyr`, reporting the
 * whole word [ws, we) once. */
static int fix_word(norm *nm, size_t ws, size_t we, int to_cyr) {
  unit *v = nm->a.v;
  uint32_t before[64], after[64];
  size_t n = we - ws < 64 ? we - ws : 64;
  for (size_t k = 0; k < n; k++)
    before[k] = v[ws + k].cp;
  int changed = 0;
  for (size_t k = ws; k < we; k++) {
    uint32_t c = v[k].cp;
    if (to_cyr ? is_latin_letter(c) : is_cyrillic_letter(c)) {
      uint32_t t = twin(c);
      if (t) {
        v[k].cp = t;
        changed = 1;
      }
    }
  }
  for (size_t k = 0; k < n; k++)
    after[k] = v[ws + k].cp;
  if (changed)
    change(nm, "lookalike", v[ws].off, before, n, after, n);
  return changed;
}

static int script_of(uint32_t c) { /* 1 Latin, 2 Cyrillic, 0 neither */
  return is_latin_letter(c) ? 1 : is_cyrillic_letter(c) ? 2 : 0;
}
static int is_upper(uint32_t c) { return u_isupper((UChar32)c) != 0; }
static int is_lower(uint32_t c) { return u_islower((UChar32)c) != 0; }

/* 1 if the letters of script `minor` in [ws, we) form one run at an edge
 * of the word that reads as a name or abbreviation with an affix of the
 * other script: three letters or more (Pepsiни, Samsungга), or two capitals
 * before lower case (OKда). One or two stray twins (Cтудент, Ceнат) are
 * typing slips, not names. */
static int brand_with_affix(const units *a, size_t ws, size_t we, int minor) {
  size_t first = we, last = ws, count = 0;
  for (size_t k = ws; k < we; k++)
    if (script_of(a->v[k].cp) == minor) {
      if (first == we)
        first = k;
      last = k;
      count++;
    }
  if (!count || last - first + 1 != count)
    return 0; /* not one run */
  if (first != ws && last + 1 != we)
    return 0; /* inside the word */
  if (count >= 3)
    return 1;
  if (count == 2 && first == ws && is_upper(a->v[first].cp) && is_upper(a->v[last].cp) &&
      last + 1 < we && is_lower(a->v[last + 1].cp))
    return 1;
  return 0;
}

/* 1 if [ws, we) is two or more capitals I V X L C D M (Latin, or their
 * Cyrillic twins І Х С М). */
static int roman_numeral(const units *a, size_t ws, size_t we) {
  if (we - ws < 2)
    return 0;
  for (size_t k = ws; k < we; k++) {
    uint32_t c = a->v[k].cp;
    if (!strchr("IVXLCDM", (int)(c < 0x80 ? c : 1)) && c != 0x406 && c != 0x425 &&
        c != 0x421 && c != 0x41C)
      return 0;
  }
  return 1;
}

/* The script of the nearest word before (dir -1) or after (dir 1) [ws, we)
 * on the line: 1 Latin, 2 Cyrillic, 0 none. */
static int neighbour_script(const units *a, size_t ws, size_t we, int dir) {
  if (dir < 0) {
    for (size_t k = ws; k-- > 0;)
      if (script_of(a->v[k].cp))
        return script_of(a->v[k].cp);
  } else {
    for (size_t k = we; k < a->n; k++)
      if (script_of(a->v[k].cp))
        return script_of(a->v[k].cp);
  }
  return 0;
}

/* Look-alike letters, word by word:
 *  - a word with letters of both scripts: if only one script has letters
 *    without a twin ("anchors"), the others are its look-alikes and are
 *    converted (Тошкeнт); if both have anchors, only a run of twins enclosed
 *    by the other script is converted; a brand with a suffix (iPhoneлар)
 *    or an abbreviation with one (OKда) is left;
 *  - a word all of twins of one script between words of the other
 *    (Russian "a" typed in Latin): converted if it is one letter or all
 *    lower case; Roman numerals and capitalised names are left. */
/* One round over the line: words with both scripts (whole = 0) or words
 * all of one script (whole = 1). Returns 1 if anything changed. */
static int lookalike_round(norm *nm, int whole) {
  units *a = &nm->a;
  int changed = 0;
  size_t i = 0, line_lat = 0, line_cyr = 0;
  for (size_t k = 0; k < a->n; k++) {
    int s = script_of(a->v[k].cp);
    line_lat += s == 1;
    line_cyr += s == 2;
  }
  while (i < a->n) {
    /* Apostrophes end a word here: Pepsiʼни is a brand and a suffix. */
    if (!is_letter(a->v[i].cp) || is_apostrophe(a->v[i].cp)) {
      i++;
      continue;
    }
    size_t ws = i;
    while (i < a->n && !is_apostrophe(a->v[i].cp) &&
           (is_letter(a->v[i].cp) || u_getCombiningClass((UChar32)a->v[i].cp)))
      i++;
    size_t we = i;
    size_t lat = 0, cyr = 0, anch_lat = 0, anch_cyr = 0;
    for (size_t k = ws; k < we; k++) {
      uint32_t c = a->v[k].cp;
      int s = script_of(c);
      if (s == 1)
        lat++, anch_lat += !twin(c);
      else if (s == 2)
        cyr++, anch_cyr += !twin(c);
    }
    if (whole != !(lat && cyr))
      continue;
    if (lat && cyr && roman_numeral(a, ws, we)) {
      changed |= fix_word(nm, ws, we, 0); /* ХХI, ХIХ: Roman numerals are Latin */
      continue;
    }
    if (lat && cyr) {
      if ((anch_lat && !anch_cyr) || (anch_cyr && !anch_lat)) {
        int to_cyr = anch_cyr != 0;
        if (!brand_with_affix(a, ws, we, to_cyr ? 1 : 2))
          changed |= fix_word(nm, ws, we, to_cyr);
      } else if (!anch_lat && !anch_cyr) {
        int to_cyr = cyr > lat || (cyr == lat && neighbour_script(a, ws, we, -1) == 2);
        changed |= fix_word(nm, ws, we, to_cyr);
      } else {
        /* Both scripts anchored: convert only enclosed runs of twins. */
        size_t k = ws;
        while (k < we) {
          int s = script_of(a->v[k].cp);
          size_t r = k;
          while (r < we && (script_of(a->v[r].cp) == s || !script_of(a->v[r].cp)))
            r++;
          if (s && k > ws && r < we) {
            int all_twins = 1;
            for (size_t m = k; m < r && all_twins; m++)
              all_twins = !script_of(a->v[m].cp) || twin(a->v[m].cp);
            int other = script_of(a->v[k - 1].cp);
            if (all_twins && other && other != s && script_of(a->v[r].cp) == other)
              changed |= fix_word(nm, k, r, other == 2);
          }
          k = r;
        }
      }
      continue;
    }
    int s = lat ? 1 : cyr ? 2 : 0;
    if (!s || (s == 1 ? anch_lat : anch_cyr))
      continue;
    /* Only a word of the line's minority script, between words of the
     * majority (По данным Nielsen, у Fox News: у stays). */
    if ((s == 1 ? line_lat * 3 : line_cyr * 3) >= line_lat + line_cyr)
      continue;
    int before = neighbour_script(a, ws, we, -1), after = neighbour_script(a, ws, we, 1);
    int other = s == 1 ? 2 : 1;
    if (!(before == other || after == other) || (before && before != other) ||
        (after && after != other))
      continue;
    /* Lower case only: Coca, OK, CPU, группа B, витамин C are names,
     * abbreviations and labels. */
    int lower = 1;
    for (size_t k = ws; k < we && lower; k++)
      lower = !is_upper(a->v[k].cp);
    if (!lower)
      continue;
    changed |= fix_word(nm, ws, we, other == 2);
  }
  return changed;
}

/* Mixed words first, then whole words against the line's scripts as they
 * become; each repeated until nothing changes, so that the order of words
 * does not matter and a second run finds nothing to do. */
static int pass_lookalikes(norm *nm) {
  int changed = 0, r;
  for (r = 0; r < 16 && lookalike_round(nm, 0); r++)
    changed = 1;
  for (r = 0; r < 16 && lookalike_round(nm, 1); r++)
    changed = 1;
  return changed;
}

static uint32_t styled(norm *nm, int okina) {
  switch (nm->style) {
  case TL_APOS_ASCII: return '\'';
  case TL_APOS_TYPOGRAPHIC: return okina ? 0x2018 : 0x2019;
  case TL_APOS_MODERN: break;
  }
  return okina ? OKINA : TUTUQ;
}

static int is_og(uint32_t c) { return c == 'o' || c == 'O' || c == 'g' || c == 'G'; }

/* A letter that is not itself one of the apostrophes (ʻ ʼ are letters to
 * ICU): words are delimited the same way before and after a first run. */
static int is_word_letter(uint32_t c) { return !is_apostrophe(c) && is_letter(c); }

/* 1 if the apostrophe at k opens a quotation: at a word start, before a
 * letter, and not one of the modifier letters ʻ ʼ. */
static int opens_quote(const units *a, size_t k) {
  uint32_t c = a->v[k].cp;
  return is_apostrophe(c) && c != OKINA && c != TUTUQ &&
         (k == 0 || !is_word_letter(a->v[k - 1].cp)) && k + 1 < a->n &&
         is_word_letter(a->v[k + 1].cp);
}

/* Uzbek apostrophes: see the rules in the comment of each branch. */
static void pass_apostrophes(norm *nm) {
  units *a = &nm->a;
  /* What the loop learns of the line, kept so that a long line costs
   * linear time (a 64 KB "word" full of apostrophes, or thousands of bog'):
   * the pass changes apostrophes into apostrophes only, so which character
   * is a word letter or an apostrophe never changes, and the word around
   * one apostrophe is the word around the next one in it. */
  size_t run_from = 0, run_to = 0; /* a[run_from..run_to): letters/apostrophes */
  size_t lead_end = 0;  /* first non-apostrophe at or after run_from */
  size_t word_from = 0, word_end = 0; /* word end found from word_from */
  size_t q_scan = 0, q_first = SIZE_MAX; /* first quote opening before q_scan */
  for (size_t i = 1; i < a->n; i++) {
    uint32_t c = a->v[i].cp;
    if (!is_apostrophe(c))
      continue;
    uint32_t p = a->v[i - 1].cp;
    /* oʻʼ (нўъмон): an apostrophe after a converted oʻ is a tutuq. */
    int after_okina = is_apostrophe(p) && i >= 2 && is_og(a->v[i - 2].cp) &&
                      a->v[i - 1].cp == styled(nm, 1);
    if (!is_latin_letter(p) && !after_okina)
      continue;
    uint32_t q = i + 1 < a->n ? a->v[i + 1].cp : 0;
    int mid = is_word_letter(q) ||
              (is_apostrophe(q) && i + 2 < a->n && is_word_letter(a->v[i + 2].cp));
    int og = is_og(p);
    /* The word around the apostrophe. */
    size_t ws = i, we = i + 1;
    if (run_to > run_from && i >= run_to) { /* the same run still? */
      while (run_to < i &&
             (is_word_letter(a->v[run_to].cp) || is_apostrophe(a->v[run_to].cp)))
        run_to++;
      if (run_to < i)
        run_from = run_to = 0;
    }
    if (run_to > run_from && i >= run_to) {
      ws = run_from;
    } else {
      while (ws > 0 && (is_word_letter(a->v[ws - 1].cp) || is_apostrophe(a->v[ws - 1].cp)))
        ws--;
      run_from = ws;
      lead_end = ws;
      while (lead_end < a->n && is_apostrophe(a->v[lead_end].cp))
        lead_end++;
    }
    run_to = i;
    ws = lead_end < i ? lead_end : i; /* leading apostrophes are not the word */
    if (word_end > i && i >= word_from) {
      we = word_end;
    } else {
      while (we < a->n && (is_word_letter(a->v[we].cp) ||
                           (is_apostrophe(a->v[we].cp) && we + 1 < a->n &&
                            is_word_letter(a->v[we + 1].cp))))
        we++;
      word_from = i;
      word_end = we;
    }
    int target = 0; /* 1 okina, 2 tutuq */
    if (after_okina) {
      if (mid)
        target = 2;
    } else if (c == OKINA || c == TUTUQ) {
      /* Modifier letters are never quotation marks: only their kind is
       * fixed (ʼ after o/g is the oʻ sign, ʻ elsewhere the tutuq). */
      if (og && (mid || c == TUTUQ))
        target = 1;
      else if (mid)
        target = 2;
    } else if (english_apostrophe_word(a->v + ws, we - ws)) {
      target = 0; /* don't, o'clock, O'Brien */
    } else if (i == ws + 1 && (c == '\'' || c == 0x2019) && is_upper(p) && is_upper(q) &&
               i + 2 < we && is_lower(a->v[i + 2].cp)) {
      target = 0; /* O'Neill, D’Artagnan: a name (Uzbek writes O‘ with ‘) */
    } else if (mid) {
      /* English possessives and contractions ('s 't 're 've 'll 'd) are
       * left whatever the context after other letters: no Uzbek word ends
       * so with a tutuq. */
      char suf[4] = {0};
      size_t sl = 0;
      for (size_t k = i + 1; k < we && sl < 3; k++)
        suf[sl++] = (char)(a->v[k].cp < 0x80 ? (a->v[k].cp | 0x20) : '?');
      int en_suffix = we - (i + 1) <= 2 &&
                      (strcmp(suf, "s") == 0 || (strcmp(suf, "t") == 0 && (p | 0x20) == 'n') ||
                       strcmp(suf, "re") == 0 || strcmp(suf, "ve") == 0 ||
                       strcmp(suf, "ll") == 0 || strcmp(suf, "d") == 0);
      if (og) {
        /* o'/g' before a letter: the Uzbek letters oʻ gʻ. English has no
         * such words beyond its list (o'clock) and names (O'Neill), so
         * the language is asked only for a possessive-like ending (dog's,
         * Diego's against toʻs-toʻs): that keeps dirty Uzbek text fast. */
        int ask = (en_suffix || is_upper(q)) && c != 0x2018 && c != '`';
        if (!ask || latin_context(nm) != TL_LANG_EN) /* O'BRIEN in English */
          target = 1;
      } else if (en_suffix) {
        target = 0;
      } else {
        /* Between other letters: the tutuq (ta'lim, san'at) in Uzbek text. */
        tl_lang ctx = latin_context(nm);
        {
          if (ctx == TL_LANG_UZ_LATN)
            target = 2;
          else if (ctx == TL_LANG_UNKNOWN && word_score(a->v + ws, we - ws) > 0)
            target = 2;
        }
      }
    } else if (c != '`' && c != 0x2018) {
      /* Word-final (bog', tog'; Arabic loans jomi’, majmu’): the Uzbek
       * letter after o/g, else the tutuq, in Uzbek text, unless it closes a
       * quotation opened at a word start before. */
      tl_lang ctx = latin_context(nm);
      int uz = ctx == TL_LANG_UZ_LATN ||
               (ctx == TL_LANG_UNKNOWN && word_score(a->v + ws, we - ws) > 0);
      for (; q_scan < ws && q_first == SIZE_MAX; q_scan++)
        if (opens_quote(a, q_scan))
          q_first = q_scan;
      int quoted = q_first < ws;
      if (uz && !quoted)
        target = og ? 1 : 2;
    } else if (og) {
      /* o` g‘ at a word end: never a closing quote mark. */
      tl_lang ctx = latin_context(nm);
      if (ctx != TL_LANG_EN)
        target = 1;
    }
    if (target) {
      uint32_t t = styled(nm, target == 1);
      if (t != c) {
        change1(nm, "apostrophe", a->v[i].off, c, t);
        a->v[i].cp = t;
        /* An apostrophe made ʻ or ʼ opens no quotation any more, and one
         * made ' may now open one. */
        if (i < q_scan) {
          if (q_first == i && !opens_quote(a, i))
            q_scan = i + 1, q_first = SIZE_MAX;
          else if (i < q_first && opens_quote(a, i))
            q_first = i;
        }
      }
    }
  }
}

/* The language whose quotation marks are used. */
static tl_lang quote_lang(norm *nm) {
  if (nm->quotes != TL_LANG_UNKNOWN)
    return nm->quotes;
  tl_lang l = latin_context(nm);
  if (nm->line_letters >= 15 && nm->line_lang != TL_LANG_MIXED)
    return nm->line_lang;
  if (l != TL_LANG_UNKNOWN)
    return l;
  return nm->para_lang != TL_LANG_UNKNOWN ? nm->para_lang : nm->line_lang;
}

static void pass_dashes(norm *nm) {
  units *a = &nm->a;
  nm->b.n = 0;
  size_t i = 0;
  while (i < a->n && !nm->st) {
    uint32_t c = a->v[i].cp;
    uint32_t p = i ? a->v[i - 1].cp : 0, q = i + 1 < a->n ? a->v[i + 1].cp : 0;
    if ((nm->flags & TL_NORM_ELLIPSIS) && c == '.' && q == '.' && i + 2 < a->n &&
        a->v[i + 2].cp == '.' && p != '.' && (i + 3 >= a->n || a->v[i + 3].cp != '.')) {
      uint32_t dots[3] = {'.', '.', '.'}, e = 0x2026;
      change(nm, "ellipsis", a->v[i].off, dots, 3, &e, 1);
      push(nm, &nm->b, e, a->v[i].off);
      i += 3;
      continue;
    }
    if (nm->flags & TL_NORM_DASHES) {
      /* " - ", " – " and "--". A "- " at a line start is left: it is a
       * Markdown list item as often as a dialogue. */
      int spaced = (c == '-' || c == 0x2013) && i > 0 && p == ' ' && q == ' ';
      int dbl = c == '-' && q == '-' && p != '-' && (i + 2 >= a->n || a->v[i + 2].cp != '-');
      if (spaced || dbl) {
        uint32_t before[2] = {c, '-'}, d = 0x2014;
        change(nm, "dash", a->v[i].off, before, dbl ? 2 : 1, &d, 1);
        push(nm, &nm->b, d, a->v[i].off);
        i += dbl ? 2 : 1;
        continue;
      }
    }
    push(nm, &nm->b, c, a->v[i].off);
    i++;
  }
  swap_units(nm);
}


/* Dashes and ellipses first, then quotes: a quote after a dash opens, in
 * the first run as in a second one. */
static void pass_typography(norm *nm) {
  units *a = &nm->a;
  if (nm->flags & (TL_NORM_DASHES | TL_NORM_ELLIPSIS))
    pass_dashes(nm);
  if (nm->flags & TL_NORM_QUOTES) {
    for (size_t i = 0; i < a->n; i++) {
      uint32_t c = a->v[i].cp;
      if (!is_double_quote(c))
        continue;
      tl_lang l = quote_lang(nm);
      int guillemets = l == TL_LANG_RU || l == TL_LANG_UZ_CYRL;
      uint32_t p = i ? a->v[i - 1].cp : ' ';
      int open = p == ' ' || p == '\t' || p == '(' || p == '[' || p == '{' ||
                 p == 0xA0 || is_double_quote(p) || p == 0x2014 || p == 0x2013;
      if (is_double_quote(p) && i >= 1 && !(i >= 2 ? (a->v[i - 2].cp == ' ') : 1))
        open = 0;
      uint32_t t = guillemets ? (open ? 0xAB : 0xBB) : (open ? 0x201C : 0x201D);
      if (t != c) {
        change1(nm, "quote", a->v[i].off, c, t);
        a->v[i].cp = t;
      }
    }
  }
}

/* ---------------------------------------------------------------- lines */

/* Classes of ASCII bytes for the quick check. */
enum { A_CTRL = 1, A_SPACE = 2, A_APOS = 4, A_QUOTE = 8, A_DASH = 16, A_DOT = 32,
       A_LETTER = 64 };
static const unsigned char ascii_class[128] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, /* tab is plain */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    2, 0, 8, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 16, 32, 0, /* space " ' - . */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 0, 0, 0, 0, 0,
    4, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, /* ` */
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 0, 0, 0, 0, 1,
};

/* 1 if line s[0..n) may need work; 0 if it is certainly left as it is.
 * This is the whole cost of clean text, so ASCII and Cyrillic (two-byte
 * sequences D0..D3) are checked inline. */
static inline int lower_twin(uint32_t c) {
  switch (c) {
  case 'a': case 'c': case 'e': case 'o': case 'p': case 'x': case 'y': case 'i':
  case 'j': case 's': case 'k': case 0xEB:
  case 0x430: case 0x441: case 0x435: case 0x43E: case 0x440: case 0x445:
  case 0x443: case 0x456: case 0x458: case 0x455: case 0x43A: case 0x451:
    return 1;
  default:
    return 0;
  }
}

/* What the quick check learns of the words of a line for the look-alike
 * rules: a word with letters of both scripts, or a lower-case word all of
 * twins (Russian "a" typed in Latin), are the only ones that may change. */
typedef struct word_scan {
  int lat, cyr, twins;   /* current word: has Latin, Cyrillic; all lower twins */
  int mixed;             /* some word had both scripts */
  int twin_lat, twin_cyr; /* some word was all lower-case twins, per script */
  size_t n_lat, n_cyr;   /* letters of the line per script */
} word_scan;

static inline void word_letter(word_scan *w, uint32_t c, int script) {
  if (script == 1)
    w->lat = 1, w->n_lat++;
  else
    w->cyr = 1, w->n_cyr++;
  if (w->twins && !lower_twin(c))
    w->twins = 0;
}
static inline void word_end(word_scan *w) {
  if (w->lat && w->cyr)
    w->mixed = 1;
  else if (w->twins && w->lat)
    w->twin_lat = 1;
  else if (w->twins && w->cyr)
    w->twin_cyr = 1;
  w->lat = w->cyr = 0;
  w->twins = 1;
}

/* 1 if line s[0..n) may need work; 0 if it is certainly left as it is.
 * This is the whole cost of clean text, so ASCII and Cyrillic (two-byte
 * sequences D0..D3) are checked inline. */
static int line_needs_work(unsigned f, tl_apostrophe style, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  unsigned mask = A_CTRL | ((f & TL_NORM_NO_APOSTROPHES) ? 0 : A_APOS) |
                  ((f & TL_NORM_QUOTES) ? A_QUOTE : 0) | ((f & TL_NORM_DASHES) ? A_DASH : 0);
  int fold = !(f & TL_NORM_KEEP_SPACES), ell = (f & TL_NORM_ELLIPSIS) != 0;
  int seen = 0;
  word_scan w = {0, 0, 1, 0, 0, 0, 0, 0};
  uint32_t prev = 0;
  size_t i = 0;
  while (i < n) {
    unsigned char b = s[i];
    if (b < 0x80) {
      unsigned cl = ascii_class[b];
      if (cl == A_LETTER) {
        word_letter(&w, b, 1);
      } else {
        if (cl & mask)
          return 1;
        if (cl == A_SPACE && prev == ' ' && seen && fold)
          return 1;
        if (cl == A_DOT && ell && i + 1 < n && s[i + 1] == '.')
          return 1;
        word_end(&w);
      }
      seen |= b != ' ' && b != '\t';
      prev = b;
      i++;
      continue;
    }
    seen = 1;
    if (b >= 0xD0 && b <= 0xD3 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
      uint32_t c = ((uint32_t)(b & 0x1F) << 6) | (s[i + 1] & 0x3F);
      if (c >= 0x482 && c <= 0x489)
        return 1; /* Cyrillic combining marks */
      word_letter(&w, c, 2);
      prev = c;
      i += 2;
      continue;
    }
    uint32_t c;
    size_t k = tl__utf8_decode(str + i, n - i, &c);
    if (c == TL__UTF8_INVALID || c == TL__UTF8_TRUNCATED)
      return 1;
    i += k;
    if (c == OKINA || c == TUTUQ) {
      if (!(f & TL_NORM_NO_APOSTROPHES) &&
          (style != TL_APOS_MODERN || (c == OKINA) != is_og(prev)))
        return 1;
      word_end(&w); /* an apostrophe ends a word for the look-alike rules */
      prev = c;
      continue;
    }
    if (is_apostrophe(c)) { /* ‘ ’ ´ ′ ʽ */
      if (!(f & TL_NORM_NO_APOSTROPHES))
        return 1;
    } else if (is_invisible(c) || c == 0x200C || c == 0x200D || is_control(c)) {
      if (!(f & TL_NORM_KEEP_INVISIBLE))
        return 1;
    } else if (is_other_space(c) && (f & TL_NORM_SPACES)) {
      return 1;
    } else if ((is_double_quote(c) && (f & TL_NORM_QUOTES)) ||
               (c == 0x2013 && (f & TL_NORM_DASHES))) {
      return 1;
    }
    if (!tl__norm_stable(c, (f & TL_NORM_NFKC) != 0))
      return 1;
    if (is_cyrillic_letter(c))
      word_letter(&w, c, 2);
    else if (is_latin_letter(c))
      word_letter(&w, c, 1);
    else if (!u_getCombiningClass((UChar32)c))
      word_end(&w);
    prev = c;
  }
  word_end(&w);
  if (f & TL_NORM_NO_LOOKALIKES)
    return 0;
  /* Mirrors pass_lookalikes: a word of the minority script all of twins. */
  size_t total = w.n_lat + w.n_cyr;
  return w.mixed || (w.twin_lat && w.n_cyr && w.n_lat * 3 < total) ||
         (w.twin_cyr && w.n_lat && w.n_cyr * 3 < total);
}

/* Decodes the line into units, dropping what is invisible or a control
 * character and unifying line ends. */
static tl_status load_line(norm *nm, size_t ls, size_t le) {
  unsigned f = nm->flags;
  units *a = &nm->a;
  a->n = 0;
  size_t i = ls;
  while (i < le && !nm->st) {
    uint32_t c;
    size_t k = tl__utf8_decode(nm->text + i, le - i, &c);
    if (c == TL__UTF8_INVALID || c == TL__UTF8_TRUNCATED) {
      if (!(f & TL_NORM_REPLACE)) {
        /* The line before i is valid (else it would have failed there). */
        size_t col = nm->piece_col;
        for (size_t m = nm->piece_start; m < i; m++)
          col += ((unsigned char)nm->text[m] & 0xC0) != 0x80;
        return tl__fail_at(nm->ctx, TL_EUTF8, nm->base + i, nm->line, col,
                           "invalid UTF-8 (byte 0x%02X) at byte %zu",
                           (unsigned char)nm->text[i], nm->base + i);
      }
      /* One U+FFFD for a lead byte and its continuation bytes. */
      unsigned char lead = (unsigned char)nm->text[i];
      size_t j = i + 1;
      if (lead >= 0xC2 && lead <= 0xF4)
        while (j < le && j < i + 4 && ((unsigned char)nm->text[j] & 0xC0) == 0x80)
          j++;
      if (nm->report) {
        char hex[20];
        uint32_t bv[20];
        size_t nb = 0;
        for (size_t m = i; m < j; m++) {
          snprintf(hex, sizeof hex, "\\x%02X", (unsigned char)nm->text[m]);
          for (char *h = hex; *h && nb < 20; h++)
            bv[nb++] = (uint32_t)(unsigned char)*h;
        }
        change(nm, "invalid-utf8", i, bv, nb, (const uint32_t[]){0xFFFD}, 1);
      }
      push(nm, a, 0xFFFD, i);
      i = j;
      continue;
    }
    size_t off = i;
    i += k;
    if (c == '\r') { /* not reached: a CR ends the line (see run) */
      if (f & TL_NORM_KEEP_SPACES) {
        push(nm, a, c, off);
      } else {
        change1(nm, "line-end", off, '\r', '\n');
        push(nm, a, '\n', off);
      }
      continue;
    }
    if (!(f & TL_NORM_KEEP_INVISIBLE)) {
      if (is_control(c)) {
        if (c == 0) /* a NUL cannot travel in a C string: shown escaped */
          change(nm, "control", off, (const uint32_t[]){'\\', 'x', '0', '0'}, 4, NULL, 0);
        else
          change1(nm, "control", off, c, 0);
        continue;
      }
      if (is_invisible(c)) {
        change1(nm, "invisible", off, c, 0);
        continue;
      }
    }
    push(nm, a, c, off);
  }
  return nm->st;
}

/* Where to cut text[from..limit): after the last space in its second half,
 * else at the last character boundary. */
static size_t cut_point(const char *text, size_t from, size_t limit) {
  for (size_t k = limit; k > from + MAX_PIECE / 2; k--)
    if (text[k - 1] == ' ')
      return k;
  while (limit > from + 1 && ((unsigned char)text[limit] & 0xC0) == 0x80)
    limit--;
  return limit;
}

static tl_status write_units(norm *nm);

static int plain(uint32_t c) {
  return c < 0x80 || script_of(c) || u_isspace((UChar32)c) || u_ispunct((UChar32)c);
}

/* ZWJ and ZWNJ between plain characters (ASCII, our letters, spaces,
 * punctuation) only hide a word boundary and go; elsewhere (emoji, Persian)
 * they are meaningful. Judged after NFC/NFKC on what stays. */
static void pass_joiners(norm *nm) {
  units *a = &nm->a;
  size_t k = 0;
  for (size_t i = 0; i < a->n; i++) {
    uint32_t c = a->v[i].cp;
    if (c == 0x200C || c == 0x200D) {
      uint32_t p = k ? a->v[k - 1].cp : ' ', q = ' ';
      for (size_t j = i + 1; j < a->n; j++)
        if (a->v[j].cp != 0x200C && a->v[j].cp != 0x200D) {
          q = a->v[j].cp;
          break;
        }
      if (plain(p) && plain(q)) {
        change1(nm, "invisible", a->v[i].off, c, 0);
        continue;
      }
    }
    a->v[k++] = a->v[i];
  }
  a->n = k;
}

/* One line, or one piece of a long line: the quick check, else the passes. */
static tl_status normalize_piece(norm *nm, size_t p, size_t pe) {
  if (!line_needs_work(nm->flags, nm->style, nm->text + p, pe - p)) {
    map_at(nm, p);
    return nm->st ? nm->st : tl__buf_append(nm->out, nm->text + p, pe - p);
  }
  tl_status st = load_line(nm, p, pe);
  if (st)
    return st;
  pass_unicode(nm);
  if (!(nm->flags & TL_NORM_KEEP_INVISIBLE))
    pass_joiners(nm);
  pass_spaces(nm);
  /* A letter put in the other script may now compose with a mark after it
   * (Cyrillic е + U+0302 stays two characters, Latin e + U+0302 is ê). */
  if (!(nm->flags & TL_NORM_NO_LOOKALIKES) && pass_lookalikes(nm))
    pass_unicode(nm);
  if (!(nm->flags & TL_NORM_NO_APOSTROPHES))
    pass_apostrophes(nm);
  if (nm->flags & (TL_NORM_QUOTES | TL_NORM_DASHES | TL_NORM_ELLIPSIS))
    pass_typography(nm);
  return nm->st ? nm->st : write_units(nm);
}

static tl_status write_units(norm *nm) {
  for (size_t i = 0; i < nm->a.n; i++) {
    map_at(nm, nm->a.v[i].off);
    if (tl__buf_put_cp(nm->out, nm->a.v[i].cp))
      return TL_ENOMEM;
  }
  return nm->st;
}

/* 1 if the line s[0..n) is blank once cleaned: spaces, tabs and what
 * load_line drops (so that paragraphs are the same in a second run). */
static int blank(const norm *nm, const char *s, size_t n) {
  int keep = (nm->flags & TL_NORM_KEEP_INVISIBLE) != 0;
  size_t i = 0;
  while (i < n) {
    uint32_t c;
    unsigned char b = (unsigned char)s[i];
    if (b == ' ' || b == '\t' || b == '\r') {
      i++;
      continue;
    }
    i += tl__utf8_decode(s + i, n - i, &c);
    if (c == TL__UTF8_INVALID || c == TL__UTF8_TRUNCATED)
      return 0;
    if (!keep && (is_control(c) || is_invisible(c) || c == 0x200C || c == 0x200D))
      continue;
    if ((nm->flags & TL_NORM_SPACES) && is_other_space(c))
      continue;
    return 0;
  }
  return 1;
}

/* Fills the parts of *nm that do not depend on the input. */
static tl_status norm_init(norm *nm, tl_ctx *ctx, const tl_normalize_options *opts,
                           tl_change_fn report, void *user) {
  tl_normalize_options defaults;
  if (!opts) {
    tl_normalize_options_init(&defaults);
    opts = &defaults;
  }
  if ((unsigned)opts->apostrophe > TL_APOS_TYPOGRAPHIC)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "unknown apostrophe style %d",
                    (int)opts->apostrophe);
  memset(nm, 0, sizeof *nm);
  nm->ctx = ctx;
  nm->flags = opts->flags;
  nm->style = opts->apostrophe;
  nm->quotes = opts->quotes;
  nm->report = report;
  nm->user = user;
  nm->line = 1;
  UErrorCode e = U_ZERO_ERROR;
  nm->n2 = (nm->flags & TL_NORM_NFKC) ? unorm2_getNFKCInstance(&e) : unorm2_getNFCInstance(&e);
  if (U_FAILURE(e))
    return tl__fail(ctx, TL_EINTERNAL, TL_NO_OFFSET, "ICU normalizer: %s", u_errorName(e));
  return TL_OK;
}

static void norm_free(norm *nm) {
  free(nm->a.v);
  free(nm->b.v);
  free(nm->u16);
  tl_buf_free(&nm->before);
  tl_buf_free(&nm->after);
  tl_buf_free(&nm->scratch);
  tl_buf_free(&nm->tail);
}

/* Works piece text[p..pe) of the current line (p = pos) and moves pos to
 * pe; with more of the line to come (next), the column of pe is counted
 * for the next piece (the last one needs none: lines are short). */
static tl_status line_piece(norm *nm, size_t p, size_t pe, int next) {
  nm->line_open = 1;
  tl_status st = normalize_piece(nm, p, pe);
  if (st)
    return st;
  if (nm->line_blank)
    nm->line_blank = blank(nm, nm->text + p, pe - p);
  if (next) {
    for (size_t k = p; k < pe; k++)
      nm->piece_col += ((unsigned char)nm->text[k] & 0xC0) != 0x80;
    nm->piece_start = nm->col_off = pe;
    nm->col = nm->piece_col;
  }
  nm->pos = pe;
  return TL_OK;
}

/* Works the complete lines of text[pos..len), and the pieces of a long line
 * that would be cut the same whatever comes after; with final, the rest as
 * the last line. Stops with pos at the first byte not worked: a stream keeps
 * text[pos..len) for its next write. Nothing here depends on where the
 * input was split, so a stream gives what a whole buffer gives. */
static tl_status run(norm *nm, int final) {
  const char *text = nm->text;
  size_t len = nm->len;
  tl_status st = TL_OK;
  while (!st && nm->pos < len) {
    size_t i = nm->pos;
    if (!nm->line_open) {
      nm->line_open = 1;
      nm->line_lang_known = 0;
      nm->para_known = 0;
      nm->piece_start = nm->col_off = i;
      nm->piece_col = nm->col = 1;
      nm->line_blank = 1;
      nm->scan = i;
    }
    /* A line ends at LF, CRLF or a lone CR (old Mac files): all three are
     * line ends, so that a second run sees the same lines as the first.
     * A CR at the end of what has come waits for the next byte. */
    size_t from = nm->scan > i ? nm->scan : i;
    const char *nl = memchr(text + from, '\n', len - from);
    size_t le = nl ? (size_t)(nl - text) : len, term = nl ? 1 : 0;
    int known = nl != NULL || final;
    const char *cr = le > from ? memchr(text + from, '\r', le - from) : NULL;
    if (cr) {
      le = (size_t)(cr - text);
      known = le + 1 < len || final;
      term = le + 1 < len && text[le + 1] == '\n' ? 2 : 1;
    }
    nm->scan = le;
    /* A line longer than MAX_PIECE is worked in pieces cut after a space,
     * so that memory stays bounded on text without line ends. A piece is
     * cut only when more than MAX_PIECE bytes of the line are at hand. */
    while (le - nm->pos > MAX_PIECE) {
      size_t p = nm->pos;
      if ((st = line_piece(nm, p, cut_point(text, p, p + MAX_PIECE), 1)))
        return st;
    }
    if (!known)
      break;
    if ((st = line_piece(nm, nm->pos, le, 0)))
      return st;
    map_at(nm, le); /* the end of a line whose last characters went */
    st = nm->st;
    if (!st && term) {
      if (text[le] == '\r' && (nm->flags & TL_NORM_KEEP_SPACES)) {
        st = tl__buf_append(nm->out, text + le, term);
      } else {
        if (text[le] == '\r') {
          if (term == 2)
            change(nm, "line-end", le, (const uint32_t[]){'\r', '\n'}, 2,
                   (const uint32_t[]){'\n'}, 1);
          else
            change1(nm, "line-end", le, '\r', '\n');
        }
        st = nm->st ? nm->st : tl__buf_putc(nm->out, '\n');
      }
    }
    if (nm->line_blank) { /* a new paragraph */
      nm->para_out = nm->out->len;
      nm->tail.len = 0;
      nm->tail_total = 0;
      nm->para_known = 0;
    }
    nm->pos = le + term;
    nm->line++;
    nm->line_open = 0;
  }
  return st;
}

/* The status of a failed call, with a message on ctx if none is there. */
static tl_status norm_failed(tl_ctx *ctx, tl_status st) {
  if (st == TL_EUTF8)
    return st; /* the message is already on ctx */
  return tl__fail(ctx, st, TL_NO_OFFSET, "%s", tl_strerror(st));
}

tl_status tl_normalize(tl_ctx *ctx, const tl_normalize_options *opts,
                       const char *text, size_t len, tl_buf *out,
                       tl_change_fn report, void *user) {
  return tl__normalize_mapped(ctx, opts, text, len, out, report, user, NULL);
}

tl_status tl__normalize_mapped(tl_ctx *ctx, const tl_normalize_options *opts,
                               const char *text, size_t len, tl_buf *out,
                               tl_change_fn report, void *user, tl__norm_map *map) {
  if (map)
    map->n = 0;
  if (!out || (!text && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_normalize: NULL argument");
  norm nm;
  tl_status st = norm_init(&nm, ctx, opts, report, user);
  if (st)
    return st;
  nm.text = text;
  nm.len = len;
  nm.out = out;
  nm.map = map;
  /* A failed call appends nothing (as tl_convert), so that a caller who
   * reuses the buffer never keeps the text before the error as if whole. */
  size_t mark = out->len;
  nm.para_out = out->len;
  st = tl__buf_reserve(out, len);
  if (!st) {
    out->data[out->len] = '\0'; /* the buffer promise, even for empty input */
    st = run(&nm, 1);
  }
  if (!st) {
    map_at(&nm, len);
    st = nm.st;
  }
  norm_free(&nm);
  if (st) {
    tl__buf_truncate(out, mark);
    return norm_failed(ctx, st);
  }
  tl__ok(ctx);
  return TL_OK;
}

/* ---------------------------------------------------------------- stream */

struct tl_normalize_stream {
  norm nm;       /* the line loop's state, kept between writes */
  tl_buf in;     /* input not worked yet: the start of the current line */
  size_t in_off; /* offset of in.data[0] in the whole input */
  int finished;
  tl_ctx failure; /* the first failure (status 0: none) */
};

tl_status tl_normalize_stream_new(tl_ctx *ctx, const tl_normalize_options *opts,
                                  tl_change_fn report, void *user,
                                  tl_normalize_stream **out) {
  if (!out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_normalize_stream_new: NULL argument");
  *out = NULL;
  tl_normalize_stream *s = calloc(1, sizeof *s);
  if (!s)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  tl_status st = norm_init(&s->nm, ctx, opts, report, user);
  if (st) {
    free(s);
    return st;
  }
  *out = s;
  tl__ok(ctx);
  return TL_OK;
}

void tl_normalize_stream_free(tl_normalize_stream *s) {
  if (!s)
    return;
  norm_free(&s->nm);
  tl_buf_free(&s->in);
  free(s);
}

/* Forgets text[0..pos) once worked: offsets kept in nm move with it. */
static void stream_shift(tl_normalize_stream *s, size_t k) {
  norm *nm = &s->nm;
  /* Offsets before pos belong to a finished line and are set anew when
   * the next one starts. */
  nm->pos -= k;
  nm->scan = nm->scan >= k ? nm->scan - k : 0;
  nm->piece_start = nm->piece_start >= k ? nm->piece_start - k : 0;
  nm->col_off = nm->col_off >= k ? nm->col_off - k : 0;
  s->in_off += k;
}

/* Works chunk p[0..n) after the pending input; keeps what is left. */
static tl_status stream_feed(tl_normalize_stream *s, const char *p, size_t n, int final) {
  norm *nm = &s->nm;
  int direct = !s->in.len && !final; /* nothing pending: work the chunk in place */
  if (!direct && n && tl__buf_append(&s->in, p, n))
    return TL_ENOMEM;
  nm->text = direct ? p : s->in.data ? s->in.data : "";
  nm->len = direct ? n : s->in.len;
  nm->base = s->in_off;
  tl_status st = run(nm, final);
  if (st)
    return st;
  size_t k = nm->pos;
  stream_shift(s, k);
  if (direct) {
    if (k < n && tl__buf_append(&s->in, p + k, n - k))
      return TL_ENOMEM;
  } else if (k) {
    memmove(s->in.data, s->in.data + k, s->in.len - k);
    s->in.len -= k;
    s->in.data[s->in.len] = '\0';
  }
  return TL_OK;
}

/* After a write: what the paragraph wrote goes to the tail, the only part
 * of the output a stream reads again (the paragraph context). */
static tl_status keep_tail(norm *nm) {
  const tl_buf *o = nm->out;
  size_t here = o->len - nm->para_out;
  if (!here)
    return TL_OK;
  const char *src = o->data + nm->para_out;
  nm->tail_total += here;
  if (here >= TAIL_KEEP) {
    nm->tail.len = 0;
    src += here - TAIL_KEEP;
    here = TAIL_KEEP;
  }
  if (here && tl__buf_append(&nm->tail, src, here))
    return TL_ENOMEM;
  if (nm->tail.len > 2 * TAIL_KEEP) {
    memmove(nm->tail.data, nm->tail.data + nm->tail.len - TAIL_KEEP, TAIL_KEEP);
    nm->tail.len = TAIL_KEEP;
  }
  return TL_OK;
}

/* A stream that failed stays failed: later calls report the first failure
 * again (as tl_stream_write does). */
static tl_status stream_failed(tl_normalize_stream *s, tl_status st) {
  if (!s->failure.status)
    st = norm_failed(s->nm.ctx, st);
  return tl__stay_failed(s->nm.ctx, &s->failure, st);
}

static tl_status stream_call(tl_normalize_stream *s, const char *chunk, size_t len,
                             tl_buf *out, int final) {
  if (!s || !out || (!chunk && len))
    return tl__fail(s ? s->nm.ctx : NULL, TL_EINVAL, TL_NO_OFFSET,
                    "tl_normalize_stream: NULL argument");
  if (s->failure.status)
    return stream_failed(s, s->failure.status);
  if (s->finished)
    return tl__fail(s->nm.ctx, TL_EINVAL, TL_NO_OFFSET,
                    "tl_normalize_stream: written after tl_normalize_stream_finish");
  norm *nm = &s->nm;
  size_t mark = out->len;
  nm->out = out;
  nm->para_out = mark;
  tl_status st = TL_OK;
  if (s->in.len && len) {
    /* Complete the pending line with the chunk up to its first LF, so that
     * the rest of the chunk is worked in place, not copied. */
    const char *nl = memchr(chunk, '\n', len);
    size_t take = nl ? (size_t)(nl - chunk) + 1 : len;
    st = stream_feed(s, chunk, take, 0);
    chunk += take;
    len -= take;
  }
  if (!st && (len || final))
    st = stream_feed(s, chunk, len, final);
  if (!st && !final)
    st = keep_tail(nm);
  if (!st)
    st = nm->st;
  nm->out = NULL;
  if (st) {
    tl__buf_truncate(out, mark);
    return stream_failed(s, st);
  }
  if (final)
    s->finished = 1;
  tl__ok(nm->ctx);
  return TL_OK;
}

tl_status tl_normalize_stream_write(tl_normalize_stream *s, const char *chunk,
                                    size_t len, tl_buf *out) {
  return stream_call(s, chunk, len, out, 0);
}

tl_status tl_normalize_stream_finish(tl_normalize_stream *s, tl_buf *out) {
  return stream_call(s, NULL, 0, out, 1);
}

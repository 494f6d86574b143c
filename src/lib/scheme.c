/* scheme.c: romanization of Russian under a table (dictionaries/schemes/,
 * format in its README): parsing a table into a direct lookup by code point,
 * converting words with context and case rules, and reading back. */
#include "scheme.h"
#include "buf.h"
#include "embedded.h"
#include "error.h"
#include "utf8.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scheme letters are Cyrillic: a 256-entry table over U+0400..U+04FF gives
 * every letter's mapping in one index, with no hashing on the hot path. */
#define CYR_BASE 0x400u
#define CYR_N 256u
#define NO_LETTER 0xFFFFu
#define MAX_TARGET 4
#define MAX_LATIN 8 /* code points of one output read back */

enum { CASE_NONE = 0, CASE_UPPER = 1, CASE_LOWER = 2 };
enum { STYLE_LOWER = 0, STYLE_TITLE = 1, STYLE_UPPER = 2 };
enum { R_START = 1, R_END = 2, R_PREV = 4, R_NEXT = 8 };

typedef struct letter_set {
  uint32_t w[CYR_N / 32];
} letter_set;

/* One output in its three case forms, as spans of the string pool. */
typedef struct out_str {
  uint32_t off[3];
  uint32_t len[3];
} out_str;

typedef struct rule {
  unsigned flags;
  unsigned ntarget;
  uint16_t target[MAX_TARGET]; /* lowercase letter indices */
  letter_set prev, next;
  out_str out;
  size_t line;
} rule;

typedef struct letter {
  int has_plain;
  size_t plain_line;
  out_str plain;
  uint32_t first_rule, nrules; /* rules starting with this letter, by priority */
} letter;

/* One Latin spelling read back to a Cyrillic letter. */
typedef struct rev_entry {
  uint32_t latin[MAX_LATIN]; /* lowercase code points */
  unsigned len;
  uint16_t letter;
  size_t line;
} rev_entry;

struct tl__scheme {
  char *id, *aliases, *name, *standard, *url;
  int year, reversible;
  uint32_t *apos;
  size_t napos;
  uint16_t lower[CYR_N];  /* index -> index of its lowercase */
  uint16_t upper[CYR_N];  /* index -> index of its uppercase */
  unsigned char cs[CYR_N]; /* CASE_* of each code point of the block */
  unsigned char alpha[CYR_N];
  letter letters[CYR_N];
  unsigned char simple[CYR_N]; /* the letter has a plain output and no rule */
  rule *rules;
  size_t nrules;
  rev_entry *rev;
  size_t nrev;
  char *pool; /* all outputs, NUL-separated, zero-padded at the end */
  size_t pool_len, pool_cap;
  size_t max_out; /* longest output in bytes, for reserving once a word */
};

/* --------------------------------------------------------------- helpers */

/* Decodes one code point of text known to be valid UTF-8 (what the driver
 * hands over); the strict decoder is kept for a sequence cut by the end. */
static inline size_t dec(const char *t, size_t n, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)t;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c < 0xE0 && n >= 2) {
    *cp = ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    return 2;
  }
  if (c >= 0xE0 && c < 0xF0 && n >= 3) {
    *cp = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return 3;
  }
  return tl__utf8_decode(t, n, cp);
}

static int set_has(const letter_set *s, unsigned i) {
  return i < CYR_N && (s->w[i / 32] >> (i % 32)) & 1u;
}

static void set_add(letter_set *s, unsigned i) { s->w[i / 32] |= 1u << (i % 32); }

static int is_mark(uint32_t cp) {
  return (U_GET_GC_MASK((UChar32)cp) & U_GC_M_MASK) != 0;
}

/* Case of any code point; the Cyrillic block and ASCII without ICU calls. */
static inline int case_of(const tl__scheme *sc, uint32_t cp) {
  if (cp - CYR_BASE < CYR_N)
    return sc->cs[cp - CYR_BASE];
  if (cp < 0x80)
    return (cp >= 'A' && cp <= 'Z') ? CASE_UPPER : (cp >= 'a' && cp <= 'z') ? CASE_LOWER : CASE_NONE;
  if (u_isUUppercase((UChar32)cp))
    return CASE_UPPER;
  if (u_isULowercase((UChar32)cp))
    return CASE_LOWER;
  return CASE_NONE;
}

static int is_apos(const tl__scheme *sc, uint32_t cp) {
  for (size_t i = 0; i < sc->napos; i++)
    if (sc->apos[i] == cp)
      return 1;
  return 0;
}

/* Letters make words; marks stay with the letter before them. */
static inline int is_letter(const tl__scheme *sc, uint32_t cp) {
  if (cp - CYR_BASE < CYR_N)
    return sc->alpha[cp - CYR_BASE];
  if (cp < 0x80)
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return u_isalpha((UChar32)cp) != 0;
}

static uint32_t lower_cp(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  return (uint32_t)u_tolower((UChar32)cp);
}

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return 0;
  return *a == *b;
}

/* Does comma-separated list contain name (case-insensitive)? */
static int list_has(const char *list, size_t n, const char *name) {
  size_t k = strlen(name);
  size_t i = 0;
  while (i < n) {
    while (i < n && (list[i] == ',' || list[i] == ' ' || list[i] == '\t'))
      i++;
    size_t j = i;
    while (j < n && list[j] != ',' && list[j] != ' ' && list[j] != '\t')
      j++;
    if (j - i == k && j > i) {
      size_t m = 0;
      while (m < k && tolower((unsigned char)list[i + m]) == tolower((unsigned char)name[m]))
        m++;
      if (m == k)
        return 1;
    }
    i = j;
  }
  return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* ------------------------------------------------------------ UTF-16 NFC */

/* NFC of s[0..n) appended to out. */
static tl_status nfc_append(const char *s, size_t n, tl_buf *out) {
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
  if (U_FAILURE(e))
    return TL_EINTERNAL;
  if (n > (size_t)INT32_MAX / 2)
    return TL_ELIMIT;
  int32_t ulen = 0;
  e = U_ZERO_ERROR;
  u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &e);
  if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
    return TL_EINTERNAL;
  UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
  /* NFC never grows text by more than 3x in UTF-16. */
  size_t vcap = (size_t)ulen * 3 + 16;
  UChar *v = malloc(vcap * sizeof *v);
  tl_status st = TL_OK;
  if (!u || !v) {
    st = TL_ENOMEM;
    goto done;
  }
  e = U_ZERO_ERROR;
  u_strFromUTF8(u, ulen + 1, NULL, s, (int32_t)n, &e);
  int32_t vlen = unorm2_normalize(nfc, u, ulen, v, (int32_t)vcap, &e);
  if (U_FAILURE(e)) {
    st = TL_EINTERNAL;
    goto done;
  }
  int32_t blen = 0;
  e = U_ZERO_ERROR;
  u_strToUTF8(NULL, 0, &blen, v, vlen, &e);
  if ((st = tl__buf_reserve(out, (size_t)blen)))
    goto done;
  e = U_ZERO_ERROR;
  u_strToUTF8(out->data + out->len, blen + 1, NULL, v, vlen, &e);
  if (U_FAILURE(e)) {
    st = TL_EINTERNAL;
    goto done;
  }
  out->len += (size_t)blen;
  out->data[out->len] = '\0';
done:
  free(u);
  free(v);
  return st;
}

/* True when s[0..n) is NFC and nothing in it can combine with what comes
 * before it, so that replacing its letters by NFC outputs keeps it NFC. */
static inline int cp_safe(uint32_t cp) {
  if (cp < 0x300 || (cp >= 0x400 && cp <= 0x482) || (cp >= 0x48A && cp <= 0x4FF))
    return 1;
  return cp < 0x10FFFE && u_getCombiningClass((UChar32)cp) == 0 &&
         u_getIntPropertyValue((UChar32)cp, UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
}

/* What forward() returns, without writing the rest, when it meets text that
 * needs NFC first (a private value: statuses are 0 or negative). */
#define NEEDS_NFC ((tl_status)1)

static int nfc_safe(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t cp;
    i += dec(s + i, n - i, &cp);
    if (!cp_safe(cp))
      return 0;
  }
  return 1;
}

/* --------------------------------------------------------------- parsing */

typedef struct parser {
  tl_ctx *ctx;
  const char *file;
  size_t line, line_off;
  tl__scheme *sc;
} parser;

#define PFAIL(p, st, ...) parse_fail(p, st, __VA_ARGS__)

static tl_status parse_fail(parser *p, tl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#include <stdarg.h>
static tl_status parse_fail(parser *p, tl_status st, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (st == TL_ENOMEM)
    return tl__fail(p->ctx, st, TL_NO_OFFSET, "out of memory");
  return tl__fail(p->ctx, st, p->line_off, "%s:%zu: %s", p->file, p->line, msg);
}

static tl_status pool_add(tl__scheme *sc, const char *s, size_t n, uint32_t *off) {
  /* 16 bytes of slack at the end: outputs are copied 8 bytes at a time. */
  if (sc->pool_len + n + 1 + 16 > sc->pool_cap) {
    size_t cap = sc->pool_cap ? sc->pool_cap * 2 : 1024;
    while (cap < sc->pool_len + n + 1 + 16)
      cap *= 2;
    char *p = realloc(sc->pool, cap);
    if (!p)
      return TL_ENOMEM;
    memset(p + sc->pool_len, 0, cap - sc->pool_len);
    sc->pool = p;
    sc->pool_cap = cap;
  }
  memcpy(sc->pool + sc->pool_len, s, n);
  sc->pool[sc->pool_len + n] = '\0';
  *off = (uint32_t)sc->pool_len;
  sc->pool_len += n + 1;
  return TL_OK;
}

/* Stores an output with its Title and UPPER forms (computed once here, so
 * that converting is a copy). */
static tl_status make_out(parser *p, const char *s, size_t n, out_str *o) {
  tl__scheme *sc = p->sc;
  UChar u[64], up[128], ti[64];
  int32_t ulen = 0;
  UErrorCode e = U_ZERO_ERROR;
  u_strFromUTF8(u, 64, &ulen, s, (int32_t)n, &e);
  if (U_FAILURE(e) || ulen >= 64)
    return PFAIL(p, TL_ESYNTAX, "output too long");
  u[ulen] = 0;
  /* Outputs must be NFC and must not begin with a mark: then outputs put
   * side by side are NFC too. */
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
  if (U_FAILURE(e))
    return PFAIL(p, TL_EINTERNAL, "ICU normalizer unavailable");
  if (!unorm2_isNormalized(nfc, u, ulen, &e) || U_FAILURE(e))
    return PFAIL(p, TL_ESYNTAX, "output '%.*s' is not in NFC", (int)n, s);
  if (ulen > 0) {
    UChar32 c0;
    int32_t k = 0;
    U16_NEXT(u, k, ulen, c0);
    if (is_mark((uint32_t)c0))
      return PFAIL(p, TL_ESYNTAX, "output '%.*s' begins with a combining mark", (int)n, s);
  }
  e = U_ZERO_ERROR;
  int32_t uplen = u_strToUpper(up, 128, u, ulen, "", &e);
  if (U_FAILURE(e))
    return PFAIL(p, TL_ESYNTAX, "output '%.*s' cannot be uppercased", (int)n, s);
  /* Title: the first cased character up, the rest as written. */
  memcpy(ti, u, (size_t)ulen * sizeof *u);
  int32_t tilen = ulen;
  for (int32_t k = 0; k < ulen;) {
    int32_t at = k;
    UChar32 c;
    U16_NEXT(u, k, ulen, c);
    UChar32 t = u_toupper(c);
    if (t != c && U16_LENGTH(t) == k - at) {
      int32_t w = at;
      UBool err = 0;
      U16_APPEND(ti, w, 64, t, err);
      (void)err;
      break;
    }
    if (u_isULowercase(c) || u_isUUppercase(c))
      break;
  }
  const UChar *forms[3] = {u, ti, up};
  int32_t flen[3] = {ulen, tilen, uplen};
  for (int f = 0; f < 3; f++) {
    char b[256];
    int32_t blen = 0;
    e = U_ZERO_ERROR;
    u_strToUTF8(b, sizeof b, &blen, forms[f], flen[f], &e);
    if (U_FAILURE(e))
      return PFAIL(p, TL_ESYNTAX, "output too long");
    if (pool_add(sc, b, (size_t)blen, &o->off[f]))
      return PFAIL(p, TL_ENOMEM, "out of memory");
    o->len[f] = (uint32_t)blen;
    if ((size_t)blen > sc->max_out)
      sc->max_out = (size_t)blen;
  }
  return TL_OK;
}

/* Reads one Cyrillic letter of a pattern; returns its lowercase index. */
static tl_status pattern_letter(parser *p, const char *s, size_t n, size_t *i,
                                uint16_t *idx) {
  uint32_t cp;
  size_t k = tl__utf8_decode(s + *i, n - *i, &cp);
  if (cp < CYR_BASE || cp >= CYR_BASE + CYR_N || !p->sc->alpha[cp - CYR_BASE])
    return PFAIL(p, TL_ESYNTAX, "'%.*s' in a pattern is not a Cyrillic letter",
                 (int)k, s + *i);
  *i += k;
  *idx = p->sc->lower[cp - CYR_BASE];
  return TL_OK;
}

static tl_status pattern_set(parser *p, const char *s, size_t n, size_t *i,
                             letter_set *set) {
  (*i)++; /* '(' */
  int any = 0;
  while (*i < n && s[*i] != ')') {
    uint16_t idx = 0;
    tl_status st = pattern_letter(p, s, n, i, &idx);
    if (st)
      return st;
    set_add(set, idx);
    set_add(set, p->sc->upper[idx]);
    any = 1;
  }
  if (*i >= n)
    return PFAIL(p, TL_ESYNTAX, "'(' without ')' in pattern '%.*s'", (int)n, s);
  if (!any)
    return PFAIL(p, TL_ESYNTAX, "empty '()' in pattern '%.*s'", (int)n, s);
  (*i)++;
  return TL_OK;
}

static tl_status parse_rule(parser *p, const char *pat, size_t pn,
                            const char *out, size_t on) {
  tl__scheme *sc = p->sc;
  rule r;
  memset(&r, 0, sizeof r);
  r.line = p->line;
  size_t i = 0;
  tl_status st;
  if (i < pn && pat[i] == '^')
    r.flags |= R_START, i++;
  if (i < pn && pat[i] == '(') {
    if ((st = pattern_set(p, pat, pn, &i, &r.prev)))
      return st;
    r.flags |= R_PREV;
  }
  while (i < pn && pat[i] != '(' && pat[i] != '$') {
    if (r.ntarget == MAX_TARGET)
      return PFAIL(p, TL_ESYNTAX, "more than %d letters in pattern '%.*s'",
                   MAX_TARGET, (int)pn, pat);
    if ((st = pattern_letter(p, pat, pn, &i, &r.target[r.ntarget])))
      return st;
    r.ntarget++;
  }
  if (!r.ntarget)
    return PFAIL(p, TL_ESYNTAX, "pattern '%.*s' has no letter to write", (int)pn, pat);
  if (i < pn && pat[i] == '(') {
    if ((st = pattern_set(p, pat, pn, &i, &r.next)))
      return st;
    r.flags |= R_NEXT;
  }
  if (i < pn && pat[i] == '$')
    r.flags |= R_END, i++;
  if (i != pn)
    return PFAIL(p, TL_ESYNTAX, "unexpected '%.*s' in pattern '%.*s'",
                 (int)(pn - i), pat + i, (int)pn, pat);
  if ((r.flags & R_START) && (r.flags & R_PREV))
    return PFAIL(p, TL_ESYNTAX, "'^' and a letter before cannot both hold");
  if ((r.flags & R_END) && (r.flags & R_NEXT))
    return PFAIL(p, TL_ESYNTAX, "'$' and a letter after cannot both hold");
  if ((st = make_out(p, out, on, &r.out)))
    return st;
  if (!r.flags && r.ntarget == 1) {
    letter *L = &sc->letters[r.target[0]];
    if (L->has_plain)
      return PFAIL(p, TL_ESYNTAX, "second mapping of '%.*s' (first on line %zu)",
                   (int)pn, pat, L->plain_line);
    L->has_plain = 1;
    L->plain_line = p->line;
    L->plain = r.out;
    return TL_OK;
  }
  rule *nr = realloc(sc->rules, (sc->nrules + 1) * sizeof *nr);
  if (!nr)
    return PFAIL(p, TL_ENOMEM, "out of memory");
  sc->rules = nr;
  sc->rules[sc->nrules++] = r;
  return TL_OK;
}

static tl_status set_str(parser *p, char **dst, const char *v, size_t n) {
  free(*dst);
  *dst = dup_n(v, n);
  return *dst ? TL_OK : PFAIL(p, TL_ENOMEM, "out of memory");
}

static tl_status parse_header(parser *p, const char *key, size_t kn,
                              const char *v, size_t vn) {
  tl__scheme *sc = p->sc;
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(key, s, kn) == 0)
  if (KEY("id")) {
    if (!vn)
      return PFAIL(p, TL_ESYNTAX, "empty id");
    for (size_t i = 0; i < vn; i++)
      if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-' && v[i] != '.')
        return PFAIL(p, TL_ESYNTAX, "id '%.*s': use letters, digits, _ - . only", (int)vn, v);
    return set_str(p, &sc->id, v, vn);
  }
  if (KEY("aliases")) {
    /* Kept as "a,b" (no spaces), as tl_scheme_info promises. */
    tl_status st = set_str(p, &sc->aliases, v, vn);
    size_t w = 0;
    for (size_t r = 0; !st && sc->aliases[r]; r++)
      if (!is_space(sc->aliases[r]))
        sc->aliases[w++] = sc->aliases[r];
    if (!st)
      sc->aliases[w] = '\0';
    return st;
  }
  if (KEY("name"))
    return set_str(p, &sc->name, v, vn);
  if (KEY("standard"))
    return set_str(p, &sc->standard, v, vn);
  if (KEY("url"))
    return set_str(p, &sc->url, v, vn);
  if (KEY("year")) {
    int y = 0;
    for (size_t i = 0; i < vn; i++) {
      if (!isdigit((unsigned char)v[i]) || y > 100000)
        return PFAIL(p, TL_ESYNTAX, "year '%.*s' is not a number", (int)vn, v);
      y = y * 10 + (v[i] - '0');
    }
    sc->year = y;
    return TL_OK;
  }
  if (KEY("reversible")) {
    char b[8];
    if (vn >= sizeof b)
      vn = sizeof b - 1;
    memcpy(b, v, vn);
    b[vn] = '\0';
    if (ieq(b, "yes") || ieq(b, "true"))
      sc->reversible = 1;
    else if (ieq(b, "no") || ieq(b, "false"))
      sc->reversible = 0;
    else
      return PFAIL(p, TL_ESYNTAX, "reversible must be yes or no, not '%s'", b);
    return TL_OK;
  }
  if (KEY("apostrophes")) {
    free(sc->apos);
    sc->apos = malloc((vn + 1) * sizeof *sc->apos);
    sc->napos = 0;
    if (!sc->apos)
      return PFAIL(p, TL_ENOMEM, "out of memory");
    for (size_t i = 0; i < vn;) {
      uint32_t cp;
      i += tl__utf8_decode(v + i, vn - i, &cp);
      if (cp != ' ' && cp != '\t')
        sc->apos[sc->napos++] = cp;
    }
    return TL_OK;
  }
#undef KEY
  return PFAIL(p, TL_ESYNTAX, "unknown header '%.*s:' (known: id, aliases, name, "
               "standard, year, reversible, apostrophes, url)", (int)kn, key);
}

static int rule_cmp(const void *a, const void *b) {
  const rule *x = a, *y = b;
  if (x->target[0] != y->target[0])
    return x->target[0] < y->target[0] ? -1 : 1;
  /* More letters, then a condition on the left, then on the right. */
  if (x->ntarget != y->ntarget)
    return x->ntarget > y->ntarget ? -1 : 1;
  int xl = (x->flags & (R_START | R_PREV)) != 0, yl = (y->flags & (R_START | R_PREV)) != 0;
  if (xl != yl)
    return xl ? -1 : 1;
  int xr = (x->flags & (R_END | R_NEXT)) != 0, yr = (y->flags & (R_END | R_NEXT)) != 0;
  if (xr != yr)
    return xr ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static int rev_cmp(const void *a, const void *b) {
  const rev_entry *x = a, *y = b;
  if (x->latin[0] != y->latin[0])
    return x->latin[0] < y->latin[0] ? -1 : 1;
  if (x->len != y->len)
    return x->len > y->len ? -1 : 1; /* longest first */
  return memcmp(x->latin, y->latin, x->len * sizeof x->latin[0]);
}

static tl_status add_rev(parser *p, const out_str *o, uint16_t li, size_t line) {
  tl__scheme *sc = p->sc;
  const char *s = sc->pool + o->off[0];
  size_t n = o->len[0];
  if (!n)
    return TL_OK;
  rev_entry r;
  memset(&r, 0, sizeof r);
  r.letter = li;
  r.line = line;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    i += tl__utf8_decode(s + i, n - i, &cp);
    if (r.len == MAX_LATIN) {
      p->line = line;
      return PFAIL(p, TL_ESYNTAX, "output '%s' too long to read back", s);
    }
    r.latin[r.len++] = lower_cp(cp);
  }
  for (size_t i = 0; i < sc->nrev; i++) {
    rev_entry *q = &sc->rev[i];
    if (q->len == r.len && !memcmp(q->latin, r.latin, r.len * sizeof r.latin[0])) {
      if (q->letter == li)
        return TL_OK;
      p->line = line;
      return PFAIL(p, TL_ESYNTAX,
                   "reversible, but '%s' is also written for another letter (line %zu)",
                   s, q->line);
    }
  }
  rev_entry *nr = realloc(sc->rev, (sc->nrev + 1) * sizeof *nr);
  if (!nr)
    return PFAIL(p, TL_ENOMEM, "out of memory");
  sc->rev = nr;
  sc->rev[sc->nrev++] = r;
  return TL_OK;
}

static tl_status finish(parser *p) {
  tl__scheme *sc = p->sc;
  if (!sc->id) {
    p->line = 1;
    p->line_off = 0;
    return PFAIL(p, TL_ESYNTAX, "no 'id:' line");
  }
  if (!sc->aliases && !(sc->aliases = dup_n("", 0)))
    return PFAIL(p, TL_ENOMEM, "out of memory");
  if (!sc->name && !(sc->name = dup_n(sc->id, strlen(sc->id))))
    return PFAIL(p, TL_ENOMEM, "out of memory");
  if (!sc->standard && !(sc->standard = dup_n("", 0)))
    return PFAIL(p, TL_ENOMEM, "out of memory");
  if (!sc->url && !(sc->url = dup_n("", 0)))
    return PFAIL(p, TL_ENOMEM, "out of memory");
  if (sc->nrules)
    qsort(sc->rules, sc->nrules, sizeof *sc->rules, rule_cmp);
  for (size_t i = 0; i < sc->nrules; i++) {
    letter *L = &sc->letters[sc->rules[i].target[0]];
    if (!L->nrules)
      L->first_rule = (uint32_t)i;
    L->nrules++;
  }
  for (unsigned c = 0; c < CYR_N; c++)
    sc->simple[c] = sc->letters[c].has_plain && !sc->letters[c].nrules;
  if (sc->reversible) {
    for (unsigned c = 0; c < CYR_N; c++) {
      tl_status st;
      if (sc->letters[c].has_plain &&
          (st = add_rev(p, &sc->letters[c].plain, (uint16_t)c, sc->letters[c].plain_line)))
        return st;
    }
    for (size_t i = 0; i < sc->nrules; i++) {
      tl_status st;
      if (sc->rules[i].ntarget == 1 &&
          (st = add_rev(p, &sc->rules[i].out, sc->rules[i].target[0], sc->rules[i].line)))
        return st;
    }
    if (sc->nrev)
      qsort(sc->rev, sc->nrev, sizeof *sc->rev, rev_cmp);
  }
  return TL_OK;
}

static void init_tables(tl__scheme *sc) {
  for (unsigned i = 0; i < CYR_N; i++) {
    UChar32 c = (UChar32)(CYR_BASE + i);
    UChar32 lo = u_tolower(c), up = u_toupper(c);
    sc->lower[i] = (lo >= (UChar32)CYR_BASE && lo < (UChar32)(CYR_BASE + CYR_N))
                       ? (uint16_t)(lo - CYR_BASE) : (uint16_t)i;
    sc->upper[i] = (up >= (UChar32)CYR_BASE && up < (UChar32)(CYR_BASE + CYR_N))
                       ? (uint16_t)(up - CYR_BASE) : (uint16_t)i;
    sc->cs[i] = u_isUUppercase(c) ? CASE_UPPER : u_isULowercase(c) ? CASE_LOWER : CASE_NONE;
    sc->alpha[i] = u_isalpha(c) != 0;
  }
}

tl_status tl__scheme_parse(tl_ctx *ctx, const char *text, size_t len,
                           const char *filename, tl__scheme **out) {
  if (!out || (!text && len))
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  *out = NULL;
  if (!filename)
    filename = "(scheme)";
  size_t bad;
  if (!tl__utf8_valid(text, len, &bad))
    return tl__fail(ctx, TL_EUTF8, bad, "%s: invalid UTF-8 at byte %zu", filename, bad);
  tl__scheme *sc = calloc(1, sizeof *sc);
  if (!sc)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  init_tables(sc);
  parser p = {ctx, filename, 0, 0, sc};
  tl_status st = TL_OK;
  size_t pos = 0;
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
    pos = 3; /* a BOM some editors add */
  while (!st && pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    p.line++;
    p.line_off = pos;
    const char *s = text + pos;
    size_t n = end - pos;
    pos = end + 1;
    while (n && is_space(s[n - 1]))
      n--;
    while (n && is_space(*s))
      s++, n--;
    if (!n || *s == '#')
      continue;
    /* key: value */
    size_t k = 0;
    while (k < n && s[k] >= 'a' && s[k] <= 'z')
      k++;
    if (k && k < n && s[k] == ':') {
      size_t v = k + 1;
      while (v < n && is_space(s[v]))
        v++;
      st = parse_header(&p, s, k, s + v, n - v);
      continue;
    }
    /* PATTERN [OUTPUT] [# comment] */
    size_t a = 0;
    while (a < n && !is_space(s[a]))
      a++;
    size_t b = a;
    while (b < n && is_space(s[b]))
      b++;
    size_t c = b;
    if (c < n && s[c] != '#')
      while (c < n && !is_space(s[c]))
        c++;
    size_t d = c;
    while (d < n && is_space(s[d]))
      d++;
    if (d < n && s[d] != '#') {
      st = PFAIL(&p, TL_ESYNTAX, "unexpected '%.*s' after the output (outputs have no spaces)",
                 (int)(n - d), s + d);
      break;
    }
    st = parse_rule(&p, s, a, s + b, c - b);
  }
  if (!st)
    st = finish(&p);
  if (st) {
    tl__scheme_free(sc);
    return st;
  }
  *out = sc;
  return TL_OK;
}

void tl__scheme_free(tl__scheme *sc) {
  if (!sc)
    return;
  free(sc->id);
  free(sc->aliases);
  free(sc->name);
  free(sc->standard);
  free(sc->url);
  free(sc->apos);
  free(sc->rules);
  free(sc->rev);
  free(sc->pool);
  free(sc);
}

void tl__scheme_info(const tl__scheme *sc, tl_scheme_info *out) {
  memset(out, 0, sizeof *out);
  if (!sc)
    return;
  out->id = sc->id;
  out->aliases = sc->aliases;
  out->name = sc->name;
  out->standard = sc->standard;
  out->year = sc->year;
  out->from = TL_LANG_RU;
  out->to = TL_LANG_RU_LATN;
  out->reversible = sc->reversible;
}

/* ------------------------------------------------------- built-in tables */

/* The built-in scheme files: schemes/NAME.txt under dictionaries/. */
static int is_scheme_blob(const tl__blob *b) {
  size_t n = strlen(b->name);
  return n > 12 && !strncmp(b->name, "schemes/", 8) && !strcmp(b->name + n - 4, ".txt");
}

/* Header value of key in a scheme text (first occurrence), or NULL. */
static const char *header_value(const char *t, size_t n, const char *key, size_t *vlen) {
  size_t k = strlen(key);
  for (size_t pos = 0; pos < n;) {
    const char *nl = memchr(t + pos, '\n', n - pos);
    size_t end = nl ? (size_t)(nl - t) : n;
    const char *s = t + pos;
    size_t len = end - pos;
    pos = end + 1;
    while (len && is_space(*s))
      s++, len--;
    if (len > k && !memcmp(s, key, k) && s[k] == ':') {
      size_t v = k + 1;
      while (v < len && is_space(s[v]))
        v++;
      while (len > v && is_space(s[len - 1]))
        len--;
      *vlen = len - v;
      return s + v;
    }
  }
  return NULL;
}

static const tl__blob *find_blob(const char *name) {
  size_t count;
  const tl__blob *t = tl__embedded_table(&count);
  for (size_t i = 0; i < count; i++) {
    if (!is_scheme_blob(&t[i]))
      continue;
    const char *text = (const char *)t[i].data;
    size_t vn;
    const char *v = header_value(text, t[i].len, "id", &vn);
    if (v && list_has(v, vn, name))
      return &t[i];
    v = header_value(text, t[i].len, "aliases", &vn);
    if (v && list_has(v, vn, name))
      return &t[i];
  }
  return NULL;
}

tl_status tl__scheme_load(tl_ctx *ctx, const char *name, tl__scheme **out) {
  if (!name || !out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  *out = NULL;
  const tl__blob *b = find_blob(name);
  if (!b)
    return tl__fail(ctx, TL_ENOTFOUND, TL_NO_OFFSET,
                    "unknown scheme '%s' (see translit list)", name);
  return tl__scheme_parse(ctx, (const char *)b->data, b->len, b->name, out);
}

tl_status tl__scheme_load_file(tl_ctx *ctx, const char *path, tl__scheme **out) {
  if (!path || !out)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "NULL argument");
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open", path);
  tl_buf b = TL_BUF_INIT;
  char chunk[8192];
  size_t k;
  tl_status st = TL_OK;
  while (!st && (k = fread(chunk, 1, sizeof chunk, fp)) > 0)
    st = tl__buf_append(&b, chunk, k);
  int err = ferror(fp);
  fclose(fp);
  if (st || err) {
    tl_buf_free(&b);
    return st ? tl__fail(ctx, st, TL_NO_OFFSET, "out of memory")
              : tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: read error", path);
  }
  st = tl__scheme_parse(ctx, b.data ? b.data : "", b.len, path, out);
  tl_buf_free(&b);
  return st;
}

/* ------------------------------------------------------------ converting */

typedef struct wl {
  uint32_t cp;
  uint16_t lo;  /* lowercase index in the block, or NO_LETTER */
  uint8_t cs;   /* CASE_* */
  size_t b0, b1, b2; /* letter bytes [b0,b1), its marks [b1,b2) */
} wl;

/* What a capital standing alone in its word follows: the next word with two
 * cased letters or more (ALL CAPS or not), else the last such word before,
 * both on the same line: a stream converts line by line, and the whole text
 * must come out the same (found by tests/fuzz/fuzz_ru_scheme.c). */
static int lone_capital_style(const tl__scheme *sc, const char *t, size_t n,
                              size_t from, int before) {
  int words = 0;
  size_t i = from;
  while (i < n && words < 4) {
    uint32_t cp;
    size_t k = dec(t + i, n - i, &cp);
    if (cp == '\n')
      break;
    if (!is_letter(sc, cp)) {
      i += k;
      continue;
    }
    int cased = 0, upper = 0;
    while (i < n) {
      k = dec(t + i, n - i, &cp);
      if (!is_letter(sc, cp) && !is_mark(cp))
        break;
      int c = case_of(sc, cp);
      cased += c != CASE_NONE;
      upper += c == CASE_UPPER;
      i += k;
    }
    words++;
    if (cased >= 2)
      return upper == cased ? STYLE_UPPER : STYLE_TITLE;
  }
  return before == STYLE_UPPER ? STYLE_UPPER : STYLE_TITLE;
}

static int rule_matches(const rule *r, const wl *w, size_t nw, size_t i) {
  if (i + r->ntarget > nw)
    return 0;
  for (unsigned k = 1; k < r->ntarget; k++)
    if (w[i + k].lo != r->target[k])
      return 0;
  size_t after = i + r->ntarget;
  if ((r->flags & R_START) && i != 0)
    return 0;
  /* A word end needs a word: at least one letter before the ending. */
  if ((r->flags & R_END) && (after != nw || (i == 0 && !(r->flags & R_START))))
    return 0;
  if ((r->flags & R_PREV) && (i == 0 || !set_has(&r->prev, w[i - 1].lo)))
    return 0;
  if ((r->flags & R_NEXT) && (after >= nw || !set_has(&r->next, w[after].lo)))
    return 0;
  return 1;
}

/* Converts one word w[0..nw) of text t, which has cased letters of which
 * upper are capitals, and combining marks if marks is set; *last is the
 * style of the last word with two cased letters or more. */
static tl_status convert_word(const tl__scheme *sc, const char *t, size_t n,
                              const wl *w, size_t nw, int cased, int upper,
                              int marks, int *last, tl_buf *out) {
  int lone = -1; /* style of a word whose only cased letter is a capital */
  /* One reservation a word: no letter writes more than max_out bytes
   * besides its own marks, or than its own bytes when copied. */
  size_t room = (w[nw - 1].b2 - w[0].b0) + nw * sc->max_out + 8;
  tl_status st = tl__buf_reserve(out, room);
  if (st)
    return st;
  char *dst = out->data + out->len;
  for (size_t i = 0; i < nw;) {
    const out_str *o = NULL;
    size_t take = 1;
    if (w[i].lo != NO_LETTER && sc->simple[w[i].lo]) {
      o = &sc->letters[w[i].lo].plain;
    } else if (w[i].lo != NO_LETTER) {
      const letter *L = &sc->letters[w[i].lo];
      for (uint32_t r = 0; r < L->nrules; r++) {
        const rule *R = &sc->rules[L->first_rule + r];
        if (rule_matches(R, w, nw, i)) {
          o = &R->out;
          take = R->ntarget;
          break;
        }
      }
      if (!o && L->has_plain)
        o = &L->plain;
    }
    if (!o) {
      memcpy(dst, t + w[i].b0, w[i].b2 - w[i].b0);
      dst += w[i].b2 - w[i].b0;
      i++;
      continue;
    }
    int style = STYLE_LOWER;
    if (w[i].cs == CASE_UPPER) {
      /* The nearest cased letter after decides, else the one before. */
      int nb = CASE_NONE;
      for (size_t j = i + 1; j < nw && nb == CASE_NONE; j++)
        nb = w[j].cs;
      for (size_t j = i; j > 0 && nb == CASE_NONE; j--)
        nb = w[j - 1].cs;
      if (nb == CASE_UPPER)
        style = STYLE_UPPER;
      else if (nb == CASE_LOWER)
        style = STYLE_TITLE;
      else {
        if (lone < 0)
          lone = lone_capital_style(sc, t, n, w[nw - 1].b2, *last);
        style = lone;
      }
    }
    /* Most outputs are 1-4 bytes: one fixed 8-byte copy (the pool is
     * padded and the room reserved above has 8 bytes to spare). */
    if (o->len[style] <= 8)
      memcpy(dst, sc->pool + o->off[style], 8);
    else
      memcpy(dst, sc->pool + o->off[style], o->len[style]);
    dst += o->len[style];
    for (size_t k = 0; marks && k < take; k++)
      if (w[i + k].b2 > w[i + k].b1) {
        memcpy(dst, t + w[i + k].b1, w[i + k].b2 - w[i + k].b1);
        dst += w[i + k].b2 - w[i + k].b1;
      }
    i += take;
  }
  out->len = (size_t)(dst - out->data);
  out->data[out->len] = '\0';
  if (cased >= 2)
    *last = upper == cased ? STYLE_UPPER : STYLE_TITLE;
  return st;
}

/* Appends s[0..k) without a call when the buffer has room. */
static inline tl_status put(tl_buf *out, const char *s, size_t k) {
  if (out->data && out->len + k < out->cap) {
    memcpy(out->data + out->len, s, k);
    out->len += k;
    out->data[out->len] = '\0';
    return TL_OK;
  }
  return tl__buf_append(out, s, k);
}

/* Russian -> Latin of t[0..n). With check set, stops with NEEDS_NFC at the
 * first character that is not NFC-safe (see nfc_safe), so that plain text
 * is read once. */
static tl_status forward(const tl__scheme *sc, const char *t, size_t n, int check,
                         tl_buf *out) {
  wl stackw[128];
  wl *w = stackw;
  size_t cap = 128;
  int last = STYLE_TITLE;
  tl_status st = TL_OK;
  size_t i = 0;
  while (i < n && !st) {
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      size_t j = i + 1;
      while (j < n && (unsigned char)t[j] < 0x80 &&
             !(((unsigned char)t[j] | 0x20) >= 'a' && ((unsigned char)t[j] | 0x20) <= 'z'))
        j++;
      if (memchr(t + i, '\n', j - i))
        last = STYLE_TITLE; /* the word before is looked for on this line */
      st = put(out, t + i, j - i);
      i = j;
      continue;
    }
    uint32_t cp;
    size_t k = dec(t + i, n - i, &cp);
    if (check && !cp_safe(cp)) {
      st = NEEDS_NFC;
      break;
    }
    if (!is_letter(sc, cp)) {
      st = put(out, t + i, k);
      i += k;
      continue;
    }
    /* A word: letters, each with the marks that follow it. */
    size_t nw = 0, start = i;
    int any = 0, cased = 0, upper = 0, marks = 0;
    while (i < n) {
      unsigned char b0 = (unsigned char)t[i];
      if ((b0 == 0xD0 || b0 == 0xD1) && i + 1 < n) {
        /* U+0400..U+047F, two bytes: the table says all (these code
         * points are NFC-safe, see cp_safe). */
        cp = ((b0 & 0x1Fu) << 6) | ((unsigned char)t[i + 1] & 0x3Fu);
        k = 2;
      } else {
        k = dec(t + i, n - i, &cp);
        if (check && !cp_safe(cp)) {
          st = NEEDS_NFC;
          break;
        }
      }
      if (is_letter(sc, cp)) {
        if (nw == cap) {
          size_t ncap = cap * 2;
          wl *nwp = w == stackw ? malloc(ncap * sizeof *nwp) : realloc(w, ncap * sizeof *nwp);
          if (!nwp) {
            st = TL_ENOMEM;
            break;
          }
          if (w == stackw)
            memcpy(nwp, stackw, sizeof stackw);
          w = nwp;
          cap = ncap;
        }
        wl *x = &w[nw++];
        x->cp = cp;
        if (cp >= CYR_BASE && cp < CYR_BASE + CYR_N) {
          x->lo = sc->lower[cp - CYR_BASE];
          any = 1;
        } else
          x->lo = NO_LETTER;
        x->cs = (uint8_t)case_of(sc, cp);
        cased += x->cs != CASE_NONE;
        upper += x->cs == CASE_UPPER;
        x->b0 = i;
        x->b1 = x->b2 = i + k;
      } else if (cp >= 0x300 && is_mark(cp)) {
        w[nw - 1].b2 = i + k;
        marks = 1;
      } else
        break;
      i += k;
    }
    if (st)
      break;
    if (!any) {
      st = put(out, t + start, i - start);
      /* Non-Cyrillic words still tell a lone capital what case to take. */
      if (cased >= 2)
        last = upper == cased ? STYLE_UPPER : STYLE_TITLE;
      continue;
    }
    st = convert_word(sc, t, n, w, nw, cased, upper, marks, &last, out);
  }
  if (w != stackw)
    free(w);
  return st;
}

/* Index of the first reverse entry starting with cp, or nrev. */
static size_t rev_first(const tl__scheme *sc, uint32_t cp) {
  size_t lo = 0, hi = sc->nrev;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sc->rev[mid].latin[0] < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int is_rev_word(const tl__scheme *sc, uint32_t cp) {
  return is_letter(sc, cp) || is_apos(sc, cp) || (cp >= 0x300 && is_mark(cp));
}

static tl_status backward(const tl__scheme *sc, const char *t, size_t n, tl_buf *out) {
  tl_status st = TL_OK;
  int prev_case = CASE_NONE; /* last cased character in this word */
  for (size_t i = 0; i < n && !st;) {
    uint32_t cp;
    size_t k = dec(t + i, n - i, &cp);
    uint32_t lc = lower_cp(cp);
    size_t e = rev_first(sc, lc);
    const rev_entry *hit = NULL;
    size_t hit_end = i;
    int first_case = CASE_NONE;
    for (; e < sc->nrev && sc->rev[e].latin[0] == lc && !hit; e++) {
      const rev_entry *r = &sc->rev[e];
      size_t j = i + k;
      int fc = case_of(sc, cp);
      unsigned m = 1;
      for (; m < r->len && j < n; m++) {
        uint32_t c2;
        size_t k2 = dec(t + j, n - j, &c2);
        if (lower_cp(c2) != r->latin[m])
          break;
        if (fc == CASE_NONE)
          fc = case_of(sc, c2);
        j += k2;
      }
      if (m == r->len)
        hit = r, hit_end = j, first_case = fc;
    }
    if (!hit) {
      st = tl__buf_append(out, t + i, k);
      int c = case_of(sc, cp);
      if (c != CASE_NONE)
        prev_case = c;
      else if (!is_rev_word(sc, cp))
        prev_case = CASE_NONE;
      i += k;
      continue;
    }
    int up = first_case == CASE_UPPER;
    if (first_case == CASE_NONE && prev_case == CASE_UPPER) {
      /* A caseless spelling (ʹ, ``) is a capital inside an ALL-CAPS word. */
      int next_case = CASE_NONE;
      for (size_t j = hit_end; j < n && next_case == CASE_NONE;) {
        uint32_t c2;
        size_t k2 = dec(t + j, n - j, &c2);
        if (!is_rev_word(sc, c2))
          break;
        next_case = case_of(sc, c2);
        j += k2;
      }
      up = next_case != CASE_LOWER;
    }
    if (first_case != CASE_NONE)
      prev_case = first_case;
    uint16_t L = up ? sc->upper[hit->letter] : hit->letter;
    st = tl__buf_put_cp(out, CYR_BASE + L);
    i = hit_end;
  }
  return st;
}

tl_status tl__scheme_convert(const tl__scheme *sc, int reverse,
                             const tl__run *run, tl_buf *out) {
  if (!sc || !run || !out)
    return TL_EINVAL;
  if (reverse && !sc->reversible)
    return TL_EUNSUPPORTED;
  size_t mark = out->len;
  tl_status st;
  if (reverse)
    st = nfc_safe(run->text, run->len) ? backward(sc, run->text, run->len, out) : NEEDS_NFC;
  else
    st = forward(sc, run->text, run->len, 1, out);
  if (st != NEEDS_NFC)
    return st;
  /* Rare: decomposed or combining input. NFC in, convert, NFC out (marks
   * that followed Cyrillic letters may compose with their Latin output). */
  tl__buf_truncate(out, mark);
  tl_buf in = TL_BUF_INIT, tmp = TL_BUF_INIT;
  st = nfc_append(run->text, run->len, &in);
  if (!st)
    st = reverse ? backward(sc, in.data ? in.data : "", in.len, &tmp)
                 : forward(sc, in.data ? in.data : "", in.len, 0, &tmp);
  if (!st)
    st = nfc_append(tmp.data ? tmp.data : "", tmp.len, out);
  tl_buf_free(&in);
  tl_buf_free(&tmp);
  return st;
}

/* -------------------------------------------------------------- listing */

size_t tl_scheme_count(void) {
  size_t count, k = 0;
  const tl__blob *t = tl__embedded_table(&count);
  for (size_t i = 0; i < count; i++)
    k += is_scheme_blob(&t[i]);
  return k;
}

/* Generated at build time by scripts/cmake/scheme-index.cmake from the same files
 * (a static table, so that the strings handed out live forever). */
const tl_scheme_info *tl__scheme_index(size_t *count);

tl_status tl_scheme_info_at(tl_scheme_info *out, size_t i) {
  size_t n;
  const tl_scheme_info *t = tl__scheme_index(&n);
  if (!out)
    return TL_EINVAL;
  if (i >= n)
    return TL_ENOTFOUND;
  *out = t[i];
  return TL_OK;
}

tl_status tl_scheme_find(tl_scheme_info *out, const char *name) {
  size_t n;
  const tl_scheme_info *t = tl__scheme_index(&n);
  if (!out || !name)
    return TL_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (ieq(t[i].id, name) || list_has(t[i].aliases, strlen(t[i].aliases), name)) {
      *out = t[i];
      return TL_OK;
    }
  return TL_ENOTFOUND;
}

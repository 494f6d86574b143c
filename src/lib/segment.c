/* segment.c: articles to paragraphs and sentences for the aligner. Markup is
 * reduced to text first, so that offsets and lengths seen by the aligner are
 * those of clean one-line sentences; ICU's sentence rules then split each
 * paragraph, and our abbreviation lists undo the splits that ICU makes after
 * abbreviations and initials, which its rules cannot know about. */
#include "segment.h"

#include "buf.h"
#include "embedded.h"
#include "error.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

/* ------------------------------------------------------------ abbreviations */

typedef struct abbrev {
  char *s;
  size_t len;
  int not_after_num; /* "!num": after a number it may end a sentence */
} abbrev;

struct tl__abbrevs {
  abbrev *v;
  size_t n;
};

static const char *abbrev_file(tl_lang lang) {
  switch (lang) {
  case TL_LANG_EN: return "align/abbrev-en.txt";
  case TL_LANG_RU: return "align/abbrev-ru.txt";
  case TL_LANG_UZ_LATN:
  case TL_LANG_UZ_CYRL: return "align/abbrev-uz.txt";
  default: return NULL;
  }
}

tl_status tl__abbrevs_load(tl_ctx *ctx, tl_lang lang, tl__abbrevs **out) {
  *out = NULL;
  tl__abbrevs *ab = calloc(1, sizeof *ab);
  if (!ab)
    return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
  const char *name = abbrev_file(lang);
  const tl__blob *b = name ? tl__embedded_find(name) : NULL;
  if (b) {
    size_t cap = 0;
    const char *p = (const char *)b->data, *end = p + b->len;
    while (p < end) {
      const char *eol = memchr(p, '\n', (size_t)(end - p));
      if (!eol)
        eol = end;
      const char *tab = memchr(p, '\t', (size_t)(eol - p));
      const char *wend = tab ? tab : eol;
      while (wend > p && (wend[-1] == ' ' || wend[-1] == '\r'))
        wend--;
      if (wend > p && *p != '#') {
        if (ab->n == cap) {
          cap = cap ? 2 * cap : 64;
          abbrev *nv = realloc(ab->v, cap * sizeof *nv);
          if (!nv) {
            tl__abbrevs_free(ab);
            return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
          }
          ab->v = nv;
        }
        abbrev *a = &ab->v[ab->n];
        a->len = (size_t)(wend - p);
        a->s = strndup(p, a->len);
        a->not_after_num = tab && strstr(tab, "!num") && strstr(tab, "!num") < eol;
        if (!a->s) {
          tl__abbrevs_free(ab);
          return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
        }
        ab->n++;
      }
      p = eol + 1;
    }
  }
  *out = ab;
  return TL_OK;
}

void tl__abbrevs_free(tl__abbrevs *ab) {
  if (!ab)
    return;
  for (size_t i = 0; i < ab->n; i++)
    free(ab->v[i].s);
  free(ab->v);
  free(ab);
}

/* ------------------------------------------------------------ markup to text */

static int is_space_at(const char *s, size_t n, size_t i, size_t *w) {
  unsigned char c = (unsigned char)s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
    *w = 1;
    return 1;
  }
  if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* NBSP */
    *w = 2;
    return 1;
  }
  return 0;
}

static int tag_is(const char *name, size_t n, const char *const *list) {
  for (; *list; list++)
    if (strlen(*list) == n && strncasecmp(name, *list, n) == 0)
      return 1;
  return 0;
}

/* Decodes an HTML entity at s[0..n) (s[0] == '&'); returns bytes used or 0. */
static size_t html_entity(const char *s, size_t n, tl_buf *out, tl_status *st) {
  static const struct { const char *name; uint32_t cp; } ents[] = {
      {"amp", '&'},     {"lt", '<'},      {"gt", '>'},      {"quot", '"'},
      {"apos", '\''},   {"nbsp", 0xA0},   {"laquo", 0xAB},  {"raquo", 0xBB},
      {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026},
      {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
      {"rdquo", 0x201D}, {"bdquo", 0x201E}};
  size_t e = 1;
  while (e < n && e < 12 && s[e] != ';')
    e++;
  if (e >= n || s[e] != ';')
    return 0;
  uint32_t cp = 0;
  if (s[1] == '#') {
    int hex = e > 2 && (s[2] == 'x' || s[2] == 'X');
    for (size_t i = hex ? 3 : 2; i < e; i++) {
      int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
              : hex && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
              : hex && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                                    : -1;
      if (d < 0 || cp > 0x10FFFF)
        return 0;
      cp = cp * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
  } else {
    size_t k;
    for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
      if (strlen(ents[k].name) == e - 1 && strncmp(s + 1, ents[k].name, e - 1) == 0)
        break;
    if (k == sizeof ents / sizeof ents[0])
      return 0;
    cp = ents[k].cp;
  }
  *st = tl__buf_put_cp(out, cp);
  return e + 1;
}

/* HTML to text with "\n\n" at block boundaries and no other newlines. */
static tl_status html_to_text(const char *s, size_t n, tl_buf *out) {
  static const char *const blocks[] = {
      "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
      "tr", "td", "th", "table", "blockquote", "section", "article", "header",
      "footer", "figcaption", "figure", "title", "dd", "dt", "hr", "main",
      "aside", "nav", "pre", NULL};
  static const char *const skip[] = {"script", "style", "head", "noscript",
                                     "template", NULL};
  tl_status st = TL_OK;
  size_t i = 0;
  while (i < n && !st) {
    char c = s[i];
    if (c == '<') {
      if (n - i >= 4 && strncmp(s + i, "<!--", 4) == 0) {
        const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
        i = e ? (size_t)(e - s) + 3 : n;
        continue;
      }
      size_t j = i + 1;
      int closing = j < n && s[j] == '/';
      if (closing)
        j++;
      size_t nb = j;
      while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                       (s[j] >= '0' && s[j] <= '9')))
        j++;
      size_t nlen = j - nb;
      if (nlen == 0 && !(j < n && (s[j] == '!' || s[j] == '?'))) {
        st = tl__buf_putc(out, c); /* a lone '<' in text */
        i++;
        continue;
      }
      /* Find the end of the tag, honouring quoted attribute values. */
      char q = 0;
      while (j < n && (q || s[j] != '>')) {
        if (q && s[j] == q)
          q = 0;
        else if (!q && (s[j] == '"' || s[j] == '\''))
          q = s[j];
        j++;
      }
      size_t tag_end = j < n ? j + 1 : n;
      if (!closing && tag_is(s + nb, nlen, skip)) {
        /* Drop everything up to the matching closing tag. */
        size_t k = tag_end;
        for (;;) {
          const char *lt = memchr(s + k, '<', n - k);
          if (!lt) {
            k = n;
            break;
          }
          k = (size_t)(lt - s);
          if (k + 2 + nlen <= n && s[k + 1] == '/' &&
              strncasecmp(s + k + 2, s + nb, nlen) == 0) {
            const char *gt = memchr(s + k, '>', n - k);
            k = gt ? (size_t)(gt - s) + 1 : n;
            break;
          }
          k++;
        }
        i = k;
        st = tl__buf_puts(out, "\n\n");
        continue;
      }
      if (tag_is(s + nb, nlen, blocks))
        st = tl__buf_puts(out, "\n\n");
      i = tag_end;
    } else if (c == '&') {
      size_t used = html_entity(s + i, n - i, out, &st);
      if (!used)
        st = tl__buf_putc(out, c), used = 1;
      i += used;
    } else if (c == '\n' || c == '\r') {
      st = tl__buf_putc(out, ' ');
      i++;
    } else {
      st = tl__buf_putc(out, c);
      i++;
    }
  }
  return st;
}

/* Markdown to text: headings, list items and quotes become paragraphs of
 * their own; emphasis, code marks and link targets go; fenced code goes. */
static tl_status markdown_to_text(const char *s, size_t n, tl_buf *out) {
  tl_status st = TL_OK;
  int in_fence = 0;
  size_t i = 0;
  while (i < n && !st) {
    const char *eol = memchr(s + i, '\n', n - i);
    size_t e = eol ? (size_t)(eol - s) : n;
    size_t p = i;
    while (p < e && (s[p] == ' ' || s[p] == '\t'))
      p++;
    if (e - p >= 3 && (strncmp(s + p, "```", 3) == 0 || strncmp(s + p, "~~~", 3) == 0)) {
      in_fence = !in_fence;
      st = tl__buf_puts(out, "\n\n");
      i = e + 1;
      continue;
    }
    if (in_fence) {
      i = e + 1;
      continue;
    }
    int own_para = 0;
    if (p < e && s[p] == '#') {
      while (p < e && s[p] == '#')
        p++;
      own_para = 1;
    } else if (p < e && s[p] == '>') {
      while (p < e && (s[p] == '>' || s[p] == ' '))
        p++;
    } else if (p + 1 < e && (s[p] == '-' || s[p] == '*' || s[p] == '+') && s[p + 1] == ' ') {
      p += 2;
      own_para = 1;
    } else {
      size_t d = p;
      while (d < e && s[d] >= '0' && s[d] <= '9')
        d++;
      if (d > p && d + 1 < e && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ') {
        p = d + 2;
        own_para = 1;
      }
    }
    if (own_para)
      st = tl__buf_puts(out, "\n\n");
    for (size_t k = p; k < e && !st; k++) {
      char c = s[k];
      if (c == '*' || c == '`' || (c == '_' && k + 1 < e && s[k + 1] == '_')) {
        if (c == '_')
          k++;
        continue;
      }
      if (c == '!' && k + 1 < e && s[k + 1] == '[')
        continue;
      if (c == '[' || c == '\r')
        continue;
      if (c == ']' && k + 1 < e && s[k + 1] == '(') {
        const char *close = memchr(s + k, ')', e - k);
        if (close) {
          k = (size_t)(close - s);
          continue;
        }
      }
      st = tl__buf_putc(out, c);
    }
    if (!st)
      st = tl__buf_puts(out, own_para ? "\n\n" : "\n");
    i = e + 1;
  }
  return st;
}

/* ------------------------------------------------------------- sentences */

typedef struct builder {
  tl__doc *d;
  size_t cap;
  tl_buf text;
} builder;

static tl_status add_sent(builder *b, size_t off, size_t len, size_t para) {
  if (b->d->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 64;
    tl__sent *nv = realloc(b->d->sents, cap * sizeof *nv);
    if (!nv)
      return TL_ENOMEM;
    b->d->sents = nv;
    b->cap = cap;
  }
  b->d->sents[b->d->n++] = (tl__sent){off, len, para};
  return TL_OK;
}

static int is_upper_at(const char *s, size_t n) {
  uint32_t cp;
  if (n == 0)
    return 0;
  tl__utf8_decode(s, n, &cp);
  return cp != TL__UTF8_INVALID && cp != TL__UTF8_TRUNCATED && u_isupper((UChar32)cp);
}

/* Is w[0..n) (ends with '.') a run of initials: "A.", "Sh.", "A.B.", "Sh.M."? */
static int is_initials(const char *w, size_t n) {
  size_t i = 0, groups = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = tl__utf8_decode(w + i, n - i, &cp);
    if (!u_isupper((UChar32)cp))
      return 0;
    i += k;
    if (i < n && w[i] != '.') { /* one lower-case letter may follow: Sh. Ch. */
      k = tl__utf8_decode(w + i, n - i, &cp);
      if (!u_islower((UChar32)cp))
        return 0;
      i += k;
    }
    if (i >= n || w[i] != '.')
      return 0;
    i++;
    groups++;
  }
  return groups > 0;
}

/* Should the split ICU made at p[end] be undone? p[0..end) is the sentence
 * so far (from its start). */
static int keep_together(const char *p, size_t end, const tl__abbrevs *ab) {
  size_t e = end;
  while (e > 0 && (p[e - 1] == ' '))
    e--;
  if (e == 0 || p[e - 1] != '.')
    return 0;
  size_t w = e;
  while (w > 0 && p[w - 1] != ' ')
    w--;
  /* Skip opening punctuation: (Mr. «т.е. */
  while (w < e && strchr("(\"'[", p[w]))
    w++;
  if (e - w >= 2 && (strncmp(p + w, "\xC2\xAB", 2) == 0))
    w += 2;
  const char *word = p + w;
  size_t wl = e - w;
  /* "1." alone: a list number, not a sentence. */
  size_t dg = 0;
  while (dg < wl && word[dg] >= '0' && word[dg] <= '9')
    dg++;
  if (dg > 0 && dg + 1 == wl && w == 0)
    return 1;
  if (is_initials(word, wl))
    return 1;
  if (!ab)
    return 0;
  for (size_t i = 0; i < ab->n; i++) {
    const abbrev *a = &ab->v[i];
    if (a->len != wl)
      continue;
    int eq = memcmp(a->s, word, wl) == 0;
    if (!eq && is_upper_at(word, wl)) {
      /* "Г." at the start of a sentence is still "г.": compare lower-cased. */
      UChar u1[64], u2[64];
      int32_t l1, l2;
      UErrorCode ec = U_ZERO_ERROR;
      u_strFromUTF8(u1, 64, &l1, word, (int32_t)wl, &ec);
      u_strFromUTF8(u2, 64, &l2, a->s, (int32_t)a->len, &ec);
      eq = U_SUCCESS(ec) && l1 == l2 && u_strncasecmp(u1, u2, l1, 0) == 0;
    }
    if (!eq)
      continue;
    if (a->not_after_num) {
      size_t q = w;
      while (q > 0 && p[q - 1] == ' ')
        q--;
      if (q > 0 && p[q - 1] >= '0' && p[q - 1] <= '9')
        return 0;
    }
    return 1;
  }
  return 0;
}

/* ICU takes int32_t lengths and the break iterator wants the whole text as
 * UTF-16 plus an offset map (10 bytes a character here): a paragraph is cut
 * into pieces of at most this many bytes, each segmented on its own. A cut
 * falls after the last sentence end (". ", "? ", "! " and the like) before
 * the limit, else after the last space, else at a character boundary, so
 * that only a paragraph of over a megabyte without a sentence end can have
 * a sentence split in two. */
#define SEG_PIECE ((size_t)1 << 20)

static size_t piece_end(const char *p, size_t len) {
  if (len <= SEG_PIECE)
    return len;
  size_t space = 0;
  for (size_t i = SEG_PIECE; i > SEG_PIECE / 2; i--) {
    if (p[i - 1] != ' ')
      continue;
    if (!space)
      space = i;
    if (i >= 2 && strchr(".?!", p[i - 2]))
      return i;
  }
  if (space)
    return space;
  size_t i = SEG_PIECE;
  while (i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80)
    i--; /* not inside a UTF-8 sequence */
  return i ? i : SEG_PIECE;
}

static tl_status split_piece(builder *b, UBreakIterator *bi, size_t off,
                             size_t len, size_t para, const tl__abbrevs *ab);

/* Splits the paragraph text[off..off+len) into sentences. */
static tl_status split_para(builder *b, UBreakIterator *bi, size_t off,
                            size_t len, size_t para, const tl__abbrevs *ab) {
  tl_status st = TL_OK;
  while (len > 0 && !st) {
    size_t k = piece_end(b->text.data + off, len);
    st = split_piece(b, bi, off, k, para, ab);
    off += k;
    len -= k;
  }
  return st;
}

static tl_status split_piece(builder *b, UBreakIterator *bi, size_t off,
                             size_t len, size_t para, const tl__abbrevs *ab) {
  const char *p = b->text.data + off;
  UErrorCode ec = U_ZERO_ERROR;
  int32_t ulen = 0;
  u_strFromUTF8(NULL, 0, &ulen, p, (int32_t)len, &ec);
  ec = U_ZERO_ERROR;
  UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
  size_t *map = malloc(((size_t)ulen + 1) * sizeof *map);
  if (!u || !map) {
    free(u);
    free(map);
    return TL_ENOMEM;
  }
  u_strFromUTF8(u, ulen + 1, NULL, p, (int32_t)len, &ec);
  /* UTF-16 index -> UTF-8 offset. */
  size_t bi8 = 0;
  int32_t k = 0;
  while (bi8 < len) {
    uint32_t cp;
    size_t cl = tl__utf8_decode(p + bi8, len - bi8, &cp);
    map[k++] = bi8;
    if (cp >= 0x10000)
      map[k++] = bi8;
    bi8 += cl;
  }
  map[k] = len;
  ubrk_setText(bi, u, ulen, &ec);
  tl_status st = TL_OK;
  if (U_FAILURE(ec)) {
    st = TL_EINTERNAL;
  } else {
    size_t start = 0;
    for (int32_t pos = ubrk_next(bi); pos != UBRK_DONE && !st; pos = ubrk_next(bi)) {
      size_t end = map[pos];
      if (end < len && keep_together(p + start, end - start, ab))
        continue;
      size_t s0 = start, s1 = end;
      while (s0 < s1 && p[s0] == ' ')
        s0++;
      while (s1 > s0 && p[s1 - 1] == ' ')
        s1--;
      if (s1 > s0)
        st = add_sent(b, off + s0, s1 - s0, para);
      start = end;
    }
  }
  free(u);
  free(map);
  return st;
}

/* Appends s[0..n) to the text with whitespace runs collapsed to one space
 * and the ends trimmed. Returns the offset where it went. */
static tl_status put_collapsed(tl_buf *t, const char *s, size_t n, size_t *off,
                               size_t *len) {
  *off = t->len;
  int pending = 0;
  tl_status st = TL_OK;
  for (size_t i = 0; i < n && !st;) {
    size_t w;
    if (is_space_at(s, n, i, &w) && !(w == 2)) {
      pending = 1;
      i += w;
      continue;
    }
    if (pending && t->len > *off)
      st = tl__buf_putc(t, ' ');
    pending = 0;
    if (!st)
      st = tl__buf_putc(t, s[i]);
    i++;
  }
  *len = t->len - *off;
  return st;
}

static int blank_line(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
      return 0;
  return 1;
}

tl_status tl__doc_build(tl_ctx *ctx, const char *s, size_t n, unsigned mode,
                        const tl__abbrevs *ab, tl__doc *out) {
  memset(out, 0, sizeof *out);
  size_t bad;
  if (!tl__utf8_valid(s, n, &bad))
    return tl__fail(ctx, TL_EUTF8, bad, "invalid UTF-8 at byte %zu", bad);
  tl_buf clean = TL_BUF_INIT;
  tl_status st = TL_OK;
  if (mode & TL__SEG_HTML)
    st = html_to_text(s, n, &clean);
  else if (mode & TL__SEG_MARKDOWN)
    st = markdown_to_text(s, n, &clean);
  if (st) {
    tl_buf_free(&clean);
    return tl__fail(ctx, st, TL_NO_OFFSET, "out of memory");
  }
  if (clean.data) {
    s = clean.data;
    n = clean.len;
  }
  builder b = {out, 0, TL_BUF_INIT};
  UBreakIterator *bi = NULL;
  if (!(mode & TL__SEG_SEGMENTED)) {
    UErrorCode ec = U_ZERO_ERROR;
    bi = ubrk_open(UBRK_SENTENCE, "en", NULL, 0, &ec);
    if (U_FAILURE(ec)) {
      tl_buf_free(&clean);
      return tl__fail(ctx, TL_EINTERNAL, TL_NO_OFFSET,
                      "cannot open ICU's sentence break iterator: %s", u_errorName(ec));
    }
  }
  /* Plain text without any blank line has one paragraph per line. */
  int has_blank = (mode & (TL__SEG_HTML | TL__SEG_SEGMENTED)) != 0;
  for (size_t i = 0; i < n && !has_blank;) {
    const char *eol = memchr(s + i, '\n', n - i);
    size_t e = eol ? (size_t)(eol - s) : n;
    if (blank_line(s + i, e - i) && e < n)
      has_blank = i > 0;
    i = e + 1;
  }
  size_t para = 0, pstart = 0;
  int in_para = 0;
  for (size_t i = 0; !st;) {
    int last = i >= n;
    const char *eol = last ? NULL : memchr(s + i, '\n', n - i);
    size_t e = last ? n : (eol ? (size_t)(eol - s) : n);
    int blank = last || blank_line(s + i, e - i);
    if (mode & TL__SEG_SEGMENTED) {
      if (blank) {
        if (in_para)
          para++;
        in_para = 0;
      } else {
        size_t off, len;
        st = put_collapsed(&b.text, s + i, e - i, &off, &len);
        if (!st && len)
          st = add_sent(&b, off, len, para), in_para = 1;
        if (!st)
          st = tl__buf_putc(&b.text, '\n');
      }
    } else if (blank || !has_blank) {
      /* A paragraph ends: s[pstart .. i) before a blank line, or this line. */
      size_t p0 = blank ? pstart : i, p1 = blank ? (last ? n : i) : e;
      if (p1 > p0) {
        size_t off, len;
        st = put_collapsed(&b.text, s + p0, p1 - p0, &off, &len);
        if (!st && len) {
          size_t before = out->n;
          st = split_para(&b, bi, off, len, para, ab);
          if (!st && out->n > before)
            para++;
        }
        if (!st)
          st = tl__buf_putc(&b.text, '\n');
      }
      pstart = e + 1;
    }
    if (last || e >= n)
      break;
    i = e + 1;
  }
  /* The text after the last blank line, when it does not end with one. */
  if (!st && !(mode & TL__SEG_SEGMENTED) && has_blank && pstart < n) {
    size_t off, len;
    st = put_collapsed(&b.text, s + pstart, n - pstart, &off, &len);
    if (!st && len) {
      size_t before = out->n;
      st = split_para(&b, bi, off, len, para, ab);
      if (!st && out->n > before)
        para++;
    }
  }
  if (mode & TL__SEG_SEGMENTED && in_para)
    para++;
  if (bi)
    ubrk_close(bi);
  tl_buf_free(&clean);
  if (st) {
    tl_buf_free(&b.text);
    free(out->sents);
    memset(out, 0, sizeof *out);
    return tl__fail(ctx, st, TL_NO_OFFSET, "%s while splitting sentences",
                    tl_strerror(st));
  }
  /* Offsets stay valid: b.text.data only grows before this point. */
  out->text = b.text.data ? b.text.data : strdup("");
  out->len = b.text.len;
  out->npara = para;
  return TL_OK;
}

void tl__doc_free(tl__doc *d) {
  if (!d)
    return;
  free(d->text);
  free(d->sents);
  memset(d, 0, sizeof *d);
}

/* lexicon.c: see lexicon.h. */
#include "lexicon.h"
#include "error.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

size_t tl__lower_cps(const char *s, size_t n, uint32_t *out, size_t max,
                     uint32_t canon_apos) {
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = tl__utf8_decode(s + i, n - i, &cp);
    if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED || k == max)
      return (size_t)-1;
    if (canon_apos && tl__is_apostrophe(cp))
      cp = canon_apos;
    else if (cp < 0x80) /* ASCII and basic Cyrillic without ICU (startup) */
      cp = cp - 'A' < 26u ? cp + 32 : cp;
    else if (cp >= 0x410 && cp < 0x430)
      cp += 0x20;
    else if (!(cp >= 0x430 && cp < 0x460))
      cp = (uint32_t)u_tolower((UChar32)cp);
    out[k++] = cp;
    i += len;
  }
  return k;
}

static char *dup_range(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Rewrites the apostrophes of a Latin word: after o/g (any case) followed
 * by a letter or at the end, ʻ; elsewhere ʼ. */
static char *canon_latin(const char *s, size_t n) {
  char *out = malloc(n * 2 + 1), *p = out;
  if (!out)
    return NULL;
  uint32_t prev = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = tl__utf8_decode(s + i, n - i, &cp);
    if (cp == TL__UTF8_INVALID || cp == TL__UTF8_TRUNCATED) {
      free(out);
      return NULL;
    }
    if (tl__is_apostrophe(cp))
      cp = (prev == 'o' || prev == 'g' || prev == 'O' || prev == 'G') ? TL__OKINA
                                                                       : TL__TUTUQ;
    p += tl__utf8_encode(cp, p);
    prev = cp;
    i += len;
  }
  *p = '\0';
  return out;
}

static tl_status add(tl__lexicon *lx, char *cyr, char *lat, unsigned flags) {
  if (lx->n == lx->cap) {
    size_t cap = lx->cap ? lx->cap * 2 : 256;
    tl__lex_entry *e = realloc(lx->e, cap * sizeof *e);
    if (!e)
      return TL_ENOMEM;
    lx->e = e;
    lx->cap = cap;
  }
  lx->e[lx->n++] = (tl__lex_entry){cyr, lat, flags};
  return TL_OK;
}

static int has_script(const char *s, size_t n, int cyrillic) {
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    i += tl__utf8_decode(s + i, n - i, &cp);
    if (cyrillic ? (cp >= 0x400 && cp <= 0x4FF)
                 : ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'))
      return 1;
  }
  return 0;
}

tl_status tl__lexicon_parse(tl_ctx *ctx, tl__lexicon *lx, const char *text,
                            size_t len, const char *name) {
  size_t bad;
  if (!tl__utf8_valid(text, len, &bad)) {
    size_t line = 1;
    for (size_t i = 0; i < bad; i++)
      line += text[i] == '\n';
    return tl__fail_at(ctx, TL_EUTF8, bad, line, 0,
                       "%s:%zu: invalid UTF-8 at byte offset %zu", name, line, bad);
  }
  size_t lineno = 0;
  for (size_t pos = 0; pos < len;) {
    const char *ln = text + pos;
    const char *nl = memchr(ln, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - ln) : len - pos;
    pos += n + 1;
    lineno++;
    while (n && (ln[n - 1] == '\r' || ln[n - 1] == ' '))
      n--;
    if (n == 0 || ln[0] == '#')
      continue;
    const char *f[3] = {ln, NULL, NULL};
    size_t fl[3] = {n, 0, 0};
    int nf = 1;
    for (size_t i = 0; i < n && nf < 3; i++)
      if (ln[i] == '\t') {
        fl[nf - 1] = (size_t)(ln + i - f[nf - 1]);
        f[nf] = ln + i + 1;
        fl[nf] = n - i - 1;
        nf++;
      }
    if (nf < 2 || fl[0] == 0 || fl[1] == 0)
      return tl__fail_at(ctx, TL_ESYNTAX, (size_t)(ln - text), lineno, 1,
                         "%s:%zu: expected CYRILLIC<TAB>LATIN[<TAB>FLAGS]", name, lineno);
    /* Entries are kept as C strings: a NUL would cut a word silently
     * (found by tests/fuzz/fuzz_dict_file.c). */
    const char *nul = memchr(ln, '\0', n);
    if (nul)
      return tl__fail_at(ctx, TL_ESYNTAX, (size_t)(nul - text), lineno, 0,
                         "%s:%zu: NUL byte in an entry", name, lineno);
    if (!has_script(f[0], fl[0], 1) || has_script(f[0], fl[0], 0))
      return tl__fail_at(ctx, TL_ESYNTAX, (size_t)(ln - text), lineno, 1,
                         "%s:%zu: the first column must be Cyrillic", name, lineno);
    if (has_script(f[1], fl[1], 1) || !has_script(f[1], fl[1], 0))
      return tl__fail_at(ctx, TL_ESYNTAX, (size_t)(f[1] - text), lineno, 0,
                         "%s:%zu: the second column must be Latin", name, lineno);
    unsigned flags = 0, dirs = 0;
    for (size_t i = 0; nf == 3 && i < fl[2]; i++) {
      char c = f[2][i];
      if (c == '*')
        flags |= TL__LEX_STEM;
      else if (c == '>')
        dirs |= TL__LEX_TO_LATIN;
      else if (c == '<')
        dirs |= TL__LEX_TO_CYRL;
      else if (c == '-')
        flags |= TL__LEX_DROP_SOFT;
      else if (c != ' ')
        return tl__fail_at(ctx, TL_ESYNTAX, (size_t)(f[2] + i - text), lineno, 0,
                           "%s:%zu: unknown flag '%c' (use * - > <)", name, lineno, c);
    }
    flags |= dirs ? dirs : (TL__LEX_TO_LATIN | TL__LEX_TO_CYRL);
    char *cyr = dup_range(f[0], fl[0]);
    char *lat = canon_latin(f[1], fl[1]);
    if (!cyr || !lat || add(lx, cyr, lat, flags)) {
      free(cyr);
      free(lat);
      return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
    }
  }
  return TL_OK;
}

tl_status tl__lexicon_load_file(tl_ctx *ctx, tl__lexicon *lx, const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: cannot open: %s", path,
                    strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (cap - len < 65536) {
      cap = cap ? cap * 2 : 131072;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(fp);
        return tl__fail(ctx, TL_ENOMEM, TL_NO_OFFSET, "out of memory");
      }
      buf = nb;
    }
    size_t k = fread(buf + len, 1, cap - len, fp);
    len += k;
    if (k == 0)
      break;
  }
  int err = ferror(fp);
  fclose(fp);
  tl_status st = err ? tl__fail(ctx, TL_EIO, TL_NO_OFFSET, "%s: read error", path)
                     : tl__lexicon_parse(ctx, lx, buf, len, path);
  free(buf);
  return st;
}

void tl__lexicon_free(tl__lexicon *lx) {
  for (size_t i = 0; i < lx->n; i++) {
    free(lx->e[i].cyr);
    free(lx->e[i].lat);
  }
  free(lx->e);
  lx->e = NULL;
  lx->n = lx->cap = 0;
}

tl_status tl__wordlist_each(const char *text, size_t len, tl__word_fn fn,
                            void *user) {
  for (size_t pos = 0; pos < len;) {
    const char *ln = text + pos;
    const char *nl = memchr(ln, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - ln) : len - pos;
    pos += n + 1;
    size_t k = 0;
    while (k < n && ln[k] != '/' && ln[k] != '\t' && ln[k] != '\r')
      k++;
    while (k && ln[k - 1] == ' ')
      k--;
    if (k == 0 || ln[0] == '#')
      continue;
    tl_status st = fn(user, ln, k);
    if (st)
      return st;
  }
  return TL_OK;
}

/* detect.c: which language and script a text is in (uz-Latn, uz-Cyrl, ru,
 * en). The script is counted; within a script, a naive-Bayes sum of word and
 * character-trigram log-likelihood ratios from dictionaries/detect/ decides
 * Uzbek against Russian or English. The model is read in place from the
 * embedded file (binary search on its sorted lines): nothing to build,
 * nothing mutable, nothing to free. */
#include "detect.h"
#include "embedded.h"
#include "error.h"
#include "utf8.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unicode/uchar.h>

#define MODEL_FILE "detect/features.tsv"
/* A word longer than this is cut: no language has longer meaningful words,
 * and the buffer stays on the stack. */
#define WORD_MAX 64
/* Below this share of letters the minority script does not make a span
 * mixed: names and brands in the other script are normal in news text. */
#define MIXED_SHARE 0.40

static int is_apostrophe(uint32_t c) {
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == '`' || c == 0x02BC ||
         c == 0x02BB;
}

/* -------------------------------------------------------------- the model */

typedef struct model {
  const char *data; /* first feature line */
  size_t len;
} model;

static model get_model(void) {
  model m = {"", 0};
  const tl__blob *b = tl__embedded_find(MODEL_FILE);
  if (!b)
    return m;
  const char *s = (const char *)b->data, *end = s + b->len;
  while (s < end && *s == '#') { /* skip the header comment lines */
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    s = nl ? nl + 1 : end;
  }
  m.data = s;
  m.len = (size_t)(end - s);
  return m;
}

/* "-1.5" -> -1.5: the model's one number format, read without strtod
 * (which is slow and depends on the locale's decimal point). */
static double parse_ratio(const char *s, const char *end) {
  int neg = 0;
  double v = 0, scale = 0;
  if (s < end && *s == '-')
    neg = 1, s++;
  for (; s < end && *s != '\n'; s++) {
    if (*s == '.')
      scale = 1;
    else if (*s >= '0' && *s <= '9') {
      v = v * 10 + (*s - '0');
      if (scale)
        scale *= 10;
    }
  }
  if (scale)
    v /= scale;
  return neg ? -v : v;
}

/* Binary search of key among the sorted lines of the model. The feature of
 * a line ends at its TAB, which sorts before every byte of a feature, so
 * byte order and "shorter prefix first" agree with the generator's sort. */
static double lookup(const model *m, const char *key, size_t klen) {
  const unsigned char *d = (const unsigned char *)m->data;
  const unsigned char *k = (const unsigned char *)key;
  size_t lo = 0, hi = m->len; /* lo is always at a line start */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    while (mid > lo && d[mid - 1] != '\n')
      mid--;
    size_t j = 0;
    int c;
    for (;; j++) {
      if (mid + j >= m->len)
        return 0; /* malformed last line */
      unsigned char f = d[mid + j];
      if (f == '\t') {
        c = j < klen ? 1 : 0;
        break;
      }
      if (j == klen) {
        c = -1;
        break;
      }
      if (k[j] != f) {
        c = k[j] < f ? -1 : 1;
        break;
      }
    }
    if (c == 0) {
      const char *v = m->data + mid + j + 1;
      return parse_ratio(v, m->data + m->len);
    }
    if (c < 0) {
      hi = mid;
    } else {
      size_t e = mid + j;
      while (e < m->len && d[e] != '\n')
        e++;
      lo = e + 1;
    }
  }
  return 0;
}

double tl__detect_feature(const char *key, size_t klen) {
  model m = get_model();
  return lookup(&m, key, klen);
}

/* -------------------------------------------------------------- scoring */

typedef struct tally {
  size_t latin, cyrillic;    /* letters per script */
  double latin_score;        /* > 0: uz-Latn rather than en */
  double cyrillic_score;     /* > 0: uz-Cyrl rather than ru */
} tally;

static void score_word(tally *t, const model *m, const uint32_t *w, size_t n) {
  size_t lat = 0, cyr = 0;
  for (size_t i = 0; i < n; i++) {
    if ((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 0xC0 && w[i] <= 0x24F))
      lat++;
    else if (w[i] >= 0x400 && w[i] <= 0x4FF)
      cyr++;
  }
  if (!lat && !cyr)
    return;
  /* The features: "=word", then the trigrams of "_word_". */
  char buf[4 * (WORD_MAX + 2) + 2];
  size_t pos[WORD_MAX + 3]; /* byte start of each code point in buf */
  size_t k = 0;
  buf[k++] = '_';
  pos[0] = 0;
  for (size_t i = 0; i < n; i++) {
    pos[i + 1] = k;
    k += tl__utf8_encode(w[i], buf + k);
  }
  pos[n + 1] = k;
  buf[k++] = '_';
  pos[n + 2] = k;
  double s = 0;
  if (n <= 20) {
    buf[0] = '=';
    s += lookup(m, buf, k - 1);
    buf[0] = '_';
  }
  for (size_t i = 0; i + 3 <= n + 2; i++)
    s += lookup(m, buf + pos[i], pos[i + 3] - pos[i]);
  if (lat >= cyr) {
    t->latin += n;
    t->latin_score += s;
  } else {
    t->cyrillic += n;
    t->cyrillic_score += s;
  }
}

/* Splits text into words exactly as scripts/eval-detect does when it
 * trains: letters lower-cased, an apostrophe kept inside a word or after
 * o/g (oʻ, gʻ), everything else a boundary. */
static void tally_text(tally *t, const char *text, size_t len) {
  model m = get_model();
  uint32_t w[WORD_MAX];
  size_t n = 0, i = 0;
  while (i < len) {
    uint32_t c;
    size_t k = tl__utf8_decode(text + i, len - i, &c);
    i += k;
    if (c == TL__UTF8_INVALID || c == TL__UTF8_TRUNCATED)
      c = ' ';
    if (is_apostrophe(c) && n) {
      uint32_t next = ' ';
      if (i < len) {
        tl__utf8_decode(text + i, len - i, &next);
        if (next == TL__UTF8_INVALID || next == TL__UTF8_TRUNCATED)
          next = ' ';
      }
      if (u_isalpha((UChar32)next) || w[n - 1] == 'o' || w[n - 1] == 'g') {
        if (n < WORD_MAX)
          w[n++] = '\'';
        continue;
      }
    } else if (!is_apostrophe(c) && u_isalpha((UChar32)c)) {
      if (n < WORD_MAX)
        w[n++] = (uint32_t)u_tolower((UChar32)c);
      continue;
    }
    if (n)
      score_word(t, &m, w, n);
    n = 0;
  }
  if (n)
    score_word(t, &m, w, n);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static void judge(const tally *t, tl_lang *lang, double *conf, size_t *letters) {
  size_t total = t->latin + t->cyrillic;
  *letters = total;
  if (!total) {
    *lang = TL_LANG_UNKNOWN;
    *conf = 0;
    return;
  }
  int latin = t->latin >= t->cyrillic;
  double major = (double)(latin ? t->latin : t->cyrillic) / (double)total;
  if (1.0 - major >= MIXED_SHARE) {
    *lang = TL_LANG_MIXED;
    *conf = 2.0 * (1.0 - major); /* 1.0 at an even split */
    return;
  }
  double s = latin ? t->latin_score : t->cyrillic_score;
  if (latin)
    *lang = s > 0 ? TL_LANG_UZ_LATN : TL_LANG_EN;
  else
    *lang = s > 0 ? TL_LANG_UZ_CYRL : TL_LANG_RU;
  /* The sum grows with the evidence; a couple of clear words suffice. */
  *conf = sigmoid(fabs(s) / 2.0) * major;
}

void tl__detect_span(const char *text, size_t len, tl_lang *lang,
                     double *confidence, size_t *letters) {
  tally t = {0, 0, 0, 0};
  tally_text(&t, text, len);
  double c;
  size_t n;
  judge(&t, lang, &c, &n);
  if (confidence)
    *confidence = c;
  if (letters)
    *letters = n;
}

/* ----------------------------------------------------------- paragraphs */

/* Calls fn for each paragraph (lines separated by blank lines), returning
 * the result for the whole text in *all. */
static void each_paragraph(const char *text, size_t len, tl_detection_fn fn,
                           void *user, tl_detection *all) {
  size_t per_lang[TL_LANG_MIXED + 1] = {0};
  double conf_sum[TL_LANG_MIXED + 1] = {0};
  size_t i = 0, line = 1, total = 0, paragraphs = 0;
  tl_detection last = {TL_LANG_UNKNOWN, 0, 0, 0, 0, 0};
  while (i < len) {
    /* Skip blank lines. */
    size_t j = i, blank_lines = 0;
    for (;;) {
      size_t k = j;
      while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
        k++;
      if (k < len && text[k] == '\n') {
        j = k + 1;
        blank_lines++;
        continue;
      }
      if (k >= len)
        j = len;
      break;
    }
    line += blank_lines;
    i = j;
    if (i >= len)
      break;
    /* The paragraph runs to the next blank line. */
    size_t start = i, start_line = line;
    while (i < len) {
      const char *nl = memchr(text + i, '\n', len - i);
      size_t end = nl ? (size_t)(nl - text) + 1 : len;
      line += nl != NULL;
      i = end;
      size_t k = i;
      while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
        k++;
      if (k >= len || text[k] == '\n')
        break;
    }
    tl_detection d = {TL_LANG_UNKNOWN, 0, start, i - start, start_line, 0};
    tl__detect_span(text + start, i - start, &d.lang, &d.confidence, &d.letters);
    if (fn)
      fn(user, &d);
    per_lang[d.lang] += d.letters;
    conf_sum[d.lang] += d.confidence * (double)d.letters;
    total += d.letters;
    paragraphs++;
    last = d;
  }
  tl_detection r = {TL_LANG_UNKNOWN, 0, 0, len, 0, total};
  if (paragraphs == 1) {
    r.lang = last.lang;
    r.confidence = last.confidence;
  } else if (total) {
    tl_lang best = TL_LANG_UNKNOWN;
    for (int l = 0; l <= TL_LANG_MIXED; l++)
      if (per_lang[l] > per_lang[best])
        best = (tl_lang)l;
    double share = (double)per_lang[best] / (double)total;
    if (share >= 0.75) {
      r.lang = best;
      r.confidence = share * conf_sum[best] / (double)per_lang[best];
    } else {
      r.lang = TL_LANG_MIXED;
      r.confidence = 1.0 - share;
    }
  }
  *all = r;
}

tl_status tl_detect(tl_ctx *ctx, tl_lang *lang, double *confidence,
                    const char *text, size_t len) {
  if (!text && len)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_detect: NULL text");
  tl_detection all;
  each_paragraph(text, len, NULL, NULL, &all);
  if (lang)
    *lang = all.lang;
  if (confidence)
    *confidence = all.confidence;
  tl__ok(ctx);
  return TL_OK;
}

tl_status tl_detect_paragraphs(tl_ctx *ctx, const char *text, size_t len,
                               tl_detection_fn fn, void *user) {
  if ((!text && len) || !fn)
    return tl__fail(ctx, TL_EINVAL, TL_NO_OFFSET, "tl_detect_paragraphs: NULL argument");
  tl_detection all;
  each_paragraph(text, len, fn, user, &all);
  fn(user, &all);
  tl__ok(ctx);
  return TL_OK;
}

/* segment.h: splits an article into paragraphs and sentences for the
 * aligner: markup (HTML, Markdown) reduced to text, paragraphs at blank lines
 * or block tags, sentences by ICU's sentence break iterator corrected by the
 * abbreviation lists of dictionaries/align/ (Mr., т.е., mln., initials). */
#ifndef TL_SEGMENT_H
#define TL_SEGMENT_H

#include "translit.h"

/* Input modes of tl__doc_build. */
enum {
  TL__SEG_PLAIN = 0,
  TL__SEG_HTML = 1,      /* block tags end paragraphs; tags, scripts dropped */
  TL__SEG_MARKDOWN = 2,  /* headings, lists, emphasis, link targets dropped */
  TL__SEG_SEGMENTED = 4  /* one sentence per line, blank line = paragraph */
};

/* One sentence: text[off .. off+len) of its document, trimmed, on one line
 * (newlines and tabs of the input became spaces). */
typedef struct tl__sent {
  size_t off, len;
  size_t para; /* 0-based paragraph index */
} tl__sent;

typedef struct tl__doc {
  char *text; /* owned; the document as cleaned text */
  size_t len;
  tl__sent *sents; /* owned */
  size_t n;        /* number of sentences */
  size_t npara;    /* number of paragraphs (each has >= 1 sentence) */
} tl__doc;

/* Abbreviations of one language, compiled from dictionaries/align/abbrev-*.txt
 * (immutable). */
typedef struct tl__abbrevs tl__abbrevs;

/* Loads the embedded lists for lang (uz-Latn and uz-Cyrl share one list);
 * *out may be an empty list for a language without one. */
tl_status tl__abbrevs_load(tl_ctx *ctx, tl_lang lang, tl__abbrevs **out);
void tl__abbrevs_free(tl__abbrevs *ab);

/* Segments s[0..n) (valid UTF-8, checked: TL_EUTF8 with the byte offset
 * otherwise) with mode TL__SEG_*. ab may be NULL (no abbreviations).
 * out is filled and owned by the caller: tl__doc_free. */
tl_status tl__doc_build(tl_ctx *ctx, const char *s, size_t n, unsigned mode,
                        const tl__abbrevs *ab, tl__doc *out);
void tl__doc_free(tl__doc *d);

#endif

/* markup.h: splits text into the parts to convert and the parts to copy
 * verbatim. Plain mode keeps URLs, e-mail addresses, @handles and #hashtags;
 * HTML mode also keeps tags, attributes other than alt/title, entities,
 * comments and the content of <script>, <style>, <code> and <pre>; Markdown
 * mode keeps code spans and blocks and link/image targets (and inline HTML
 * as in HTML mode). The scanner is a state machine, so text may arrive in
 * pieces cut at line ends. */
#ifndef TL_MARKUP_H
#define TL_MARKUP_H

#include "translit.h"

typedef enum tl__markup_mode {
  TL__MARKUP_PLAIN = 0,
  TL__MARKUP_HTML,
  TL__MARKUP_MARKDOWN
} tl__markup_mode;

/* Scanner state carried between pieces (value type; no allocation). */
typedef struct tl__markup {
  tl__markup_mode mode;
  int state;        /* scanner state, private to markup.c */
  int sub;          /* sub-state, private to markup.c */
  char quote;       /* open attribute quote, private */
  char tag[16];     /* element whose raw content is being kept, private */
  int fence_len;    /* Markdown fence length, private */
  char fence_char;  /* Markdown fence character, private */
  int prev_blank;   /* Markdown: previous line blank, private */
} tl__markup;

void tl__markup_init(tl__markup *m, tl__markup_mode mode);

/* Receives consecutive spans that together cover the scanned text exactly,
 * in order; convert is 1 for text to convert, 0 for text to copy as is. */
typedef tl_status (*tl__span_fn)(void *user, const char *s, size_t n,
                                 int convert);

/* Scans s[0..n), which ends at a line end or at the end of the input, and
 * reports its spans to fn. Returns fn's first non-OK status. */
tl_status tl__markup_scan(tl__markup *m, const char *s, size_t n,
                          tl__span_fn fn, void *user);

#endif

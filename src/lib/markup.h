/* markup.h: splits text into the parts to convert and the parts to copy
 * verbatim. Plain mode keeps URLs, e-mail addresses, @handles, #hashtags and
 * character references closed by ';'; HTML mode also keeps tags, attributes
 * other than alt/title, entities, comments and the content of <script>,
 * <style>, <code>, <pre>, <kbd>, <samp> and of elements marked
 * translate="no" or class="notranslate"; Markdown mode keeps code spans and
 * blocks and link/image targets (and inline HTML as in HTML mode). The
 * scanner is a state machine, so text may arrive in pieces cut at line ends
 * (or at spaces and tabs: same spans, except in Markdown lines longer than
 * the driver's 64 KB pieces, whose inline constructs are read piece by
 * piece). */
#ifndef TL_MARKUP_H
#define TL_MARKUP_H

#include "translit.h"

typedef enum tl__markup_mode {
  TL__MARKUP_PLAIN = 0,
  TL__MARKUP_HTML,
  TL__MARKUP_MARKDOWN
} tl__markup_mode;

/* Scanner state carried between pieces (value type; no allocation, so its
 * size is the whole memory the scanner ever needs, whatever the nesting). */
typedef struct tl__markup {
  tl__markup_mode mode;
  int state;        /* scanner state, private to markup.c */
  int sub;          /* sub-state, private to markup.c */
  char quote;       /* open attribute quote, private */
  char tag[16];     /* element whose raw content is being kept, private */
  int fence_len;    /* Markdown fence length, private */
  char fence_char;  /* Markdown fence character, private */
  int prev_blank;   /* Markdown: previous line blank, private */
  /* The fields below are private to markup.c too. */
  char cur[16];     /* name of the tag being read (lower case) */
  unsigned char cur_len;  /* its length, saturating at 255 */
  char raw[16];     /* element of the open raw-text / RCDATA content */
  unsigned char raw_len;
  char attr[12];    /* name of the attribute being read (lower case) */
  unsigned char attr_len; /* saturating */
  unsigned char attr_kind; /* what that attribute means to us */
  char val[4];      /* first bytes of its value (for translate="no") */
  unsigned char val_len;  /* saturating */
  unsigned char end_tag, self_close, translate_no;
  unsigned char tag_len;  /* length of tag[] (the kept element) */
  unsigned char region_inline; /* kept element is inline (code, kbd...) */
  unsigned char bol;      /* the next byte starts a line */
  unsigned char icode;    /* Markdown: inside an indented code block */
  unsigned depth;         /* nesting of tag[] inside its kept region; 0 = none */
  unsigned list_indent;   /* Markdown: content column of the open list item */
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

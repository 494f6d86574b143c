/* convert.h: what the conversion engines (uzbek.c, scheme.c) receive from
 * the driver (convert.c): one span of convertible text and a way to report
 * review notes with their line and column in the document. */
#ifndef TL_CONVERT_H
#define TL_CONVERT_H

#include "translit.h"
#include "wcache.h"

typedef struct tl__run {
  const char *text; /* the span to convert (valid UTF-8) */
  size_t len;
  size_t offset;       /* byte offset of text[0] in the document */
  size_t line, column; /* 1-based position of text[0] (column in code points) */
  tl_note_fn notes;    /* NULL when nobody listens */
  void *user;
  tl__wcache *cache;   /* the stream's word cache, or NULL */
} tl__run;

/* Reports that the word at run->text[off .. off+len) was written as output
 * (NUL-terminated) by a guess, for the reason given (static string). */
void tl__note(const tl__run *run, size_t off, size_t len, const char *output,
              const char *reason);

#endif

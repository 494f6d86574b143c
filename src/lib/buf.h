/* buf.h: growing the caller-owned tl_buf; every append keeps it
 * NUL-terminated and reports allocation failure instead of aborting. */
#ifndef TL_BUF_H
#define TL_BUF_H

#include "translit.h"
#include <stdint.h>
#include <string.h>

/* Makes room for n more bytes (plus the NUL). */
tl_status tl__buf_reserve(tl_buf *b, size_t n);
tl_status tl__buf_append_slow(tl_buf *b, const char *s, size_t n);
/* Inline, since the engines append word by word: the common case (room
 * left) is a copy. */
static inline tl_status tl__buf_append(tl_buf *b, const char *s, size_t n) {
  if (b->data && n < b->cap - b->len) { /* len + n + 1 <= cap */
    if (n) /* s may be NULL when n is 0 */
      memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TL_OK;
  }
  return tl__buf_append_slow(b, s, n);
}
/* Cuts b back to its first len bytes (len <= b->len): what a failed call
 * appended is dropped, and b stays NUL-terminated. */
void tl__buf_truncate(tl_buf *b, size_t len);
tl_status tl__buf_puts(tl_buf *b, const char *s);
tl_status tl__buf_putc(tl_buf *b, char c);
/* Appends code point cp as UTF-8. */
tl_status tl__buf_put_cp(tl_buf *b, uint32_t cp);
tl_status tl__buf_printf(tl_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif

/* buf.c: the owned output buffer. Growth is geometric; data always ends
 * with a NUL that is not counted in len. */
#include "buf.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tl_buf_free(tl_buf *buf) {
  if (!buf)
    return;
  free(buf->data);
  buf->data = NULL;
  buf->len = buf->cap = 0;
}

void tl_buf_clear(tl_buf *buf) {
  if (!buf)
    return;
  buf->len = 0;
  if (buf->data)
    buf->data[0] = '\0';
}

void tl__buf_truncate(tl_buf *b, size_t len) {
  b->len = len;
  if (b->data)
    b->data[len] = '\0';
}

tl_status tl__buf_reserve(tl_buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap && b->data)
    return TL_OK;
  if (n > SIZE_MAX / 2 - b->len)
    return TL_ENOMEM;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + n + 1)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return TL_ENOMEM;
  b->data = p;
  b->cap = cap;
  return TL_OK;
}

tl_status tl__buf_append_slow(tl_buf *b, const char *s, size_t n) {
  tl_status st = tl__buf_reserve(b, n);
  if (st)
    return st;
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return TL_OK;
}

tl_status tl__buf_puts(tl_buf *b, const char *s) {
  return tl__buf_append(b, s, strlen(s));
}

tl_status tl__buf_putc(tl_buf *b, char c) { return tl__buf_append(b, &c, 1); }

tl_status tl__buf_put_cp(tl_buf *b, uint32_t cp) {
  char tmp[4];
  size_t n = tl__utf8_encode(cp, tmp);
  return tl__buf_append(b, tmp, n);
}

tl_status tl__buf_printf(tl_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return TL_EINTERNAL;
  tl_status st = tl__buf_reserve(b, (size_t)n);
  if (st)
    return st;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return TL_OK;
}

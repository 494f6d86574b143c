/* markup.c: STUB until the markup scanner lands: everything is text. */
#include "markup.h"

#include <string.h>

void tl__markup_init(tl__markup *m, tl__markup_mode mode) {
  memset(m, 0, sizeof *m);
  m->mode = mode;
}

tl_status tl__markup_scan(tl__markup *m, const char *s, size_t n,
                          tl__span_fn fn, void *user) {
  (void)m;
  return n ? fn(user, s, n, 1) : TL_OK;
}

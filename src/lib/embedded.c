/* embedded.c: lookup in the generated table of dictionary files. */
#include "embedded.h"

#include <string.h>

const tl__blob *tl__embedded_find(const char *name) {
  size_t n;
  const tl__blob *t = tl__embedded_table(&n);
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(t[mid].name, name);
    if (c == 0)
      return &t[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

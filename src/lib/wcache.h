/* wcache.h: a per-stream cache of converted words. News text repeats its
 * words (a few thousand forms make most of an article), so remembering each
 * form's output makes the dictionary search a once-per-form cost. Bounded:
 * when full it is emptied. Owned by one stream, so never shared. */
#ifndef TL_WCACHE_H
#define TL_WCACHE_H

#include "translit.h"
#include <stddef.h>

typedef struct tl__wcache tl__wcache;

tl__wcache *tl__wcache_new(void);
void tl__wcache_free(tl__wcache *c);
/* The output remembered for word[0..len), or NULL; *flag gets its flag. */
const char *tl__wcache_get(const tl__wcache *c, const char *word, size_t len,
                           size_t *out_len, int *flag);
/* Remembers out[0..out_len) and flag for word[0..len) (best effort). */
void tl__wcache_put(tl__wcache *c, const char *word, size_t len, const char *out,
                    size_t out_len, int flag);

#endif

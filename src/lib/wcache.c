/* wcache.c: open addressing over FNV-1a hashes; keys and values live in
 * one arena, so emptying the cache is two assignments. */
#include "wcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 131072u          /* power of two */
#define MAX_USED (SLOTS / 2)
#define ARENA (12u * 1024u * 1024u)

typedef struct slot {
  uint32_t hash;
  uint32_t off; /* into the arena; 0 = empty */
  uint16_t klen, vlen;
  int32_t flag;
} slot;

struct tl__wcache {
  slot *slots; /* SLOTS, zeroed lazily by the kernel (calloc) */
  size_t used;
  size_t arena_len;
  char *arena; /* ARENA bytes, touched only as far as used */
};

static uint32_t fnv(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  h ^= h >> 15; /* FNV's low bits mix poorly: fold the high ones in */
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

tl__wcache *tl__wcache_new(void) {
  tl__wcache *c = malloc(sizeof *c);
  if (!c)
    return NULL;
  c->slots = calloc(SLOTS, sizeof *c->slots);
  c->arena = malloc(ARENA);
  if (!c->slots || !c->arena) {
    tl__wcache_free(c);
    return NULL;
  }
  c->used = 0;
  c->arena_len = 1; /* offset 0 means empty */
  return c;
}

void tl__wcache_free(tl__wcache *c) {
  if (!c)
    return;
  free(c->slots);
  free(c->arena);
  free(c);
}

const char *tl__wcache_get(const tl__wcache *c, const char *word, size_t len,
                           size_t *out_len, int *flag) {
  uint32_t h = fnv(word, len);
  for (uint32_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
    const slot *s = &c->slots[i];
    if (!s->off)
      return NULL;
    if (s->hash == h && s->klen == len && memcmp(c->arena + s->off, word, len) == 0) {
      *out_len = s->vlen;
      *flag = s->flag;
      return c->arena + s->off + s->klen;
    }
  }
}

void tl__wcache_put(tl__wcache *c, const char *word, size_t len, const char *out,
                    size_t out_len, int flag) {
  if (len > 512 || out_len > 2048)
    return;
  if (c->used >= MAX_USED || c->arena_len + len + out_len > ARENA) {
    memset(c->slots, 0, SLOTS * sizeof *c->slots);
    c->used = 0;
    c->arena_len = 1;
  }
  uint32_t h = fnv(word, len);
  uint32_t i = h & (SLOTS - 1);
  while (c->slots[i].off)
    i = (i + 1) & (SLOTS - 1);
  slot *s = &c->slots[i];
  s->hash = h;
  s->off = (uint32_t)c->arena_len;
  s->klen = (uint16_t)len;
  s->vlen = (uint16_t)out_len;
  s->flag = flag;
  memcpy(c->arena + c->arena_len, word, len);
  memcpy(c->arena + c->arena_len + len, out, out_len);
  c->arena_len += len + out_len;
  c->used++;
}

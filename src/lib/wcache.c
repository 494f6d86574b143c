/* wcache.c: open addressing over 64-bit word hashes; keys and values live in
 * one arena. The cache starts small (a headline costs almost nothing) and
 * doubles as it fills, up to a bound; at the bound it is emptied. */
#include "wcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 1024u        /* powers of two */
#define MAX_SLOTS 131072u
#define MIN_ARENA (32u * 1024u)
#define MAX_ARENA (12u * 1024u * 1024u)

typedef struct slot {
  uint32_t hash;
  uint32_t off; /* into the arena; 0 = empty */
  uint16_t klen, vlen;
  int32_t flag;
} slot;

struct tl__wcache {
  slot *slots;
  size_t nslots, used;
  char *arena;
  size_t arena_len, arena_cap;
};

/* A word's hash, eight bytes a step (a multiply-xorshift mix of each
 * 64-bit piece: words are short, so the step count is what costs). */
static uint32_t word_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
  for (; n >= 8; s += 8, n -= 8) {
    uint64_t v;
    memcpy(&v, s, 8);
    h = (h ^ v) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  if (n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) /* (a short loop beats a memcpy call) */
      v |= (uint64_t)(unsigned char)s[i] << (8 * i);
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 29;
  return (uint32_t)h;
}

tl__wcache *tl__wcache_new(void) {
  tl__wcache *c = malloc(sizeof *c);
  if (!c)
    return NULL;
  c->slots = calloc(MIN_SLOTS, sizeof *c->slots);
  c->arena = malloc(MIN_ARENA);
  if (!c->slots || !c->arena) {
    tl__wcache_free(c);
    return NULL;
  }
  c->nslots = MIN_SLOTS;
  c->used = 0;
  c->arena_len = 1; /* offset 0 means empty */
  c->arena_cap = MIN_ARENA;
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
  uint32_t h = word_hash(word, len);
  size_t mask = c->nslots - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
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

static void empty(tl__wcache *c) {
  memset(c->slots, 0, c->nslots * sizeof *c->slots);
  c->used = 0;
  c->arena_len = 1;
}

/* Doubles the slot table (rehashing) while below the bound; 0 if it could
 * not grow. */
static int grow_slots(tl__wcache *c) {
  if (c->nslots >= MAX_SLOTS)
    return 0;
  size_t n = c->nslots * 2;
  slot *ns = calloc(n, sizeof *ns);
  if (!ns)
    return 0;
  for (size_t i = 0; i < c->nslots; i++) {
    if (!c->slots[i].off)
      continue;
    size_t j = c->slots[i].hash & (n - 1);
    while (ns[j].off)
      j = (j + 1) & (n - 1);
    ns[j] = c->slots[i];
  }
  free(c->slots);
  c->slots = ns;
  c->nslots = n;
  return 1;
}

static int grow_arena(tl__wcache *c, size_t need) {
  size_t cap = c->arena_cap;
  while (cap < c->arena_len + need && cap < MAX_ARENA)
    cap *= 2;
  if (cap < c->arena_len + need)
    return 0;
  char *a = realloc(c->arena, cap);
  if (!a)
    return 0;
  c->arena = a;
  c->arena_cap = cap;
  return 1;
}

void tl__wcache_put(tl__wcache *c, const char *word, size_t len, const char *out,
                    size_t out_len, int flag) {
  if (len > 512 || out_len > 2048)
    return;
  if (c->used >= c->nslots / 2 && !grow_slots(c))
    empty(c);
  if (c->arena_len + len + out_len > c->arena_cap && !grow_arena(c, len + out_len)) {
    empty(c);
    if (c->arena_len + len + out_len > c->arena_cap)
      return;
  }
  uint32_t h = word_hash(word, len);
  size_t mask = c->nslots - 1, i = h & mask;
  while (c->slots[i].off)
    i = (i + 1) & mask;
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

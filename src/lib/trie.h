/* trie.h: a code-point trie mapping words to an int value. Built once
 * (the dictionary of 97,000 word forms, the lexicons), then only read, so a
 * built trie is safe to share between threads. Walking it one character at
 * a time is what lets the Latin -> Cyrillic search prune spellings that no
 * dictionary word starts with. */
#ifndef TL_TRIE_H
#define TL_TRIE_H

#include "translit.h"
#include <stddef.h>
#include <stdint.h>

#define TL__TRIE_ROOT 0
#define TL__TRIE_NONE (-1)

typedef struct tl__trie_node {
  uint32_t cp;     /* the character leading to this node */
  int32_t child;   /* first child, or TL__TRIE_NONE */
  int32_t sibling; /* next sibling, or TL__TRIE_NONE */
  int32_t value;   /* value of the word ending here, or TL__TRIE_NONE */
} tl__trie_node;

typedef struct tl__trie {
  tl__trie_node *nodes;
  size_t n, cap;
} tl__trie;

tl_status tl__trie_init(tl__trie *t);
void tl__trie_free(tl__trie *t);
/* Inserts word (n code points) with value; an existing value is replaced
 * only if replace is set. */
tl_status tl__trie_insert(tl__trie *t, const uint32_t *word, size_t n,
                          int32_t value, int replace);
/* The child of node along cp, or TL__TRIE_NONE. */
static inline int32_t tl__trie_step(const tl__trie *t, int32_t node, uint32_t cp) {
  for (int32_t c = t->nodes[node].child; c != TL__TRIE_NONE; c = t->nodes[c].sibling)
    if (t->nodes[c].cp == cp)
      return c;
  return TL__TRIE_NONE;
}
/* Value of the whole word, or TL__TRIE_NONE. */
int32_t tl__trie_get(const tl__trie *t, const uint32_t *word, size_t n);

#endif

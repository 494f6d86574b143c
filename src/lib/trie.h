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
  int32_t sibling; /* building: next sibling; frozen: number of children */
  int32_t value;   /* value of the word ending here, or TL__TRIE_NONE */
} tl__trie_node;

/* Built with tl__trie_insert, then frozen with tl__trie_freeze: the frozen
 * layout keeps the children of a node side by side and sorted, which is
 * what makes lookups fast. Only a frozen trie may be searched. */
#define TL__TRIE_ROOT_SLOTS 512 /* direct index of the root's children */

typedef struct tl__trie {
  tl__trie_node *nodes;
  size_t n, cap;
  int frozen;
  /* Frozen: the root's child for cp is root[cp % SLOTS] if its cp matches
   * (the first step is the widest; Cyrillic and ASCII never collide). */
  int32_t root[TL__TRIE_ROOT_SLOTS];
} tl__trie;

tl_status tl__trie_init(tl__trie *t);
void tl__trie_free(tl__trie *t);
/* Inserts word (n code points) with value; an existing value is replaced
 * only if replace is set. */
tl_status tl__trie_insert(tl__trie *t, const uint32_t *word, size_t n,
                          int32_t value, int replace);
/* Lays the nodes out for search; no insert after this. */
tl_status tl__trie_freeze(tl__trie *t);
/* The child of node along cp, or TL__TRIE_NONE (frozen trie). */
static inline int32_t tl__trie_step(const tl__trie *t, int32_t node, uint32_t cp) {
  if (node == TL__TRIE_ROOT) {
    int32_t c = t->root[cp % TL__TRIE_ROOT_SLOTS];
    if (c != TL__TRIE_NONE && t->nodes[c].cp == cp)
      return c;
    if (c != -2)
      return TL__TRIE_NONE;
    /* -2: a collision in the direct index; search the list */
  }
  const tl__trie_node *n = &t->nodes[node];
  int32_t lo = n->child, hi = n->child + n->sibling;
  while (hi - lo > 8) { /* binary search down to a short linear scan */
    int32_t mid = lo + (hi - lo) / 2;
    if (t->nodes[mid].cp < cp)
      lo = mid + 1;
    else
      hi = mid + 1;
  }
  for (; lo < hi; lo++)
    if (t->nodes[lo].cp == cp)
      return lo;
  return TL__TRIE_NONE;
}
/* Value of the whole word, or TL__TRIE_NONE. */
int32_t tl__trie_get(const tl__trie *t, const uint32_t *word, size_t n);

#endif

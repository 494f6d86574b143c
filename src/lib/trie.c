/* trie.c: see trie.h. Children are kept as sibling lists: the alphabets are
 * small (about 40 letters), so a short linear scan beats a wider node. */
#include "trie.h"

#include <stdlib.h>

static tl_status new_node(tl__trie *t, uint32_t cp, int32_t *out) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    if (cap > INT32_MAX)
      return TL_ELIMIT;
    tl__trie_node *p = realloc(t->nodes, cap * sizeof *p);
    if (!p)
      return TL_ENOMEM;
    t->nodes = p;
    t->cap = cap;
  }
  t->nodes[t->n] = (tl__trie_node){cp, TL__TRIE_NONE, TL__TRIE_NONE, TL__TRIE_NONE};
  *out = (int32_t)t->n++;
  return TL_OK;
}

tl_status tl__trie_init(tl__trie *t) {
  t->nodes = NULL;
  t->n = t->cap = 0;
  int32_t root;
  return new_node(t, 0, &root);
}

void tl__trie_free(tl__trie *t) {
  free(t->nodes);
  t->nodes = NULL;
  t->n = t->cap = 0;
}

tl_status tl__trie_insert(tl__trie *t, const uint32_t *word, size_t n,
                          int32_t value, int replace) {
  int32_t node = TL__TRIE_ROOT;
  for (size_t i = 0; i < n; i++) {
    int32_t next = tl__trie_step(t, node, word[i]);
    if (next == TL__TRIE_NONE) {
      tl_status st = new_node(t, word[i], &next);
      if (st)
        return st;
      /* new_node may move the array: link through indices only. */
      t->nodes[next].sibling = t->nodes[node].child;
      t->nodes[node].child = next;
    }
    node = next;
  }
  if (replace || t->nodes[node].value == TL__TRIE_NONE)
    t->nodes[node].value = value;
  return TL_OK;
}

int32_t tl__trie_get(const tl__trie *t, const uint32_t *word, size_t n) {
  int32_t node = TL__TRIE_ROOT;
  for (size_t i = 0; i < n && node != TL__TRIE_NONE; i++)
    node = tl__trie_step(t, node, word[i]);
  return node == TL__TRIE_NONE ? TL__TRIE_NONE : t->nodes[node].value;
}

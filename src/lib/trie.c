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
  t->frozen = 0;
  int32_t root;
  return new_node(t, 0, &root);
}

void tl__trie_free(tl__trie *t) {
  free(t->nodes);
  t->nodes = NULL;
  t->n = t->cap = 0;
}

static int32_t linked_child(const tl__trie *t, int32_t node, uint32_t cp) {
  for (int32_t c = t->nodes[node].child; c != TL__TRIE_NONE; c = t->nodes[c].sibling)
    if (t->nodes[c].cp == cp)
      return c;
  return TL__TRIE_NONE;
}

tl_status tl__trie_insert(tl__trie *t, const uint32_t *word, size_t n,
                          int32_t value, int replace) {
  if (t->frozen)
    return TL_EINTERNAL;
  int32_t node = TL__TRIE_ROOT;
  for (size_t i = 0; i < n; i++) {
    int32_t next = linked_child(t, node, word[i]);
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

static int by_cp(const void *a, const void *b) {
  const tl__trie_node *x = a, *y = b;
  return x->cp < y->cp ? -1 : x->cp > y->cp;
}

tl_status tl__trie_freeze(tl__trie *t) {
  if (t->frozen)
    return TL_OK;
  /* Breadth-first copy: each node's children are appended together, then
   * sorted; old_of[] remembers where each new node came from. */
  tl__trie_node *nn = malloc(t->n * sizeof *nn);
  int32_t *old_of = malloc(t->n * sizeof *old_of);
  if (!nn || !old_of) {
    free(nn);
    free(old_of);
    return TL_ENOMEM;
  }
  nn[0] = t->nodes[0];
  old_of[0] = 0;
  size_t out = 1;
  for (size_t i = 0; i < out; i++) {
    int32_t first = (int32_t)out, count = 0;
    for (int32_t c = t->nodes[old_of[i]].child; c != TL__TRIE_NONE; c = t->nodes[c].sibling) {
      nn[out] = t->nodes[c];
      nn[out].child = c; /* old index, for the sort below */
      out++;
      count++;
    }
    qsort(nn + first, (size_t)count, sizeof *nn, by_cp);
    for (int32_t k = first; k < first + count; k++)
      old_of[k] = nn[k].child;
    nn[i].child = count ? first : TL__TRIE_NONE;
    nn[i].sibling = count;
  }
  free(t->nodes);
  free(old_of);
  t->nodes = nn;
  t->cap = t->n;
  for (size_t i = 0; i < TL__TRIE_ROOT_SLOTS; i++)
    t->root[i] = TL__TRIE_NONE;
  for (int32_t c = nn[0].child; c != TL__TRIE_NONE && c < nn[0].child + nn[0].sibling; c++) {
    int32_t *slot = &t->root[nn[c].cp % TL__TRIE_ROOT_SLOTS];
    *slot = *slot == TL__TRIE_NONE ? c : -2;
  }
  t->frozen = 1;
  return TL_OK;
}

#!/bin/sh
# api_docs_test.sh: docs/api.md stays in sync with translit.h: every TL_API
# call is documented (named with its parentheses), and every call the page
# names still exists. Usage: api_docs_test.sh translit.h docs/api.md
set -u
header=$1 doc=$2
fail=0
# TL_API declarations, once preprocessor lines and comments are gone.
declared=$(grep -v '^[[:space:]]*#' "$header" | tr '\n' ' ' |
  sed -E 's:/\*([^*]|\*+[^*/])*\*+/::g' | grep -oE 'TL_API [^;(]*\(' |
  sed -E 's/.*[ *]([A-Za-z_0-9]+)[ ]*\($/\1/' | grep '^tl_' | sort -u)
for f in $declared; do
  grep -q "$f(" "$doc" || { echo "docs/api.md does not document $f()"; fail=1; }
done
named=$(grep -oE '\btl_[a-z0-9_]+\(' "$doc" | tr -d '(' | sort -u)
for f in $named; do
  printf '%s\n' "$declared" | grep -qxF "$f" ||
    { echo "docs/api.md names $f(), which translit.h does not declare"; fail=1; }
done
[ "$fail" = 0 ] && echo "$(printf '%s\n' "$declared" | wc -l) calls documented"
exit "$fail"

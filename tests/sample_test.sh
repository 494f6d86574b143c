#!/bin/sh
# sample_test.sh: the sample article of the demo converts to its other
# script exactly, both ways (the demo shows real, correct output).
T="$1"; S="$2"; fails=0
"$T" -f uz-Cyrl -t uz-Latn "$S/article.uz-Cyrl.txt" | diff -u "$S/article.uz-Latn.txt" - || fails=$((fails+1))
"$T" -f uz-Latn -t uz-Cyrl "$S/article.uz-Latn.txt" | diff -u "$S/article.uz-Cyrl.txt" - || fails=$((fails+1))
echo "sample: $((2-fails)) passed, $fails failed"
[ "$fails" = 0 ]

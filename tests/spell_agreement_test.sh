#!/bin/sh
# spell_agreement_test.sh: on the same words, translit's verdicts equal
# hunspell's: `translit spell -l --lang ru` vs `hunspell -d ru_RU -l`, and the
# same for English, one word a line (so that both see the same words), on
# real news text and the sample article. Newsroom names are left out (they
# are words hunspell does not know, on purpose) and acronyms are checked.
# Usage: spell_agreement_test.sh TRANSLIT SOURCE_DIR SHARED_DATA
T="$1"; SRC="$2"; SHARED="$3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$tmp/cache}"
command -v hunspell >/dev/null 2>&1 || { echo "hunspell not installed (scripts/setup)"; exit 2; }
fails=0
words() { # apostrophes: keep|split, text files -> unique words, one a line
  python3 -c '
import re, sys
seen = set()
keep = sys.argv[1] == "keep"   # ru_RU has no apostrophe word characters
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    pat = r"[^\W\d_]+(?:['"'"'’][^\W\d_]+)*" if keep else r"[^\W\d_]+"
    for w in re.findall(pat, text):
        if w not in seen:
            seen.add(w); print(w)
' "$@"
}
for lang in ru en; do
  if [ $lang = ru ]; then dict=ru_RU; news=rus; else dict=en_US; news=eng; fi
  src="$SHARED/align/ntrex/newstest2019-ref.$news.txt"
  [ $lang = en ] && src="$SHARED/align/ntrex/newstest2019-src.eng.txt"
  head -n 400 "$src" > "$tmp/news.txt"
  words $([ $lang = en ] && echo keep || echo split) "$tmp/news.txt" "$SRC/tests/data/sample/article.$lang.txt" > "$tmp/words.$lang"
  hunspell -d $dict -l < "$tmp/words.$lang" | sort -u > "$tmp/h.$lang"
  "$T" spell -l --lang $lang --no-newsroom --check-caps "$tmp/words.$lang" | sort -u > "$tmp/t.$lang"
  n=$(wc -l < "$tmp/words.$lang"); nh=$(wc -l < "$tmp/h.$lang"); nt=$(wc -l < "$tmp/t.$lang")
  if cmp -s "$tmp/h.$lang" "$tmp/t.$lang"; then
    echo "$lang: $n words, both flag the same $nh"
  else
    echo "FAILED: $lang: $n words, hunspell flags $nh, translit $nt; only hunspell (<) / only translit (>):" >&2
    diff "$tmp/h.$lang" "$tmp/t.$lang" | grep '^[<>]' | head -40 >&2
    fails=$((fails+1))
  fi
done
[ "$fails" = 0 ]

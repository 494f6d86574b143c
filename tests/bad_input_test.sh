#!/bin/sh
# bad_input_test.sh: runs the bad-input corpus (tests/data/bad/, format in
# its README) through `translit convert` (or the command of a case's `cmd:`
# line: normalize, batch, spell, ...): exit status, the error message with
# file:line:col, exact output, and no output file left by a failed run. Then
# generated cases: a 200 MB single line in bounded memory (convert and
# normalize), deep unclosed nesting, a long line with no space, JSON with
# huge strings through batch.
# Usage: bad_input_test.sh TRANSLIT [DATA_DIR]
T="$1"
D="${2:-${TL_SOURCE_DIR:-.}/tests/data/bad}"
fails=0; passes=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { passes=$((passes+1)); }
bad() { fails=$((fails+1)); echo "FAILED: $*" >&2; }
field() { sed -n "s/^$1: \{0,1\}//p" "$2" | head -n 1; }

for exp in "$D"/*.expect; do
  name=$(basename "$exp" .expect)
  input=$(ls -d "$D/$name".* | grep -v -e '\.expect$' -e '\.out$' | head -n 1)
  [ -n "$input" ] || { bad "$name: no input file"; continue; }
  args=$(field args "$exp"); want_exit=$(field exit "$exp"); want_err=$(field stderr "$exp")
  cmd=$(field cmd "$exp")
  rm -rf "$tmp/run"; mkdir "$tmp/run"
  if [ -n "$cmd" ]; then
    # A whole command line: @IN@ the input, @OUT@ the output path, @DIR@
    # this folder. `files:` lists what the run leaves in the output folder.
    cmd=$(printf '%s' "$cmd" | sed -e "s|@IN@|$input|g" -e "s|@OUT@|$tmp/run/out|g" -e "s|@DIR@|$D|g")
    # shellcheck disable=SC2086
    "$T" $cmd 2>"$tmp/err"; got=$?
    left=$(cd "$tmp/run" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//')
    # `files:` may list alternatives separated by " | " (what a run stopped
    # by an error has finished depends on thread timing).
    want_left=$(field files "$exp")
    match=0
    for alt in $(printf '%s' "$want_left" | sed 's/ /+/g; s/+|+/ /g'); do
      [ "$left" = "$(printf '%s' "$alt" | tr '+' ' ')" ] && match=1
    done
    [ -z "$want_left" ] && [ -z "$left" ] && match=1
    [ "$match" = 1 ] && ok || bad "$name: files left: '$left', expected '$want_left'"
    if [ "$got" != "$want_exit" ]; then
      bad "$name: exit $got, expected $want_exit"; cat "$tmp/err" >&2; continue
    fi
    if [ -n "$want_err" ]; then
      grep -qF -- "$want_err" "$tmp/err" && ok || { bad "$name: stderr lacks '$want_err'"; cat "$tmp/err" >&2; }
    else
      [ ! -s "$tmp/err" ] && ok || { bad "$name: unexpected stderr"; cat "$tmp/err" >&2; }
    fi
    res=$(field result "$exp"); result="$tmp/run/${res:-out}"
    if [ -f "$D/$name.out" ]; then
      cmp -s "$D/$name.out" "$result" && ok || bad "$name: output differs from $name.out"
    fi
    continue
  fi
  # shellcheck disable=SC2086
  "$T" convert $args "$input" -o "$tmp/run/out" 2>"$tmp/err"; got=$?
  if [ "$got" != "$want_exit" ]; then
    bad "$name: exit $got, expected $want_exit"; cat "$tmp/err" >&2; continue
  fi
  if [ -n "$want_err" ]; then
    grep -qF -- "$want_err" "$tmp/err" && ok || { bad "$name: stderr lacks '$want_err'"; cat "$tmp/err" >&2; }
  else
    [ ! -s "$tmp/err" ] && ok || { bad "$name: unexpected stderr"; cat "$tmp/err" >&2; }
  fi
  if [ "$want_exit" = 0 ]; then
    if [ -f "$D/$name.out" ]; then
      cmp -s "$D/$name.out" "$tmp/run/out" && ok || bad "$name: output differs from $name.out"
    fi
  else
    # A failed run leaves nothing: no output file, no temporary file.
    [ -z "$(ls -A "$tmp/run")" ] && ok || bad "$name: files left after an error: $(ls -A "$tmp/run")"
  fi
  # Standard input gives the same status and output.
  # shellcheck disable=SC2086
  "$T" convert $args <"$input" >"$tmp/stdout" 2>/dev/null; got=$?
  [ "$got" = "$want_exit" ] && ok || bad "$name (stdin): exit $got, expected $want_exit"
  if [ "$want_exit" = 0 ] && [ -f "$D/$name.out" ]; then
    cmp -s "$D/$name.out" "$tmp/stdout" && ok || bad "$name (stdin): output differs"
  fi
done

# Generated: 200,000 nested unclosed <div>s, then text: every tag comes out
# as it went in, the text is converted, nothing is lost.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "<div>"; printf "шаҳар\n" }' >"$tmp/deep.html"
"$T" convert --html -f uz-Cyrl -t uz-Latn "$tmp/deep.html" -o "$tmp/deep.out" 2>"$tmp/err"
[ $? = 0 ] && ok || { bad "deep nesting: exit status"; cat "$tmp/err" >&2; }
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "<div>"; printf "shahar\n" }' >"$tmp/deep.want"
cmp -s "$tmp/deep.want" "$tmp/deep.out" && ok || bad "deep nesting: output differs"

# Generated: a 5 MB line with no space at all (the driver must cut inside
# the "word"): digits pass through unchanged.
awk 'BEGIN { s = "0123456789"; for (i = 0; i < 9; i++) s = s s; for (i = 0; i < 1024; i++) printf "%s", s }' >"$tmp/nospace.txt"
"$T" convert -f uz-Cyrl -t uz-Latn "$tmp/nospace.txt" -o "$tmp/nospace.out" 2>"$tmp/err"
[ $? = 0 ] && ok || { bad "5 MB without a space: exit status"; cat "$tmp/err" >&2; }
cmp -s "$tmp/nospace.txt" "$tmp/nospace.out" && ok || bad "5 MB without a space: output differs"

# Generated: a 200 MB single line through a pipe, in bounded memory. Under a
# sanitizer (which reserves terabytes of address space) only 20 MB and no
# limit. The output is the conversion of one word, repeated.
size=200000000
limit="ulimit -v 262144"
if grep -q "__asan_init" "$T" 2>/dev/null; then size=20000000; limit=":"; fi
words=$((size / 11))  # "шаҳар " is 11 bytes
out=$( (eval "$limit"; yes шаҳар | tr '\n' ' ' | head -c $((words * 11)) |
        "$T" convert -f uz-Cyrl -t uz-Latn | wc -c) 2>"$tmp/err")
[ "$out" = $((words * 7)) ] && ok || { bad "200 MB line: $out bytes out, expected $((words * 7))"; cat "$tmp/err" >&2; }

# Generated: the same 200 MB line through normalize, which reads its input
# whole (it detects the encoding first): memory stays under about twice the
# input (1 GB of address space). Every "o'" becomes "oʻ" (one byte more per
# word), so the output size tells that nothing was lost.
limit="ulimit -v 1048576"
if grep -q "__asan_init" "$T" 2>/dev/null; then limit=":"; fi
words=$((size / 7))  # "o'zbek " is 7 bytes
out=$( (eval "$limit"; yes "o'zbek" | tr '\n' ' ' | head -c $((words * 7)) |
        "$T" normalize | wc -c) 2>"$tmp/err")
[ "$out" = $((words * 8)) ] && ok || { bad "200 MB line (normalize): $out bytes out, expected $((words * 8))"; cat "$tmp/err" >&2; }

# Generated: JSON with huge strings through batch: a 20 MB title (converted)
# and a 20 MB string in a field that is not converted (copied as it is).
# 2 MB each under a sanitizer.
n=20000000
if grep -q "__asan_init" "$T" 2>/dev/null; then n=2000000; fi
mkdir -p "$tmp/hj"
gen_json() {  # gen_json WORD -> the document with n bytes of "WORD " repeated
  printf '{"id":1,"title":"'; yes "$1" | tr '\n' ' ' | head -c "$2"
  printf '","body":"'; head -c "$n" /dev/zero | tr '\0' 'x'; printf '"}\n'
}
gen_json шаҳар $(( n / 11 * 11 )) >"$tmp/hj/big.json"
gen_json shahar $(( n / 11 * 7 )) >"$tmp/big.want"
"$T" batch -f uz-Cyrl -t uz-Latn --field title -q "$tmp/hj" "$tmp/hj-out" 2>"$tmp/err"
[ $? = 0 ] && ok || { bad "huge JSON strings: exit status"; cat "$tmp/err" >&2; }
cmp -s "$tmp/big.want" "$tmp/hj-out/big.json" && ok || bad "huge JSON strings: output differs"

echo "bad_input: $passes passed, $fails failed"
[ "$fails" = 0 ]

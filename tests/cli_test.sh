#!/bin/sh
# cli_test.sh: behaviour of the command that scripts rely on: help and
# version, exit codes, error messages naming file:line:col, atomic -o.
T="$1"
fails=0; passes=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { passes=$((passes+1)); }
bad() { fails=$((fails+1)); echo "FAILED: $*" >&2; }
expect_status() { # expected_status description command...
  want=$1; what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, expected $want"; cat "$tmp/err" >&2; fi
}
expect_status 0 "--help" "$T" --help
grep -q "Usage: translit" "$tmp/out" && ok || bad "--help prints usage"
expect_status 0 "--version" "$T" --version
grep -q "^translit [0-9]" "$tmp/out" && ok || bad "--version prints version"
for c in convert normalize detect spell align batch list; do
  expect_status 0 "$c --help" "$T" $c --help
  [ -s "$tmp/out" ] && ok || bad "$c --help prints something"
done
expect_status 2 "unknown command" "$T" frobnicate
grep -q "unknown command" "$tmp/err" && ok || bad "unknown command message"
expect_status 2 "unknown option" "$T" convert --no-such-option
expect_status 2 "unknown language" "$T" -t xx
expect_status 2 "missing file" "$T" -t uz-Latn "$tmp/missing.txt"
grep -q "missing.txt" "$tmp/err" && ok || bad "missing file is named"

# Invalid UTF-8: error names file:line:col, exit 2, and -o leaves no file.
printf 'Ok line\nbad \377 byte\n' > "$tmp/bad.txt"
expect_status 2 "invalid UTF-8" "$T" -t uz-Latn "$tmp/bad.txt" -o "$tmp/out.txt"
grep -q "bad.txt:2:5: invalid UTF-8" "$tmp/err" && ok || { bad "invalid UTF-8 message names file:2:5"; cat "$tmp/err" >&2; }
[ ! -e "$tmp/out.txt" ] && ok || bad "no output file after an error"
ls "$tmp" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok
# --replace substitutes U+FFFD instead.
expect_status 0 "--replace" "$T" -t uz-Latn --replace "$tmp/bad.txt"
grep -q "bad � byte" "$tmp/out" && ok || bad "--replace writes U+FFFD"

# -o writes the file; stdin works; the default command is convert.
printf 'Test\n' > "$tmp/in.txt"
expect_status 0 "-o FILE" "$T" -t uz-Latn "$tmp/in.txt" -o "$tmp/o.txt"
[ "$(cat "$tmp/o.txt")" = "Test" ] && ok || bad "-o content"
[ "$(printf 'abc' | "$T" -t uz-Latn)" = "abc" ] && ok || bad "stdin, no final newline kept"
[ "$(printf '' | "$T" -t uz-Latn | wc -c)" = "0" ] && ok || bad "empty input gives empty output"

echo "cli: $passes passed, $fails failed"
[ "$fails" = 0 ]

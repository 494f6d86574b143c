#!/bin/sh
# spell_pipe_test.sh: `translit spell -a` speaks the ispell pipe protocol
# byte for byte as `hunspell -a` does: the exchanges *.expected were recorded
# from hunspell 1.7.1 (hunspell -d ru_RU -a < spell_pipe_test.ru.in, and the
# same for en_US); when hunspell is installed the test also replays them
# live. Also: --personal / --add keep the list whole and exit codes hold.
# Usage: spell_pipe_test.sh TRANSLIT
T="$1"
D=$(dirname "$0")
fails=0; passes=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$tmp/cache}"
ok() { passes=$((passes+1)); }
bad() { fails=$((fails+1)); echo "FAILED: $*" >&2; }

for lang in ru en; do
  dict=$([ $lang = ru ] && echo ru_RU || echo en_US)
  "$T" spell -a --lang $lang --no-newsroom < "$D/spell_pipe_test.$lang.in" > "$tmp/out" 2>"$tmp/err" \
    && ok || { bad "$lang: translit -a exit status"; cat "$tmp/err" >&2; }
  # The banner names the program after "but really"; editors only look at "@(#)".
  head -n1 "$tmp/out" | grep -q '^@(#) International Ispell Version 3.2.06 (but really translit ' \
    && ok || bad "$lang: banner line"
  tail -n +2 "$tmp/out" > "$tmp/body"
  tail -n +2 "$D/spell_pipe_test.$lang.expected" > "$tmp/want"
  if cmp -s "$tmp/want" "$tmp/body"; then ok; else
    bad "$lang: exchange differs from the recorded hunspell -a exchange"
    diff "$tmp/want" "$tmp/body" >&2
  fi
  if command -v hunspell >/dev/null 2>&1; then
    hunspell -d $dict -a < "$D/spell_pipe_test.$lang.in" | tail -n +2 > "$tmp/live"
    cmp -s "$tmp/live" "$tmp/body" && ok || { bad "$lang: differs from live hunspell -a"; diff "$tmp/live" "$tmp/body" >&2; }
  fi
done

# Each answer is flushed at once: an editor waits for it before sending more.
mkfifo "$tmp/fifo"
( "$T" spell -a --lang en --no-newsroom < "$tmp/fifo" > "$tmp/inter" & echo $! > "$tmp/pid"
  exec 3>"$tmp/fifo"; printf 'wrold\n' >&3; sleep 2; cp "$tmp/inter" "$tmp/inter.mid"; exec 3>&- ; wait )
grep -q '^& wrold ' "$tmp/inter.mid" && ok || bad "-a answers a line before the input ends"

# --add appends to the personal list atomically, once, and the word is accepted.
printf '# site words\nYangiobod\n' > "$tmp/site.txt"
"$T" spell --personal "$tmp/site.txt" --add Xyzzyobod && ok || bad "--add exit status"
"$T" spell --personal "$tmp/site.txt" --add Xyzzyobod && ok || bad "--add again"
[ "$(grep -c '^Xyzzyobod$' "$tmp/site.txt")" = 1 ] && ok || bad "--add writes the word once"
grep -q '^Yangiobod$' "$tmp/site.txt" && ok || bad "--add keeps the list"
ls "$tmp" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok
echo "Xyzzyobod" | "$T" spell --personal "$tmp/site.txt" >/dev/null && ok || bad "added word accepted"
echo "Xyzzyobod" | "$T" spell >/dev/null; [ $? = 1 ] && ok || bad "the word is not accepted without the list"

# Pipe mode: '*word' then '#' saves the word to the personal list.
printf '*Qwertyobod\n#\nQwertyobod\n' | "$T" spell -a --personal "$tmp/site.txt" > "$tmp/out"
grep -q '^Qwertyobod$' "$tmp/site.txt" && ok || bad "'#' saves '*' words to --personal"

# Invalid UTF-8: exit 2, message names file:line:col, -o leaves no file.
printf 'Превет\nab\377\n' > "$tmp/bad.txt"
"$T" spell --lang ru "$tmp/bad.txt" -o "$tmp/o.txt" 2>"$tmp/err"; st=$?
[ $st = 2 ] && ok || bad "invalid UTF-8: exit $st, expected 2"
grep -q "bad.txt:2:3: invalid UTF-8" "$tmp/err" && ok || { bad "invalid UTF-8 message"; cat "$tmp/err" >&2; }
[ ! -e "$tmp/o.txt" ] && ok || bad "no output file after an error"
# A bad personal list is named with its line.
printf 'ok\nbad\377\n' > "$tmp/list.txt"
echo x | "$T" spell --personal "$tmp/list.txt" 2>"$tmp/err"; st=$?
[ $st = 2 ] && grep -q "list.txt:2:4" "$tmp/err" && ok || { bad "bad personal list: exit $st"; cat "$tmp/err" >&2; }

echo "spell_pipe: $passes passed, $fails failed"
[ "$fails" = 0 ]

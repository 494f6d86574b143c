#!/bin/sh
# align_format_test.sh: the output formats of `translit align` as their
# consumers read them: the TMX validates against the TMX 1.4b DTD (xmllint),
# the JSON parses, and the HTML review page, opened in headless Chromium,
# shows the summary and the missing, extra and changed parts highlighted.
# Usage: align_format_test.sh TRANSLIT SOURCE_DIR. Exit 77 (SKIP) when
# xmllint or Chromium cannot run here.
T="$1"; SRC="$2"
D="$SRC/tests/data/align"
fails=0; passes=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { passes=$((passes+1)); }
bad() { fails=$((fails+1)); echo "FAILED: $*" >&2; }

command -v xmllint >/dev/null || { echo "SKIP: xmllint not installed (Debian: libxml2-utils)"; exit 77; }

# TMX: valid against the DTD, with both languages and the matched pairs only.
"$T" align -f tmx "$D/drift.ru.txt" "$D/drift.uz-Latn.txt" > "$tmp/a.tmx"
[ $? -le 1 ] && ok || bad "align -f tmx exit status"
xmllint --noout --dtdvalid "$D/tmx14b.dtd" "$tmp/a.tmx" 2>"$tmp/err" && ok || { bad "TMX is not valid TMX 1.4b"; cat "$tmp/err" >&2; }
[ "$(grep -c '<tu ' "$tmp/a.tmx")" = 6 ] && ok || bad "TMX has the 6 matched pairs"
grep -q '<tuv xml:lang="uz-Latn"><seg>Toshkentda' "$tmp/a.tmx" && ok || bad "TMX carries uz-Latn segments"
grep -q 'Организаторы' "$tmp/a.tmx" && bad "a missing sentence is no translation pair" || ok
# The validator does reject a broken memory (so the check above means something).
sed 's/ xml:lang="ru"//' "$tmp/a.tmx" > "$tmp/broken.tmx"
xmllint --noout --dtdvalid "$D/tmx14b.dtd" "$tmp/broken.tmx" 2>/dev/null && bad "DTD accepts a tuv without xml:lang" || ok
# Markup in the text is escaped.
printf 'A <b>&</b> "x" 5 < 7.\n' > "$tmp/m.en.txt"
printf 'A <b>&</b> "x" 5 < 7.\n' > "$tmp/m2.en.txt"
"$T" align --langs en,en -f tmx "$tmp/m.en.txt" "$tmp/m2.en.txt" > "$tmp/m.tmx"
xmllint --noout --dtdvalid "$D/tmx14b.dtd" "$tmp/m.tmx" && ok || bad "TMX escapes < & \""

# Invalid UTF-8: exit 2, the file, line and column named, no output file.
printf 'Fine line.\nba\303(d\n' > "$tmp/bad.txt"
"$T" align -o "$tmp/out.tsv" "$D/seg.en.txt" "$tmp/bad.txt" 2>"$tmp/err"
[ $? = 2 ] && ok || bad "invalid UTF-8: exit 2"
grep -q "bad.txt:2:3: invalid UTF-8" "$tmp/err" && ok || { bad "invalid UTF-8 names FILE:LINE:COL"; cat "$tmp/err" >&2; }
[ -e "$tmp/out.tsv" ] && bad "no output file after an error" || ok

# JSON parses and has the summary.
"$T" align -f json "$D/drift.ru.txt" "$D/drift.uz-Latn.txt" > "$tmp/a.json"
python3 - "$tmp/a.json" <<'PY' && ok || bad "JSON output"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["langs"] == ["ru", "uz-Latn"], d["langs"]
assert d["summary"]["missing"] == 1 and d["summary"]["extra"] == 1, d["summary"]
kinds = [l["kind"] for l in d["links"]]
assert kinds.count("missing") == 1 and kinds.count("extra") == 1, kinds
PY

# HTML in a real browser.
B=""
for c in chromium chromium-browser google-chrome; do
  command -v "$c" >/dev/null && { B="$c"; break; }
done
[ -n "$B" ] || { echo "SKIP: no Chromium (Debian: chromium); $passes checks passed before"; [ $fails = 0 ] && exit 77 || exit 1; }
"$T" align -f html "$D/drift.ru.txt" "$D/drift.uz-Latn.txt" > "$tmp/a.html"
"$T" align -f html "$D/edit.uz-Cyrl.txt" "$D/edit.uz-Latn.txt" > "$tmp/e.html"
dump() {
  timeout 120 "$B" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-dev-shm-usage --no-first-run --user-data-dir="$tmp/profile" \
    --dump-dom "file://$1" 2>"$tmp/chromium.err"
}
dump "$tmp/a.html" > "$tmp/a.dom"
if ! grep -q '</html>' "$tmp/a.dom"; then
  echo "SKIP: Chromium could not render a page here:"; tail -3 "$tmp/chromium.err"
  [ $fails = 0 ] && exit 77 || exit 1
fi
grep -q 'id="summary"' "$tmp/a.dom" && ok || bad "HTML has the summary"
grep -q '1 missing from B' "$tmp/a.dom" && ok || bad "summary counts the missing sentence"
grep -q '1 extra in B' "$tmp/a.dom" && ok || bad "summary counts the extra sentence"
grep -q '<tr class="missing"[^>]*>.*Организаторы ожидают' "$tmp/a.dom" && ok || bad "missing row highlighted"
grep -q '<tr class="extra"[^>]*>.*Tadbirda 150 ta' "$tmp/a.dom" && ok || bad "extra row highlighted"
grep -q '<tr class="match"' "$tmp/a.dom" && ok || bad "matched rows present"
grep -q 'http' "$tmp/a.html" && grep -q '<link\|<script src' "$tmp/a.html" && bad "page loads something from the network" || ok
dump "$tmp/e.html" > "$tmp/e.dom"
grep -q '<tr class="changed"' "$tmp/e.dom" && ok || bad "changed row highlighted"
grep -q '<del>30</del><ins>35</ins>' "$tmp/e.dom" && ok || bad "word diff shown with del/ins"

echo "align formats: $passes passed, $fails failed"
[ $fails = 0 ]

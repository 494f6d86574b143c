#!/bin/sh
# batch_test.sh: `translit batch` on generated archives, checked against
# per-file `translit convert`: folders, tar.gz, zip, JSON Lines, CP1251,
# broken files, manifest, report, shards; a kill -9 in the middle; a
# read-only and a full destination (tmpfs; skipped where mount is refused).
# Usage: batch_test.sh TRANSLIT MODE   (MODE: main, kill, rofs, fullfs)
T="$1"
MODE="${2:-main}"
SKIP=77
fails=0; passes=0
tmp=$(mktemp -d); trap 'umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
ok() { passes=$((passes+1)); }
bad() { fails=$((fails+1)); echo "FAILED: $*" >&2; }
check() { # description command...
  what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}
finish() {
  echo "batch_test $MODE: $passes passed, $fails failed"
  [ "$fails" = 0 ]
  exit $?
}
SAMPLE="${TL_SOURCE_DIR:-.}/tests/data/sample/article.uz-Cyrl.txt"
RU="${TL_SOURCE_DIR:-.}/tests/data/sample/article.ru.txt"

# make_tree DIR N: N articles in nested folders, of every kind (txt, html,
# md, json, CP1251 txt) and one binary file.
make_tree() {
  python3 - "$1" "$2" "$SAMPLE" "$RU" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
uz = open(sys.argv[3], encoding="utf-8").read().splitlines()
ru = open(sys.argv[4], encoding="utf-8").read().splitlines()
for i in range(n):
    sub = os.path.join(d, str(i % 7), str(i % 3))
    os.makedirs(sub, exist_ok=True)
    k = i % 5
    line = uz[i % len(uz)]
    if k == 0:
        name, text = "a%d.txt" % i, "Мақола %d\n%s\n%s\n" % (i, line, uz[(i + 1) % len(uz)])
    elif k == 1:
        name, text = "h%d.html" % i, ('<h1 title="Сарлавҳа %d">Сарлавҳа %d</h1>\n<p>\n%s\n'
                                     "</p><script>var x='Тошкент';</script>\n" % (i, i, line))
    elif k == 2:
        name, text = "m%d.md" % i, "# Сарлавҳа %d\n\n`код`\n%s\n" % (i, line)
    elif k == 3:
        name, text = "j%d.json" % i, ('{"id": %d, "title": "Янгилик %d", "slug": "Янгилик-%d",\n'
                                     ' "lead": {"text": "Тошкент шаҳри"}}\n' % (i, i, i))
    else:
        name, text = "r%d.txt" % i, "\n".join(ru[i % 5:i % 5 + 3]) + "\n"
    enc = "cp1251" if k == 4 else "utf-8"
    with open(os.path.join(sub, name), "wb") as f:
        f.write(text.encode(enc))
os.makedirs(os.path.join(d, "0"), exist_ok=True)
with open(os.path.join(d, "0", "logo.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n\x00\x01binary")
EOF
}

# expect_file SRC_FILE OUT_FILE: the batch output equals per-file convert.
expect_file() {
  case "$1" in
    *.html) opt=--html ;; *.md) opt=--markdown ;; *) opt= ;;
  esac
  # Cached by content, so that reruns do not convert the same file again.
  mkdir -p "$tmp/.want"
  want="$tmp/.want/$(cksum < "$1" | tr ' ' _)${opt}"
  case "$1" in
    *.json|*.png) return 0 ;;
    */r*.txt) [ -f "$want" ] || iconv -f CP1251 -t UTF-8 "$1" | "$T" convert -t uz-Latn $opt > "$want" ;;
    *) [ -f "$want" ] || "$T" convert -t uz-Latn $opt "$1" > "$want" ;;
  esac
  cmp -s "$want" "$2" || { echo "  differs: $2" >&2; return 1; }
}

compare_tree() { # SRC OUT: every converted file equals per-file convert
  res=0
  for f in $(cd "$1" && find . -type f ! -name '*broken*' | sort); do
    [ -f "$2/$f" ] || { echo "  missing: $2/$f" >&2; res=1; continue; }
    expect_file "$1/$f" "$2/$f" || res=1
  done
  return $res
}

no_tmp_left() { ! find "$@" -name '.translit-tmp-*' 2>/dev/null | grep -q .; }

if [ "$MODE" = main ]; then
  make_tree "$tmp/src" 60
  printf 'Тошкент \320 шаҳри\n' > "$tmp/src/1/broken-utf8.txt"
  printf 'PK\003\004\000\000\377\376 binary \000\001' > "$tmp/src/2/broken-binary.txt"
  cp -r "$tmp/src" "$tmp/src.orig"

  # Folder -> folder.
  "$T" batch -t uz-Latn --field title,lead.text --report "$tmp/r.json" "$tmp/src" "$tmp/out" 2> "$tmp/err"
  check "exit 1 when files fail" [ $? = 1 ]
  check "broken UTF-8 named with line:col" grep -q "src/1/broken-utf8.txt:1:9: invalid UTF-8" "$tmp/err"
  check "binary file named" grep -q "src/2/broken-binary.txt:.*binary data" "$tmp/err"
  check "summary" grep -q "batch: 60 converted, 1 copied, 0 skipped, 0 unchanged, 2 failed" "$tmp/err"
  check "outputs equal per-file convert" compare_tree "$tmp/src" "$tmp/out"
  check "source untouched" diff -r "$tmp/src" "$tmp/src.orig"
  check "failed files have no output" [ ! -e "$tmp/out/1/broken-utf8.txt" ]
  check "binary copied" cmp -s "$tmp/src/0/logo.png" "$tmp/out/0/logo.png"
  check "no temp files" no_tmp_left "$tmp/out"
  # JSON: only the fields change.
  j=$(cd "$tmp/src" && find . -name 'j3.json')
  printf '{"id": 3, "title": "%s", "slug": "Янгилик-3",\n "lead": {"text": "%s"}}\n' \
    "$(echo 'Янгилик 3' | "$T" -t uz-Latn)" "$(echo 'Тошкент шаҳри' | "$T" -t uz-Latn)" > "$tmp/want.json"
  check "JSON fields converted, the rest kept" cmp -s "$tmp/want.json" "$tmp/out/$j"
  # The manifest lists each finished file; the report each file.
  check "manifest has 61 records" [ "$(grep -vc '^#' "$tmp/out/.translit-manifest")" = 61 ]
  check "report names the failures" grep -q '"path": "1/broken-utf8.txt", "action": "failed"' "$tmp/r.json"
  check "report has CP1251" grep -q '"encoding": "CP1251"' "$tmp/r.json"
  check "report is valid JSON" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['converted']==60 and len(d['files'])==63" "$tmp/r.json"
  # Rerun: nothing to do but the failures; a changed file is redone.
  "$T" batch -t uz-Latn --field title,lead.text "$tmp/src" "$tmp/out" 2> "$tmp/err"
  check "rerun: all unchanged" grep -q "0 converted, 0 copied, 0 skipped, 61 unchanged, 2 failed" "$tmp/err"
  echo "Янги матн" > "$tmp/src/0/0/a0.txt"
  "$T" batch -q -t uz-Latn --field title,lead.text --report "$tmp/r2.json" "$tmp/src" "$tmp/out"
  check "changed file redone" grep -q '"converted": 1, "copied": 0, "skipped": 0, "unchanged": 60' "$tmp/r2.json"
  check "changed file content" expect_file "$tmp/src/0/0/a0.txt" "$tmp/out/0/0/a0.txt"
  "$T" batch -q -t uz-Latn --field title,lead.text --force --report "$tmp/r3.json" "$tmp/src" "$tmp/out"
  check "--force redoes all" grep -q '"converted": 60, "copied": 1' "$tmp/r3.json"
  # --skip-other, -j1 gives the same bytes as -j2.
  "$T" batch -q -j1 --skip-other -t uz-Latn --field title,lead.text "$tmp/src" "$tmp/out1"
  check "--skip-other" [ ! -e "$tmp/out1/0/logo.png" ]
  check "-j1 = -j2" diff -r -x '.translit-manifest' -x logo.png "$tmp/out" "$tmp/out1"
  # --normalize in the same pass = translit normalize | translit convert;
  # in JSON only the converted fields are normalized.
  mkdir -p "$tmp/ns"
  printf 'Т\320\276шкент  шаҳри\r\nO\xe2\x80\x98zbekiston\n' > "$tmp/ns/n.txt"
  printf '{"title": "Т\320\276шкент  шаҳри",   "x": "a  b"}\n' > "$tmp/ns/n.json"
  "$T" batch -q --normalize -t uz-Latn --field title "$tmp/ns" "$tmp/no"
  check "--normalize: exit 0" [ $? = 0 ]
  "$T" normalize "$tmp/ns/n.txt" | "$T" convert -t uz-Latn > "$tmp/n.want"
  check "--normalize = normalize | convert" cmp -s "$tmp/n.want" "$tmp/no/n.txt"
  printf '{"title": "%s",   "x": "a  b"}\n' "$(printf 'Т\320\276шкент  шаҳри' | "$T" normalize | "$T" convert -t uz-Latn)" > "$tmp/nj.want"
  check "--normalize: JSON fields only" cmp -s "$tmp/nj.want" "$tmp/no/n.json"
  # DST inside SRC is refused.
  "$T" batch -q -t uz-Latn "$tmp/src" "$tmp/src/out" 2> "$tmp/err"
  check "DST inside SRC: exit 2" [ $? = 2 ]
  check "DST inside SRC: message" grep -q "overlap" "$tmp/err"

  # tar.gz -> tar.gz, zip -> zip: same files as the folder run.
  rm -f "$tmp/src/1/broken-utf8.txt" "$tmp/src/2/broken-binary.txt"
  "$T" batch -q -t uz-Latn --field title,lead.text --force "$tmp/src" "$tmp/out"
  (cd "$tmp/src" && tar czf "$tmp/in.tar.gz" .)
  # zip and unzip are not on a fresh Debian: Python's zipfile does both.
  python3 -c "
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
    for d, _, fs in sorted(os.walk(sys.argv[1])):
        for f in sorted(fs):
            p = os.path.join(d, f); z.write(p, os.path.relpath(p, sys.argv[1]))" "$tmp/src" "$tmp/in.zip"
  "$T" batch -q -t uz-Latn --field title,lead.text "$tmp/in.tar.gz" "$tmp/o.tar.gz"
  check "tar.gz: exit 0" [ $? = 0 ]
  mkdir "$tmp/x1" && tar xzf "$tmp/o.tar.gz" -C "$tmp/x1"
  check "tar.gz = folder run" diff -r -x '.translit-manifest' "$tmp/out" "$tmp/x1"
  check "tar.gz keeps entry order" sh -c "[ \"\$(tar tzf '$tmp/in.tar.gz' | grep -v '/\$' | sed 's|^\./||')\" = \"\$(tar tzf '$tmp/o.tar.gz' | grep -v '/\$')\" ]"
  check "no staging left" [ ! -e "$tmp/o.tar.gz.translit-staging" ]
  cp "$tmp/o.tar.gz" "$tmp/o1.tar.gz"
  "$T" batch -t uz-Latn --field title,lead.text "$tmp/in.tar.gz" "$tmp/o.tar.gz" 2> "$tmp/err"
  check "tar.gz: a rerun on the same source does nothing" grep -q "0 converted, 0 copied, 0 skipped, 1 unchanged" "$tmp/err"
  "$T" batch -q --force -t uz-Latn --field title,lead.text "$tmp/in.tar.gz" "$tmp/o.tar.gz"
  check "tar.gz: rebuilt byte for byte" cmp -s "$tmp/o.tar.gz" "$tmp/o1.tar.gz"
  "$T" batch -q -t uz-Latn --field title,lead.text "$tmp/in.zip" "$tmp/o.zip"
  check "zip: exit 0" [ $? = 0 ]
  python3 -m zipfile -e "$tmp/o.zip" "$tmp/x2"
  check "zip = folder run" diff -r -x '.translit-manifest' "$tmp/out" "$tmp/x2"
  "$T" batch -q -t uz-Latn --field title,lead.text "$tmp/in.tar.gz" "$tmp/x3"
  check "tar.gz -> folder" diff -r -x '.translit-manifest' "$tmp/out" "$tmp/x3"
  # A .tar.gz over 1 MB (here 1.8) is gzipped on all cores, in gzip members:
  # tar and Python read it whole, and -j1 and -j2 write the same bytes.
  mkdir -p "$tmp/big"
  for i in 1 2 3; do
    python3 -c "import sys; open(sys.argv[2], 'wb').write(open(sys.argv[1], 'rb').read() * 800)" \
      "$SAMPLE" "$tmp/big/b$i.txt"
  done
  "$T" batch -q -j1 -t uz-Latn "$tmp/big" "$tmp/big1.tar.gz"
  "$T" batch -q -j2 -t uz-Latn "$tmp/big" "$tmp/big2.tar.gz"
  check ".tar.gz: -j1 = -j2 byte for byte" cmp -s "$tmp/big1.tar.gz" "$tmp/big2.tar.gz"
  check ".tar.gz: several gzip members" python3 -c "
import sys, zlib
data, members = open(sys.argv[1], 'rb').read(), 0
while data:
    d = zlib.decompressobj(31)
    d.decompress(data)
    assert d.eof, 'a member is cut'
    data, members = d.unused_data, members + 1
assert members > 1, members" "$tmp/big2.tar.gz"
  "$T" batch -q -t uz-Latn "$tmp/big" "$tmp/big-dir"
  mkdir "$tmp/bigx" && tar xzf "$tmp/big2.tar.gz" -C "$tmp/bigx"
  check ".tar.gz: tar reads every member" diff -r -x '.translit-manifest' "$tmp/big-dir" "$tmp/bigx"
  "$T" batch -q -t uz-Latn "$tmp/big2.tar.gz" "$tmp/big-again"
  check ".tar.gz: batch reads it back" diff -r -x '.translit-manifest' "$tmp/big-dir" "$tmp/big-again"
  # A truncated archive (a download cut short): exit 2, the error names the
  # archive and the byte offset, and no DST is left behind; a DST that was
  # there before keeps its files.
  head -c $(( $(wc -c < "$tmp/in.tar.gz") / 2 )) "$tmp/in.tar.gz" > "$tmp/cut.tar.gz"
  head -c $(( $(wc -c < "$tmp/in.zip") / 2 )) "$tmp/in.zip" > "$tmp/cut.zip"
  for a in cut.tar.gz cut.zip; do
    "$T" batch -q -t uz-Latn "$tmp/$a" "$tmp/cut-out" 2> "$tmp/err"
    check "$a -> folder: exit 2" [ $? = 2 ]
    check "$a: archive and byte offset named" grep -Eq "$a: damaged archive at byte offset [1-9][0-9]*" "$tmp/err"
    check "$a -> folder: no DST" [ ! -e "$tmp/cut-out" ]
    "$T" batch -q -t uz-Latn "$tmp/$a" "$tmp/new/sub/o.${a#cut.}" 2> "$tmp/err"
    check "$a -> archive: exit 2" [ $? = 2 ]
    check "$a -> archive: no DST, staging or folder made" [ ! -e "$tmp/new" ]
  done
  cp -r "$tmp/x3" "$tmp/x3.before"
  "$T" batch -q -t uz-Latn --field title,lead.text "$tmp/cut.tar.gz" "$tmp/x3" 2> "$tmp/err"
  check "cut archive into an existing DST: exit 2" [ $? = 2 ]
  check "cut archive into an existing DST: its files kept" diff -r "$tmp/x3.before" "$tmp/x3"
  # Hard links keep their content; symbolic links stay in archives only.
  mkdir -p "$tmp/hl" && echo "Тошкент" > "$tmp/hl/a.txt" && ln "$tmp/hl/a.txt" "$tmp/hl/b.txt" && ln -s a.txt "$tmp/hl/c.txt"
  tar cf "$tmp/hl.tar" -C "$tmp/hl" .
  "$T" batch -q -t uz-Latn "$tmp/hl.tar" "$tmp/hl-out.tar"
  mkdir "$tmp/hlx" && tar xf "$tmp/hl-out.tar" -C "$tmp/hlx"
  echo "Тошкент" | "$T" -t uz-Latn > "$tmp/hl.want"
  check "hard link: both names converted" sh -c "cmp -s '$tmp/hl.want' '$tmp/hlx/a.txt' && cmp -s '$tmp/hl.want' '$tmp/hlx/b.txt'"
  check "symlink kept in the archive" [ -L "$tmp/hlx/c.txt" ]
  "$T" batch -q -t uz-Latn --report "$tmp/hl.json" "$tmp/hl.tar" "$tmp/hl-dir"
  check "hard link into a folder" sh -c "cmp -s '$tmp/hl.want' '$tmp/hl-dir/a.txt' && cmp -s '$tmp/hl.want' '$tmp/hl-dir/b.txt'"
  check "symlink not made in a folder" grep -q '"path": "c.txt", "action": "skipped"' "$tmp/hl.json"
  # A file name in CP1251 keeps its bytes; the report stays valid JSON.
  mkdir -p "$tmp/cpn" && echo "Ой" > "$tmp/cpn/$(printf '\322\356\370').txt"
  "$T" batch -q -t uz-Latn --report "$tmp/cpn.json" "$tmp/cpn" "$tmp/cpn-out"
  check "CP1251 file name kept" [ -f "$tmp/cpn-out/$(printf '\322\356\370').txt" ]
  check "report with a CP1251 name is JSON" python3 -c "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))" "$tmp/cpn.json"
  # An entry climbing out of DST is never written.
  python3 - "$tmp/evil.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name in ("../evil.txt", "ok.txt"):
        data = "Тошкент\n".encode()
        ti = tarfile.TarInfo(name); ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
EOF
  "$T" batch -q -t uz-Latn --report "$tmp/re.json" "$tmp/evil.tar" "$tmp/evil/out.tar"
  check "unsafe entry skipped" grep -q '"path": "../evil.txt", "action": "skipped"' "$tmp/re.json"
  check "nothing outside DST" [ ! -e "$tmp/evil/evil.txt" ] && [ ! -e "$tmp/evil.txt" ]

  # JSON Lines: file and stdin, in order, a bad record kept and reported.
  python3 - "$tmp/d.jsonl" <<'EOF'
import json, sys
words = ["Тошкент", "Самарқанд", "Қўқон", "Ўзбекистон", "шаҳар", "янгилик"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1000):
        if i == 123:
            f.write('{"title": broken}\n'); continue
        rec = {"id": i, "title": words[i % 6] + " " + str(i), "body": "\n".join(words[:i % 6 + 1]),
               "meta": {"author": words[(i + 1) % 6]}}
        f.write(json.dumps(rec, ensure_ascii=(i % 2 == 0)) + "\n")
EOF
  "$T" batch -t uz-Latn --field title,body "$tmp/d.jsonl" "$tmp/o.jsonl" 2> "$tmp/err"
  check "JSONL: exit 1 for the bad record" [ $? = 1 ]
  check "JSONL: bad record named by line" grep -q "d.jsonl:124: invalid JSON" "$tmp/err"
  check "JSONL: same number of lines" [ "$(wc -l < "$tmp/o.jsonl")" = 1000 ]
  check "JSONL: bad record kept as is" [ "$(sed -n 124p "$tmp/o.jsonl")" = '{"title": broken}' ]
  "$T" batch -q -j1 -t uz-Latn --field title,body - - < "$tmp/d.jsonl" > "$tmp/o2.jsonl"
  check "JSONL: stdin -j1 = file -j2" cmp -s "$tmp/o.jsonl" "$tmp/o2.jsonl"
  grep -v broken "$tmp/d.jsonl" > "$tmp/g.jsonl"
  "$T" batch -q -t uz-Latn --field title,body "$tmp/g.jsonl" "$tmp/g-out.jsonl"
  "$T" batch -t uz-Latn --field title,body "$tmp/g.jsonl" "$tmp/g-out.jsonl" 2> "$tmp/err"
  check "JSONL: a rerun on the same source does nothing" grep -q "0 converted, 0 copied, 0 skipped, 1 unchanged" "$tmp/err"
  "$T" batch -t uz-Latn --field body "$tmp/g.jsonl" "$tmp/g-out.jsonl" 2> "$tmp/err"
  check "JSONL: other options redo it" grep -q "999 converted" "$tmp/err"
  # Each field equals per-line convert; every other value is unchanged.
  python3 - "$tmp/d.jsonl" "$tmp/o.jsonl" "$tmp/fields.txt" <<'EOF'
import json, sys
ins = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
outs = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for a, b in zip(ins, outs):
        try: x = json.loads(a)
        except ValueError: continue
        y = json.loads(b)
        assert x["id"] == y["id"] and x["meta"] == y["meta"], (a, b)
        f.write(json.dumps(x["title"]) + "\t" + json.dumps(y["title"]) + "\n")
        f.write(json.dumps(x["body"]) + "\t" + json.dumps(y["body"]) + "\n")
EOF
  check "JSONL: other values unchanged" [ $? = 0 ]
  cut -f1 "$tmp/fields.txt" | python3 -c "import sys,json; [print(json.loads(l).replace(chr(10), chr(1))) for l in sys.stdin]" | "$T" -t uz-Latn > "$tmp/f.want"
  cut -f2 "$tmp/fields.txt" | python3 -c "import sys,json; [print(json.loads(l).replace(chr(10), chr(1))) for l in sys.stdin]" > "$tmp/f.got"
  check "JSONL: fields = per-line convert" cmp -s "$tmp/f.want" "$tmp/f.got"
  check "JSONL: ASCII-escaped records stay ASCII" sh -c "sed -n 1p '$tmp/o.jsonl' | LC_ALL=C grep -qv '[^ -~]'"

  # Shards: 3 hosts into one DST make the same tree as one run.
  for k in 1 2 3; do "$T" batch -q -t uz-Latn --field title,lead.text --shard $k/3 "$tmp/src" "$tmp/sh"; done
  check "shards = one run" diff -r -x '.translit-manifest*' "$tmp/out" "$tmp/sh"
  check "one manifest per shard" [ -f "$tmp/sh/.translit-manifest-2-of-3" ]
  "$T" batch -q -t uz-Latn --shard 4/3 "$tmp/src" "$tmp/sh" 2> "$tmp/err"
  check "bad shard: exit 2" [ $? = 2 ]
  finish
fi

if [ "$MODE" = kill ]; then
  # A few thousand small files; kill -9 midway; the rerun must give the
  # bytes of an uninterrupted run and leave no temporary file.
  # On a tmpfs when possible: the test is about kill -9, not disk speed.
  if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/mnt" && mount -t tmpfs -o size=64m tmpfs "$tmp/mnt" 2>/dev/null; then
    tmp0=$tmp; tmp="$tmp/mnt"
  fi
  make_tree "$tmp/src" 2000
  "$T" batch -q -j2 -t uz-Latn --field title "$tmp/src" "$tmp/ref"
  # -j1: records reach the manifest a checkpoint (256 files) late, so that
  # a fast machine could finish before the kill with two workers.
  "$T" batch -q -j1 -t uz-Latn --field title "$tmp/src" "$tmp/out" &
  pid=$!
  i=0
  while [ $i -lt 500 ]; do
    n=$(grep -vc '^#' "$tmp/out/.translit-manifest" 2>/dev/null)
    [ "${n:-0}" -ge 200 ] && break
    sleep 0.01; i=$((i + 1))
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  done1=$(grep -vc '^#' "$tmp/out/.translit-manifest")
  echo "killed after $done1 of 2001 files"
  check "killed midway" [ "$done1" -lt 2001 ]
  # What a kill leaves: each file under its real name is complete, and each
  # manifest record names such a file, of the recorded size.
  res=0
  for f in $(cd "$tmp/out" && find . -type f ! -name '.translit-*'); do
    cmp -s "$tmp/ref/$f" "$tmp/out/$f" || { echo "  partial: $f" >&2; res=1; }
  done
  check "after kill -9: no partial file under a real name" [ $res = 0 ]
  check "after kill -9: the manifest names only complete files" python3 - "$tmp/out" <<'EOF'
import os, sys
d = sys.argv[1]
for line in open(os.path.join(d, ".translit-manifest"), encoding="utf-8", errors="surrogateescape"):
    if line.startswith("#") or not line.endswith("\n"):
        continue
    f = line.rstrip("\n").split(" ", 6)
    assert os.path.getsize(os.path.join(d, f[6])) == int(f[3]), line
EOF
  "$T" batch -j2 -t uz-Latn --field title "$tmp/src" "$tmp/out" 2> "$tmp/err"
  check "rerun: exit 0" [ $? = 0 ]
  check "rerun resumed" grep -q "[1-9][0-9]* unchanged" "$tmp/err"
  check "rerun = uninterrupted run" diff -r -x '.translit-manifest' "$tmp/ref" "$tmp/out"
  check "no temp files after kill + rerun" no_tmp_left "$tmp/out"
  # The same for an archive (two of the seven folders): kill while
  # staging, rerun, same bytes.
  (cd "$tmp/src" && tar czf "$tmp/in.tar.gz" 0 1)
  "$T" batch -q -t uz-Latn --field title "$tmp/in.tar.gz" "$tmp/ref.tar.gz"
  "$T" batch -q -t uz-Latn --field title "$tmp/in.tar.gz" "$tmp/o.tar.gz" &
  pid=$!
  i=0
  while [ $i -lt 500 ]; do
    n=$(grep -vc '^#' "$tmp/o.tar.gz.translit-staging/.translit-manifest" 2>/dev/null)
    [ "${n:-0}" -ge 100 ] && break
    sleep 0.01; i=$((i + 1))
  done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  "$T" batch -q -t uz-Latn --field title "$tmp/in.tar.gz" "$tmp/o.tar.gz"
  check "archive rerun: exit 0" [ $? = 0 ]
  check "archive rerun = uninterrupted run" cmp -s "$tmp/ref.tar.gz" "$tmp/o.tar.gz"
  check "archive: no temp files" no_tmp_left "$tmp"
  check "archive: staging removed" [ ! -e "$tmp/o.tar.gz.translit-staging" ]
  [ -n "$tmp0" ] && { rm -rf "$tmp"/*; tmp=$tmp0; }
  finish
fi

# The filesystem tests need a tmpfs; root ignores permissions, so chmod
# alone proves nothing when running as root.
mkdir -p "$tmp/mnt"
if [ "$MODE" = rofs ]; then
  make_tree "$tmp/src" 20
  if [ "$(id -u)" != 0 ]; then
    chmod 555 "$tmp/mnt"
  elif ! mount -t tmpfs -o size=1m,ro tmpfs "$tmp/mnt" 2>/dev/null; then
    echo "SKIP: cannot mount a read-only tmpfs here (need root and mount rights)"
    exit $SKIP
  fi
  "$T" batch -q -t uz-Latn "$tmp/src" "$tmp/mnt/out" 2> "$tmp/err"
  check "read-only DST: exit 2" [ $? = 2 ]
  check "read-only DST: clear error" grep -Eq "mnt/out.*(Read-only file system|Permission denied)" "$tmp/err"
  cat "$tmp/err"
  finish
fi

if [ "$MODE" = fullfs ]; then
  if ! mount -t tmpfs -o size=256k tmpfs "$tmp/mnt" 2>/dev/null; then
    echo "SKIP: cannot mount a small tmpfs here (need root and mount rights)"
    exit $SKIP
  fi
  make_tree "$tmp/src" 10
  # 40 files of 16 KB: more than the 256 KB disk.
  i=0
  while [ $i -lt 40 ]; do
    for k in 1 2 3 4 5 6 7 8 9 10 11 12; do cat "$SAMPLE"; done > "$tmp/src/big$i.txt"
    i=$((i + 1))
  done
  "$T" batch -q -j2 -t uz-Latn "$tmp/src" "$tmp/mnt/out" 2> "$tmp/err"
  check "full disk: exit 2" [ $? = 2 ]
  check "full disk: clear error" grep -q "No space left on device" "$tmp/err"
  cat "$tmp/err"
  check "full disk: no temp files" no_tmp_left "$tmp/mnt"
  # What was written is complete: every file in DST equals its conversion.
  res=0
  for f in $(cd "$tmp/mnt/out" && find . -type f ! -name '.translit-manifest' | sort); do
    expect_file "$tmp/src/$f" "$tmp/mnt/out/$f" || res=1
  done
  check "full disk: written files are complete" [ $res = 0 ]
  # With room again, the rerun finishes the job.
  mount -o remount,size=8m "$tmp/mnt"
  "$T" batch -j2 -t uz-Latn "$tmp/src" "$tmp/mnt/out" 2> "$tmp/err"
  check "after the disk is freed: exit 0" [ $? = 0 ]
  check "after the disk is freed: resumed" grep -q "[1-9][0-9]* unchanged" "$tmp/err"
  check "after the disk is freed: all there" compare_tree "$tmp/src" "$tmp/mnt/out"
  finish
fi
echo "unknown mode $MODE" >&2
exit 2

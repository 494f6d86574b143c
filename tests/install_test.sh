#!/bin/sh
# install_test.sh: `cmake --install` puts the library (shared and static),
# the header, translit.pc, the command, its man page and the dictionaries in
# place, and a program builds against the installed copy with pkg-config.
set -u
BUILD="$1"
SAN="${2:-}"   # the sanitizers of the build, if any: the test program needs them too
dest=$(mktemp -d); trap 'rm -rf "$dest"' EXIT
fails=0; passes=0
check() { if eval "$2"; then passes=$((passes+1)); else fails=$((fails+1)); echo "FAILED: $1" >&2; fi; }
cmake --install "$BUILD" --prefix "$dest/usr" >/dev/null || { echo "cmake --install failed" >&2; exit 1; }
lib=$(ls -d "$dest"/usr/lib* | head -1)
check "shared library with SONAME" "ls $lib/libtranslit.so.0 >/dev/null 2>&1 || ls $lib/*/libtranslit.so.0 >/dev/null 2>&1"
check "static library" "ls $lib/libtranslit.a >/dev/null 2>&1 || ls $lib/*/libtranslit.a >/dev/null 2>&1"
check "header" "[ -f $dest/usr/include/translit.h ]"
check "command" "[ -x $dest/usr/bin/translit ]"
check "man page" "[ -f $dest/usr/share/man/man1/translit.1 ]"
check "dictionaries" "[ -d $dest/usr/share/translit/uz ]"
pc=$(find "$dest" -name translit.pc | head -1)
check "translit.pc" "[ -n '$pc' ]"
if [ -n "$pc" ]; then
  sed -i "s|^prefix=.*|prefix=$dest/usr|" "$pc"
  cat > "$dest/t.c" <<'C'
#include <translit.h>
#include <stdio.h>
int main(void) { printf("%s\n", tl_version()); return 0; }
C
  export PKG_CONFIG_PATH="$(dirname "$pc")"
  cflags=$(pkg-config --cflags translit | sed "s|-I[^ ]*include|-I$dest/usr/include|")
  libdir=$(dirname "$(find "$dest" -name 'libtranslit.so.0' | head -1)")
  check "builds with pkg-config" "cc ${SAN:+-fsanitize=$SAN} $cflags $dest/t.c -L$libdir -ltranslit -Wl,-rpath,$libdir -o $dest/t"
  check "runs against the installed library" "[ \"\$($dest/t)\" = \"\$($dest/usr/bin/translit --version | sed 's/translit \([^ ]*\).*/\1/')\" ]"
fi
echo "install: $passes passed, $fails failed"
[ "$fails" = 0 ]

#!/bin/sh
# symbols_test.sh: the ABI a plugin links against: libtranslit.so exports
# only tl_ names (no tl__ internals, nothing from its dependencies), exports
# every TL_API call of translit.h, and has a SONAME of its own
# (libtranslit.so.N, counted apart from the API version), and holds no
# mutable global variables.
# Usage: symbols_test.sh LIBTRANSLIT.so translit.h
set -u
lib=$1 header=$2
fail=0
exported=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
[ -n "$exported" ] || { echo "no exported symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "$exported" | grep -v '^tl_' ; printf '%s\n' "$exported" | grep '^tl__')
if [ -n "$bad" ]; then
  echo "exported symbols that are not tl_ API:"; printf '  %s\n' $bad
  fail=1
fi
# TL_API declarations, once preprocessor lines and comments are gone.
declared=$(grep -v '^[[:space:]]*#' "$header" | tr '\n' ' ' |
  sed -E 's:/\*([^*]|\*+[^*/])*\*+/::g' | grep -oE 'TL_API [^;(]*\(' |
  sed -E 's/.*[ *]([A-Za-z_0-9]+)[ ]*\($/\1/' | grep '^tl_' | sort -u)
missing=$(printf '%s\n' "$declared" | grep -vxF "$exported")
if [ -n "$missing" ]; then
  echo "TL_API calls of translit.h missing from $lib:"; printf '  %s\n' $missing
  fail=1
fi
extra=$(printf '%s\n' "$exported" | grep -vxF "$declared")
if [ -n "$extra" ]; then
  echo "exported but not declared TL_API in translit.h:"; printf '  %s\n' $extra
  fail=1
fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if ! printf '%s' "$soname" | grep -qE '^libtranslit\.so\.[0-9]+$'; then
  echo "SONAME is '$soname', expected libtranslit.so.N"
  fail=1
fi
# No global state: nothing of ours in writable .data or .bss (the C
# runtime's own completed.0, __dso_handle and __TMC_END__ aside).
globals=$(objdump -t "$lib" | awk '($4 == ".data" || $4 == ".bss") && $NF !~ /^(completed\.[0-9]+|__dso_handle|__TMC_END__|_edata|_end|__bss_start)$/ { print $NF }')
if [ -n "$globals" ]; then
  echo "mutable globals in $lib (use a handle instead):"; printf '  %s\n' $globals
  fail=1
fi
[ "$fail" = 0 ] && echo "$(printf '%s\n' "$exported" | wc -l) tl_ symbols exported, SONAME $soname"
exit "$fail"

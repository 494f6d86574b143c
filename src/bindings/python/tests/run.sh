#!/bin/sh
# run.sh: CTest's entry to the pytest suite of the Python binding. Uses the
# first python3 that has pytest ($PYTHON, python3, /usr/bin/python3), fails
# with a clear message when none has, and counts "no tests ran" as failure.
here=$(cd "$(dirname "$0")" && pwd)
py=""
for cand in "${PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$cand" ] || continue
  if "$cand" -c 'import pytest' 2>/dev/null; then py=$cand; break; fi
done
if [ -z "$py" ]; then
  echo "python binding tests: pytest is missing; install python3-pytest" \
       "(scripts/setup does) or set PYTHON to a python3 that has it" >&2
  exit 1
fi
# Keep the source tree clean: no __pycache__ or .pytest_cache in it.
export PYTHONDONTWRITEBYTECODE=1
"$py" -m pytest -q -p no:cacheprovider "$here" "$@"
rc=$?
if [ "$rc" = 5 ]; then
  echo "python binding tests: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"

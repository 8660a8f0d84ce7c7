#!/usr/bin/env bash
# The package alone, as an operator installs it: a fresh venv with plain pip, the runtime lock
# (no dev extra), the package built from this tree as a wheel; then its entry points must start
# and its modules import. Catches a module src/ imports that only the dev extra brought in
# (issue 14: httpx and `hifazat worker`). CI runs it after `make test`; by hand, the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-python3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
venv=$tmp/venv

"$PY" -m venv "$venv"
# -qq: errors only (a pip config may warn about every package it looks up)
pip=("$venv/bin/pip" -qq --disable-pip-version-check)
"${pip[@]}" install --require-hashes -r requirements/runtime.lock
"${pip[@]}" install --no-deps "$ROOT"
# the package's own declared requirements are all met by what the runtime lock installed
"$venv/bin/pip" --disable-pip-version-check check

# Outside the source tree, so only the installed package can answer.
cd "$tmp"
passed=0
failed=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1" >&2; failed=$((failed + 1)); }

for command in serve worker demo; do
  if ! out=$(env -u PYTHONPATH NO_COLOR=1 TERM=dumb COLUMNS=100 \
    "$venv/bin/hifazat" "$command" --help 2>&1); then
    fail "hifazat $command --help exited non-zero:"$'\n'"$out"
  elif ! grep -q "Usage: hifazat $command" <<<"$out"; then
    fail "hifazat $command --help printed no usage:"$'\n'"$out"
  else
    pass "hifazat $command --help"
  fi
done

# Every module imports, beyond those --help reaches (Alembic's migrations run only under Alembic).
if out=$(env -u PYTHONPATH "$venv/bin/python" - 2>&1 <<'EOF'
import importlib
import pkgutil

import hifazat

walked = pkgutil.walk_packages(hifazat.__path__, "hifazat.")
names = [m.name for m in walked if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(f"{len(names)} modules of hifazat import")
EOF
); then
  pass "$out"
else
  fail "a module of the installed package does not import:"$'\n'"$out"
fi

# The web's built assets ride in the wheel (git-ignored, so checked only where `make assets` ran).
css=web/static/build/hifazat.css
if [ -f "$ROOT/src/hifazat/$css" ]; then
  site=$("$venv/bin/python" -c 'import hifazat, os; print(os.path.dirname(hifazat.__file__))')
  if [ -f "$site/$css" ]; then
    pass "the web's built assets are installed"
  else
    fail "the installed package lacks $css"
  fi
fi

echo "clean-install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

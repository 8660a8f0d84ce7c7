#!/usr/bin/env bash
# The package alone, as an operator installs it: a fresh venv with plain pip, the runtime lock
# (no dev extra), the package built from this tree as a wheel; then the entry points must start.
# Catches a module src/ imports that only the dev extra brought in (issue 14: httpx and
# `hifazat worker`). CI runs it after `make test`; run it by hand the same way.
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
"${pip[@]}" check

# Outside the source tree, so only the installed package can answer.
cd "$tmp"
failed=0
for command in serve worker demo; do
  if ! out=$(env -u PYTHONPATH NO_COLOR=1 TERM=dumb COLUMNS=100 \
    "$venv/bin/hifazat" "$command" --help 2>&1); then
    echo "FAIL: hifazat $command --help exited non-zero:" >&2
    echo "$out" >&2
    failed=1
  elif ! grep -q "Usage: hifazat $command" <<<"$out"; then
    echo "FAIL: hifazat $command --help printed no usage:" >&2
    echo "$out" >&2
    failed=1
  else
    echo "ok: hifazat $command --help"
  fi
done

# Every module imports, beyond those --help reaches (Alembic's migrations run only under Alembic).
if ! env -u PYTHONPATH "$venv/bin/python" - <<'EOF'
import importlib
import pkgutil

import hifazat

walked = pkgutil.walk_packages(hifazat.__path__, "hifazat.")
names = [m.name for m in walked if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(f"ok: {len(names)} modules of hifazat import")
EOF
then
  echo "FAIL: a module of the installed package does not import" >&2
  failed=1
fi
exit "$failed"

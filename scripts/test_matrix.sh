#!/usr/bin/env bash
# The Python suite on SQLite under every other supported Python (requires-python >= 3.11),
# beside the main run's interpreter (.venv, CI's python3). Each version gets its own
# .venv-X.Y with the package installed editable with .venv's extras; the frontend is the
# one `make setup` built, never rebuilt here (SKIP_JUPYTER_BUILDER).
#
#   scripts/test_matrix.sh                # 3.11 3.12 3.13, except .venv's own
#   TEST_MATRIX_PYTHONS="3.13" scripts/test_matrix.sh
#   scripts/test_matrix.sh -k rooms       # extra arguments go to pytest
#   TEST_MATRIX_CHECK_ONLY=1 scripts/test_matrix.sh   # only find the interpreters
#
# An interpreter that is not installed fails the run in CI (CI set) and is skipped with a
# warning elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=${TEST_MATRIX_PYTHONS:-"3.11 3.12 3.13"}
# .venv's Python runs the main suite (before `make setup`: the python3 that will make it).
main_python=.venv/bin/python
[ -x "$main_python" ] || main_python=${PYTHON:-python3}
main_version=$("$main_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# pythonX.Y on PATH if it runs (a pyenv shim of a version that is not selected does not),
# else the newest pyenv build of X.Y.
find_python() {
  local v=$1 exe
  if exe=$(command -v "python$v") && "$exe" -c "" 2>/dev/null; then
    echo "$exe"
    return 0
  fi
  if command -v pyenv >/dev/null; then
    exe=$(ls -d "$(pyenv root)/versions/$v".*/bin/"python$v" 2>/dev/null | sort -V | tail -1)
    if [ -n "$exe" ] && "$exe" -c "" 2>/dev/null; then
      echo "$exe"
      return 0
    fi
  fi
  return 1
}

# Find every interpreter first: a missing one fails CI before anything runs.
declare -A python_of=()
missing=()
for v in $versions; do
  [ "$v" = "$main_version" ] && continue
  if py=$(find_python "$v"); then
    python_of[$v]=$py
  else
    missing+=("$v")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ -n "${CI:-}" ]; then
    echo "test-matrix: FAILED: no interpreter for Python ${missing[*]} (python3.X on PATH or a pyenv build); CI must test every version" >&2
    exit 1
  fi
  echo "test-matrix: WARNING: Python ${missing[*]} not found, NOT TESTED (CI fails on this)" >&2
fi
for v in $versions; do
  [ -n "${python_of[$v]:-}" ] && echo "test-matrix: Python $v: ${python_of[$v]}"
done
# .ci/run checks the interpreters before the long run.
[ -n "${TEST_MATRIX_CHECK_ONLY:-}" ] && exit 0

failed=()
for v in $versions; do
  [ -n "${python_of[$v]:-}" ] || continue
  py=${python_of[$v]}
  venv=".venv-$v"
  start=$SECONDS
  # The same extras as .venv: some tests use the dev tools (a new migration is formatted
  # with ruff when ruff is installed).
  extras="test,dev"
  if [ ! -f "$venv/.installed" ] || [ pyproject.toml -nt "$venv/.installed" ] ||
    [ "$(cat "$venv/.installed")" != "$extras" ]; then
    echo "test-matrix: $venv from $py"
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # Editable, like .venv: the tests import this checkout, with the labextension and
    # candidate site `make setup` built (the build hook would otherwise run jlpm again).
    SKIP_JUPYTER_BUILDER=1 "$venv/bin/python" -m pip install --quiet -e ".[$extras]"
    # The editable install copied the labextension into the venv; link it instead, as
    # `make setup` does for .venv, so JupyterLab serves the files the build writes.
    "$venv/bin/jupyter-builder" develop --overwrite . >/dev/null
    echo "$extras" >"$venv/.installed"
  fi
  echo "test-matrix: Python $v: pytest on SQLite"
  # The JupyterHub, nginx and Docker tests are about deployment, not the interpreter:
  # the main run covers them once.
  # This venv's scripts first on PATH: servers the tests start by name run on Python $v.
  if PATH="$PWD/$venv/bin:$PATH" DEVINTERVIEW_TEST_DATABASES=sqlite "$venv/bin/python" -m pytest -q \
    -m "not hub and not nginx and not docker" "$@"; then
    echo "test-matrix: Python $v passed in $((SECONDS - start)) s"
  else
    echo "test-matrix: Python $v FAILED after $((SECONDS - start)) s" >&2
    failed+=("$v")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "test-matrix: FAILED on Python ${failed[*]}" >&2
  exit 1
fi

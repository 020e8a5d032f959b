#!/usr/bin/env bash
# Build the wheel from a clean copy of the tracked files, install it into a fresh
# environment and check that both halves of the extension are there and enabled.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Tracked files only (as a clean clone has them), in their working-tree state.
src="$work/src"
mkdir -p "$src"
(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$src")

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --upgrade pip build
# Without isolation so the hook finds jlpm (from jupyter-builder) on this venv's PATH.
"$work/venv/bin/pip" install --quiet hatchling hatch-jupyter-builder hatch-nodejs-version "jupyter-builder>=1.2,<2" \
  "jupyterlite-core>=0.8,<0.9" "jupyter-server>=2.21,<3"
(cd "$src" && PATH="$work/venv/bin:$PATH" "$work/venv/bin/python" -m build --wheel --no-isolation --outdir "$work/dist" >"$work/build.log" 2>&1) || {
  tail -40 "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/devinterview_jupyter-*.whl)
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) kB)"

python3 - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = [
    "share/jupyter/labextensions/devinterview-jupyter/package.json",
    "share/jupyter/labextensions/devinterview-jupyter/install.json",
    "etc/jupyter/jupyter_server_config.d/devinterview_jupyter.json",
    "devinterview_jupyter/api/openapi.json",
    "devinterview_jupyter/db/migrations/versions/0001_initial.py",
    "devinterview_jupyter/candidate_site/index.html",
    "devinterview_jupyter/candidate_site/jupyter-lite.json",
    "devinterview_jupyter/candidate_site/repl/index.html",
    "devinterview_jupyter/candidate_site/extensions/devinterview-jupyter/package.json",
]
missing = [n for n in need if not any(x.endswith(n) for x in names)]
static = [x for x in names if "labextensions/devinterview-jupyter/static/" in x]
if missing or not static:
    sys.exit(f"wheel is missing {missing or 'the labextension static files'}")
site = [x for x in names if x.startswith("devinterview_jupyter/candidate_site/")]
exts = {x.split("/")[3] for x in site if x.startswith("devinterview_jupyter/candidate_site/extensions/")}
if exts != {"devinterview-jupyter"}:
    sys.exit(f"candidate site should carry only our labextension, has {sorted(exts)}")
# Python runs on the Pyodide copy inside our own labextension, never a kernel or a CDN;
# the server serves it to JupyterLab and the candidate page alike (devinterview/static/),
# so the candidate site carries no second copy.
for name in ("pyodide.asm.wasm", "pyodide.asm.wasm.gz", "snapshot.bin.gz"):
    if not any(x.endswith(f"static/pyodide/{name}") for x in static):
        sys.exit(f"wheel: no {name} in the labextension")
if not any("/python-worker." in x for x in static):
    sys.exit("wheel: no Python worker in the labextension")
if any("/pyodide/" in x or "/python-worker." in x for x in site):
    sys.exit("candidate site must not carry its own copy of the runners' files")
if any("kernelspecs" in x or "pyodide-kernel" in x for x in site):
    sys.exit("candidate site must not carry a JupyterLite kernel")
# The Pyodide copies of the wheel (shared-data and the package's own labextension).
wasm = [x for x in names if x.endswith("pyodide.asm.wasm")]
print(f"Pyodide copies in the wheel: {len(wasm)}")
print(f"wheel has the labextension ({len(static)} static files), the server config "
      f"and the candidate site ({len(site)} files)")
PY

"$work/venv/bin/pip" install --quiet "$wheel" "jupyterlab>=4.6,<4.7"
servers=$("$work/venv/bin/jupyter" server extension list 2>&1)
labs=$("$work/venv/bin/jupyter" labextension list 2>&1)
grep -Eq "devinterview_jupyter.*enabled" <<<"$servers" || { echo "$servers"; echo "server extension not enabled"; exit 1; }
grep -Eq "devinterview-jupyter.*enabled.*OK" <<<"$labs" || { echo "$labs"; echo "labextension not enabled"; exit 1; }
"$work/venv/bin/python" -c "from devinterview_jupyter.candidate.site import DEFAULT_SITE_DIR as d; assert (d / 'index.html').is_file(), d" \
  || { echo "candidate site not installed with the package"; exit 1; }
echo "installed wheel: server extension and labextension enabled, candidate site in place"

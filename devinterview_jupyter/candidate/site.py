"""Build the candidate page: a lean JupyterLite site with only our labextension.

This module uses the standard library only (and the package's `constants`, which does
too), so the wheel build can run it as a script
(`python devinterview_jupyter/candidate/site.py --output DIR`) before the package and its
dependencies are installed; `jupyter devinterview candidate-site build` calls the same code.

The site has one JupyterLite app (`repl`, the smallest shell), no kernel (so nothing can
reach a CDN or PyPI), no labextension from the environment but ours, and most JupyterLite
and JupyterLab plugins disabled: the candidate sees the interview panel and nothing else.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if not __package__:
    # Run as a script by the wheel build: import the package from this source tree (its
    # `__init__` and `constants` need only the standard library).
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from devinterview_jupyter.constants import (
    CANDIDATE_OPTION,
    INTERVIEWER_ONLY_PLUGINS,
    SERVER_OPTION,
    WHITEBOARD_LICENSE_OPTION,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_LABEXTENSION = PACKAGE_DIR / "labextension"
DEFAULT_SITE_DIR = PACKAGE_DIR / "candidate_site"
APP = "repl"

# JupyterLite/JupyterLab plugins of the REPL app that the candidate page must not run:
# the console and its kernel machinery, the service worker, sharing, downloads, menus.
DISABLED_EXTENSIONS = [
    # Ours that belong to JupyterLab (interviewers), not to the candidate page.
    *INTERVIEWER_ONLY_PLUGINS,
    "@jupyterlite/repl-extension:console",
    "@jupyterlite/repl-extension:buttons",
    "@jupyterlite/repl-extension:router",
    "@jupyterlite/repl-extension:share",
    "@jupyterlite/repl-extension:status",
    "@jupyterlite/application-extension:service-worker-manager",
    "@jupyterlite/application-extension:share-file",
    "@jupyterlite/application-extension:download",
    "@jupyterlite/application-extension:about",
    "@jupyterlite/application-extension:clear-browser-data",
    "@jupyterlite/application-extension:licenses-client",
    "@jupyterlite/application-extension:notify-commands",
    "@jupyterlite/application-extension:opener",
    "@jupyterlite/application-extension:plugin-manager",
    "@jupyterlite/application-extension:workspaces",
    "@jupyterlite/apputils-extension:kernel-status",
    "@jupyterlite/application-extension:resolver",
    "@jupyterlite/application-extension:lsp-connection-manager",
    "@jupyterlite/application-extension:session-context-patch",
    "@jupyterlab/application-extension:faviconbusy",
    "@jupyterlab/codemirror-extension:commands",
    "@jupyterlab/console-extension",
    "@jupyterlab/completer-extension",
    "@jupyterlab/tooltip-extension",
    "@jupyterlab/lsp-extension",
    "@jupyterlab/docmanager-extension",
    "@jupyterlab/shortcuts-extension",
]

# The landing page: keeps the `#token=…` fragment when it hands over to the app.
_INDEX_HTML = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="referrer" content="no-referrer" />
    <title>DevInterview</title>
    <script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">
      {}
    </script>
    <script>
      window.location.replace('./{app}/' + window.location.hash);
    </script>
  </head>
  <body>
    <noscript>The interview page needs JavaScript.</noscript>
  </body>
</html>
"""

_EMPTY_NOTEBOOK = {
    "cells": [],
    "metadata": {"jupyter-lite": {}},
    "nbformat": 4,
    "nbformat_minor": 5,
}

# Build helpers the site does not need at run time.
_UNNEEDED = [
    "rspack.config.js",
    "rspack.config.analyze.js",
    "rspack.config.watch.js",
    "package.json",
    "service-worker.js",
    "jupyterlite.schema.v0.json",
    "doc",
]

# The code runners' files in the site's copy of our labextension: the page loads them
# from its Jupyter server's `devinterview/static/` route (as JupyterLab does), never from
# the site, so the site and the wheel carry one copy of Pyodide, not two.
RUNNER_FILES = ["pyodide", "python-worker.*.js"]


# Text and WebAssembly shrink to a third or less under gzip; the server sends the `.gz`
# sibling to browsers that accept it (candidate/handlers.py). Zips, images and fonts are
# compressed already; files this small gain nothing.
GZIPPED_SUFFIXES = (".js", ".mjs", ".css", ".json", ".svg", ".html", ".wasm", ".map", ".txt")
GZIP_MIN_BYTES = 1024


def gzip_siblings(site: Path) -> int:
    """Write ``name.gz`` beside each compressible file of ``site``; return how many.

    Reproducible (no name or time in the header), so two builds of one site are equal."""
    written = 0
    for path in sorted(site.rglob("*")):
        if (
            path.is_file()
            and path.suffix in GZIPPED_SUFFIXES
            and path.stat().st_size >= GZIP_MIN_BYTES
        ):
            data = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            if len(data) < path.stat().st_size:
                path.with_name(path.name + ".gz").write_bytes(data)
                written += 1
    return written


class SiteBuildError(RuntimeError):
    """The site could not be built; the message says why."""


def lite_config(
    api_url: str | None, whiteboard_license_key: str | None = None
) -> dict[str, object]:
    """The `jupyter-lite.json` of the site."""
    data: dict[str, object] = {
        "appName": "DevInterview",
        "appUrl": f"./{APP}",
        "disabledExtensions": DISABLED_EXTENSIONS,
        # Tells our candidate plugin it runs on the candidate page.
        CANDIDATE_OPTION: "true",
    }
    if api_url:
        data[SERVER_OPTION] = normalize_api_url(api_url)
    if whiteboard_license_key:
        data[WHITEBOARD_LICENSE_OPTION] = whiteboard_license_key
    return {"jupyter-lite-schema-version": 0, "jupyter-config-data": data}


def normalize_api_url(url: str) -> str:
    """`https://host/base` → `https://host/base/` (the Jupyter server's base URL)."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise SiteBuildError(f"--api-url must start with http:// or https://, got {url!r}")
    return url if url.endswith("/") else url + "/"


def build_site(
    output: Path,
    *,
    api_url: str | None = None,
    whiteboard_license_key: str | None = None,
    labextension: Path = DEFAULT_LABEXTENSION,
    python: str = sys.executable,
) -> Path:
    """Build the candidate site into ``output`` (replaced) and return it."""
    labextension = labextension.resolve()
    if not (labextension / "package.json").is_file():
        raise SiteBuildError(f"no built labextension at {labextension}: run `jlpm build` first")
    if python == sys.executable and importlib.util.find_spec("jupyterlite_core") is None:
        raise SiteBuildError(
            "building the candidate site needs jupyterlite-core: "
            "pip install 'devinterview-jupyter[candidate-site]'"
        )
    output = output.resolve()
    if output.exists() and not _replaceable(output):
        raise SiteBuildError(
            f"{output} exists and is not an earlier candidate site: choose an empty or new folder"
        )
    with tempfile.TemporaryDirectory(prefix="devinterview-lite-") as tmp:
        lite_dir = Path(tmp) / "lite"
        lite_dir.mkdir()
        (lite_dir / "jupyter-lite.json").write_text(
            json.dumps(lite_config(api_url, whiteboard_license_key), indent=2)
        )
        staging = Path(tmp) / "site"
        cmd = [
            python,
            "-m",
            "jupyterlite_core",
            "build",
            "--lite-dir",
            str(lite_dir),
            "--output-dir",
            str(staging),
            "--apps",
            APP,
            "--ignore-sys-prefix",
            "--no-sourcemaps",
            "--no-unused-shared-packages",
            f"--LiteBuildConfig.federated_extensions={labextension}",
            "--contents",
            str(lite_dir / "no-contents"),
        ]
        (lite_dir / "no-contents").mkdir()
        env = {**os.environ, "JUPYTERLITE_NO_LIBARCHIVE": "1"}
        result = subprocess.run(  # noqa: S603 - our own argv, no shell
            cmd, cwd=lite_dir, capture_output=True, text=True, env=env, check=False
        )
        if result.returncode != 0 or not (staging / APP / "index.html").is_file():
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
            raise SiteBuildError(f"jupyter lite build failed:\n{tail}")
        for name in _UNNEEDED:
            _remove(staging / name)
        ours = staging / "extensions" / "devinterview-jupyter" / "static"
        for pattern in RUNNER_FILES:
            for path in ours.glob(pattern):
                _remove(path)
        (staging / "index.html").write_text(_INDEX_HTML.replace("{app}", APP))
        # The build points the favicon at the (pruned) lab app; use an icon that is there.
        config_path = staging / "jupyter-lite.json"
        config = json.loads(config_path.read_text())
        config["jupyter-config-data"]["faviconUrl"] = "./icon-120x120.png"
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True))
        # JupyterLite reads this beside jupyter-lite.json; the stock one links to the web
        # and repeats defaults (a favicon that is not there). One source: the JSON.
        (staging / "jupyter-lite.ipynb").write_text(json.dumps(_EMPTY_NOTEBOOK))
        gzip_siblings(staging)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, output)
    return output


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _replaceable(path: Path) -> bool:
    """Only an empty folder or an earlier build may be replaced (never, say, `~`)."""
    if not path.is_dir():
        return False
    if not any(path.iterdir()):
        return True
    return (path / "jupyter-lite.json").is_file() and (path / "config-utils.js").is_file()


def site_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a built site."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the DevInterview candidate site.")
    parser.add_argument("--output", type=Path, default=DEFAULT_SITE_DIR)
    parser.add_argument("--api-url", default=None)
    parser.add_argument("--whiteboard-license-key", default=None)
    parser.add_argument("--labextension", type=Path, default=DEFAULT_LABEXTENSION)
    args = parser.parse_args(argv)
    try:
        out = build_site(
            args.output,
            api_url=args.api_url,
            whiteboard_license_key=args.whiteboard_license_key,
            labextension=args.labextension,
        )
    except SiteBuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    size, count = site_size(out)
    print(f"candidate site: {out} ({count} files, {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Page-config keys and plugin ids have one spelling: `devinterview_jupyter/constants.json`.

Python reads it (`constants.py`); `src/constants.ts` is generated from it (`jlpm
check:types` fails when that file is stale). These tests fail when a second spelling
creeps back into the Python or TypeScript sources."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devinterview_jupyter import constants
from devinterview_jupyter.candidate.site import DISABLED_EXTENSIONS, lite_config

ROOT = Path(__file__).resolve().parent.parent
SOURCE = json.loads((ROOT / "devinterview_jupyter" / "constants.json").read_text())


def test_python_reads_the_source() -> None:
    assert {k: v["key"] for k, v in SOURCE["pageConfig"].items()} == constants.PAGE_CONFIG
    assert {k: v["id"] for k, v in SOURCE["pluginIds"].items()} == constants.PLUGIN_IDS
    assert {k: v["path"] for k, v in SOURCE["paths"].items()} == constants.PATHS
    assert all(path.endswith("/") and not path.startswith("/") for path in constants.PATHS.values())


def test_candidate_site_disables_exactly_the_interviewer_plugins() -> None:
    ours = {p for p in DISABLED_EXTENSIONS if p.startswith("devinterview-jupyter:")}
    assert ours == set(constants.INTERVIEWER_ONLY_PLUGINS)
    # The candidate page needs these; disabling one would break it.
    for name in ("candidate", "runners", "whiteboard"):
        assert constants.PLUGIN_IDS[name] not in DISABLED_EXTENSIONS
    data = lite_config("https://jupyter.example.org/")["jupyter-config-data"]
    assert isinstance(data, dict)
    assert data[constants.CANDIDATE_OPTION] == "true"
    assert data[constants.SERVER_OPTION] == "https://jupyter.example.org/"


def _sources() -> list[Path]:
    files = [
        p for p in (ROOT / "devinterview_jupyter").rglob("*.py") if "labextension" not in p.parts
    ]
    files += [
        p
        for p in (ROOT / "src").rglob("*.ts*")
        if "__tests__" not in p.parts and p.name != "constants.ts"
    ]
    return files


@pytest.mark.parametrize(
    "value",
    [v["key"] for v in SOURCE["pageConfig"].values()]
    + [v["id"] for v in SOURCE["pluginIds"].values()],
)
def test_no_second_spelling(value: str) -> None:
    quoted = re.compile(rf"""["']{re.escape(value)}["']""")
    spelled = [str(p.relative_to(ROOT)) for p in _sources() if quoted.search(p.read_text())]
    assert spelled == []


def test_generated_typescript_is_current() -> None:
    ts = (ROOT / "src" / "constants.ts").read_text()
    assert "do not edit" in ts
    for section, field in (("pageConfig", "key"), ("pluginIds", "id"), ("paths", "path")):
        for name, entry in SOURCE[section].items():
            assert f"  {name}: '{entry[field]}'" in ts, (section, name)


def test_site_module_runs_as_a_script(tmp_path: Path) -> None:
    # The wheel build runs it by path, before the package is installed.
    script = ROOT / "devinterview_jupyter" / "candidate" / "site.py"
    result = subprocess.run(
        [sys.executable, "-I", str(script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--output" in result.stdout

"""The pytest plugin as an extension's tests use it: a project of their own, whose only
tie to this one is `pytest_plugins`, runs the example of docs/testing.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from devinterview_jupyter.pytest_plugin import selected_backends

DOC = Path(__file__).parent.parent / "docs" / "testing.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)


def test_the_documented_example_passes_in_a_project_of_its_own(tmp_path: Path) -> None:
    blocks = python_blocks()
    conftest = next(b for b in blocks if "pytest_plugins" in b)
    example = next(b for b in blocks if "async def test_" in b)
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_example.py").write_text(example)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"{len(selected_backends())} passed" in done.stdout, done.stdout[-2000:]

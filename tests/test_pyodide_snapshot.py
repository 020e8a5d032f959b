"""The interpreter snapshot built with the package (docs/runner.md, "Start-up"): it ships
beside our copy of Pyodide in the labextension (the only copy: the candidate site has
none), and was made by that exact Pyodide build (a snapshot of another build does not
restore: Python would then start the long way on every first visit)."""

from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path

import pytest

from devinterview_jupyter.candidate.site import DEFAULT_LABEXTENSION

# Pyodide's snapshot header: magic number, then (from the 5th word) its build id.
_MAGIC = 0x706E7300
_PYODIDE = Path("static") / "pyodide"


def test_the_package_ships_a_snapshot_of_its_own_pyodide() -> None:
    # One copy, in the labextension, served to JupyterLab and the candidate page alike.
    folder = DEFAULT_LABEXTENSION / _PYODIDE
    if not (folder / "pyodide.mjs").is_file():
        pytest.fail(f"no Pyodide in {folder}: run `make setup`")
    snapshot = folder / "snapshot.bin.gz"
    assert snapshot.is_file(), "jlpm build makes it (webpack.config.js)"
    # Compressed: it is downloaded on a first visit.
    assert snapshot.stat().st_size < 12_000_000
    with gzip.open(snapshot) as f:
        header = f.read(48)
    magic = struct.unpack("<I", header[:4])[0]
    assert magic == _MAGIC
    # The build id is written as eight little-endian 32-bit words of its hex digits.
    made_by = "".join(header[16 + 4 * i : 20 + 4 * i][::-1].hex() for i in range(8))
    found = re.search(r'BUILD_ID:"([0-9a-f]{64})"', (folder / "pyodide.mjs").read_text())
    assert found, "Pyodide's loader names its build"
    assert made_by == found.group(1)

"""The names the server shares with the frontend, read from `constants.json`.

That file is the one spelling of each: `jlpm build:types` writes `src/constants.ts` from
it, so a page-config key or a plugin id cannot differ between Python and TypeScript.
Standard library only: `candidate/site.py` imports this while the wheel is being built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parent / "constants.json"


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SOURCE.read_text(encoding="utf-8"))
    return data


def _strings(section: dict[str, Any], field: str) -> dict[str, str]:
    """`{name: entry[field]}` of one section, each checked to be a string."""
    out: dict[str, str] = {}
    for name, entry in section.items():
        value = entry[field]
        if not isinstance(value, str):
            raise TypeError(f"{SOURCE.name}: {name}.{field} must be a string")
        out[name] = value
    return out


_DATA = _load()

#: Page-config keys (JupyterLab's page config, the candidate site's `jupyter-lite.json`).
PAGE_CONFIG: dict[str, str] = _strings(_DATA["pageConfig"], "key")
#: Our frontend plugins' ids, by short name.
PLUGIN_IDS: dict[str, str] = _strings(_DATA["pluginIds"], "id")
#: URL paths below the Jupyter server's base URL (each ends with `/`).
PATHS: dict[str, str] = _strings(_DATA["paths"], "path")

CANDIDATE_OPTION = PAGE_CONFIG["candidate"]
SERVER_OPTION = PAGE_CONFIG["server"]
PYODIDE_URL_OPTION = PAGE_CONFIG["pyodideUrl"]
RUN_TIME_LIMIT_OPTION = PAGE_CONFIG["runTimeLimitMs"]
WHITEBOARD_LICENSE_OPTION = PAGE_CONFIG["whiteboardLicenseKey"]

#: The plugins that belong to JupyterLab (interviewers) only: the candidate site disables them.
INTERVIEWER_ONLY_PLUGINS: list[str] = [
    PLUGIN_IDS[name]
    for name, entry in _DATA["pluginIds"].items()
    if entry.get("candidatePage") is False
]

CANDIDATE_SITE_PATH = PATHS["candidateSite"]
RUNNER_STATIC_PATH = PATHS["runnerStatic"]

"""The report of an interview (docs/report.md): everything a hiring team keeps of it, as
JSON for applicant-tracking systems and as a Jupyter notebook.

- ``content.py``: the material, gathered from the database (the JSON);
- ``notebook.py``: the notebook made from it;
- ``svg.py``: the whiteboard drawn as an SVG picture;
- ``markdown.py``: text others wrote, made safe to render as Markdown.
"""

from __future__ import annotations

from .content import gather
from .notebook import build, dumps, filename

__all__ = ["build", "dumps", "filename", "gather"]

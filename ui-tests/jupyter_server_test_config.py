"""Server configuration for the DevInterview integration tests.

!! Never use this configuration in production: it opens the server to the
world and exposes JupyterLab's JavaScript objects on ``window``.
"""

import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# A fresh, empty SQLite database for every server start.
_db_dir = Path(tempfile.mkdtemp(prefix="devinterview-ui-tests-"))
c.DevInterviewApp.database_url = f"sqlite+aiosqlite:///{_db_dir / 'devinterview.db'}"  # noqa: F821

# ``window.jupyterapp`` for the tests (configure_jupyter_server sets it too).
c.LabApp.expose_app_in_browser = True  # noqa: F821

# Uncomment to set server log level to debug level
# c.ServerApp.log_level = "DEBUG"

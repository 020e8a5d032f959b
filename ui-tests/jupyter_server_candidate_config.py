"""Server for the candidate browser tests: like a real deployment, it wants a login.

Unlike Galata's server (jupyter_server_test_config.py, no auth at all), this one has a
token, so the tests can check that the candidate page gets nothing but its interview.
!! Test use only: the token is written here.
"""

import tempfile
from pathlib import Path

c.ServerApp.port = 8890  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821
c.ServerApp.open_browser = False  # noqa: F821
c.IdentityProvider.token = "devinterview-ui-tests-interviewer"  # noqa: F821
c.ServerApp.root_dir = tempfile.mkdtemp(prefix="devinterview-ui-root-")  # noqa: F821
c.LabApp.expose_app_in_browser = True  # noqa: F821
c.LabServerApp.extra_labextensions_path = []  # noqa: F821
# The candidate page built for a static host (serve_static_candidate.py).
c.DevInterviewApp.allowed_origins = ["http://127.0.0.1:8891"]  # noqa: F821

_db_dir = Path(tempfile.mkdtemp(prefix="devinterview-ui-candidate-"))
c.DevInterviewApp.database_url = f"sqlite+aiosqlite:///{_db_dir / 'devinterview.db'}"  # noqa: F821
# Short, so the browser tests see a runaway program stopped without waiting long.
c.DevInterviewApp.run_time_limit_seconds = 4  # noqa: F821

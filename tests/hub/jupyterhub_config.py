"""JupyterHub for tests/test_hub.py: two hub users on local processes, the proxy from
tests/hub/node_modules, every single-user server on one shared PostgreSQL in team mode,
and no role granting anyone access to another user's server.
Everything variable comes from the environment the test sets."""

import os
import sys
from pathlib import Path

env = os.environ
HERE = Path(__file__).resolve().parent
WORK = Path(env["HUBTEST_WORKDIR"])
BIN = Path(sys.executable).parent

c = get_config()  # noqa: F821
c.JupyterHub.bind_url = f"http://127.0.0.1:{env['HUBTEST_PUBLIC_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["HUBTEST_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{WORK / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(WORK / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(WORK / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['HUBTEST_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(WORK / "jupyterhub-proxy.pid")

c.JupyterHub.authenticator_class = "dummy"  # test only: any password
c.Authenticator.allowed_users = {"alice", "bob"}
c.JupyterHub.services = [{"name": "hubtest-admin", "api_token": env["HUBTEST_ADMIN_TOKEN"]}]
# No role lets one user reach another's server: co-interviewers work from their own
# servers, which share the room through the database.
c.JupyterHub.load_roles = [{"name": "admin", "services": ["hubtest-admin"]}]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(WORK / "homes" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = [
    "--allow-root",
    "--ServerApp.open_browser=False",
    "--DevInterviewApp.session_access=owner",
]
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "DATABASE_URL": env["HUBTEST_DATABASE_URL"],
    "HUBTEST_MARKER": env["HUBTEST_MARKER"],
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
}

# JupyterHub for a hiring team: every interviewer's single-user server runs DevInterview
# against one shared PostgreSQL. Candidate links go through the hub's proxy to the
# interviewer's server and need no hub account. Verified locally with JupyterHub 5.5 and
# configurable-http-proxy 5.3 (see README.md in this folder).
import os

c = get_config()  # noqa: F821

c.JupyterHub.bind_url = "https://0.0.0.0:443"  # or http behind a TLS-terminating proxy
c.JupyterHub.ssl_cert = "/etc/ssl/hub/fullchain.pem"
c.JupyterHub.ssl_key = "/etc/ssl/hub/privkey.pem"

# Any authenticator: interviewers log in through the hub (OAuth, LDAP, PAM, ...).
c.JupyterHub.authenticator_class = "github"  # e.g. oauthenticator's GitHubOAuthenticator
c.Authenticator.allowed_users = {"alice", "bob"}

# One PostgreSQL shared by every single-user server; the URL comes from the environment
# (a secret), never from this file.
DATABASE_URL = os.environ["DEVINTERVIEW_DATABASE_URL"]
c.Spawner.environment = {
    "DATABASE_URL": DATABASE_URL,
    "TLDRAW_LICENSE_KEY": os.environ.get("TLDRAW_LICENSE_KEY", ""),
}
c.Spawner.cmd = ["jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
# Team mode: an interviewer sees and controls only their own sessions and those they
# were added to as co-interviewer (by hub user name).
c.Spawner.args = [
    "--DevInterviewApp.session_access=owner",
    # The origin candidates see in links (the hub's public URL).
    "--DevInterviewApp.public_url=https://interviews.example.com",
]

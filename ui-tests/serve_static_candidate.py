"""A candidate page on another origin, as a static host would serve it.

Builds the site with `jupyter devinterview candidate-site build --api-url` pointed at
the token-protected test server (port 8890, which lists this origin in
`allowed_origins`) and serves it on http://127.0.0.1:8891 with Python's http.server.
"""

import functools
import http.server
import subprocess
import sys
import tempfile

out = tempfile.mkdtemp(prefix="devinterview-static-site-")
subprocess.run(
    [
        sys.executable,
        "-m",
        "devinterview_jupyter.cli",
        "candidate-site",
        "build",
        "--output",
        out,
        "--api-url",
        "http://localhost:8890/",
    ],
    check=True,
)
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=out)
http.server.ThreadingHTTPServer(("127.0.0.1", 8891), handler).serve_forever()

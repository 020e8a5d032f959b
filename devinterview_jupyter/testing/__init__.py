"""Test clients for DevInterview, for this project's tests and for extensions built on it.

- ``rest``: the REST API client (`ApiClient`) and its shortcuts (`create_session`, ...).
- ``rooms``: a pycrdt document synced with a session's room over a real websocket.
- ``server``: a real `jupyter server` process with the extension (`live_server`).

The pytest fixtures that hand these out are in ``devinterview_jupyter.pytest_plugin``;
docs/testing.md shows them at work.
"""

"""Real-time rooms: one Yjs document per interview session, served over websockets."""

# jupyter_ydoc imports every registered document type when it is first imported, ours
# (rooms.ydoc) included: it must be imported before rooms.ydoc starts, or that import
# would find rooms.ydoc half made.
import jupyter_ydoc  # noqa: F401

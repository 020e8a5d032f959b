"""Real-time rooms: one Yjs document per interview session, served over websockets."""

"""Database layer: URL handling, engine lifecycle, ORM models and migrations."""

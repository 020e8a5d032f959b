"""Turn the database URLs people have into the async URLs SQLAlchemy needs."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# libpq's sslmode values all have an asyncpg equivalent of the same name.
_SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
# libpq options that asyncpg does not understand and that have no safe translation.
_DROPPED_LIBPQ_OPTIONS = {"channel_binding", "gssencmode", "sslcompression", "krbsrvname"}


class DatabaseURLError(ValueError):
    """The configured database URL cannot be used."""


def normalize_database_url(raw: str) -> str:
    """Return an async-driver URL for ``raw``.

    Hosting platforms hand out ``postgres://`` and ``postgresql://`` URLs with libpq
    query options; SQLAlchemy's asyncpg dialect needs ``postgresql+asyncpg://`` and
    asyncpg's option names. SQLite URLs get the aiosqlite driver.
    """
    raw = raw.strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        url = make_url(raw)
    except ArgumentError as e:
        raise DatabaseURLError(f"not a database URL: {_redact(raw)!r}") from e

    backend, _, driver = url.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("", "aiosqlite", "pysqlite"):
            raise DatabaseURLError(f"unsupported SQLite driver {driver!r}; use aiosqlite")
        return _render(url.set(drivername="sqlite+aiosqlite"))
    if backend == "postgresql":
        if driver not in ("", "asyncpg", "psycopg2", "psycopg"):
            raise DatabaseURLError(f"unsupported PostgreSQL driver {driver!r}; use asyncpg")
        return _render(_translate_libpq_query(url.set(drivername="postgresql+asyncpg")))
    raise DatabaseURLError(
        f"unsupported database {backend!r}: use a postgresql:// or sqlite:// URL"
    )


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def redact_url(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    return _redact(url)


def _translate_libpq_query(url: URL) -> URL:
    query = dict(url.query)
    sslmode = query.pop("sslmode", None)
    if sslmode is not None:
        if isinstance(sslmode, tuple):
            sslmode = sslmode[-1]
        if sslmode not in _SSLMODES:
            raise DatabaseURLError(f"unknown sslmode {sslmode!r}")
        query.setdefault("ssl", sslmode)
    if "connect_timeout" in query:
        # libpq's connect_timeout is asyncpg's "timeout"; both are seconds.
        query.setdefault("timeout", query.pop("connect_timeout"))
    for name in _DROPPED_LIBPQ_OPTIONS:
        query.pop(name, None)
    return url.set(query=query)


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _redact(raw: str) -> str:
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"

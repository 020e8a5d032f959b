import pytest
from sqlalchemy.engine import make_url

from devinterview_jupyter.db.url import DatabaseURLError, normalize_database_url, redact_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+asyncpg://u:p@db:5432/app"),
        ("postgresql://u:p@db/app", "postgresql+asyncpg://u:p@db/app"),
        ("postgresql+asyncpg://u@db/app", "postgresql+asyncpg://u@db/app"),
        ("postgresql+psycopg2://u@db/app", "postgresql+asyncpg://u@db/app"),
        ("sqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ],
)
def test_drivers_are_normalised(given, expected):
    assert normalize_database_url(given) == expected


@pytest.mark.parametrize(
    ("mode", "ssl"),
    [("require", "require"), ("disable", "disable"), ("verify-full", "verify-full")],
)
def test_sslmode_becomes_asyncpg_ssl(mode, ssl):
    url = make_url(normalize_database_url(f"postgres://u@db/app?sslmode={mode}"))
    assert url.query.get("ssl") == ssl
    assert "sslmode" not in url.query


def test_libpq_only_options_are_translated_or_dropped():
    url = make_url(
        normalize_database_url(
            "postgresql://u@db/app?connect_timeout=7&channel_binding=require&application_name=x"
        )
    )
    assert url.query.get("timeout") == "7"
    assert "connect_timeout" not in url.query
    assert "channel_binding" not in url.query
    assert url.query.get("application_name") == "x"


@pytest.mark.parametrize(
    "bad",
    [
        "mysql://u@db/app",
        "not a url",
        "postgresql+pg8000://u@db/app",
        "postgres://u@db/a?sslmode=x",
    ],
)
def test_unsupported_urls_are_refused_clearly(bad):
    with pytest.raises(DatabaseURLError):
        normalize_database_url(bad)


def test_redaction_hides_password():
    assert "secret" not in redact_url("postgresql+asyncpg://u:secret@db/app")

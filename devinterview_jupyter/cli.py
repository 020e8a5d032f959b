"""`jupyter devinterview db upgrade|current` (the schema by hand), `db revision` (a new
migration, for developers of this package),
`jupyter devinterview candidate-site build` (the candidate page for any static host) and
`jupyter devinterview retention apply` (delete the history of old interviews)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from jupyter_core.application import JupyterApp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from traitlets import Bool, Int, Unicode

from . import __version__
from .app import DevInterviewApp, ensure_sqlite_dir
from .candidate.site import DEFAULT_LABEXTENSION, SiteBuildError, build_site, site_size
from .db import migrate
from .db.engine import create_engine
from .db.url import redact_url
from .retention import RetentionResult, apply_retention

T = TypeVar("T")


class _DbCommand(JupyterApp):
    """Reads the same configuration as the server, so it finds the same database."""

    version = __version__
    config_file_name = Unicode("jupyter_server_config")
    classes = [DevInterviewApp]
    aliases = {"database-url": "DevInterviewApp.database_url"}

    def _database_url(self) -> str:
        url: str = DevInterviewApp(config=self.config, log=self.log).resolved_database_url()
        ensure_sqlite_dir(url)
        return url

    @staticmethod
    async def _with_engine(
        url: str,
        action: Callable[[AsyncEngine], Awaitable[T]],
        statement_timeout: float = 60,
    ) -> T:
        engine = create_engine(
            url, connect_timeout=10, statement_timeout=statement_timeout, pool_size=1
        )
        try:
            return await action(engine)
        finally:
            await engine.dispose()

    def _run(self, coro: Any) -> Any:
        try:
            return asyncio.run(coro)
        except Exception as e:
            detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            self.log.critical("database operation failed: %s", detail)
            self.exit(1)


class DbUpgradeApp(_DbCommand):
    name = "jupyter-devinterview-db-upgrade"
    description = "Apply the DevInterview database migrations up to the newest revision."

    def start(self) -> None:
        url = self._database_url()
        revision = self._run(self._with_engine(url, migrate.upgrade, statement_timeout=600))
        print(f"{redact_url(url)}: at revision {revision}")


class DbCurrentApp(_DbCommand):
    name = "jupyter-devinterview-db-current"
    description = "Show the schema revision of the DevInterview database and the newest one."

    def start(self) -> None:
        url = self._database_url()
        current = self._run(self._with_engine(url, migrate.current_revision))
        head = migrate.head_revision()
        state = "up to date" if current == head else "needs `jupyter devinterview db upgrade`"
        print(f"{redact_url(url)}: at {current}, newest {head} ({state})")


class DbRevisionApp(JupyterApp):
    name = "jupyter-devinterview-db-revision"
    version = __version__
    description = """Write the next migration, `NNNN_<message>.py`, into the package's
    migrations (docs/migrations.md). Its operations are what the models hold beyond the
    schema of the existing migrations, found on a scratch SQLite database; review them
    before committing. With --empty: a revision to fill in by hand (data migrations)."""

    message = Unicode("", help="What the migration does (also its file name).").tag(config=True)
    empty = Bool(False, help="Write empty upgrade() and downgrade().").tag(config=True)
    versions = Unicode(
        "", help="Folder of the migrations to extend (default: the package's own)."
    ).tag(config=True)

    aliases = {
        "m": "DbRevisionApp.message",
        "message": "DbRevisionApp.message",
        "versions": "DbRevisionApp.versions",
    }
    flags = {"empty": ({"DbRevisionApp": {"empty": True}}, "Write an empty revision.")}

    def start(self) -> None:
        if not self.message.strip():
            self.log.critical('say what the migration does: -m "add reviewed_at to sessions"')
            self.exit(2)
        versions = Path(self.versions).expanduser() if self.versions else None
        try:
            path = migrate.new_revision(
                self.message.strip(), autogenerate=not self.empty, versions=versions
            )
        except Exception as e:
            detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            self.log.critical("no revision written: %s", detail)
            self.exit(1)
        print(f"wrote {path}")


class _CommandGroup(JupyterApp):
    """A command that only dispatches to its subcommands."""

    def start(self) -> None:
        if self.subapp is None:
            self.print_subcommands()
            self.exit(1)
        else:
            self.subapp.start()


class RetentionApplyApp(_DbCommand):
    name = "jupyter-devinterview-retention-apply"
    description = """Delete the history of interviews that ended (or, never ended, were
    created) more than `--days` days ago (default: DevInterviewApp.retention_days)."""

    days = Int(0, help="Days of history to keep (0: DevInterviewApp.retention_days).").tag(
        config=True
    )
    dry_run = Bool(False, help="Only say what would be deleted.").tag(config=True)
    aliases = {**_DbCommand.aliases, "days": "RetentionApplyApp.days"}
    flags = {
        "dry-run": ({"RetentionApplyApp": {"dry_run": True}}, "Only say what would be deleted.")
    }

    def start(self) -> None:
        days = self.days or DevInterviewApp(config=self.config, log=self.log).retention_days
        if days < 1:
            self.log.critical(
                "no retention period: give --days N or set DevInterviewApp.retention_days"
            )
            self.exit(2)
        url = self._database_url()

        async def apply(engine: AsyncEngine) -> RetentionResult:
            await migrate.upgrade(engine)
            async with AsyncSession(engine) as db, db.begin():
                return await apply_retention(db, days, dry_run=self.dry_run)

        result: RetentionResult = self._run(self._with_engine(url, apply))
        verb = "would delete" if self.dry_run else "deleted"
        print(
            f"{redact_url(url)}: {verb} the history of {len(result.sessions)} session(s) "
            f"older than {days} days ({result.history_rows} rows of history, "
            f"{result.note_rows} of notes, {result.events} events)"
        )
        for session_id in result.sessions:
            print(f"  {session_id}")


class RetentionApp(_CommandGroup):
    name = "jupyter-devinterview-retention"
    description = "Apply the retention period (delete the history of old interviews)."
    subcommands = {
        "apply": (RetentionApplyApp, RetentionApplyApp.description),
    }


class DbApp(_CommandGroup):
    name = "jupyter-devinterview-db"
    description = "Manage the DevInterview database schema."
    subcommands = {
        "upgrade": (DbUpgradeApp, DbUpgradeApp.description),
        "current": (DbCurrentApp, DbCurrentApp.description),
        "revision": (DbRevisionApp, DbRevisionApp.description),
    }


class CandidateSiteBuildApp(JupyterApp):
    name = "jupyter-devinterview-candidate-site-build"
    version = __version__
    description = """Build the candidate page (a JupyterLite site with only the DevInterview
    extension and no kernel) into a folder, for the server or any static host."""

    output = Unicode("", help="Folder to build the site into (replaced).").tag(config=True)
    api_url = Unicode(
        "",
        help="""The Jupyter server the page talks to, e.g. `https://hub.example.com/user/alice/`
        (its base URL). Needed when the site is hosted elsewhere; add the site's origin to
        `c.DevInterviewApp.allowed_origins` on that server. Empty: the server that serves
        the site at `{base_url}devinterview/candidate/`.""",
    ).tag(config=True)
    whiteboard_license_key = Unicode(
        "",
        help="""tldraw licence key written into the site, for a site on a static host (the
        server's own site gets `DevInterviewApp.whiteboard_license_key` when served).""",
    ).tag(config=True)
    labextension = Unicode(
        str(DEFAULT_LABEXTENSION), help="The built DevInterview labextension to put in."
    ).tag(config=True)

    aliases = {
        "output": "CandidateSiteBuildApp.output",
        "api-url": "CandidateSiteBuildApp.api_url",
        "whiteboard-license-key": "CandidateSiteBuildApp.whiteboard_license_key",
        "labextension": "CandidateSiteBuildApp.labextension",
    }

    def start(self) -> None:
        if not self.output:
            self.log.critical("--output DIR is required")
            self.exit(2)
        try:
            out = build_site(
                Path(self.output).expanduser(),
                api_url=self.api_url or None,
                whiteboard_license_key=self.whiteboard_license_key or None,
                labextension=Path(self.labextension).expanduser(),
            )
        except SiteBuildError as e:
            self.log.critical("%s", e)
            self.exit(1)
        size, count = site_size(out)
        print(f"candidate site: {out} ({count} files, {size / 1e6:.1f} MB)")


class CandidateSiteApp(_CommandGroup):
    name = "jupyter-devinterview-candidate-site"
    description = "Build the candidate page (a JupyterLite static site)."
    subcommands = {
        "build": (CandidateSiteBuildApp, CandidateSiteBuildApp.description),
    }


class DevInterviewCLI(_CommandGroup):
    name = "jupyter-devinterview"
    version = __version__
    description = "DevInterview for Jupyter command line."
    subcommands = {
        "db": (DbApp, DbApp.description),
        "candidate-site": (CandidateSiteApp, CandidateSiteApp.description),
        "retention": (RetentionApp, RetentionApp.description),
    }


def main(argv: list[str] | None = None) -> None:
    DevInterviewCLI.launch_instance(argv=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()

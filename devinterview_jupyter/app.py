"""The DevInterview server extension: settings (traitlets), database and handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from sqlalchemy.engine import make_url
from traitlets import Bool, Enum, Float, Int, List, Unicode, default, validate

from .auth import invite_secret_from, secret_file_is_shared
from .candidate.handlers import labextension_static_dir
from .candidate.site import DEFAULT_SITE_DIR
from .constants import (
    CANDIDATE_SITE_PATH,
    PYODIDE_URL_OPTION,
    RUN_TIME_LIMIT_OPTION,
    WHITEBOARD_LICENSE_OPTION,
)
from .db.engine import Database, DatabaseUnavailable
from .db.url import DatabaseURLError, normalize_database_url, redact_url
from .integrity import DEFAULT_MAX_EVENTS, DEFAULT_PASTE_CHARS, MAX_PASTE_CHARS, Policy
from .logs import drop_unwritten_levels
from .questions import chosen
from .questions.library import QuestionLibrary, folders_of
from .ratelimit import FailureLimiter, RequestLimiter
from .replay import DEFAULT_MAX_LOG_BYTES, TimelineCache
from .retention import apply_retention
from .rooms.budget import ConnectionCounter, RoomLimits, SendBudget
from .rooms.bus import Bus, PostgresBus
from .rooms.kind import INTERVIEW_ROOM, NOTES_ROOM, RoomKind
from .rooms.manager import RoomManager
from .rooms.store import UpdateWriter
from .routes import api_handlers, candidate_site_handlers, runner_static_handlers
from .scorecards import DEFAULT_CRITERIA, parse_criteria


class DevInterviewApp(ExtensionApp):
    """Real-time technical interviews: sessions, candidate invites and rooms."""

    name = "devinterview"
    load_other_extensions = True

    database_url = Unicode(
        help="""Database URL. PostgreSQL (`postgresql://user:pass@host/db?sslmode=require`,
        also given as `postgres://`) for a team, or SQLite (`sqlite:///path.db`).
        Defaults to the DATABASE_URL environment variable, else an SQLite file
        `devinterview/devinterview.db` in the Jupyter data directory.""",
    ).tag(config=True)

    database_connect_timeout = Float(
        5.0,
        help="Seconds to wait for a database connection before answering 503.",
    ).tag(config=True)

    database_statement_timeout = Float(
        15.0,
        help="Seconds a single PostgreSQL statement may run before it is abandoned.",
    ).tag(config=True)

    database_pool_size = Int(
        10,
        help="""Connections to PostgreSQL the server keeps once it has opened them (as many
        again may be opened, and closed after use, under load). They are opened on demand:
        a server that never has more than two requests at once holds two.""",
    ).tag(config=True)

    database_retry_interval = Float(
        2.0,
        help="After an outage, seconds between attempts to reach the database again.",
    ).tag(config=True)

    auto_migrate = Bool(
        True,
        help="""Apply database migrations at start-up. Turn off where a deployment runs
        `jupyter devinterview db upgrade` itself; the API then answers 503 until the
        schema is current.""",
    ).tag(config=True)

    session_access = Enum(
        ["server", "owner"],
        default_value="server",
        help="""Who may act on a session. "server": every interviewer who can log in to
        this Jupyter server (one person's server, or a team sharing it). "owner": only the
        session's owner and the co-interviewers they add (by user name), e.g. JupyterHub
        users whose servers share one database; others get 404.""",
    ).tag(config=True)

    invite_expiry_minutes = Int(
        1440,
        help="How long a candidate invite is valid when the request does not say (minutes).",
    ).tag(config=True)

    invite_secret = Unicode(
        "",
        help="""Secret from which the server re-derives the token of a session's current
        candidate link (HMAC-SHA256 of the invite id), so Copy link can show the same link
        again while the database keeps only the token's hash. At least 32 characters;
        defaults to the DEVINTERVIEW_INVITE_SECRET environment variable. Empty: read from
        `invite_secret_file`. Keep it out of the database: the database and this secret
        together give every current link. Team mode: all servers must share it, or each
        server's Copy link makes its own new link. Changing it only means the next Copy link
        makes a new link; links already sent keep working.""",
    ).tag(config=True)

    invite_secret_file = Unicode(
        help="""File holding the invite secret when `invite_secret` is empty; created with a
        random secret, readable by its owner only (0600), when missing. Default:
        `devinterview/invite-secret` in the Jupyter data directory.""",
    ).tag(config=True)

    public_url = Unicode(
        "",
        help="""Origin used in candidate links, e.g. `https://hub.example.com`. Empty: the
        origin the interviewer's request came in on.""",
    ).tag(config=True)

    candidate_path = Unicode(
        CANDIDATE_SITE_PATH,
        help="""Path of the candidate page in invite links, relative to the server's base
        URL. The server serves its own candidate site at `devinterview/candidate/`.""",
    ).tag(config=True)

    candidate_site_dir = Unicode(
        help="""Folder of the candidate page (a JupyterLite site) served without login at
        `{base_url}devinterview/candidate/`. Default: the site built into the package
        (`jupyter devinterview candidate-site build` builds one elsewhere).""",
    ).tag(config=True)

    allowed_origins = List(
        Unicode(),
        default_value=[],
        help="""Origins, besides the server's own, whose pages may open interview rooms and
        call the candidate endpoints (join, me, own session, time) with CORS, e.g. a
        candidate page on a static host: `https://interviews.example.com`.""",
    ).tag(config=True)

    invite_failures_per_minute = Int(
        20,
        min=0,
        help="""Failed invite checks one client address may make per minute (a missing,
        unknown, expired or revoked invite token, or a malformed `/join` body, on `/join`,
        `/me`, the candidate's session and time endpoints and the room websocket) before
        it is answered 429 with `Retry-After` until the minute is over. Requests with a
        Jupyter identity are never counted; 0 turns the limit off. Only the first failure
        of an address per minute is logged, the rest are counted in one line. The address
        is the connection's: behind a reverse proxy set `ServerApp.trust_xheaders = True`
        (the proxy must set `X-Forwarded-For` or `X-Real-Ip`), or all candidates share the
        proxy's address and its limit.""",
    ).tag(config=True)

    invite_failure_addresses = Int(
        10_000,
        min=1,
        help="""Most client addresses whose failed invite checks are remembered (about
        200 bytes each); past it the one that failed least recently is forgotten.""",
    ).tag(config=True)

    whiteboard_license_key = Unicode(
        help="""tldraw licence key for the whiteboard, handed to JupyterLab and to the
        candidate page. Without one, tldraw hides the canvas on https sites other than
        localhost (plain http and localhost count as development). Get a key at
        tldraw's website (trial, hobby or commercial). Default: the environment variable
        `TLDRAW_LICENSE_KEY`, else none.""",
    ).tag(config=True)

    run_time_limit_seconds = Float(
        10.0,
        help="""Longest a program may run in a participant's browser (Python, JavaScript,
        SQL) before it is stopped.""",
    ).tag(config=True)

    pyodide_url = Unicode(
        "",
        help="""URL of a full Pyodide distribution (the folder holding `pyodide.js` and
        `pyodide-lock.json`, same Pyodide version), so programs can import compiled
        packages such as numpy or pandas. Empty: the Pyodide runtime shipped in the
        package (standard library only, works offline).""",
    ).tag(config=True)

    room_max_frame_bytes = Int(
        1024 * 1024,
        help="Largest websocket frame a room accepts; a bigger one closes that connection.",
    ).tag(config=True)

    room_max_send_buffer_bytes = Int(
        32 * 1024 * 1024,
        min=64 * 1024,
        help="""Most bytes the server queues for one room connection that is not reading
        (a stalled tab, a bad network, a client that stopped reading on purpose). Past
        it the connection is dropped, which bounds the server's memory; y-websocket
        clients reconnect and catch up from the document, not from the backlog. Must
        exceed room_max_document_bytes: a newcomer receives the document in one frame.""",
    ).tag(config=True)

    room_send_budget_bytes = Int(
        256 * 1024 * 1024,
        min=1024 * 1024,
        help="""Most bytes queued for all room connections of this server together. Past
        it, the connections furthest behind are dropped first (close code 1013, "try
        again later", when the close frame can still reach them), so many connections
        that stop reading cannot together exhaust the server's memory.""",
    ).tag(config=True)

    room_max_connections_per_invite = Int(
        4,
        min=1,
        help="""Most room connections open at once with one candidate invite (a
        candidate needs one per open tab). More are refused with 429.""",
    ).tag(config=True)

    room_max_connections_per_user = Int(
        16,
        min=1,
        help="""Most room connections open at once for one interviewer (all their tabs
        and sessions together). More are refused with 429.""",
    ).tag(config=True)

    room_refusal_cooldown_seconds = Float(
        10.0,
        min=0.0,
        help="""Seconds a participant whose update the room refused (4413, 4422) must
        wait before any of their connections may join again (429 meanwhile). A refusal
        makes the server rebuild the room's trial document; this keeps one credential
        from repeating it in a loop. The page does not reconnect after those codes.""",
    ).tag(config=True)

    room_max_document_bytes = Int(
        16 * 1024 * 1024,
        min=64 * 1024,
        help="""Size quota of one interview document, counted as the bytes of the updates
        that made it. An update past it is refused and its sender disconnected with
        close code 4413, which the page shows ("the interview document is full").""",
    ).tag(config=True)

    notes_max_document_bytes = Int(
        4 * 1024 * 1024,
        min=64 * 1024,
        help="""Size quota of one session's private notes (the interviewers' own room),
        counted as the bytes of the updates that made them, as for the interview document.
        Past it, an edit is refused and its sender disconnected with close code 4413.""",
    ).tag(config=True)

    room_max_pending_bytes = Int(
        1024 * 1024,
        min=1024,
        help="""Most bytes of updates a room holds that cannot be applied yet (they
        depend on an update that has not arrived). Past it they are dropped and the
        sender is disconnected (4413); a real client resends them when it reconnects.""",
    ).tag(config=True)

    room_max_awareness_state_bytes = Int(
        16 * 1024,
        min=256,
        help="""Largest presence state (name, colour, cursor, whiteboard pointer and
        selection) of one participant; a bigger one closes the connection (1009).""",
    ).tag(config=True)

    room_awareness_per_second = Float(
        40.0,
        help="""Presence messages one connection may send per second on average (a
        browser sends at most about 25: whiteboard pointer and editor cursor); messages
        over the rate are dropped, not relayed.""",
    ).tag(config=True)

    room_awareness_burst = Int(
        80,
        min=1,
        help="Presence messages one connection may send at once above its rate.",
    ).tag(config=True)

    room_idle_seconds = Float(
        60.0,
        help="Seconds a room stays in memory after its last client leaves.",
    ).tag(config=True)

    room_flush_interval_ms = Float(
        20.0,
        help="""Group commit window: room updates are written together this many
        milliseconds after the first of them arrives.""",
    ).tag(config=True)

    room_snapshot_every = Int(
        500,
        help="""Store a snapshot of the whole document after this many updates (and when a
        room unloads), so that loading reads one snapshot and the updates after it.""",
    ).tag(config=True)

    room_recheck_seconds = Float(
        2.0,
        help="""With PostgreSQL, where other servers may host the same rooms: how often a
        server re-reads the sessions and invites of the rooms it hosts. Changes made on
        another server reach this one at once through a notice; this is the bound when a
        notice was lost (a dropped database connection).""",
    ).tag(config=True)

    room_notice_keepalive_seconds = Float(
        5.0,
        help="""With PostgreSQL: how often the connection that receives other servers'
        room notices is checked. A connection found dead is replaced and every hosted room
        catches up from the stored log.""",
    ).tag(config=True)

    freeze_startup_objects = Bool(
        True,
        help="""Exclude the objects that exist once the server has started from Python's
        cycle garbage collector (gc.freeze), shortening GC pauses on busy servers.""",
    ).tag(config=True)

    gc_young_threshold = Int(
        50_000,
        min=0,
        help="""Allocations between two young-generation collections of Python's cycle
        garbage collector (Python's default is 700; 0 leaves the interpreter's setting).
        With hundreds of room connections, the default makes full collections of the
        whole heap (100-180 ms, stalling every room) several times a minute; a larger
        young generation lets short-lived objects die first. Costs a few MB.""",
    ).tag(config=True)

    question_folders = List(
        Unicode(),
        default_value=["questions"],
        help="""Folders of interview questions (Markdown or notebook files, docs/questions.md),
        listed in the New session dialog. Relative paths are from the Jupyter root
        (`ServerApp.root_dir`); a folder that does not exist lists nothing. A hub team
        points every single-user server at one shared, e.g. read-only mounted, folder.
        Files are read when the list is asked for; a question is copied into a session
        when it is chosen.""",
    ).tag(config=True)

    shipped_questions = Bool(
        True,
        help="""List the starter set of questions shipped in the package (Python,
        JavaScript and SQL) beside those of `question_folders`.""",
    ).tag(config=True)

    retention_days = Int(
        0,
        min=0,
        help="""Keep the history of an interview (every edit of the code and the whiteboard,
        the runs and test results) this many days after it ended (or, never ended, was
        created); 0 keeps it forever. The session itself, its question and its scorecards
        stay. Applied by `jupyter devinterview retention apply` and, with
        `retention_at_startup`, when the server starts (docs/retention.md).""",
    ).tag(config=True)

    retention_at_startup = Bool(
        False,
        help="""Apply `retention_days` when the server starts (before any room opens).""",
    ).tag(config=True)

    scorecard_criteria = List(
        Unicode(),
        default_value=list(DEFAULT_CRITERIA),
        help="""Criteria of a scorecard when the session's question has no rubric (or the
        session has no question), as "Name: description" strings, e.g. "Code: correct,
        clear, idiomatic". Each is rated 1-4. A scorecard keeps the criteria it was created
        with: changing this setting changes only scorecards created afterwards.""",
    ).tag(config=True)

    integrity_signals = Bool(
        True,
        help="""Record integrity signals of interviews: large pastes into the code editor
        (their size only), and when the candidate's page is hidden or loses focus (from
        when to when), shown to the interviewers live and in the replay. The candidate is
        told exactly this before the interview starts. False: nothing is recorded, no page
        reports anything, and the candidate is told that nothing is (docs/integrity.md).""",
    ).tag(config=True)

    integrity_paste_chars = Int(
        DEFAULT_PASTE_CHARS,
        min=1,
        max=MAX_PASTE_CHARS,
        help="""Characters from which a paste into the code editor is "large" and recorded
        (its size, not its text). The pages are told this value; smaller pastes are
        neither reported nor accepted.""",
    ).tag(config=True)

    integrity_max_events_per_session = Int(
        DEFAULT_MAX_EVENTS,
        min=1,
        help="""Most integrity events stored for one interview; past it further reports
        are refused (409 `event_limit`) and the interviewers' list says the limit was
        reached. Ending a hidden or unfocused interval adds none.""",
    ).tag(config=True)

    integrity_events_per_minute = Int(
        60,
        min=0,
        help="""Integrity reports one participant (a candidate invite or an interviewer)
        may send per minute; past it they are answered 429 with `Retry-After` until the
        minute is over. A page sends one per large paste and two per hidden or unfocused
        interval. 0 turns the limit off.""",
    ).tag(config=True)

    replay_cache_bytes = Int(
        256 * 1024 * 1024,
        min=0,
        help="""Memory for the replays of recently opened interviews (each kept as its log,
        its checkpoints and its notes, as estimated: about 32 MB for an hour of typing,
        drawing and running, docs/replay.md). Past it the replay used least recently is
        dropped and read again from the database when next opened. A replay that alone
        would need more is refused (413 `replay_too_large`) and evicts nothing. 0 keeps
        none: every request of the replay then reads the whole history again (slow
        scrubbing), and only `replay_max_log_bytes` bounds it.""",
    ).tag(config=True)

    replay_max_log_bytes = Int(
        DEFAULT_MAX_LOG_BYTES,
        min=64 * 1024,
        help="""Most bytes of stored updates (the interview's log and the notes' together)
        the server replays for one session; past it the replay and the report are refused
        (413 `replay_too_large`) as soon as the rows read reach it, and the refusal is
        remembered until the history changes. Four times the default
        `room_max_document_bytes`: an hour of typing, drawing and running is about 3 MB.""",
    ).tag(config=True)

    database: Database
    rooms: RoomManager
    # The interviewers' private notes: rooms of their own kind (rooms/kind.py).
    note_rooms: RoomManager
    questions: QuestionLibrary
    send_budget: SendBudget
    room_connections: ConnectionCounter
    invite_failures: FailureLimiter
    # The key of re-derivable invite tokens (auth.derive_token); never in the database.
    invite_key: bytes
    integrity_limiter: RequestLimiter
    replay_cache: TimelineCache

    def _configure_logging(self) -> None:
        # traitlets (re)configures logging whenever log_level or logging_config changes,
        # and each time puts our logger back at DEBUG.
        super()._configure_logging()
        drop_unwritten_levels(self.log)

    @default("database_url")
    def _default_database_url(self) -> str:
        env = os.environ.get("DATABASE_URL", "").strip()
        if env:
            return env
        path = Path(jupyter_data_dir()) / "devinterview" / "devinterview.db"
        return f"sqlite:///{path}"

    @default("invite_secret")
    def _default_invite_secret(self) -> str:
        return os.environ.get("DEVINTERVIEW_INVITE_SECRET", "").strip()

    @default("invite_secret_file")
    def _default_invite_secret_file(self) -> str:
        return str(Path(jupyter_data_dir()) / "devinterview" / "invite-secret")

    @default("whiteboard_license_key")
    def _default_whiteboard_license_key(self) -> str:
        return os.environ.get("TLDRAW_LICENSE_KEY", "").strip()

    @default("candidate_site_dir")
    def _default_candidate_site_dir(self) -> str:
        return str(DEFAULT_SITE_DIR)

    @validate("database_url")
    def _validate_database_url(self, proposal: dict[str, Any]) -> str:
        try:
            return normalize_database_url(proposal["value"])
        except DatabaseURLError as e:
            raise ValueError(f"DevInterviewApp.database_url: {e}") from e

    @validate("run_time_limit_seconds")
    def _validate_run_time_limit(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not 1 <= value <= 600:
            raise ValueError("run_time_limit_seconds must be between 1 and 600")
        return value

    @validate("invite_expiry_minutes")
    def _validate_expiry(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if not 1 <= value <= 43200:
            raise ValueError("invite_expiry_minutes must be between 1 and 43200")
        return value

    @validate("scorecard_criteria")
    def _validate_scorecard_criteria(self, proposal: dict[str, Any]) -> list[str]:
        value: list[str] = proposal["value"]
        try:
            parse_criteria(value)
        except ValueError as e:
            raise ValueError(f"DevInterviewApp.scorecard_criteria: {e}") from e
        return value

    def origin_allowed(self, origin: str) -> bool:
        """Whether a page on ``origin`` (another than the server's own) may use the API."""
        return origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in self.allowed_origins}

    def integrity_policy(self) -> Policy:
        """What is recorded of interviews (integrity.py), from the settings."""
        return Policy(
            signals=self.integrity_signals,
            paste_chars=self.integrity_paste_chars,
            max_events=self.integrity_max_events_per_session,
        )

    def page_options(self) -> dict[str, str]:
        """The settings the browser needs, for JupyterLab's page config and the candidate
        page's `jupyter-lite.json` (PageConfig options)."""
        options = {RUN_TIME_LIMIT_OPTION: str(round(self.run_time_limit_seconds * 1000))}
        if self.whiteboard_license_key:
            options[WHITEBOARD_LICENSE_OPTION] = self.whiteboard_license_key
        if self.pyodide_url:
            options[PYODIDE_URL_OPTION] = self.pyodide_url
        return options

    def resolved_database_url(self) -> str:
        # Reading the trait runs the @default and then the @validate normalisation.
        return normalize_database_url(self.database_url)

    def create_database(self) -> Database:
        url = self.resolved_database_url()
        ensure_sqlite_dir(url)
        return Database(
            url,
            log=self.log,
            connect_timeout=self.database_connect_timeout,
            statement_timeout=self.database_statement_timeout,
            pool_size=self.database_pool_size,
            retry_interval=self.database_retry_interval,
            auto_migrate=self.auto_migrate,
        )

    def initialize_settings(self) -> None:
        self.database = self.create_database()
        self.invite_key = self.load_invite_key()
        self.invite_failures = FailureLimiter(
            self.invite_failures_per_minute,
            window_seconds=60.0,
            max_addresses=self.invite_failure_addresses,
        )
        self.integrity_limiter = RequestLimiter(self.integrity_events_per_minute)
        # Names this server process in the shared room log and in notices.
        origin = uuid.uuid4().hex[:16]
        self.rooms = self.create_rooms(INTERVIEW_ROOM, origin)
        if self.session_access == "owner" and not self.rooms.bus.shared:
            self.log.warning(
                "DevInterview: session_access = 'owner' (a team) with %s: rooms are shared "
                "only between servers on one PostgreSQL database; with SQLite each server "
                "has its own rooms and its own sessions. Set DevInterviewApp.database_url "
                "to a PostgreSQL database (docs/deploy).",
                self.database.backend,
            )
        self.note_rooms = self.create_rooms(NOTES_ROOM, origin)
        self.send_budget = SendBudget(self.room_send_budget_bytes)
        self.room_connections = ConnectionCounter(self.room_refusal_cooldown_seconds)
        self.rooms.on_refusal = self.room_connections.cool_down
        # The notes room counts its connections under its own key (rooms/handler.py).
        self.note_rooms.on_refusal = lambda key: self.room_connections.cool_down(
            f"{key}#{NOTES_ROOM.name}"
        )
        database = self.database
        self.rooms.question_view = lambda sid: chosen.current_view(database, sid)
        self.replay_cache = TimelineCache(self.replay_cache_bytes, self.replay_max_log_bytes)
        self.log.info("DevInterview uses database %s", redact_url(self.database.url))
        assert self.serverapp is not None
        self.questions = QuestionLibrary(
            folders_of(
                list(self.question_folders),
                self.serverapp.root_dir,
                shipped=self.shipped_questions,
            )
        )
        page_config = self.serverapp.web_app.settings.setdefault("page_config_data", {})
        page_config.update(self.page_options())

    def load_invite_key(self) -> bytes:
        # Kernels and terminals this server starts inherit its environment: they have no
        # use for the secret that, with the database, gives every current link.
        os.environ.pop("DEVINTERVIEW_INVITE_SECRET", None)
        try:
            key = invite_secret_from(self.invite_secret, self.invite_secret_file)
        except ValueError as e:
            self.log.error(
                "DevInterview: %s; using a secret of this process only (Copy link makes a "
                "new link after every restart). Fix DevInterviewApp.invite_secret(_file).",
                e,
            )
            return secrets.token_bytes(32)
        except OSError as e:
            # A read-only data directory must not stop the server: links then simply cannot
            # be shown again after a restart (Copy link makes a new one).
            self.log.warning(
                "DevInterview: cannot read or create the invite secret file %s (%s); using "
                "a secret of this process only. Set DevInterviewApp.invite_secret_file.",
                self.invite_secret_file,
                e.strerror or e,
            )
            return secrets.token_bytes(32)
        if not self.invite_secret.strip() and secret_file_is_shared(self.invite_secret_file):
            self.log.warning(
                "DevInterview: the invite secret file %s can be read by other users; "
                "make it readable by its owner only (chmod 600).",
                self.invite_secret_file,
            )
        return key

    def create_rooms(self, kind: RoomKind, origin: str) -> RoomManager:
        """The rooms of one kind (rooms/kind.py): a log writer, a notice bus, a manager."""
        writer = UpdateWriter(
            self.database,
            log=self.log,
            origin=origin,
            interval=self.room_flush_interval_ms / 1000.0,
            kind=kind,
        )
        bus = (
            PostgresBus(
                self.database.url,
                origin=origin,
                log=self.log,
                connect_timeout=self.database_connect_timeout,
                keepalive_seconds=self.room_notice_keepalive_seconds,
                prefix=kind.channel_prefix,
                rows_channel=kind.rows_channel,
            )
            if self.database.backend == "postgresql"
            else Bus(origin, prefix=kind.channel_prefix, rows_channel=kind.rows_channel)
        )
        return RoomManager(
            self.database,
            writer,
            log=self.log,
            idle_seconds=self.room_idle_seconds,
            snapshot_every=self.room_snapshot_every,
            limits=RoomLimits(
                max_document_bytes=(
                    self.room_max_document_bytes
                    if kind is INTERVIEW_ROOM
                    else self.notes_max_document_bytes
                ),
                max_pending_bytes=self.room_max_pending_bytes,
                max_awareness_state_bytes=self.room_max_awareness_state_bytes,
                awareness_per_second=self.room_awareness_per_second,
                awareness_burst=self.room_awareness_burst,
            ),
            bus=bus,
            recheck_seconds=self.room_recheck_seconds,
            team_mode=self.session_access == "owner",
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(api_handlers())
        self.handlers.extend(runner_static_handlers(str(labextension_static_dir())))
        site = Path(self.candidate_site_dir).expanduser().resolve()
        if not (site / "index.html").is_file():
            self.log.warning(
                "DevInterview: no candidate site at %s; candidate links will not open "
                "(build it with `jupyter devinterview candidate-site build --output %s`)",
                site,
                site,
            )
        self.handlers.extend(candidate_site_handlers(str(site), self.page_options()))

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        # Migrate in the background: an unreachable database must not hold up start-up.
        self._warmup = asyncio.ensure_future(self._warm_up())
        tune_gc(freeze=self.freeze_startup_objects, young_threshold=self.gc_young_threshold)

    async def _warm_up(self) -> None:
        # An outage is already logged in one line; requests retry.
        with contextlib.suppress(DatabaseUnavailable):
            await self.database.ensure_ready()
            if self.retention_at_startup and self.retention_days:
                async with self.database.session() as db:
                    done = await apply_retention(db, self.retention_days)
                self.log.info(
                    "DevInterview retention: deleted the history of %d session(s) older "
                    "than %d days (%d rows of history, %d of notes, %d events)",
                    len(done.sessions),
                    self.retention_days,
                    done.history_rows,
                    done.note_rows,
                    done.events,
                )
        # Listen to the other servers of a team from the start (no-op on SQLite).
        self.rooms.start()
        self.note_rooms.start()

    async def stop_extension(self) -> None:
        warmup = getattr(self, "_warmup", None)
        if warmup is not None and not warmup.done():
            # Let a migration in flight finish: cancelling it would strand its connection.
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(warmup, timeout=self.database_connect_timeout * 3)
        if hasattr(self, "rooms"):
            await self.rooms.stop()
        if hasattr(self, "note_rooms"):
            await self.note_rooms.stop()
        if hasattr(self, "database"):
            await self.database.dispose()


def tune_gc(*, freeze: bool, young_threshold: int) -> None:
    """Shorten and thin out the cycle collector's pauses in a long-running room server."""
    if freeze:
        # Everything loaded so far lives as long as the server: keeping it out of the
        # cycle collector's scans removes most of the long GC pauses behind p99.
        gc.freeze()
    if young_threshold:
        _young, middle, old = gc.get_threshold()
        gc.set_threshold(young_threshold, middle, old)


def ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)

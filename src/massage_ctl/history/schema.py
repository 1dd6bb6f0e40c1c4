"""The history database schema and its migrations.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` is append-only:
migration *n* (1-based) takes a database from version *n-1* to *n*. Never edit a released
migration — add a new one — so every older database can be brought up to date in order.
"""

from __future__ import annotations

import sqlite3
import time

from massage_ctl.errors import HistoryError

#: How long :func:`use_wal` keeps trying while another process holds the new file (s).
WAL_SWITCH_PATIENCE_S = 10.0

#: Each entry is the list of statements of one migration, applied in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sessions and the pain diary (the first released schema).
    (
        """CREATE TABLE sessions (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at    TEXT    NOT NULL,
            ended_at      TEXT,
            program_id    TEXT    NOT NULL,
            timeline_hash TEXT    NOT NULL,
            device        TEXT    NOT NULL,
            safety        TEXT    NOT NULL,
            intensity     REAL    NOT NULL,
            planned_ms    INTEGER NOT NULL CHECK (planned_ms >= 0),
            actual_ms     INTEGER CHECK (actual_ms >= 0),
            outcome       TEXT    NOT NULL DEFAULT 'running',
            pid           INTEGER,
            note          TEXT
        )""",
        "CREATE INDEX sessions_started ON sessions (started_at)",
        """CREATE TABLE pain (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            recorded_at TEXT    NOT NULL,
            rating      INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 10),
            note        TEXT,
            session_id  INTEGER REFERENCES sessions (id),
            moment      TEXT    NOT NULL CHECK (moment IN ('before', 'after', 'day'))
        )""",
    ),
    # 2: the treatment plan (one row) and a lookup index for ratings per session.
    (
        """CREATE TABLE plan (
            id              INTEGER PRIMARY KEY CHECK (id = 1),
            every_days      INTEGER NOT NULL CHECK (every_days > 0),
            for_days        INTEGER CHECK (for_days > 0),
            then_every_days INTEGER CHECK (then_every_days > 0),
            program_id      TEXT,
            start_date      TEXT    NOT NULL,
            created_at      TEXT    NOT NULL
        )""",
        "CREATE INDEX pain_session ON pain (session_id)",
    ),
    # 3: favourites, remembered set-ups, and the set-up a session was played with (so "run
    # again" repeats it). Every new row carries a person id, 1 = the one person there is
    # today: a household later adds people, not a new layout (docs/HISTORY.md).
    (
        "ALTER TABLE sessions ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE pain ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE plan ADD COLUMN person_id INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE sessions ADD COLUMN minutes REAL",
        "ALTER TABLE sessions ADD COLUMN exclude TEXT",
        """CREATE TABLE favourites (
            person_id  INTEGER NOT NULL DEFAULT 1,
            program_id TEXT    NOT NULL,
            added_at   TEXT    NOT NULL,
            PRIMARY KEY (person_id, program_id)
        )""",
        """CREATE TABLE setups (
            person_id  INTEGER NOT NULL DEFAULT 1,
            program_id TEXT    NOT NULL,
            safety     TEXT    NOT NULL,
            intensity  REAL    NOT NULL CHECK (intensity > 0 AND intensity <= 1),
            minutes    REAL    CHECK (minutes > 0),
            exclude    TEXT    NOT NULL DEFAULT '[]',
            saved_at   TEXT    NOT NULL,
            PRIMARY KEY (person_id, program_id)
        )""",
        "CREATE INDEX sessions_program ON sessions (program_id, started_at)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's ``PRAGMA user_version``."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION, source: str = "") -> int:
    """Apply pending migrations up to ``target``; returns the version reached.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction and re-reads the version
    inside it, so two processes opening a new database at once apply each step only once.
    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise HistoryError(
            f"{source}: history database has schema version {current}, newer than this "
            f"massage-ctl understands ({SCHEMA_VERSION})",
            hint="upgrade massage-ctl; the database was left untouched",
        )
    while current < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current < target:
                for statement in MIGRATIONS[current]:
                    conn.execute(statement)
                current += 1
                conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current


def use_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode (persistent in the file, so in practice the first open).

    Switching needs the file to itself, and SQLite may answer "database is locked" at once,
    without waiting for the busy timeout, while another process is opening or creating the
    same new file (the TUI and ``massage-ctl run`` started together): try again for a while.
    """
    deadline = time.monotonic() + WAL_SWITCH_PATIENCE_S
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)

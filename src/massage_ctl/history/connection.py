"""The open history database: a private file, WAL mode, migrations, short transactions.

Privacy: the history is health data. The folder is made 0700 and the database file 0600
(SQLite gives its ``-wal``/``-shm`` files the same mode). Concurrency: WAL mode with a busy
timeout, writes in short ``BEGIN IMMEDIATE`` transactions, so several processes (the TUI and
a ``massage-ctl run``) can record at once.

:class:`HistoryConnection` is the plumbing :class:`~massage_ctl.history.store.HistoryStore`
builds its queries on; the schema itself lives in :mod:`massage_ctl.history.schema`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from massage_ctl.errors import HistoryError
from massage_ctl.history.damage import decode_text
from massage_ctl.history.files import lock_holders, prepare_database
from massage_ctl.history.schema import migrate, use_wal

_BUSY_TIMEOUT_S = 10.0


class HistoryBusyError(HistoryError):
    """Another process held the history's write lock for the whole busy timeout.

    Not damage: the database is fine and a later attempt will succeed. ``holders`` names the
    processes holding the lock where that can be found (``"sqlite3, pid 1234"``).
    """

    def __init__(self, message: str, *, hint: str | None = None,
                 holders: list[str] | None = None) -> None:
        super().__init__(message, hint=hint)
        self.holders = holders or []


#: SQLite result codes (the low byte of an extended code).
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB
_FULL_CODE = 13
_READONLY_CODE = 8


def _is_busy(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(err) or "busy" in str(err)


class HistoryConnection:
    """The history database at ``path``, created (privately) and migrated on open.

    Safe to share between threads. Every database failure is raised as :class:`HistoryError`
    naming the file and what was being done.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # the TUI may call from worker threads
        self._local = threading.local()  # per-thread patience (see :meth:`patience`)
        prepare_database(self.path)
        try:
            # nofollow: SQLite itself refuses a link at the path (no gap after our check).
            uri = Path(os.path.abspath(self.path)).as_uri() + "?nofollow=1"
            self._conn = sqlite3.connect(
                uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as err:
            raise HistoryError(
                f"{self.path}: cannot open the history database: {err}",
                hint="check that the folder is writable (or set MASSAGE_CTL_HOME)",
            ) from err
        # One row of text that is not UTF-8 must not fail every query: see damage.py.
        self._conn.text_factory = decode_text
        try:
            with self.errors("open"):
                self._conn.execute("PRAGMA foreign_keys = ON")
                use_wal(self._conn)
                migrate(self._conn, source=str(self.path))
        except BaseException:
            self._conn.close()
            raise

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn a database error inside the block into a :class:`HistoryError` whose hint
        tells the truth: locked (another program is writing) is not damaged."""
        try:
            yield
        except sqlite3.Error as err:
            raise self._explain(action, err) from err

    def _explain(self, action: str, err: sqlite3.Error) -> HistoryError:
        what = f"{self.path}: history database error while trying to {action}: {err}"
        if _is_busy(err):
            holders = lock_holders(self.path)
            who = ", ".join(holders) if holders else "pid unknown"
            return HistoryBusyError(
                f"{self.path}: could not {action}: another program is using the history "
                f"({who}) and kept it locked",
                hint="the history is not damaged; try again when that program has finished",
                holders=holders,
            )
        code = (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in _DAMAGE_CODES:
            return HistoryError(
                what,
                hint="the file is damaged: move it aside (keep it, it may be repairable with "
                "the sqlite3 shell's .recover); a new one is created on next use",
            )
        if code == _FULL_CODE:
            return HistoryError(what, hint="the disk is full: free some space")
        if code == _READONLY_CODE:
            return HistoryError(what, hint="the file or its folder is read-only")
        return HistoryError(
            what, hint="if the file is damaged, move it aside; a new one is created on next use"
        )

    @contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Writes from this thread inside the block wait at most ``seconds`` for the lock
        (instead of the default 10 s): the recorder must not hold up a session."""
        old = getattr(self._local, "busy_s", None)
        self._local.busy_s = seconds
        try:
            yield
        finally:
            self._local.busy_s = old

    @contextmanager
    def write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction (taken at once, so writers queue instead of deadlock)."""
        busy_s = getattr(self._local, "busy_s", None)
        with self._lock, self.errors(action):
            if busy_s is not None:
                self._conn.execute(f"PRAGMA busy_timeout = {int(busy_s * 1000)}")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if busy_s is not None:
                    self._conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")

    def read(self, action: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """All rows of one query."""
        with self._lock, self.errors(action):
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

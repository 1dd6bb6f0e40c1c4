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
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from massage_ctl.errors import HistoryError
from massage_ctl.history.schema import migrate, use_wal

_BUSY_TIMEOUT_S = 10.0


def _private_file(path: Path) -> None:
    """Create ``path``'s folder (0700) and the file itself (0600) before SQLite opens it."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if folder.stat().st_uid == os.getuid():
        os.chmod(folder, stat.S_IRWXU)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


class HistoryConnection:
    """The history database at ``path``, created (privately) and migrated on open.

    Safe to share between threads. Every database failure is raised as :class:`HistoryError`
    naming the file and what was being done.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # the TUI may call from worker threads
        try:
            _private_file(self.path)
            self._conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as err:
            raise HistoryError(
                f"{self.path}: cannot open the history database: {err}",
                hint="check that the folder is writable (or set MASSAGE_CTL_HOME)",
            ) from err
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
        """Turn a database error inside the block into a :class:`HistoryError`."""
        try:
            yield
        except sqlite3.Error as err:
            raise HistoryError(
                f"{self.path}: history database error while trying to {action}: {err}",
                hint="if the file is damaged, move it aside; a new one is created on next use",
            ) from err

    @contextmanager
    def write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction (taken at once, so writers queue instead of deadlock)."""
        with self._lock, self.errors(action):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def read(self, action: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """All rows of one query."""
        with self._lock, self.errors(action):
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

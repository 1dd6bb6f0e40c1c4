"""A session the history could not take yet: kept in memory, then in a file, never dropped.

When another program holds the history's write lock, the recorder keeps what it has to write
(the start of the session, its pain ratings, how it ended) in a :class:`PendingSession` and
retries in the background while the massage plays. What still cannot be written when
massage-ctl ends is appended to ``history-pending.jsonl`` beside the database (private, one
JSON object a line), and the next :class:`~massage_ctl.history.store.HistoryStore` open imports
it (docs/HISTORY.md, "When the history is busy").
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from massage_ctl.errors import HistoryError
from massage_ctl.history.connection import HistoryBusyError
from massage_ctl.history.damage import Damage, pain_from_row, session_from_row
from massage_ctl.history.files import private_file
from massage_ctl.history.records import RUNNING

PENDING_NAME = "history-pending.jsonl"
PENDING_FORMAT = "massage-ctl-pending-session"


def pending_path(db_path: Path) -> Path:
    """Where sessions waiting for the history are kept: beside the database."""
    return db_path.with_name(PENDING_NAME)


@dataclass
class PendingSession:
    """What is still to be written for one session.

    ``start`` holds the ``sessions`` columns until the row exists (then ``session_id`` is
    set); ``pains`` the ratings not yet written; ``finish`` how the session ended, until
    written. Time stamps are taken when things happen, not when they are written.
    """

    session_id: int | None = None
    start: dict[str, Any] | None = None
    pains: list[dict[str, Any]] = field(default_factory=list)
    finish: dict[str, Any] | None = None

    @property
    def outstanding(self) -> bool:
        """True while anything is left to write."""
        return self.start is not None or bool(self.pains) or self.finish is not None

    def to_line(self) -> str:
        """One line of the pending file."""
        return json.dumps({"format": PENDING_FORMAT, **asdict(self)}, ensure_ascii=False) + "\n"

    @classmethod
    def from_line(cls, line: str) -> PendingSession:
        """Parse (and check) a line of the pending file; ValueError when it is damaged."""
        try:
            doc = json.loads(line)
            if not isinstance(doc, dict) or doc.pop("format", None) != PENDING_FORMAT:
                raise ValueError("not a pending session")
            pending = cls(**doc)
        except (TypeError, ValueError) as err:
            raise ValueError(f"unreadable entry: {err}") from None
        pending.check()
        return pending

    def check(self) -> None:
        """ValueError naming the first value that the history would not accept."""
        if self.session_id is not None and (
            not isinstance(self.session_id, int) or isinstance(self.session_id, bool)
            or not 1 <= self.session_id <= 2**63 - 1
        ):
            raise ValueError(f"session id {self.session_id!r} is not a row id")
        if self.start is None and self.session_id is None:
            raise ValueError("neither a session start nor a session id")
        for name, part in (("start", self.start), ("finish", self.finish)):
            if part is not None and not isinstance(part, dict):
                raise ValueError(f"{name} is not an object")
        if not isinstance(self.pains, list) or not all(isinstance(p, dict) for p in self.pains):
            raise ValueError("pains is not a list of objects")
        start_setup = self.start or {}
        minutes, exclude = start_setup.get("minutes"), start_setup.get("exclude")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0
        ):
            raise ValueError(f"minutes: {minutes!r} is not a positive number")
        if exclude is not None and not isinstance(exclude, str):
            raise ValueError(f"exclude: {exclude!r} is not a list of zones as JSON text")
        problems: list[Damage] = []
        finish = self.finish or {}
        if self.finish is not None and finish.get("outcome") == RUNNING:
            raise ValueError("finish: outcome 'running' is not an ending")
        if self.start is not None or self.finish is not None:
            # A finish alone is checked against a start known to be good.
            start = self.start if self.start is not None else _GOOD_START
            record = session_from_row(_session_row(start, finish))
            if isinstance(record, Damage):
                problems.append(record)
        for pain in self.pains:
            entry = pain_from_row(
                (0, pain.get("recorded_at"), pain.get("rating"), pain.get("note"), None,
                 pain.get("moment"))
            )
            if isinstance(entry, Damage):
                problems.append(entry)
        if problems:
            d = problems[0]
            raise ValueError(f"{d.column}: {d.problem}")


_START_COLUMNS = ("started_at", "program_id", "timeline_hash", "device", "safety", "intensity",
                  "planned_ms", "pid", "minutes", "exclude")


_GOOD_START: dict[str, Any] = {
    "started_at": "2024-01-01T00:00:00", "program_id": "p", "timeline_hash": "h",
    "device": "d", "safety": "s", "intensity": 1.0, "planned_ms": 0, "pid": None,
}


def _session_row(start: dict[str, Any], finish: dict[str, Any]) -> tuple[Any, ...]:
    # In the column order of damage.session_from_row.
    return (0, start.get("started_at"), finish.get("ended_at"), start.get("program_id"),
            start.get("timeline_hash"), start.get("device"), start.get("safety"),
            start.get("intensity"), start.get("planned_ms"), finish.get("actual_ms"),
            finish.get("outcome", RUNNING), start.get("pid"), finish.get("note"))


def apply(conn: sqlite3.Connection, pending: PendingSession) -> int:
    """Write everything outstanding in ``pending`` inside the caller's transaction; returns
    the session id. The caller marks it written once the transaction has committed."""
    session_id = pending.session_id
    if pending.start is not None:
        values = [pending.start.get(c) for c in _START_COLUMNS]
        cur = conn.execute(
            "INSERT INTO sessions (started_at, program_id, timeline_hash, device, safety, "
            "intensity, planned_ms, pid, minutes, exclude, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, RUNNING),
        )
        session_id = cur.lastrowid
    if session_id is None:
        raise ValueError("a pending session without a start or an id")
    conn.executemany(
        "INSERT INTO pain (recorded_at, rating, note, session_id, moment) VALUES (?, ?, ?, ?, ?)",
        [(p["recorded_at"], p["rating"], p.get("note"), session_id, p["moment"])
         for p in pending.pains],
    )
    if pending.finish is not None:
        f = pending.finish
        conn.execute(
            "UPDATE sessions SET ended_at = ?, outcome = ?, actual_ms = ?, note = ? "
            "WHERE id = ? AND outcome IN (?, 'interrupted')",
            (f["ended_at"], f["outcome"], f["actual_ms"], f.get("note"), session_id, RUNNING),
        )
    return session_id


def _locked_file(path: Path) -> int | None:
    """The pending file, open and exclusively locked; None when there is none."""
    while True:
        fd = private_file(path, "pending-sessions file")
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd
        os.close(fd)  # an importer removed it while we waited: open the new one


def append_pending(db_path: Path, pending: PendingSession) -> Path:
    """Add ``pending`` to the pending file (created 0600); returns the file's path."""
    path = pending_path(db_path)
    fd = _locked_file(path)
    assert fd is not None
    try:
        os.lseek(fd, 0, os.SEEK_END)
        os.write(fd, pending.to_line().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def import_pending(db_path: Path, write: Callable[[PendingSession], int]) -> list[str]:
    """Write the pending file's entries with ``write``, in order, and keep what is left.

    Stops at the first entry refused as busy (HistoryBusyError; tried again at the next
    open). A damaged entry stays in the file and is returned, in words, with the others'
    problems; the rest are removed once written.
    """
    problems: list[str] = []
    busy = False

    def handle(line: str) -> bool:
        nonlocal busy
        if busy:
            return False
        try:
            pending = PendingSession.from_line(line)
        except ValueError as err:
            problems.append(f"{pending_path(db_path)}: {err}")
            return False
        try:
            write(pending)
        except HistoryBusyError:
            busy = True
            return False
        except (HistoryError, KeyError, TypeError, ValueError) as err:
            problems.append(f"{pending_path(db_path)}: {err}")
            return False
        return True

    try:
        _read_and_keep(db_path, handle)
    except (HistoryError, OSError) as err:
        problems.append(f"{pending_path(db_path)}: {err}")
    return problems


def _read_and_keep(db_path: Path, handle: Callable[[str], bool]) -> None:
    """Hand every entry of the pending file to ``handle(line) -> bool`` (True = written,
    drop it) under the file's lock, then keep only the lines not written."""
    path = pending_path(db_path)
    if not os.path.lexists(path):
        return
    fd = _locked_file(path)
    assert fd is not None
    try:
        with os.fdopen(os.dup(fd), "r", encoding="utf-8", errors="replace") as fh:
            lines = [line for line in fh.read().splitlines() if line.strip()]
        kept = [line for line in lines if not handle(line)]
        if kept:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, ("\n".join(kept) + "\n").encode("utf-8"))
            os.fsync(fd)
        else:
            os.unlink(path)
    finally:
        os.close(fd)

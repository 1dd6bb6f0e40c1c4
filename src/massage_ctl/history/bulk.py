"""Whole-table work on the history: restoring an export, and repairing damaged rows.

Repair never throws data away: the damaged rows are written, as they were stored, to a
private JSON file next to the database (``history-damaged-YYYYMMDD-HHMMSS.json``) before they
are removed from the history (docs/HISTORY.md, "Damaged rows").
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from massage_ctl.errors import HistoryError
from massage_ctl.history.connection import HistoryConnection
from massage_ctl.history.damage import Damage, decode_text
from massage_ctl.history.output import write_private
from massage_ctl.history.records import PainEntry, SessionRecord

_TABLES = ("sessions", "pain", "plan")


def import_into(
    db: HistoryConnection, sessions: list[SessionRecord], pain: list[PainEntry]
) -> None:
    """Load exported records, ids kept, into an *empty* history (HistoryError otherwise)."""
    with db.write("import records") as conn:
        if conn.execute("SELECT count(*) FROM sessions").fetchone()[0] or conn.execute(
            "SELECT count(*) FROM pain"
        ).fetchone()[0]:
            raise HistoryError(
                f"{db.path}: import needs an empty history database",
                hint="import into a new MASSAGE_CTL_HOME",
            )
        conn.executemany(
            "INSERT INTO sessions (id, started_at, ended_at, program_id, timeline_hash, "
            "device, safety, intensity, planned_ms, actual_ms, outcome, pid, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(s.id, s.started_at, s.ended_at, s.program_id, s.timeline_hash, s.device,
              s.safety, s.intensity, s.planned_ms, s.actual_ms, s.outcome, s.pid, s.note)
             for s in sessions],
        )
        conn.executemany(
            "INSERT INTO pain (id, recorded_at, rating, note, session_id, moment) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(p.id, p.recorded_at, p.rating, p.note, p.session_id, p.when) for p in pain],
        )


def _plain(value: Any) -> Any:
    # Text is read as bytes here: JSON keeps valid UTF-8 as text; anything else (a BLOB,
    # text that is not UTF-8) as base64, so the file holds the stored bytes exactly.
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"bytes_base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, float) and value != value:  # NaN cannot be JSON
        return {"float": "nan"}
    return value


def _rows(conn: sqlite3.Connection, table: str, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    cur = conn.execute(f"SELECT * FROM {table} WHERE id IN ({marks})", ids)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, map(_plain, r), strict=True)) for r in cur]


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What :func:`repair` did: the rows moved, where they went, ratings unlinked."""

    moved: list[Damage]
    saved_to: Path | None
    unlinked_ratings: int


def repair(db: HistoryConnection, damage: list[Damage], stamp: datetime) -> RepairResult:
    """Move the damaged rows into a private JSON file beside the database, then delete them.

    Pain ratings linked to a removed session keep their value and lose the link (their
    session is in the file).
    """
    if not damage:
        return RepairResult([], None, 0)
    saved = db.path.with_name(f"history-damaged-{stamp.strftime('%Y%m%d-%H%M%S')}.json")
    with db.write("repair damaged rows") as conn:
        rows: dict[str, list[dict[str, Any]]] = {}
        conn.text_factory = bytes  # the stored bytes, even where they are not UTF-8
        try:
            selected = {t: _rows(conn, t, [d.row_id for d in damage if d.table == t])
                        for t in _TABLES}
        finally:
            conn.text_factory = decode_text
        for table in _TABLES:
            if selected[table]:
                rows[table] = selected[table]
        doc = {
            "format": "massage-ctl-damaged-rows",
            "database": str(db.path),
            "problems": [d.describe() for d in damage],
            "rows": rows,
        }
        # Written before the delete commits: if the file cannot be written, nothing changes.
        write_private(saved, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        session_ids = [d.row_id for d in damage if d.table == "sessions"]
        unlinked = 0
        if session_ids:
            marks = ",".join("?" * len(session_ids))
            unlinked = conn.execute(
                f"UPDATE pain SET session_id = NULL WHERE session_id IN ({marks})", session_ids
            ).rowcount
        for table in _TABLES:
            ids = [d.row_id for d in damage if d.table == table]
            if ids:
                marks = ",".join("?" * len(ids))
                conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)
    return RepairResult(damage, saved, unlinked)

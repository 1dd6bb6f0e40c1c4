"""Checking stored rows before anyone reads them: a damaged row is skipped and named.

The history file is the user's own: a sqlite3 shell, a sync tool or an older bug can leave a
row with a text where a number belongs, a NULL, a date in year 9999 or a rating of 42. One
such row must not break every command for good, nor keep anyone from a massage. Every reader
therefore turns raw rows into records through this module: a good row becomes a
:class:`~massage_ctl.history.records.SessionRecord` / :class:`~massage_ctl.history.records.
PainEntry` / :class:`~massage_ctl.history.plan.Plan`, a bad one a :class:`Damage` that says
which row, what is wrong and how to repair it (``massage-ctl history --repair``, see
docs/HISTORY.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from massage_ctl.history.plan import MAX_INTERVAL_DAYS, Plan
from massage_ctl.history.records import PAIN_WHEN, RUNNING, Outcome, PainEntry, SessionRecord

#: The dates the history accepts, stored or typed (plan start, pain and report ranges). Far
#: enough either way for any real diary; bounded so date arithmetic can never overflow.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
#: Longest session a row may claim (the compiler's limit is 24 hours).
MAX_SESSION_MS = 24 * 60 * 60 * 1000
#: Largest process id a row may hold (os.kill overflows beyond a C int).
MAX_PID = 2**31 - 1
REPAIR_COMMAND = "massage-ctl history --repair"

_OUTCOMES = frozenset({o.value for o in Outcome} | {RUNNING})


class UndecodableText(str):
    """Stored text that is not valid UTF-8, decoded with U+FFFD in place of the bad bytes.

    The connection's ``text_factory`` (:func:`decode_text`) makes these instead of failing
    the whole query, so that one such row is named as damaged and the rest are read.
    """


def decode_text(raw: bytes) -> str:
    """SQLite TEXT → str; invalid UTF-8 becomes an :class:`UndecodableText`."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return UndecodableText(raw.decode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class Damage:
    """One stored row that cannot be read: its table, its id, the column and the problem."""

    table: str
    row_id: int
    column: str
    problem: str

    def describe(self) -> str:
        """``sessions row 7: started_at: 'yesterday' is not a time stamp``."""
        return f"{self.table} row {self.row_id}: {self.column}: {self.problem}"


class _Bad(Exception):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _stamp(column: str, value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, UndecodableText):
        raise _Bad(column, f"{_show(str(value))} is not valid UTF-8 text")
    if not isinstance(value, str):
        raise _Bad(column, f"{_show(value)} is not a time stamp like 2024-05-06T18:30:00+02:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(
            column, f"{_show(value)} is not a time stamp like 2024-05-06T18:30:00+02:00"
        ) from None
    # Date filters compare the first ten characters, so they must be the date itself.
    if value[:10] != parsed.date().isoformat() or len(value) < 19:
        raise _Bad(column, f"{_show(value)} is not a time stamp like 2024-05-06T18:30:00+02:00")
    if not MIN_DATE <= parsed.date() <= MAX_DATE:
        raise _Bad(column, f"{_show(value)} is outside {MIN_DATE} to {MAX_DATE}")
    return value


def _text(column: str, value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, UndecodableText):
        raise _Bad(column, f"{_show(str(value))} is not valid UTF-8 text")
    if not isinstance(value, str) or (not optional and not value):
        raise _Bad(column, f"{_show(value)} is not a text")
    return value


def _whole(column: str, value: Any, low: int, high: int, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or not low <= value <= high:
        raise _Bad(column, f"{_show(value)} is not a whole number from {low} to {high}")
    return value


def _number(column: str, value: Any, low: float, high: float) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or not (
        low <= value <= high
    ):
        raise _Bad(column, f"{_show(value)} is not a number from {low} to {high}")
    return float(value)


def _rating(value: Any) -> int | None:
    # The linked ratings come from a subquery that only picks valid ones; be strict anyway.
    return value if isinstance(value, int) and 0 <= value <= 10 else None


def session_from_row(row: tuple[Any, ...]) -> SessionRecord | Damage:
    """A ``sessions`` row (with its linked before/after ratings) as a record, or its damage."""
    row_id = row[0]
    try:
        outcome = _text("outcome", row[10])
        if outcome not in _OUTCOMES:
            raise _Bad("outcome", f"{_show(outcome)} is not one of {', '.join(sorted(_OUTCOMES))}")
        return SessionRecord(
            id=row_id,
            started_at=_stamp("started_at", row[1]) or "",
            ended_at=_stamp("ended_at", row[2], optional=True),
            program_id=_text("program_id", row[3]) or "",
            timeline_hash=_text("timeline_hash", row[4]) or "",
            device=_text("device", row[5]) or "",
            safety=_text("safety", row[6]) or "",
            intensity=_number("intensity", row[7], 0.0, 1.0),
            planned_ms=_whole("planned_ms", row[8], 0, MAX_SESSION_MS) or 0,
            actual_ms=_whole("actual_ms", row[9], 0, MAX_SESSION_MS, optional=True),
            outcome=outcome or "",
            pid=_whole("pid", row[11], 1, MAX_PID, optional=True),
            note=_text("note", row[12], optional=True),
            pain_before=_rating(row[13]) if len(row) > 13 else None,
            pain_after=_rating(row[14]) if len(row) > 14 else None,
        )
    except _Bad as bad:
        return Damage("sessions", row_id, bad.column, bad.problem)


def pain_from_row(row: tuple[Any, ...]) -> PainEntry | Damage:
    """A ``pain`` row as an entry, or its damage."""
    row_id = row[0]
    try:
        moment = _text("moment", row[5])
        if moment not in PAIN_WHEN:
            raise _Bad("moment", f"{_show(moment)} is not one of {', '.join(PAIN_WHEN)}")
        return PainEntry(
            id=row_id,
            recorded_at=_stamp("recorded_at", row[1]) or "",
            rating=_whole("rating", row[2], 0, 10) or 0,
            note=_text("note", row[3], optional=True),
            session_id=_whole("session_id", row[4], 1, 2**63 - 1, optional=True),
            when=moment or "",
        )
    except _Bad as bad:
        return Damage("pain", row_id, bad.column, bad.problem)


def plan_from_row(row: tuple[Any, ...]) -> Plan | Damage:
    """The ``plan`` row as a :class:`Plan`, or its damage."""
    row_id = row[0]
    try:
        start_text = _text("start_date", row[5])
        try:
            start = date.fromisoformat(start_text or "")
        except ValueError:
            raise _Bad("start_date", f"{_show(start_text)} is not a date like 2024-05-31") from None
        if not MIN_DATE <= start <= MAX_DATE:
            raise _Bad("start_date", f"{start} is outside {MIN_DATE} to {MAX_DATE}")
        return Plan(
            every_days=_whole("every_days", row[1], 1, MAX_INTERVAL_DAYS) or 1,
            start_date=start,
            for_days=_whole("for_days", row[2], 1, MAX_INTERVAL_DAYS, optional=True),
            then_every_days=_whole("then_every_days", row[3], 1, MAX_INTERVAL_DAYS,
                                   optional=True),
            program_id=_text("program_id", row[4], optional=True),
        )
    except _Bad as bad:
        return Damage("plan", row_id, bad.column, bad.problem)


def damage_report(damage: list[Damage], path: str) -> list[str]:
    """Lines telling the user which rows were skipped and the one command that repairs them."""
    if not damage:
        return []
    lines = [f"{path}: {len(damage)} damaged row{'s' * (len(damage) != 1)} skipped:"]
    lines += [f"  {d.describe()}" for d in damage[:10]]
    if len(damage) > 10:
        lines.append(f"  … and {len(damage) - 10} more")
    lines.append(
        f"  to repair: {REPAIR_COMMAND} (moves these rows into a file next to the "
        "database, so nothing is lost, and removes them from the history)"
    )
    return lines

"""The SQL the store reads with: rows as stored, checked afterwards by :mod:`.damage`."""

from __future__ import annotations

from datetime import date
from typing import Any

_SESSION_COLUMNS = (
    "s.id, s.started_at, s.ended_at, s.program_id, s.timeline_hash, s.device, s.safety, "
    "s.intensity, s.planned_ms, s.actual_ms, s.outcome, s.pid, s.note"
)
# The latest rating linked to the session for each moment.
# (only a valid rating: a damaged one is named when the pain table is read)
_PAIN_OF = (
    "(SELECT p.rating FROM pain p WHERE p.session_id = s.id AND p.moment = '{}' "
    "AND typeof(p.rating) = 'integer' AND p.rating BETWEEN 0 AND 10 "
    "ORDER BY p.id DESC LIMIT 1)"
)
SESSION_SELECT = (
    f"SELECT {_SESSION_COLUMNS}, {_PAIN_OF.format('before')}, {_PAIN_OF.format('after')} "
    "FROM sessions s"
)
PAIN_SELECT = "SELECT id, recorded_at, rating, note, session_id, moment FROM pain"
PLAN_SELECT = (
    "SELECT id, every_days, for_days, then_every_days, program_id, start_date FROM plan"
)


def date_range(
    column: str, since: date | None, until: date | None
) -> tuple[str, tuple[Any, ...]]:
    """A ``WHERE`` clause (or nothing) keeping rows whose ``column`` date is in range."""
    # Stored stamps start with the local date (YYYY-MM-DD), so date filters compare that.
    clauses, params = [], []
    if since is not None:
        clauses.append(f"substr({column}, 1, 10) >= ?")
        params.append(since.isoformat())
    if until is not None:
        clauses.append(f"substr({column}, 1, 10) <= ?")
        params.append(until.isoformat())
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

"""The home screen's one-line summary: last session and what the treatment plan says is due."""

from __future__ import annotations

from massage_ctl.errors import MassageCtlError
from massage_ctl.history import HistoryStore, PlanStatus


def plan_line(status: PlanStatus) -> str:
    """``next session due today — streak 3`` in plain words."""
    if status.next_due is None:
        done = status.sessions_done
        return f"plan finished ({done} session{'s' * (done != 1)})"
    if status.overdue_days > 0:
        due = f"next session overdue by {status.overdue_days} day(s)"
    elif status.due_now:
        due = "next session due today"
    else:
        due = f"next session due {status.next_due.isoformat()}"
    return f"{due} — streak {status.streak}"


def home_summary(store: HistoryStore) -> str:
    """``Last session: … · Plan: …`` or a welcome line when there is no history yet."""
    try:
        sessions = store.sessions(limit=1)
        status = store.plan_status()
    except MassageCtlError as err:
        return f"History unavailable: {err}"
    parts = []
    if sessions:
        last = sessions[-1]
        when = last.started_at[:16].replace("T", " ")
        parts.append(f"Last session: {last.program_id}, {when} ({last.outcome})")
    else:
        parts.append("Welcome! Choose a program below and press Enter.")
    if status is not None:
        parts.append("Plan: " + plan_line(status))
    return "  ·  ".join(parts)

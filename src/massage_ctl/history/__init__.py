"""Session history, pain diary and treatment plan (SQLite), with exports and a report.

For the player/session code the whole API is::

    store = HistoryStore(AppPaths.from_env().history_db)
    sid = store.start_session(program_id, timeline_hash(timeline), device, safety,
                              intensity, planned_ms)
    ...
    store.finish_session(sid, Outcome.COMPLETED, actual_ms)
    store.add_pain(3, note="stiff", session_id=sid, when="after")

See docs/HISTORY.md.
"""

from massage_ctl.history.pain import (
    PainAnswer,
    ask_pain,
    is_interactive,
    parse_pain_rating,
)
from massage_ctl.history.plan import Plan, PlanStatus, parse_days, plan_status
from massage_ctl.history.records import Outcome, PainEntry, SessionRecord, timeline_hash
from massage_ctl.history.store import HistoryStore

__all__ = [
    "HistoryStore",
    "Outcome",
    "PainAnswer",
    "PainEntry",
    "Plan",
    "PlanStatus",
    "SessionRecord",
    "ask_pain",
    "is_interactive",
    "parse_days",
    "parse_pain_rating",
    "plan_status",
    "timeline_hash",
]

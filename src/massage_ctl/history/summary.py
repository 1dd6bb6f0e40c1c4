"""Figures drawn from the history: sessions per week, programs used, pain over time.

Pure functions over records, shared by ``massage-ctl history``, the HTML report and the TUI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean

from massage_ctl.history.records import PainEntry, SessionRecord


def record_date(stamp: str) -> date:
    """The local calendar date of a stored time stamp."""
    return datetime.fromisoformat(stamp).date()


def week_start(day: date) -> date:
    """Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class DailyPain:
    """Mean ratings of one day: before sessions, after sessions, and all ratings that day."""

    day: date
    before: float | None
    after: float | None
    overall: float


@dataclass(frozen=True, slots=True)
class Summary:
    """The numbers a healthcare provider asks for."""

    first_day: date | None
    last_day: date | None
    sessions_total: int
    sessions_completed: int
    outcomes: dict[str, int]
    sessions_per_week: list[tuple[date, int]]  # (Monday, count), every week in range
    programs: list[tuple[str, int]]  # most used first
    minutes_total: float
    pain_before_avg: float | None
    pain_after_avg: float | None
    pain_count: int
    daily_pain: list[DailyPain]
    #: Mean of (after − before) over the sessions with both ratings, and how many those are.
    pain_change_avg: float | None = None
    pain_change_sessions: int = 0
    #: ``fault`` rows with no playing time: the device never massaged, so not sessions.
    never_started: int = 0


def counts_as_session(record: SessionRecord) -> bool:
    """False for a ``fault`` row with no playing time (the device never started).

    Older versions recorded a start that failed before the device ran as a ``fault``
    session; it is no session a healthcare provider should count (docs/HISTORY.md).
    """
    return not (record.outcome == "fault" and not record.actual_ms)


def pain_change(sessions: list[SessionRecord]) -> tuple[float | None, int]:
    """Mean change of pain across a session and the number of sessions it rests on.

    Ratings are paired per session: only sessions with both a before and an after rating
    count (a session with only one of them says nothing about change). ``(None, 0)`` when
    no session has both.
    """
    pairs = [
        s.pain_after - s.pain_before
        for s in sessions
        if s.pain_before is not None and s.pain_after is not None
    ]
    return (fmean(pairs) if pairs else None), len(pairs)


def describe_change(avg: float | None, count: int) -> str:
    """``"−2.0 on average over 2 sessions with both ratings"``, or why there is no figure."""
    if avg is None:
        return "no session has both a before and an after rating"
    plural = "s" if count != 1 else ""
    return f"{avg:+.1f} on average over {count} session{plural} with both ratings"


def _mean(values: list[int]) -> float | None:
    return fmean(values) if values else None


def daily_pain(pain: list[PainEntry]) -> list[DailyPain]:
    """Per-day mean ratings, oldest first (days without ratings are left out)."""
    by_day: dict[date, list[PainEntry]] = {}
    for entry in pain:
        by_day.setdefault(record_date(entry.recorded_at), []).append(entry)
    result = []
    for day in sorted(by_day):
        entries = by_day[day]
        result.append(
            DailyPain(
                day,
                _mean([e.rating for e in entries if e.when == "before"]),
                _mean([e.rating for e in entries if e.when == "after"]),
                fmean(e.rating for e in entries),
            )
        )
    return result


def summarize(sessions: list[SessionRecord], pain: list[PainEntry]) -> Summary:
    """Summary of the given records (already filtered to the period of interest).

    ``fault`` rows with no playing time are left out of every session figure (they are only
    counted in :attr:`Summary.never_started`).
    """
    never_started = sum(1 for s in sessions if not counts_as_session(s))
    sessions = [s for s in sessions if counts_as_session(s)]
    change, change_n = pain_change(sessions)
    days = [record_date(s.started_at) for s in sessions] + [
        record_date(p.recorded_at) for p in pain
    ]
    first, last = (min(days), max(days)) if days else (None, None)
    per_week: Counter[date] = Counter(week_start(record_date(s.started_at)) for s in sessions)
    weeks: list[tuple[date, int]] = []
    if first is not None and last is not None:
        monday = week_start(first)
        while monday <= last:
            weeks.append((monday, per_week.get(monday, 0)))
            monday += timedelta(days=7)
    programs = Counter(s.program_id for s in sessions)
    return Summary(
        first_day=first,
        last_day=last,
        sessions_total=len(sessions),
        sessions_completed=sum(1 for s in sessions if s.outcome == "completed"),
        outcomes=dict(Counter(s.outcome for s in sessions)),
        sessions_per_week=weeks,
        programs=sorted(programs.items(), key=lambda kv: (-kv[1], kv[0])),
        minutes_total=sum((s.actual_ms or 0) for s in sessions) / 60000,
        pain_before_avg=_mean([p.rating for p in pain if p.when == "before"]),
        pain_after_avg=_mean([p.rating for p in pain if p.when == "after"]),
        pain_count=len(pain),
        daily_pain=daily_pain(pain),
        pain_change_avg=change,
        pain_change_sessions=change_n,
        never_started=never_started,
    )

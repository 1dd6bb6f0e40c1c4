"""Treatment plans: "weekly for 6 weeks, then every 3 weeks", and what is due today.

Pure functions of their inputs (the dates of sessions done, today's date); the store keeps the
plan. A plan only *reminds*: nothing here, or anywhere, starts a device because of a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

#: A session counts as on time up to this many days after its due date.
GRACE_DAYS = 1
MAX_INTERVAL_DAYS = 366

_SPAN = re.compile(r"^\s*(\d+)\s*([dw]?)\s*$", re.IGNORECASE)


def parse_days(text: str) -> int:
    """``"7d"``, ``"6w"`` or ``"10"`` (days) → number of days. Raises ValueError if invalid."""
    match = _SPAN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a span like 7d or 3w")
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise ValueError(f"{text!r} must be between 1 day and {MAX_INTERVAL_DAYS} days")
    return days


def format_days(days: int) -> str:
    """7 → ``"1 week"``, 21 → ``"3 weeks"``, 10 → ``"10 days"``."""
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week" + ("s" if weeks != 1 else "")
    return f"{days} day" + ("s" if days != 1 else "")


@dataclass(frozen=True, slots=True)
class Plan:
    """Sessions every ``every_days`` for ``for_days`` (``None`` = no end), then every
    ``then_every_days`` (``None`` = the plan ends after the first phase)."""

    every_days: int
    start_date: date
    for_days: int | None = None
    then_every_days: int | None = None
    program_id: str | None = None

    def describe(self) -> str:
        """One line, e.g. "every 1 week for 6 weeks, then every 3 weeks (from 2024-05-06)"."""
        text = f"every {format_days(self.every_days)}"
        if self.for_days is not None:
            text += f" for {format_days(self.for_days)}"
            if self.then_every_days is not None:
                text += f", then every {format_days(self.then_every_days)}"
        if self.program_id:
            text += f" with {self.program_id}"
        return text + f" (from {self.start_date.isoformat()})"

    def phase_on(self, day: date) -> Literal["initial", "maintenance", "finished"]:
        """Which part of the plan ``day`` falls in."""
        if self.for_days is None or day < self.start_date + timedelta(days=self.for_days):
            return "initial"
        return "maintenance" if self.then_every_days is not None else "finished"

    def interval_on(self, day: date) -> int | None:
        """Days from a session on ``day`` to the next one (``None`` once the plan is over)."""
        phase = self.phase_on(day)
        if phase == "initial":
            return self.every_days
        return self.then_every_days if phase == "maintenance" else None


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """What a plan says on a given day.

    ``next_due`` is the date the next session is due (``None`` when the plan is over),
    ``overdue_days`` how many days past it today is (0 when not overdue), ``streak`` the number
    of consecutive sessions done on time (up to :data:`GRACE_DAYS` late) — a missed due date
    resets it to 0.
    """

    plan: Plan
    today: date
    next_due: date | None
    overdue_days: int
    streak: int
    sessions_done: int
    phase: Literal["initial", "maintenance", "finished"]

    @property
    def due_now(self) -> bool:
        """True when a session is due today or overdue."""
        return self.next_due is not None and self.next_due <= self.today


def plan_status(plan: Plan, session_days: list[date], today: date) -> PlanStatus:
    """Status of ``plan`` on ``today`` given the days with a completed session.

    Several sessions on one day count once; sessions before the plan's start are ignored.
    Each session's due date is the previous session's day plus the interval in force then
    (the first is due on the start date); a session ahead of time is fine and moves the
    schedule. A plan without maintenance is finished (nothing due) once the next date would
    fall after its end, or once its end has passed.
    """
    days = sorted({d for d in session_days if plan.start_date <= d <= today})
    due: date | None = plan.start_date
    streak = 0
    for day in days:
        if due is None:
            break  # plan over; later sessions are welcome but not scheduled
        on_time = day <= due + timedelta(days=GRACE_DAYS)
        streak = streak + 1 if on_time else 0
        interval = plan.interval_on(day)
        due = day + timedelta(days=interval) if interval is not None else None
        if due is not None and plan.phase_on(due) == "finished":
            due = None  # the next one would fall after the plan's end: that was the last
    if due is not None and plan.phase_on(today) == "finished":
        due = None  # a plan that has ended asks for nothing more, even after a missed session
    overdue = max(0, (today - due).days) if due is not None else 0
    if overdue > GRACE_DAYS:
        streak = 0
    return PlanStatus(
        plan=plan,
        today=today,
        next_due=due,
        overdue_days=overdue,
        streak=streak,
        sessions_done=len(days),
        phase=plan.phase_on(today),
    )

"""Treatment plans: spans, what is due, the on-time streak, and the plan command."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore, Outcome, Plan, parse_days, plan_status

START = date(2024, 3, 4)  # a Monday
WEEKLY_THEN_3W = Plan(every_days=7, start_date=START, for_days=42, then_every_days=21)


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("6w", 42), ("3W", 21), ("10", 10)])
def test_spans(text: str, days: int) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["0d", "week", "-1d", "2m", "400d", ""])
def test_bad_spans_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_days(text)


def test_first_session_is_due_on_the_start_date() -> None:
    status = plan_status(WEEKLY_THEN_3W, [], START)
    assert status.next_due == START and status.due_now and status.overdue_days == 0
    late = plan_status(WEEKLY_THEN_3W, [], START + timedelta(days=3))
    assert late.overdue_days == 3 and late.streak == 0


def test_weekly_sessions_build_a_streak_then_maintenance_every_three_weeks() -> None:
    days = [START + timedelta(days=7 * i) for i in range(6)]  # six weekly sessions
    status = plan_status(WEEKLY_THEN_3W, days, days[-1])
    assert status.streak == 6 and status.sessions_done == 6
    assert status.next_due == days[-1] + timedelta(days=7)  # still inside the 6 weeks
    after = [*days, days[-1] + timedelta(days=7)]  # week 7: maintenance starts
    status = plan_status(WEEKLY_THEN_3W, after, after[-1])
    assert status.phase == "maintenance"
    assert status.next_due == after[-1] + timedelta(days=21)


def test_a_late_session_resets_the_streak_and_one_day_late_is_on_time() -> None:
    days = [START, START + timedelta(days=8), START + timedelta(days=20)]
    status = plan_status(WEEKLY_THEN_3W, days, days[-1])
    assert status.streak == 0  # 20 is 5 days after its due date (15)
    status = plan_status(WEEKLY_THEN_3W, days[:2], days[1])
    assert status.streak == 2


def test_missed_due_date_breaks_the_streak_before_the_next_session() -> None:
    status = plan_status(WEEKLY_THEN_3W, [START], START + timedelta(days=10))
    assert status.overdue_days == 3 and status.streak == 0


def test_plan_without_maintenance_ends() -> None:
    plan = Plan(every_days=7, start_date=START, for_days=14)
    days = [START, START + timedelta(days=7), START + timedelta(days=14)]
    status = plan_status(plan, days, days[-1] + timedelta(days=30))
    assert status.next_due is None and status.phase == "finished" and status.overdue_days == 0


@settings(max_examples=150, deadline=None)
@given(
    every=st.integers(1, 30),
    for_days=st.none() | st.integers(1, 120),
    then=st.none() | st.integers(1, 60),
    offsets=st.lists(st.integers(-10, 200), max_size=30),
    today=st.integers(0, 250),
)
def test_plan_status_invariants(
    every: int, for_days: int | None, then: int | None, offsets: list[int], today: int
) -> None:
    plan = Plan(every, START, for_days, then if for_days else None)
    day = START + timedelta(days=today)
    status = plan_status(plan, [START + timedelta(days=o) for o in offsets], day)
    assert 0 <= status.streak <= status.sessions_done
    assert status.overdue_days >= 0
    if status.next_due is not None and status.overdue_days == 0:
        assert status.next_due >= day
    if status.overdue_days:
        assert status.next_due == day - timedelta(days=status.overdue_days)
    if status.next_due is not None:  # nothing is ever due after a plan's end
        assert plan.phase_on(status.next_due) != "finished"
        assert plan.phase_on(day) != "finished"


def test_a_plan_without_maintenance_is_finished_after_its_last_session() -> None:
    two_weeks = Plan(every_days=7, start_date=START, for_days=14)  # sessions on day 0 and day 7
    days = [START, START + timedelta(days=7)]
    for today in (days[-1], days[-1] + timedelta(days=1), START + timedelta(days=40)):
        status = plan_status(two_weeks, days, today)
        assert status.next_due is None and not status.due_now and status.overdue_days == 0
        assert status.sessions_done == 2 and status.streak == 2


def test_nothing_is_due_from_a_plan_that_has_ended() -> None:
    two_weeks = Plan(every_days=7, start_date=START, for_days=14)
    # The second session was missed: overdue while the plan runs, not after it has ended.
    assert plan_status(two_weeks, [START], START + timedelta(days=10)).overdue_days == 3
    ended = plan_status(two_weeks, [START], START + timedelta(days=20))
    assert ended.phase == "finished" and ended.next_due is None and ended.overdue_days == 0
    assert ended.sessions_done == 1


def test_store_counts_only_completed_sessions_of_the_plan_program(isolated_home: object) -> None:
    clock = [START]
    with HistoryStore(AppPaths.from_env().history_db, now=lambda: _at(clock[0])) as store:
        store.set_plan(Plan(7, START, 42, 21, program_id="trigger-point-lower-back"))
        for program, outcome in (("trigger-point-lower-back", Outcome.STOP),
                                 ("swedish", Outcome.COMPLETED)):
            sid = store.start_session(program, "0" * 64, "sim://chair", "standard", 1, 1)
            store.finish_session(sid, outcome, 1)
        status = store.plan_status(START)
        assert status is not None and status.sessions_done == 0
        sid = store.start_session("trigger-point-lower-back", "0" * 64, "sim://chair",
                                  "standard", 1, 1)
        store.finish_session(sid, Outcome.COMPLETED, 1)
        status = store.plan_status(START)
        assert status is not None and status.sessions_done == 1 and status.streak == 1
        assert status.next_due == START + timedelta(days=7)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0).astimezone()


def test_plan_command_set_show_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "show"]) == 0
    assert "No treatment plan" in capsys.readouterr().out
    assert main(["plan", "set", "--every", "7d", "--for", "6w", "--then-every", "3w",
                 "--program", "gentle-sciatica"]) == 0
    out = capsys.readouterr().out
    assert "every 1 week for 6 weeks, then every 3 weeks with gentle-sciatica" in out
    assert "never starts a device" in out
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert "A session is due today." in out and "streak: 0" in out
    assert main(["plan", "clear"]) == 0
    assert "Plan cleared." in capsys.readouterr().out
    assert main(["plan", "show"]) == 0
    assert "No treatment plan" in capsys.readouterr().out


def test_plan_command_rejects_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["plan", "set", "--every", "fortnightly"])
    assert info.value.code == 2
    assert "not a span like 7d or 3w" in capsys.readouterr().err
    assert main(["plan", "set", "--every", "7d", "--then-every", "3w"]) == 2
    assert "--then-every needs --for" in capsys.readouterr().err

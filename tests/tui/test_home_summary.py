"""The library screen's one-line summary: the last session and what the treatment plan says."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore, Outcome, Plan
from massage_ctl.tui.home_line import home_summary, plan_line

from .helpers import loaded

MONDAY = date(2024, 3, 4)


def _store(tmp_path: Path, day: list[date]) -> HistoryStore:
    return HistoryStore(
        tmp_path / "history.db",
        now=lambda: datetime(day[0].year, day[0].month, day[0].day, 9, 30).astimezone(),
    )


def _session(store: HistoryStore, program: str, outcome: Outcome) -> None:
    sid = store.start_session(program, "0" * 64, "sim://chair", "standard", 0.5, 60_000)
    store.finish_session(sid, outcome, 60_000)


def test_a_new_user_is_welcomed(tmp_path: Path) -> None:
    with _store(tmp_path, [MONDAY]) as store:
        assert home_summary(store) == "Welcome! Choose a program below and press Enter."


def test_the_newest_session_and_how_it_ended_are_shown(tmp_path: Path) -> None:
    day = [MONDAY]
    with _store(tmp_path, day) as store:
        _session(store, "swedish-full-back", Outcome.COMPLETED)
        day[0] = MONDAY + timedelta(days=2)
        _session(store, "trigger-point-lower-back", Outcome.STOP)
        line = home_summary(store)
    assert line == "Last session: trigger-point-lower-back, 2024-03-06 09:30 (stop)"


def test_the_plan_says_when_the_next_session_is_due(tmp_path: Path) -> None:
    day = [MONDAY]
    with _store(tmp_path, day) as store:
        store.set_plan(Plan(every_days=7, start_date=MONDAY, for_days=42, then_every_days=21))
        _session(store, "swedish-full-back", Outcome.COMPLETED)
        assert home_summary(store).endswith(
            "  ·  Plan: next session due 2024-03-11 — streak 1"
        )
        day[0] = MONDAY + timedelta(days=10)  # three days past the due date
        assert home_summary(store).endswith("Plan: next session overdue by 3 day(s) — streak 0")


def test_a_finished_plan_says_so(tmp_path: Path) -> None:
    day = [MONDAY]
    with _store(tmp_path, day) as store:
        store.set_plan(Plan(every_days=7, start_date=MONDAY, for_days=14))  # two weeks, then over
        for week in range(2):
            day[0] = MONDAY + timedelta(days=7 * week)
            _session(store, "swedish-full-back", Outcome.COMPLETED)
        day[0] = MONDAY + timedelta(days=15)
        status = store.plan_status()
        assert status is not None
        assert plan_line(status) == "plan finished (2 sessions)"


def test_a_broken_history_does_not_break_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _store(tmp_path, [MONDAY]) as store:
        def broken(**_: object) -> None:
            raise HistoryError("history.db: database disk image is malformed")

        monkeypatch.setattr(store, "sessions", broken)
        assert home_summary(store) == (
            "History unavailable: history.db: database disk image is malformed"
        )


def test_a_history_that_cannot_be_opened_is_said_on_the_library_screen(
    isolated_home: Path,
) -> None:
    from massage_ctl.config import AppPaths, UserConfig
    from massage_ctl.tui.startup import load_startup

    AppPaths.from_env().history_db.mkdir(parents=True)  # a folder where the database goes
    data = load_startup("sim://pad", config=UserConfig(acknowledged_medical_note=True))
    assert data.store is None
    assert data.summary.startswith("History unavailable, sessions are not recorded: ")
    assert data.programs  # the massage itself still works


async def test_the_library_keeps_saying_the_history_is_unavailable(isolated_home: Path) -> None:
    from massage_ctl.config import AppPaths, UserConfig
    from massage_ctl.tui.factory import create_app

    AppPaths.from_env().history_db.mkdir(parents=True)
    app = create_app("sim://pad", config=UserConfig(acknowledged_medical_note=True),
                     save_settings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.home_summary().startswith("History unavailable")

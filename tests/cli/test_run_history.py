"""``massage-ctl run`` records the session in the history — and a broken history never keeps
anyone from their massage: the session plays and the user is told it was not recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from massage_ctl.config import AppPaths
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore

from .conftest import Result

Cli = Callable[..., Result]
DEVICE = "sim://pad?speed=max"


def test_a_session_is_recorded_with_its_device_and_pain_ratings(cli: Cli) -> None:
    result = cli("run", "quick-10-minute", "--device", DEVICE,
                 "--pain-before", "6", "--pain-after", "2")
    assert result.code == 0, result.err
    assert "not recorded" not in result.err
    with HistoryStore(AppPaths.from_env().history_db) as store:
        [record] = store.sessions()
    assert (record.program_id, record.device, record.safety) == (
        "quick-10-minute", DEVICE, "standard"
    )
    assert (record.outcome, record.pain_before, record.pain_after) == ("completed", 6, 2)
    assert record.note is None  # "completed" says it all
    assert record.actual_ms == record.planned_ms


def test_a_history_that_cannot_be_opened_does_not_stop_the_massage(cli: Cli) -> None:
    AppPaths.from_env().history_db.mkdir(parents=True)  # a folder where the database goes
    result = cli("run", "quick-10-minute", "--device", DEVICE, "--pain-after", "2")
    assert result.code == 0
    assert "Session completed" in result.out
    assert "Traceback" not in result.err
    assert result.err.startswith(
        "massage-ctl: warning: this session is not recorded in the history: "
    )


def test_a_history_that_fails_while_writing_is_reported_after_the_session(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: HistoryStore, *args: object, **kwargs: object) -> int:
        raise HistoryError("history.sqlite3: database or disk is full")

    monkeypatch.setattr(HistoryStore, "write_pending", full_disk)
    result = cli("run", "quick-10-minute", "--device", DEVICE)
    assert result.code == 0
    assert "Session completed" in result.out
    assert "not recorded in the history: history.sqlite3: database or disk is full" in result.err


def test_a_fault_keeps_its_explanation_as_the_note(cli: Cli) -> None:
    result = cli("run", "quick-10-minute", "--device", f"{DEVICE}&faults=stuck=vib.lower-back@60s")
    assert result.code == 1
    with HistoryStore(AppPaths.from_env().history_db) as store:
        [record] = store.sessions()
    assert record.outcome == "fault"
    assert record.note == "the device reported a fault (stuck_channel) and stopped"

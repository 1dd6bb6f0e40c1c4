"""From the history screen: today's pain rating with a note, the treatment plan, and the
provider report (issue 16 item 6) — written with the same store functions as the CLI."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from massage_ctl.history import HistoryStore, Plan
from massage_ctl.tui.screens.diary import PainDiaryDialog, PlanDialog, ReportDialog
from massage_ctl.tui.screens.history import HistoryScreen

from .helpers import loaded, make_app, wait_for

URL = "sim://chair?speed=max"


def _store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "history.sqlite3")


def _text(widget: Static) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _opener(key: str, dialog: type) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "history")
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, dialog), dialog.__name__)
        await pilot.pause()

    return run_before


async def _type(pilot: Pilot[Any], field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def test_pain_today_with_a_note_is_recorded_and_shown(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opener("p", PainDiaryDialog)(pilot)
        await _type(pilot, "rating", "12")
        await pilot.press("enter", "enter")  # to the note, then Save
        problem = _text(app.screen.query_one("#problem", Static))
        assert "whole number 0 to 10, not '12'" in problem  # the dialog stays open
        await _type(pilot, "rating", "4")
        await _type(pilot, "note", "stiff after gardening")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
        chart = _text(app.screen.query_one("#history-chart", Static))
        assert "No pain ratings" not in chart
    with _store(tmp_path) as store:
        [entry] = store.pain_entries()
        assert (entry.rating, entry.note, entry.when) == (4, "stiff after gardening", "day")


async def test_plan_is_set_changed_and_cleared(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 30)) as pilot:
        await _opener("l", PlanDialog)(pilot)
        await _type(pilot, "every", "1w")
        await _type(pilot, "for", "")
        await _type(pilot, "then", "3w")
        await pilot.press("enter")
        assert "Then every needs For" in _text(app.screen.query_one("#problem", Static))
        await _type(pilot, "for", "6w")
        await _type(pilot, "then", "3w")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
        assert "No treatment plan set" not in _text(app.screen.query_one("#history-chart",
                                                                          Static))
        with _store(tmp_path) as store:
            assert store.get_plan() == Plan(7, date.today(), 42, 21)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog), "the plan again")
        assert app.screen.query_one("#every", Input).value == "7d"  # the plan as it is
        app.screen.query_one("#clear", Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
        assert "No treatment plan set" in _text(app.screen.query_one("#history-chart", Static))
    with _store(tmp_path) as store:
        assert store.get_plan() is None


async def test_a_bad_span_names_the_field_and_cancel_changes_nothing(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 30)) as pilot:
        await _opener("l", PlanDialog)(pilot)
        await _type(pilot, "every", "weekly")
        app.screen.query_one("#ok", Button).press()
        await pilot.pause()
        assert "Every: 'weekly' is not a span like 7d or 3w" in _text(
            app.screen.query_one("#problem", Static))
        app.screen.query_one("#cancel", Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
    with _store(tmp_path) as store:
        assert store.get_plan() is None


async def test_report_is_written_where_asked_and_the_path_is_shown(tmp_path: Path) -> None:
    out = tmp_path / "for-my-doctor.html"
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opener("e", ReportDialog)(pilot)
        await _type(pilot, "path", str(out))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
        await wait_for(pilot, lambda: out.exists(), "the report file")
        assert any(f"Report written to {out}" in str(n.message) for n in app._notifications)
    assert "<html" in out.read_text() and out.stat().st_mode & 0o777 == 0o600


async def test_a_report_that_cannot_be_written_says_why(tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "r.html"
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opener("e", ReportDialog)(pilot)
        await _type(pilot, "path", str(out))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "back to history")
        assert any("Could not write the report" in str(n.message) for n in app._notifications)
    assert not out.exists()


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's default folder is the home folder: the same in every snapshot."""
    monkeypatch.setenv("HOME", "/home/user")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("key", "dialog"), [("p", PainDiaryDialog), ("l", PlanDialog),
                                              ("e", ReportDialog)],
                         ids=["pain", "plan", "report"])
def test_dialog_snapshots(snap_compare: Any, tmp_path: Path, fixed_home: None, key: str,
                          dialog: type, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(URL, tmp_path), terminal_size=size,
                        run_before=_opener(key, dialog))


async def test_escape_in_a_dialog_is_stop_and_s_types_into_the_note(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opener("p", PainDiaryDialog)(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PainDiaryDialog)  # STOP, not "cancel"
        assert any("STOP always works" in str(n.message) for n in app._notifications)
        await _type(pilot, "note", "sore")
        assert app.screen.query_one("#note", Input).value == "sore"  # no session: s types

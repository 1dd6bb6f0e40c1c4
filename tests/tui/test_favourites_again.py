"""Favourites and recently used first in the library, remembered set-ups, and run again from
the history screen (issue 16 items 1 and 2)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, RadioSet, Select, SelectionList, Static

from massage_ctl.history import HistoryStore
from massage_ctl.history.pending import PendingSession
from massage_ctl.history.preferences import Preferences, SavedSetup
from massage_ctl.tui.screens.detail import DetailScreen
from massage_ctl.tui.screens.diary import SessionPicker
from massage_ctl.tui.screens.history import HistoryScreen
from massage_ctl.tui.screens.library import LibraryScreen

from .helpers import loaded, make_app, open_program, wait_for

URL = "sim://chair?speed=max"
WHEN = datetime(2026, 3, 2, 18, 30).astimezone()


def _played(tmp_path: Path, program: str, *, safety: str = "gentle", intensity: float = 0.5,
            minutes: float | None = 15, exclude: str = '["hips"]',
            device: str = URL) -> int:
    with HistoryStore(tmp_path / "history.sqlite3", now=lambda: WHEN) as store:
        start = {"started_at": store.stamp(), "program_id": program, "timeline_hash": "h",
                 "device": device, "safety": safety, "intensity": intensity,
                 "planned_ms": 900_000, "pid": None, "minutes": minutes, "exclude": exclude}
        finish = {"ended_at": store.stamp(), "outcome": "completed", "actual_ms": 900_000}
        return store.write_pending(PendingSession(start=start, finish=finish))


def _library(pilot: Pilot[Any]) -> LibraryScreen:
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def _favourite_third_row(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.press("down", "down", "f")
    await wait_for(pilot, lambda: bool(_library(pilot).favourites), "the favourite stored")
    await pilot.pause()


async def test_f_marks_a_favourite_which_moves_first_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    _played(tmp_path, "relaxation-sleep")
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        library = _library(pilot)
        assert library.shown[0].id == "relaxation-sleep"  # recently used comes first
        third = library.shown[2].id
        await _favourite_third_row(pilot)
        ids = [p.id for p in library.shown]
        assert ids[:2] == [third, "relaxation-sleep"]
        table = library.query_one("#programs", DataTable)
        assert str(table.get_row_at(0)[0]).startswith("★ ")
        assert str(table.get_row_at(1)[0]).startswith("↺ ")
        assert table.cursor_row == 0  # the cursor stays on the program just marked
        info = str(library.query_one("#program-info", Static).content)
        assert info.startswith("★ favourites, then ↺ recent first")
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert _library(pilot).shown[0].id == third
        await pilot.press("f")  # unmark it
        await wait_for(pilot, lambda: not _library(pilot).favourites, "unmarked")
        assert _library(pilot).shown[0].id == "relaxation-sleep"


async def test_the_set_up_chosen_at_start_is_offered_next_time(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_program(pilot, "swedish-full-back")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        detail.query_one("#intensity", Select).value = 0.6
        detail.query_one("#exclude", SelectionList).select("neck")
        await pilot.pause()
        await pilot.press("g")  # Start keeps the set-up, then asks for the pain rating
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), "pain question")
        app.stop_device_and_wait()
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        assert Preferences(store).remembered("swedish-full-back") == SavedSetup(
            "swedish-full-back", "standard", 0.6, None, ("neck",))
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_program(pilot, "swedish-full-back")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.setup.intensity == 0.6 and detail.setup.exclude == ["neck"]
        assert detail.query_one("#intensity", Select).value == 0.6


async def test_the_users_own_choice_wins_over_the_programs_hint(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        Preferences(store).remember(SavedSetup("gentle-sciatica", "standard", 0.4, 10.0))
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_program(pilot, "gentle-sciatica")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.setup.safety.id == "standard" and detail.setup.minutes == 10
        pressed = detail.query_one("#safety", RadioSet).pressed_button
        assert pressed is not None and pressed.name == "standard"
        assert detail.query_one("#minutes", Select).value == 10


async def _open_picker(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "history")
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SessionPicker), "the picker")
    await pilot.pause()


async def test_run_again_opens_the_set_up_screen_with_that_sessions_set_up(
    tmp_path: Path,
) -> None:
    _played(tmp_path, "gentle-sciatica", minutes=12, device="sim://pad?speed=max")
    _played(tmp_path, "relaxation-sleep", safety="standard", intensity=0.8, minutes=None,
            exclude="[]")
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_picker(pilot)
        await pilot.press("down", "enter")  # the older session: gentle-sciatica
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the set-up")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.program.id == "gentle-sciatica"
        setup = detail.setup
        assert (setup.safety.id, setup.intensity, setup.minutes) == ("gentle", 0.5, 12)
        assert setup.exclude == ["hips"]
        assert app.device_url == "sim://pad?speed=max"  # as that session played
        assert detail.query_one("#minutes", Select).value == 12
        assert app.session is not None and not app.session.active  # nothing started by itself


async def test_run_again_with_no_sessions_says_so(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert any("No sessions yet" in str(n.message) for n in app._notifications)


def test_library_with_favourites_80x24(snap_compare: Any, tmp_path: Path) -> None:
    _played(tmp_path, "relaxation-sleep")
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(80, 24),
                        run_before=_favourite_third_row)


def test_library_with_favourites_120x40(snap_compare: Any, tmp_path: Path) -> None:
    _played(tmp_path, "relaxation-sleep")
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(120, 40),
                        run_before=_favourite_third_row)


def test_run_again_picker_80x24(snap_compare: Any, tmp_path: Path) -> None:
    _played(tmp_path, "gentle-sciatica")
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(80, 24), run_before=_open_picker)


def test_run_again_picker_120x40(snap_compare: Any, tmp_path: Path) -> None:
    _played(tmp_path, "gentle-sciatica")
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(120, 40),
                        run_before=_open_picker)

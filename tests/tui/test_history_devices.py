"""History screen, home summary and devices screen (issue 5 §6, issue 6 TUI part)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, Static

from massage_ctl.history import HistoryStore
from massage_ctl.tui.screens.devices import DevicesScreen
from massage_ctl.tui.screens.history import HistoryScreen
from massage_ctl.tui.screens.library import LibraryScreen

from .helpers import loaded, make_app, wait_for

URL = "sim://chair?speed=max"


def _text(widget: Static) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _record_session(store: HistoryStore) -> None:
    sid = store.start_session("gentle-sciatica", "abc123", "sim://chair", "gentle", 0.8, 900_000)
    store.add_pain(7, session_id=sid, when="before")
    store.finish_session(sid, "completed", 900_000)
    store.add_pain(4, session_id=sid, when="after")


async def test_history_screen_shows_a_recorded_session(tmp_path: Path) -> None:
    _record_session(HistoryStore(tmp_path / "history.sqlite3"))  # the store make_app uses
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        summary = _text(library.query_one("#home-summary", Static))
        assert "Last session: gentle-sciatica" in summary and "completed" in summary
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
        table = _text(app.screen.query_one("#history-table", Static))
        assert "gentle-sciatica" in table and "completed" in table
        assert "7" in table and "4" in table
        await pilot.press("b")
        await pilot.pause()
        assert app.screen is library


async def test_history_screen_with_no_sessions_says_so(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
        assert "No sessions recorded yet" in _text(app.screen.query_one("#history-table", Static))


async def test_devices_screen_lists_simulators_and_connects(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DevicesScreen), "devices")
        screen = app.screen
        table = screen.query_one("#device-table", DataTable)
        await wait_for(pilot, lambda: table.row_count >= 3, "the scan results")
        urls = [str(k.value) for k in table.rows]
        assert {"sim://chair", "sim://bed", "sim://pad"} <= set(urls)
        table.focus()
        table.move_cursor(row=urls.index("sim://pad"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.device_url == "sim://pad", "the pad connected")
        assert app.device_profile.id == "pad"


async def test_devices_screen_explains_a_bad_url(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DevicesScreen), "devices")
        screen = app.screen
        screen.query_one("#url", Input).value = "sim://sofa"
        screen.query_one("#url", Input).focus()
        await pilot.press("enter")
        status = screen.query_one("#device-status", Static)
        await wait_for(pilot, lambda: "Could not use" in _text(status), "the error")
        assert "sim://sofa" in _text(status)
        assert app.device_url == URL  # unchanged


async def test_devices_screen_says_bluetooth_is_unavailable_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from massage_ctl.transports.ble import bluetooth_unavailable
    from massage_ctl.views import device_list

    async def no_adapter(*_args: object, **_kwargs: object) -> list[object]:
        raise bluetooth_unavailable(FileNotFoundError())

    monkeypatch.setattr(device_list, "scan_ble", no_adapter)
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DevicesScreen), "devices")
        status = app.screen.query_one("#device-status", Static)
        await wait_for(pilot, lambda: "Bluetooth" in _text(status), "the scan result")
        text = " ".join(_text(status).split())
        assert text.lower().count("bluetooth") == 1, text
        assert "Bluetooth is not available: the system D-Bus / BlueZ is not reachable" in text


async def test_history_lists_the_newest_session_first_and_scrolls_to_the_oldest(
    tmp_path: Path,
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")  # the store make_app uses
    programs = [f"program-{n:02d}" for n in range(30)]  # recorded in this order: 29 is newest
    for name in programs:
        sid = store.start_session(name, "abc123", "sim://chair", "standard", 1.0, 600_000)
        store.finish_session(sid, "completed", 600_000)
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
        await pilot.pause()
        table = _text(app.screen.query_one("#history-table", Static))
        assert table.index("program-29") < table.index("program-00")  # newest at the top
        scroll = app.screen.query_one("#history-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0  # taller than the screen
        await pilot.press("end")  # the keyboard reaches the oldest sessions too
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y > 0

"""Issue 11 §7 leftovers in the UI: the library opens with the program list focused (arrows
and Enter work at once, also right after the first-run note), and the history screen at 80
columns keeps a device like ``127.0.0.1:7812`` whole or split at its colon, never mid-word,
and every pain rating whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static

from massage_ctl.history import HistoryStore
from massage_ctl.tui.screens.detail import DetailScreen
from massage_ctl.tui.screens.dialogs import FirstRunNote
from massage_ctl.tui.screens.history import HistoryScreen
from massage_ctl.tui.screens.library import LibraryScreen

from .helpers import loaded, make_app, wait_for

URL = "sim://chair?speed=max"


@pytest.mark.parametrize("note_read", [True, False])
async def test_the_library_opens_with_the_program_list_focused(
    tmp_path: Path, note_read: bool
) -> None:
    app = make_app(URL, tmp_path, note_read=note_read)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        if not note_read:
            await wait_for(pilot, lambda: isinstance(app.screen, FirstRunNote), "the note")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert app.focused is library.query_one("#programs", DataTable)
        # No click, no Tab: the arrows move through the programs and Enter opens one.
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail")
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.program is library.shown[1]


async def test_the_history_keeps_a_network_device_readable_at_80_columns(
    tmp_path: Path,
) -> None:
    with HistoryStore(tmp_path / "history.sqlite3") as store:  # the store make_app uses
        for _ in range(3):
            sid = store.start_session("tension-headache-neck-shoulders", "0" * 64,
                                      "socket://127.0.0.1:7812", "standard", 1.0, 600_000)
            store.add_pain(10, session_id=sid, when="before")
            store.finish_session(sid, "interrupted", 300_000)
            store.add_pain(10, session_id=sid, when="after")
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
        table = app.screen.query_one("#history-table", Static)
        # What the screen draws: the table laid out as wide as the widget is.
        assert table.content_size.width <= 80
        console = Console(width=table.content_size.width, record=True, file=io.StringIO())
        console.print(table.content)
        text = console.export_text()
        assert text.count("127.0.0.1") == 3, text
        assert "127.0.0." not in text.replace("127.0.0.1", ""), text  # never cut inside
        assert text.count("10 → 10") == 3, text  # a rating is never cut ("10 → 1")

"""Library, detail and set-up screens: choosing and understanding a program (issue 5 §1–3)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Button, DataTable, Input, RadioSet, Select, Static

from massage_ctl.tui.screens.detail import DetailScreen
from massage_ctl.tui.screens.dialogs import FirstRunNote
from massage_ctl.tui.screens.library import LibraryScreen

from .helpers import loaded, make_app, open_program, wait_for

URL = "sim://chair?speed=max"


def _static_text(screen: object, selector: str) -> str:
    """What a Static shows, as plain text."""
    widget = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _pressure_peak(detail: DetailScreen) -> float:
    """The strongest strength the previewed timeline asks of any massaging channel."""
    assert detail.timeline is not None
    strength = {c.id for c in detail.timeline.channels if c.kind not in ("heat", "position")}
    return max(c.value for c in detail.timeline.commands if c.channel in strength)


async def test_search_narrows_the_table(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        table = library.query_one("#programs", DataTable)
        everything = table.row_count
        assert everything >= 10
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for key in "sciatica":
            await pilot.press(key)  # 's' types, it is not STOP, while nothing runs
        await pilot.pause()
        assert library.query_one("#search", Input).value == "sciatica"
        shown = [p.id for p in library.shown]
        assert shown == ["gentle-sciatica"]
        assert table.row_count == 1


async def test_filters_by_body_area_and_condition(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        everything = len(library.shown)
        library.query_one("#area", Select).value = "Neck & shoulders"
        await pilot.pause()
        neck = {p.id for p in library.shown}
        assert 0 < len(neck) < everything
        assert "tension-headache-neck-shoulders" in neck
        assert "gentle-sciatica" not in neck
        library.query_one("#area", Select).value = "Lower back"
        library.query_one("#condition", Select).value = "Sciatica / nerve pain"
        await pilot.pause()
        assert [p.id for p in library.shown] == ["gentle-sciatica"]
        library.query_one("#condition", Select).value = "Stress / sleep"
        library.query_one("#area", Select).clear()
        await pilot.pause()
        assert "relaxation-sleep" in {p.id for p in library.shown}


async def test_detail_explains_the_program_and_previews_it(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_program(pilot, "trigger-point-lower-back")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        text = _static_text(detail, "#detail-text")
        assert "For:" in text and "Not for:" in text and "Phases:" in text
        assert "Preview" in _static_text(detail, "#preview")
        assert detail.timeline is not None
        assert not detail.query_one("#start", Button).disabled


async def test_gentle_recompiles_with_lower_caps(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_program(pilot, "trigger-point-lower-back")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.timeline is not None
        standard_peak = _pressure_peak(detail)
        assert "Gentle" not in _static_text(detail, "#start-status")
        detail.query_one("#safety", RadioSet).query("RadioButton")[1].value = True
        await wait_for(pilot, lambda: detail.setup.safety.id == "gentle", "gentle chosen")
        assert detail.timeline is not None and detail.timeline.safety == "gentle"
        assert "gentle profile" in _static_text(detail, "#start-status")
        assert _pressure_peak(detail) <= 0.35 + 1e-9 < standard_peak
        # Gentle allows at most 20 minutes: 30 is no longer offered.
        assert 30 not in detail.setup.lengths()


async def test_gentle_forbidden_program_says_why_and_cannot_start(tmp_path: Path) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_program(pilot, "deep-tissue-upper-back")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        detail.query_one("#safety", RadioSet).query("RadioButton")[1].value = True
        await wait_for(pilot, lambda: detail.timeline is None, "the gentle compile to refuse")
        status = _static_text(detail, "#start-status")
        assert "Cannot run" in status and "deep-tissue" in status and "gentle" in status
        assert detail.query_one("#start", Button).disabled
        await pilot.press("g")  # the key cannot start it either
        await pilot.pause()
        assert app.screen is detail and app.runner is None


async def test_first_run_note_is_shown_once(tmp_path: Path, isolated_home: Path) -> None:
    from massage_ctl.config import load_config
    from massage_ctl.tui.factory import create_app

    app = create_app(URL, store=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, FirstRunNote)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    assert load_config().acknowledged_medical_note
    again = create_app(URL, store=None)
    async with again.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        assert isinstance(again.screen, LibraryScreen)

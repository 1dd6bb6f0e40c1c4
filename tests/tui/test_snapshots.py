"""SVG snapshots of the main screens at 80×24 (dark and light). Regenerate after a deliberate
change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from massage_ctl.program import load_program
from massage_ctl.tui.screens.run import RunScreen
from massage_ctl.tui.setup import SessionSetup, compile_setup

from .helpers import loaded, make_app, open_program

URL = "sim://chair?speed=max"
SIZE = (80, 24)


def test_library(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(URL, tmp_path), terminal_size=SIZE, run_before=loaded)


def test_library_light_theme(snap_compare: Any, tmp_path: Path) -> None:
    async def light(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        pilot.app.theme = "textual-light"
        await pilot.pause()

    assert snap_compare(make_app(URL, tmp_path), terminal_size=SIZE, run_before=light)


def test_detail(snap_compare: Any, tmp_path: Path) -> None:
    async def detail(pilot: Pilot[Any]) -> None:
        await open_program(pilot, "gentle-sciatica")

    assert snap_compare(make_app(URL, tmp_path), terminal_size=SIZE, run_before=detail)


def test_run_screen_before_start(snap_compare: Any, tmp_path: Path) -> None:
    # Captured before any telemetry arrives: every value on it is fixed.
    async def run_screen(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await loaded(pilot)
        program = load_program("trigger-point-lower-back")
        device = app.device_profile  # type: ignore[attr-defined]
        timeline = compile_setup(program, device, SessionSetup())
        await app.push_screen(RunScreen(program, timeline, device))
        await pilot.pause()

    assert snap_compare(make_app(URL, tmp_path), terminal_size=SIZE, run_before=run_screen)

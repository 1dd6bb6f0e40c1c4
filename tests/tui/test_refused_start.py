"""A device that refuses the start (issue 11 §2): the run screen says why in words, the user can
go back (b or Escape), and STOP still answers. The simulator's lower-back pad is over its
cut-out temperature when the session connects, so the device latches an over-temperature fault
whose cause is still present and answers CLEAR with LATCHED."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Label, Static

from massage_ctl.link.requests import StartRefusedError
from massage_ctl.player.session import LinkConnection, open_link
from massage_ctl.tui.screens.detail import DetailScreen
from massage_ctl.tui.screens.dialogs import PainDialog
from massage_ctl.tui.screens.run import RunScreen

from .helpers import WATCH_SPEED, Devices, loaded, make_app, open_program, wait_for

URL = f"sim://chair?speed={WATCH_SPEED}"


class HotPadDevices(Devices):
    """Opens the simulator with its heat pad still too hot from before (cause present)."""

    async def open(self, url: str) -> LinkConnection:
        conn = await open_link(url)
        self.connections.append(conn)
        core = getattr(conn.link, "transport").device.core  # noqa: B009
        pad = next(c for c in core.channels if c.kind == "heat")
        pad.temp_c = pad.overtemp_trip_c + 5.0  # the cut-out trips at the device's next step
        # Hand the link over once it has seen the fault, so the start always meets it latched
        # (the refusal is then CLEAR: latched, the same every run).
        while (status := conn.link.status) is None or status.state != "fault":
            await asyncio.sleep(0.01)
        return conn


async def _refused_start(pilot: Pilot[Any]) -> RunScreen:
    app = pilot.app
    await open_program(pilot, "quick-10-minute")
    await pilot.press("g")
    await wait_for(pilot, lambda: isinstance(app.screen, PainDialog), "the pain question")
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, RunScreen), "the run screen")
    run = app.screen
    assert isinstance(run, RunScreen)
    await wait_for(pilot, lambda: run.finished_state is not None, "the refused start")
    await wait_for(pilot, lambda: "Could not start" in str(run.query_one("#banner",
                                                                         Static).content),
                   "the reason on the banner")
    return run


async def test_a_refused_start_says_why_and_lets_the_user_go_back(tmp_path: Path) -> None:
    devices = HotPadDevices()
    app = make_app(URL, tmp_path, devices=devices)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        run = await _refused_start(pilot)
        banner = run.query_one("#banner", Static)
        assert "hidden" not in banner.classes
        text = " ".join(str(banner.content).split())
        assert "Could not start" in text and "not started" in text
        # The fault still present and what to do about it, in words (not a protocol code).
        assert "temperature" in text.lower() and "LATCHED" not in text
        state = str(run.query_one("#run-state", Label).content)
        assert "Connecting" not in state and "Not started" in state
        assert run.query_one("#big-stop", Button).disabled
        assert app.runner is not None
        with pytest.raises(StartRefusedError):
            app.runner.wait(0)
        # Nothing was driven, so no STOP was latched on the device and none is claimed.
        assert "confirmed" not in str(run.query_one("#run-stop-check", Label).content)
        assert not isinstance(app.screen, PainDialog)  # no pain question: nothing was played

        notes: list[str] = []
        app.notify = lambda message, **_: notes.append(str(message))  # type: ignore[method-assign,assignment]
        await pilot.press("s")  # STOP still answers (there is nothing left to stop)
        assert notes and "Nothing is running" in notes[-1]
        assert app.screen is run
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "back to the program")


@pytest.mark.parametrize("key", ["escape"])
async def test_escape_also_leaves_a_session_that_never_started(tmp_path: Path, key: str) -> None:
    app = make_app(URL, tmp_path, devices=HotPadDevices())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await _refused_start(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "back to the program")


def test_refused_start_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await _refused_start(pilot)
        await pilot.pause(0.3)

    app = make_app(URL, tmp_path, devices=HotPadDevices())
    assert snap_compare(app, terminal_size=(80, 24), run_before=refused)

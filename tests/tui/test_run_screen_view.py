"""What the run screen shows (issue 11 §5, §7): the heat pads' temperature as the device
reports it with where it heads, a figure that never changes size (the roller's column is
reserved), the compiler's adjustments, and zeros once the device confirmed STOP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Label, Static

from massage_ctl.devices.registry import BUILTIN_PROFILES, load_device_profile
from massage_ctl.player.events import ProgressEvent
from massage_ctl.program import load_program
from massage_ctl.tui.screens.run import RunScreen
from massage_ctl.tui.setup import SessionSetup, compile_setup
from massage_ctl.tui.widgets.body_map import BodyMap, render_body_map
from massage_ctl.views.heat_status import HeatTargets

from .helpers import WATCH_SPEED, loaded, make_app, start_session, wait_for

PROFILES = {name: load_device_profile(name) for name in BUILTIN_PROFILES}
#: The body map's text width (its widget is 46 cells with one cell of padding each side).
MAP_WIDTH = 44


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PROFILES)), st.data())
def test_the_figure_keeps_its_size_whatever_the_device_reports(name: str, data: Any) -> None:
    profile = PROFILES[name]
    values = {
        ch.id: data.draw(st.floats(0.0, ch.max, allow_nan=False), label=ch.id)
        for ch in profile.channels
    }
    targets = {ch.id: data.draw(st.sampled_from([0.0, 37.0, 45.0]), label=f"target {ch.id}")
               for ch in profile.channels if ch.kind == "heat"}
    lines = render_body_map(profile, values, targets).plain.split("\n")
    heaters = sum(ch.kind == "heat" for ch in profile.channels)
    assert len(lines) == 9 + heaters  # the roller marker never adds a line
    assert all(len(line) <= MAP_WIDTH for line in lines), lines  # nor wraps one


def _heat_line(run: RunScreen) -> str:
    return next(line for line in run.query_one(BodyMap).render().plain.split("\n")
                if line.startswith("♨ lower-back"))


async def test_heat_shows_the_reported_temperature_and_the_target_then_off_after_stop(
    tmp_path: Path,
) -> None:
    app = make_app(f"sim://chair?speed={WATCH_SPEED}", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, "trigger-point-lower-back")
        run = app.screen
        assert isinstance(run, RunScreen)
        body = run.query_one(BodyMap)
        await wait_for(pilot, lambda: body.actual.get("heat.lower-back", 0.0) > 0.5,
                       "the pad to report some warmth")
        await pilot.pause(0.3)
        event = app.last_event
        assert event is not None
        # The temperature the pad measures (issue 11 §5), not the heater's ramping setpoint.
        measured = event.measured_c["heat.lower-back"]
        target = HeatTargets(run.timeline).at(event.elapsed_ms)["heat.lower-back"]
        assert target > measured + 1  # a pad warms over minutes
        assert _heat_line(run) == (
            f"♨ lower-back: {measured:.0f} °C, warming to {target:.0f} °C"
        )
        await pilot.press("s")
        await wait_for(pilot, lambda: "confirmed" in str(run.query_one("#run-stop-check",
                                                                         Label).content),
                       "the device to confirm STOP")
        assert _heat_line(run) == "♨ lower-back: off"
        figure = body.render().plain
        assert "  0%" in figure and not any(f"{n:3d}%" in figure for n in range(1, 101))


def _run_screen(program_id: str) -> Any:
    async def push(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await loaded(pilot)
        device = app.device_profile  # type: ignore[attr-defined]
        timeline = compile_setup(load_program(program_id), device, SessionSetup())
        await app.push_screen(RunScreen(load_program(program_id), timeline, device))
        await pilot.pause()

    return push


async def test_the_run_screen_lists_the_compilers_adjustments(tmp_path: Path) -> None:
    app = make_app("sim://pad?speed=max", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_screen("gentle-sciatica")(pilot)
        notes = app.screen.query_one("#run-notes", Static)
        assert "hidden" not in notes.classes
        assert "no heat" in str(notes.content) and "thighs" in str(notes.content)


def test_run_screen_with_adjustments_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app("sim://pad?speed=max", tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_run_screen("gentle-sciatica"))


def test_run_screen_120x40(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app("sim://bed?speed=max", tmp_path)
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=_run_screen("trigger-point-lower-back"))


async def test_what_the_player_says_during_a_session_is_shown_once(tmp_path: Path) -> None:
    # A version-1 device's note and the guard's warnings reach the run screen as `warning`
    # events; `run` prints them, so the UI must show them too (each once, not on every event).
    app = make_app("sim://pad?speed=max", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_screen("quick-10-minute")(pilot)
        run = app.screen
        assert isinstance(run, RunScreen)
        note = "this device enforces only its own hard limits"
        event = ProgressEvent(kind="warning", state="playing", elapsed_ms=0,
                              duration_ms=60_000, message=note)
        for _ in range(3):
            run.post_message(RunScreen.Update(event))
        await pilot.pause(0.2)
        shown = [n.message for n in app._notifications]
        assert shown.count(note) == 1

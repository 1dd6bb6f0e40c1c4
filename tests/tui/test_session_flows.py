"""Running a session from the UI on the simulator: watch, pause, adjust, skip, STOP, faults,
quitting (issue 5 §4, §5, §7; issue 6 pain diary). Every STOP is checked against the
simulated device's own record: state stopped, every output zero."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Label, Static

from massage_ctl.tui.screens.dialogs import PainDialog
from massage_ctl.tui.screens.run import RunScreen
from massage_ctl.tui.widgets.body_map import BodyMap

from .helpers import (
    WATCH_SPEED,
    Devices,
    device_is_stopped,
    loaded,
    make_app,
    start_session,
    wait_for,
)

URL = f"sim://chair?speed={WATCH_SPEED}"
PROGRAM = "quick-10-minute"


def _label(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Label).content)  # type: ignore[attr-defined]


async def test_watch_pause_adjust_skip_stop_and_rate(tmp_path: Path) -> None:
    devices = Devices()
    app = make_app(URL, tmp_path, devices=devices)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, PROGRAM, pain="6")
        run = app.screen
        assert isinstance(run, RunScreen)
        # The body map follows the device's reported values (the roller is moving).
        await wait_for(pilot, lambda: any(v > 0 for v in run.query_one(BodyMap).actual.values()),
                       "telemetry on the body map")
        assert "elapsed" in _label(run, "#run-time") and "left" in _label(run, "#run-time")

        await pilot.press("space")
        await wait_for(pilot, lambda: app.last_event is not None
                       and app.last_event.state == "paused", "pause")
        assert "Paused" in _label(run, "#run-state")
        await pilot.press("space")
        await wait_for(pilot, lambda: app.last_event is not None
                       and app.last_event.state == "playing", "resume")

        await pilot.press("minus")
        await wait_for(pilot, lambda: app.last_event is not None
                       and round(app.last_event.intensity, 1) == 0.9, "softer")
        assert "90 %" in _label(run, "#run-intensity")

        assert app.last_event is not None and app.last_event.phase_index == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: app.last_event is not None
                       and (app.last_event.phase_index or 0) >= 1, "the next phase")

        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, PainDialog), "the pain-after dialog")
        assert app.runner is not None
        result = app.runner.wait(5)
        assert result.outcome == "stop" and result.stop_confirmed
        assert device_is_stopped(devices.device, app.device_profile)
        await pilot.press("t")  # 10, the worst — recorded as given
        await pilot.pause()
        assert app.screen is run
        assert "STOPPED" in _label(run, "#run-state")
        assert "confirmed" in _label(run, "#run-stop-check")
        assert run.query_one("#big-stop", Button).disabled

        assert app.store is not None
        [record] = app.store.sessions()
        assert record.program_id == PROGRAM and record.outcome == "stop"
        assert record.pain_before == 6 and record.pain_after == 10

        await pilot.press("b")  # back to the detail screen to choose again
        await pilot.pause()
        assert not isinstance(app.screen, RunScreen)


async def test_stop_from_a_dialog_over_the_session(tmp_path: Path) -> None:
    devices = Devices()
    app = make_app(URL, tmp_path, devices=devices)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, PROGRAM)
        await pilot.press("ctrl+p")  # the command palette: a dialog with a text field
        await pilot.pause()
        assert not isinstance(app.screen, RunScreen)
        await pilot.press("escape")
        assert app.runner is not None
        assert app.runner.wait(5).outcome == "stop"
        assert device_is_stopped(devices.device, app.device_profile)


async def test_stop_by_mouse_on_the_stop_bar(tmp_path: Path) -> None:
    devices = Devices()
    app = make_app(URL, tmp_path, devices=devices)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, PROGRAM)
        await pilot.click("#stop-bar")
        assert app.runner is not None
        assert app.runner.wait(5).outcome == "stop"
        assert device_is_stopped(devices.device, app.device_profile)


async def test_device_disconnect_shows_a_banner_and_stops(tmp_path: Path) -> None:
    app = make_app(f"{URL}&faults=disconnect@3s", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, PROGRAM)
        run = app.screen
        assert isinstance(run, RunScreen)
        await wait_for(pilot, lambda: run.finished_state is not None, "the session to end")
        banner = run.query_one("#banner", Static)
        assert banner.display and "hidden" not in banner.classes
        assert "session has stopped" in str(banner.content)
        assert run.finished_state == "disconnect"
        assert app.runner is not None and app.runner.wait(5).outcome == "disconnect"
        # Nothing restarts by itself: the user decides (the pain question comes first).
        await wait_for(pilot, lambda: isinstance(app.screen, PainDialog), "the pain question")


async def test_quitting_during_a_session_stops_the_device(tmp_path: Path) -> None:
    devices = Devices()
    app = make_app(URL, tmp_path, devices=devices)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await start_session(pilot, PROGRAM)
        await pilot.press("ctrl+q")
    assert app.runner is not None and app.runner.done
    assert app.runner.wait(0).stop_confirmed
    assert device_is_stopped(devices.device, app.device_profile)
    assert app.store is not None
    [record] = app.store.sessions()
    assert record.outcome == "stopped"


async def test_a_history_that_cannot_be_written_is_told_and_the_session_still_plays(
    tmp_path: Path,
) -> None:
    from massage_ctl.errors import HistoryError

    devices = Devices()
    app = make_app(f"{URL}&faults=disconnect@2s", tmp_path, devices=devices)
    told: list[str] = []
    app.notify = lambda message, **_: told.append(str(message))  # type: ignore[method-assign,assignment]

    def full_disk(*_: object, **__: object) -> int:
        raise HistoryError("history.sqlite3: database or disk is full")

    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert app.store is not None
        app.store.write_pending = full_disk  # type: ignore[method-assign]
        await start_session(pilot, PROGRAM)  # it plays although the diary refused the row
        await wait_for(pilot, lambda: any("could not be recorded" in t for t in told),
                       "the user to be told the session is not in the history")
        assert "database or disk is full" in told[-1]
        await pilot.pause(0.2)
        assert not isinstance(app.screen, PainDialog)  # no pain question for a session not kept


_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


async def test_a_busy_history_still_gets_the_pain_rating_after_the_session(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    from massage_ctl.history import HistoryStore

    app = make_app(f"{URL}&faults=disconnect@2s", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        # Another program (a sqlite3 shell, another massage-ctl) holds the write lock for the
        # whole session: the session is queued, and the user is still asked how it went.
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(tmp_path / "history.sqlite3")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            await start_session(pilot, PROGRAM, pain="6")
            await wait_for(pilot, lambda: isinstance(app.screen, PainDialog),
                           "the pain question after a session the busy history keeps")
            await pilot.press("3")
        finally:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.close()
            holder.wait()
    # The lock freed: the session and both ratings are in the history, nothing lost.
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        [record] = store.sessions()
        assert (record.pain_before, record.pain_after) == (6, 3)
    finally:
        store.close()

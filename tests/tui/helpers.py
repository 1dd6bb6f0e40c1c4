"""Helpers for the terminal-UI tests: an app on the simulator whose device we can inspect."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from massage_ctl.config import UserConfig
from massage_ctl.devices import DeviceProfile
from massage_ctl.history import HistoryStore
from massage_ctl.player.session import LinkConnection, open_link
from massage_ctl.tui.app import MassageApp
from massage_ctl.tui.factory import create_app

#: Sessions the UI must watch run at a small multiple of real time: fast enough for tests,
#: slow enough that the device watchdog (500 ms of device time) never fires because two
#: threads share one interpreter.
WATCH_SPEED = 2


@dataclass
class Devices:
    """Every link the app opened for a session (its simulated device is ``.device``)."""

    connections: list[LinkConnection] = field(default_factory=list)

    async def open(self, url: str) -> LinkConnection:
        conn = await open_link(url)
        self.connections.append(conn)
        return conn

    @property
    def device(self) -> Any:
        """The simulated device of the newest session."""
        assert self.connections, "no session opened a link"
        transport = getattr(self.connections[-1].link, "transport")  # noqa: B009
        return transport.device


def make_app(
    url: str,
    tmp_path: Path,
    *,
    note_read: bool = True,
    devices: Devices | None = None,
) -> MassageApp:
    """The app as ``massage-ctl`` builds it, with a private history and no saved settings."""
    store = HistoryStore(tmp_path / "history.sqlite3")
    return create_app(
        url,
        config=UserConfig(acknowledged_medical_note=note_read),
        store=store,
        save_settings=False,
        open_connection=devices.open if devices is not None else None,
    )


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout_s: float = 20.0
) -> None:
    """Let the app run until ``condition()`` holds; fail naming ``what`` if it never does.

    The timeout only keeps a broken build from hanging; it is not a timing assertion.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for: {what} (screens: {pilot.app.screen_stack}, "
                f"last event: {getattr(pilot.app, 'last_event', None)})"
            )
        await pilot.pause(0.05)


async def loaded(pilot: Pilot[Any]) -> None:
    """Let the app load its programs, config and history (a worker does it after the first
    paint; the library table is empty with a "Loading…" line until then)."""
    app = pilot.app
    assert isinstance(app, MassageApp)
    await wait_for(pilot, lambda: app.loaded or app.startup_error is not None, "the library")
    await pilot.pause()


async def open_program(pilot: Pilot[Any], program_id: str) -> None:
    """From the library, open the detail screen of ``program_id``."""
    from massage_ctl.tui.screens.detail import DetailScreen
    from massage_ctl.tui.screens.library import LibraryScreen

    app = pilot.app
    assert isinstance(app, MassageApp)
    await loaded(pilot)
    library = app.screen
    assert isinstance(library, LibraryScreen)
    row = [p.id for p in library.shown].index(program_id)
    table = library.query_one("#programs")
    table.focus()
    for _ in range(row):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail screen")


async def start_session(pilot: Pilot[Any], program_id: str, pain: str = "n") -> None:
    """Library → detail → g → pain dialog (``pain`` key) → run screen, playing."""
    from massage_ctl.tui.screens.run import RunScreen

    app = pilot.app
    assert isinstance(app, MassageApp)
    await open_program(pilot, program_id)
    from massage_ctl.tui.screens.dialogs import PainDialog

    await pilot.press("g")
    await wait_for(pilot, lambda: isinstance(app.screen, PainDialog), "the pain question")
    await pilot.press(pain)
    await wait_for(pilot, lambda: isinstance(app.screen, RunScreen), "the run screen")
    await wait_for(
        pilot,
        lambda: app.last_event is not None and app.last_event.state == "playing",
        "the session to play",
    )


def device_is_stopped(device: Any, profile: DeviceProfile) -> bool:
    """The simulator's own record says: state stopped and every output at zero.

    A roller's *position* is where it stands, not a force: it stays put, and is not counted.
    """
    record = device.record
    last = record.samples[-1]
    kinds = {ch.id: ch.kind for ch in profile.channels}
    outputs = [
        v for cid, v in zip(record.channel_ids, last.values, strict=True)
        if kinds[cid] != "position"
    ]
    return bool(last.state == "stopped" and all(abs(v) < 1e-6 for v in outputs))


__all__ = [
    "WATCH_SPEED",
    "Devices",
    "device_is_stopped",
    "loaded",
    "make_app",
    "open_program",
    "start_session",
    "wait_for",
]

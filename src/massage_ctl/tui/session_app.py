"""The session side of the Textual app: starting one, its keys, STOP from every screen, and
every way out (quit, signal, closed terminal) with the device stopped first.

:class:`SessionApp` is the base of :class:`~massage_ctl.tui.app.MassageApp`; the session itself
(start, keys, STOP, how it ended) is a plain
:class:`~massage_ctl.tui.controller.SessionController`, so this class only turns screens'
messages into its calls and shows what they return.

Threads: the session runs on its runner's own thread and event loop (so the device's timing
never waits for the screen). Its events reach the UI loop through an
:class:`~massage_ctl.tui.relay.EventRelay` (progress coalesced to ≤ 4 redraws/s, every state
change delivered), which never blocks the runner; a Textual thread worker waits for the runner
to end and posts :class:`SessionApp.SessionEnded`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from massage_ctl.tui.relay import EventRelay
from massage_ctl.tui.screens.dialogs import PainDialog

# The player, the controller and the run screen load with the first session, not before the
# library's first paint (docs/TUI.md, "Start-up"): typing-only imports here.
if TYPE_CHECKING:
    from massage_ctl.devices import DeviceProfile
    from massage_ctl.player.events import ProgressEvent
    from massage_ctl.player.runner import SessionRunner
    from massage_ctl.program import Program
    from massage_ctl.session import SessionOptions
    from massage_ctl.timeline import Timeline
    from massage_ctl.tui.controller import SessionController
    from massage_ctl.tui.screens.detail import DetailScreen
    from massage_ctl.tui.screens.run import RunScreen
    from massage_ctl.tui.setup import SessionSetup

#: After SIGTERM/SIGHUP (device already stopped), how long the UI may take to shut down before
#: the process ends regardless.
SIGNAL_EXIT_GRACE_S = 3.0
#: How often the session watcher looks whether the app asked it to give up (it otherwise just
#: waits for the runner's end; this only bounds how long a closing app waits for the thread).
WATCH_CHECK_S = 0.5


class SessionApp(App[int]):
    """Sessions and STOP for the terminal UI (the screens and start-up: ``MassageApp``)."""

    class SessionEnded(Message):
        """The runner's thread has ended (posted from the watcher worker)."""

        def __init__(self, runner: SessionRunner) -> None:
            super().__init__()
            self.runner = runner

    BINDINGS: ClassVar[list[BindingType]] = [
        # STOP outranks every widget and dialog (priority), and is listed first in the footer.
        Binding("escape", "escape", "STOP", priority=True),
        Binding("s", "stop_key", "STOP", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    #: The device sessions play on (chosen at start-up or on the device screen).
    device_url: str
    device_profile: DeviceProfile
    #: The session control, once the history is known (None before start-up has loaded).
    session: SessionController | None = None
    #: The run screen of the newest session.
    run_screen: RunScreen | None = None

    @property
    def runner(self) -> SessionRunner | None:
        """The newest session's runner, if any."""
        return self.session.runner if self.session is not None else None

    @property
    def last_event(self) -> ProgressEvent | None:
        """The newest progress event shown for the newest session."""
        return self.session.last_event if self.session is not None else None

    @property
    def session_active(self) -> bool:
        """True while a session runs (until its device is stopped and recorded)."""
        return self.session is not None and self.session.active

    def stop_on_signals(self) -> None:
        """SIGTERM and a closed terminal (SIGHUP) stop the device before the app goes."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._exit_on_signal)

    # -- sessions --------------------------------------------------------------------------
    def on_detail_screen_start_requested(self, message: DetailScreen.StartRequested) -> None:
        """Ask for a pain rating (skippable), then start the session."""
        if self.session_active:
            self.notify("A session is already running.", severity="warning")
            return
        options = message.setup.options(message.program, self.device_url, self.device_profile)
        timeline = message.timeline
        self.remember_setup(message.program, message.setup)

        def rated(rating: int | None) -> None:
            self._start_session(options, timeline, rating)

        self.push_screen(PainDialog("How is your pain right now?"), rated)

    def remember_setup(self, program: Program, setup: SessionSetup) -> None:
        """Keep the set-up a session starts with; the app stores it in the history
        (``MassageApp.remember_setup``). Without a history there is nothing to keep."""

    def _start_session(
        self, options: SessionOptions, preview: Timeline, pain_before: int | None
    ) -> None:
        # Deferred: the run screen brings the player's events and the body map.
        from massage_ctl.tui.screens.run import RunScreen

        assert self.session is not None  # sessions start from screens shown after loading
        if self.session.active:
            return  # a second Start while the pain question was open
        relay = EventRelay(asyncio.get_running_loop(), self._deliver)
        self.run_screen = RunScreen(options.program, preview, self.device_profile)
        self.push_screen(self.run_screen)
        live = self.session.start(options, preview, pain_before, relay.push)
        # A session that fails before playback (device unreachable, handshake refused) ends
        # without any event: the watcher says when its runner has ended.
        self._watch_session(live.runner)

    @work(thread=True, exclusive=True, group="session-watch", name="massage-ui-watch")
    def _watch_session(self, runner: SessionRunner) -> None:
        """Worker thread: wait for ``runner`` to end, then tell the UI."""
        worker = get_current_worker()
        while not runner.wait_done(WATCH_CHECK_S):
            if worker.is_cancelled:
                return  # the app is closing; its unmount stops the device
        self.post_message(self.SessionEnded(runner))

    def on_session_app_session_ended(self, message: SessionEnded) -> None:
        """The runner's thread has ended: explain an ending that sent no event."""
        ending = self.session.ending(message.runner) if self.session is not None else None
        run = self.run_screen
        if ending is None or run is None:
            return
        if ending.failed is not None:
            run.session_failed(ending.failed)
            return
        if ending.not_started:
            # It never played — start refused, or STOP while connecting.
            run.session_not_started(ending.outcome, ending.message)
        run.device_stopped(ending.stop_confirmed)

    def _deliver(self, event: ProgressEvent) -> None:
        """UI loop: show one event from the relay."""
        if self.session is not None:
            self.session.seen(event)
        if self.run_screen is not None:
            self.run_screen.post_message(self.run_screen.Update(event))
        if event.kind == "finished":
            self._session_finished(event)

    def _session_finished(self, event: ProgressEvent) -> None:
        if event.state in ("fault", "disconnect"):
            self.bell()
        session = self.session
        if session is None:
            return
        self._tell_if_unrecorded()
        if not session.asks_pain_after():
            return  # no pain question for a session the history could not keep (a busy
            # history still keeps it: the rating is written with the session once it frees)

        def rated(rating: int | None) -> None:
            if rating is not None:
                session.add_pain_after(rating)
                self._tell_if_unrecorded()

        self.push_screen(PainDialog("How is your pain now, after the session?"), rated)

    def _tell_if_unrecorded(self) -> None:
        # The massage never fails because the diary cannot be written; the user hears of it.
        error = self.session.unrecorded if self.session is not None else None
        if error is not None:
            self.notify(
                f"This session could not be recorded in the history: {error}",
                title="History", severity="warning", timeout=15,
            )

    def on_run_screen_pause(self, message: RunScreen.Pause) -> None:
        if self.session is not None:
            self.session.pause(message.pause)

    def on_run_screen_adjust(self, message: RunScreen.Adjust) -> None:
        if self.session is not None:
            self.session.adjust(message.delta)

    def on_run_screen_skip(self, message: RunScreen.Skip) -> None:
        if self.session is not None:
            self.session.skip()

    # -- STOP and exit paths ---------------------------------------------------------------
    def action_stop(self) -> None:
        """STOP: immediate, from any screen or dialog."""
        if self.session is not None and self.session.stop("stop"):
            self.notify("STOP sent — the device is stopping.", severity="error", timeout=6)
        else:
            self.notify("Nothing is running. (STOP always works: s or Esc.)", timeout=3)

    def action_escape(self) -> None:
        """Escape: STOP — or, on the run screen of a session that is over, back (docs/TUI.md)."""
        run = self.run_screen
        if not (run is not None and self.screen is run
                and run.leave_if_over(self.session_active)):
            self.action_stop()

    def action_stop_key(self) -> None:
        """``s``: STOP — except while typing in a text field with no session running."""
        if isinstance(self.focused, Input) and not self.session_active:
            self.focused.insert_text_at_cursor("s")
            return
        self.action_stop()

    async def action_quit(self) -> None:
        """Quit; a running session is stopped first (the device must be off before we go)."""
        self.stop_device_and_wait()
        self.exit(0)

    def stop_device_and_wait(self) -> None:
        """STOP any running session and wait (bounded) until its device is stopped."""
        if self.session is not None:
            self.session.stop_and_wait()

    def _exit_on_signal(self) -> None:
        self.stop_device_and_wait()
        # The device is off now. A closed terminal can leave the UI library's shutdown waiting
        # for ever on output nobody will read (seen: textual's writer thread gone after the pty
        # vanished, its full queue blocking the final flush), and a controller must not outlive
        # its terminal holding the port: if the orderly exit has not happened by then, end hard.
        timer = threading.Timer(SIGNAL_EXIT_GRACE_S, os._exit, args=(1,))
        timer.daemon = True  # never delays an orderly exit
        timer.start()
        self.exit(1)

    async def on_unmount(self) -> None:
        # Last line of defence for every way out of the app (crash, closed terminal, signal).
        self.stop_device_and_wait()
        if self.session is not None:
            # A busy history: wait a moment for the queued record; whatever is still unwritten
            # goes to the pending file that the next start imports (docs/HISTORY.md).
            self.session.settle(2.0)

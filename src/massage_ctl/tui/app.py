"""The Textual app: which screen shows, STOP on every screen, and the exit paths.

Screens (``screens/``) draw and post nested messages (``LibraryScreen.ProgramChosen``,
``DetailScreen.StartRequested``, ``RunScreen.Pause`` …); they never import this module. The
session itself — start, keys, STOP, how it ended — is a plain
:class:`~massage_ctl.tui.controller.SessionController`. :func:`~massage_ctl.tui.factory.create_app`
is the one factory used by the CLI and the tests.

Threads: the session runs on its runner's own thread and event loop (so the device's timing
never waits for the screen). Its events reach the UI loop through an
:class:`~massage_ctl.tui.relay.EventRelay` (progress coalesced to ≤ 4 redraws/s, every state
change delivered), which never blocks the runner; a Textual thread worker waits for the runner
to end and posts :class:`MassageApp.SessionEnded`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input
from textual.worker import get_current_worker

from massage_ctl.errors import MassageCtlError
from massage_ctl.tui.relay import EventRelay
from massage_ctl.tui.screens.dialogs import FirstRunNote, PainDialog
from massage_ctl.tui.screens.library import LibraryScreen

# Only what the first frame needs is imported at the top; pydantic and the models behind the
# config, programs, device profiles and history load on a worker thread after the first paint
# (tui/startup.py), and the compiler and player with the first detail / run screen (the
# deferred imports below say so where they are).
if TYPE_CHECKING:
    from massage_ctl.config import UserConfig
    from massage_ctl.devices import DeviceProfile
    from massage_ctl.history import HistoryStore
    from massage_ctl.player.events import ProgressEvent
    from massage_ctl.player.runner import SessionRunner
    from massage_ctl.program import Program
    from massage_ctl.session import ConnectionOpener, SessionOptions
    from massage_ctl.timeline import Timeline
    from massage_ctl.tui.controller import SessionController
    from massage_ctl.tui.screens.detail import DetailScreen
    from massage_ctl.tui.screens.devices import DevicesScreen
    from massage_ctl.tui.screens.run import RunScreen
    from massage_ctl.tui.startup import StartupData, StartupLoader

#: After SIGTERM/SIGHUP (device already stopped), how long the UI may take to shut down before
#: the process ends regardless.
SIGNAL_EXIT_GRACE_S = 3.0
#: How often the session watcher looks whether the app asked it to give up (it otherwise just
#: waits for the runner's end; this only bounds how long a closing app waits for the thread).
WATCH_CHECK_S = 0.5


class MassageApp(App[int]):
    """massage_ctl's terminal UI."""

    class SessionEnded(Message):
        """The runner's thread has ended (posted from the watcher worker)."""

        def __init__(self, runner: SessionRunner) -> None:
            super().__init__()
            self.runner = runner

    CSS_PATH = "app.tcss"
    TITLE = "massage_ctl"
    BINDINGS: ClassVar[list[BindingType]] = [
        # STOP outranks every widget and dialog (priority), and is listed first in the footer.
        Binding("escape", "escape", "STOP", priority=True),
        Binding("s", "stop_key", "STOP", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
    ]

    #: Set once the worker has loaded them (:meth:`_startup_done`); read only after that.
    config: UserConfig
    device_profile: DeviceProfile
    programs: list[Program]
    store: HistoryStore | None

    def __init__(
        self,
        *,
        loader: StartupLoader,
        device_url: str | None = None,
        save_settings: bool = True,
        open_connection: ConnectionOpener | None = None,
    ) -> None:
        super().__init__()
        self._loader = loader
        #: True once config, device, programs and history are loaded.
        self.loaded = False
        #: Why start-up failed (invalid config, unreachable device); the app exits with it.
        self.startup_error: MassageCtlError | None = None
        self.device_url = device_url or ""
        self.save_settings = save_settings
        self.open_connection = open_connection
        #: The session control, made once the history is known (:meth:`_startup_done`).
        self.session: SessionController | None = None
        self.run_screen: RunScreen | None = None
        self._summary = ""
        self.sub_title = f"device: {device_url}" if device_url else ""

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

    # -- start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        # SIGTERM and a closed terminal (SIGHUP) stop the device before the app goes.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._exit_on_signal)
        self.push_screen(LibraryScreen())
        # Paint the library frame first, then load (the worker would slow the first paint).
        self.call_after_refresh(self._load)

    @work(thread=True, exclusive=True, group="startup", name="massage-ui-startup")
    def _load(self) -> None:
        """Worker thread: load everything slow; hand the result to the UI thread."""
        try:
            data = self._loader()
        except MassageCtlError as err:
            self.call_from_thread(self._startup_failed, err)
            return
        self.call_from_thread(self._startup_done, data)

    def _startup_done(self, data: StartupData) -> None:
        # Deferred: the controller brings the player and link; they are loaded by now.
        from massage_ctl.tui.controller import SessionController

        self.config, self.device_profile = data.config, data.device_profile
        self.programs, self.store, self._summary = data.programs, data.store, data.summary
        self.session = SessionController(store=data.store, open_connection=self.open_connection)
        self.device_url = data.device_url
        self.sub_title = f"device: {data.device_url}"
        self.loaded = True
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.show_programs(self.programs)
        if not self.config.acknowledged_medical_note:
            self.push_screen(FirstRunNote(), self._medical_note_read)

    def _startup_failed(self, err: MassageCtlError) -> None:
        # The CLI prints it as one clear message once the terminal is restored.
        self.startup_error = err
        self.exit(1)

    def run_checked(self) -> int:
        """Run until the user quits; raise the start-up error (bad config, unreachable device)
        if the app could not load. The device is stopped on every way out."""
        try:
            result = self.run()
        finally:
            # Whatever ended the UI (quit, crash, closed terminal, signal): the device goes off.
            self.stop_device_and_wait()
        if self.startup_error is not None:
            raise self.startup_error
        return result if isinstance(result, int) else 0

    def _medical_note_read(self, ok: bool | None) -> None:
        # Deferred: config (pydantic) is loaded by the start-up worker, not before first paint.
        from massage_ctl.config import save_config

        if not ok:
            return
        self.config = self.config.model_copy(update={"acknowledged_medical_note": True})
        if self.save_settings:
            with contextlib.suppress(Exception):  # a read-only config dir must not stop the UI
                save_config(self.config)

    def home_summary(self) -> str:
        """One line for the library: last session and what the treatment plan says is due."""
        if not self.loaded or self.store is None:
            # Not loaded yet, or why there is no history if it could not be opened.
            return self._summary
        # Deferred: the history models load on the start-up worker, not before first paint.
        from massage_ctl.tui.summary import home_summary

        self._summary = home_summary(self.store)
        return self._summary

    # -- navigation (screens' messages) ----------------------------------------------------
    @on(LibraryScreen.ProgramChosen)
    def _open_program(self, message: LibraryScreen.ProgramChosen) -> None:
        """Show the detail and set-up screen of the chosen program."""
        # Deferred: the detail screen brings the compiler and the chart (docs/TUI.md,
        # "Start-up": they load when it is first opened).
        from massage_ctl.tui.screens.detail import DetailScreen
        from massage_ctl.tui.setup import initial_setup

        program = message.program
        setup = initial_setup(program, self.config, self.device_profile)
        self.push_screen(DetailScreen(program, self.device_profile, setup))

    def action_devices(self) -> None:
        # Deferred: the device screen brings the link (to read a device's description).
        from massage_ctl.tui.screens.devices import DevicesScreen

        self.push_screen(DevicesScreen())

    def action_history(self) -> None:
        # Deferred: the history screen's tables and chart are not needed for the first paint.
        from massage_ctl.tui.screens.history import HistoryScreen

        if not self.loaded:
            self.notify("Still loading — one moment.", timeout=2)
            return
        if self.store is None:
            self.notify("The history database is not available.", severity="error")
            return
        self.push_screen(HistoryScreen(self.store))

    def on_devices_screen_device_chosen(self, message: DevicesScreen.DeviceChosen) -> None:
        """Switch to another device (only between sessions)."""
        if self.session_active:
            self.notify("Stop the session before changing the device.", severity="warning")
            return
        self.device_url = message.url
        self.device_profile = message.profile
        self.sub_title = f"device: {message.url}"
        self.notify(f"Using {message.profile.name} at {message.url}")

    # -- sessions --------------------------------------------------------------------------
    def on_detail_screen_start_requested(self, message: DetailScreen.StartRequested) -> None:
        """Ask for a pain rating (skippable), then start the session."""
        if self.session_active:
            self.notify("A session is already running.", severity="warning")
            return
        options = message.setup.options(message.program, self.device_url, self.device_profile)
        timeline = message.timeline

        def rated(rating: int | None) -> None:
            self._start_session(options, timeline, rating)

        self.push_screen(PainDialog("How is your pain right now?"), rated)

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

    def on_massage_app_session_ended(self, message: SessionEnded) -> None:
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

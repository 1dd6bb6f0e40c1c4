"""The Textual app: screens, the session it drives, and STOP on every screen.

Kept thin: screens (``screens/``) and widgets (``widgets/``) do the drawing; this class owns the
device choice, the running :class:`~massage_ctl.player.runner.SessionRunner` and the exit paths.
:func:`create_app` is the one factory used by the CLI and the tests.

Threads: the session runs on its runner's own thread and event loop (so the device's timing
never waits for the screen). Its events reach the UI loop through an
:class:`~massage_ctl.tui.relay.EventRelay` (progress coalesced to ≤ 4 redraws/s, every state
change delivered), which never blocks the runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import signal
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.widgets import Input

from massage_ctl.errors import MassageCtlError
from massage_ctl.tui.screens.library import LibraryScreen

# Only what the first frame needs is imported here; pydantic and the models behind the config,
# programs, device profiles and history load on a worker thread after the first paint
# (tui/startup.py), and the player (link, codec) with the first session.
if TYPE_CHECKING:
    from massage_ctl.config import UserConfig
    from massage_ctl.devices import DeviceProfile
    from massage_ctl.history import HistoryStore
    from massage_ctl.history.recorder import HistoryRecorder
    from massage_ctl.player.events import ProgressEvent
    from massage_ctl.player.runner import SessionRunner
    from massage_ctl.player.session import LinkConnection
    from massage_ctl.program import Program
    from massage_ctl.timeline import Timeline
    from massage_ctl.tui.relay import EventRelay
    from massage_ctl.tui.screens.run import RunScreen
    from massage_ctl.tui.setup import SessionSetup
    from massage_ctl.tui.startup import StartupData, StartupLoader

#: Opens the link for a session (default: ``massage_ctl.player.session.open_link``).
ConnectionOpener = Callable[[str], Awaitable["LinkConnection"]]

#: How long quitting waits for the device to confirm STOP before leaving anyway (seconds).
QUIT_STOP_WAIT_S = 3.0
#: After SIGTERM/SIGHUP (device already stopped), how long the UI may take to shut down before
#: the process ends regardless.
SIGNAL_EXIT_GRACE_S = 3.0


class MassageApp(App[int]):
    """massage_ctl's terminal UI."""

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
        self.runner: SessionRunner | None = None
        self.recorder: HistoryRecorder | None = None
        self.run_screen: RunScreen | None = None
        self.last_event: ProgressEvent | None = None
        self.open_connection = open_connection
        self._relay: EventRelay | None = None
        self._ui_loop: asyncio.AbstractEventLoop | None = None
        self._summary = ""
        self.sub_title = f"device: {device_url}" if device_url else ""

    # -- start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._ui_loop = asyncio.get_running_loop()
        # SIGTERM and a closed terminal (SIGHUP) stop the device before the app goes.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                self._ui_loop.add_signal_handler(sig, self._exit_on_signal)
        self.push_screen(LibraryScreen())
        # Paint the library frame first, then load (the worker would slow the first paint).
        self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
        self.run_worker(self._load, name="massage-ui-startup", thread=True, group="startup")

    def _load(self) -> None:
        """Worker thread: load everything slow; hand the result to the UI thread."""
        try:
            data = self._loader()
        except MassageCtlError as err:
            self.call_from_thread(self._startup_failed, err)
            return
        self.call_from_thread(self._startup_done, data)

    def _startup_done(self, data: StartupData) -> None:
        self.config, self.device_profile = data.config, data.device_profile
        self.programs, self.store, self._summary = data.programs, data.store, data.summary
        self.device_url = data.device_url
        self.sub_title = f"device: {data.device_url}"
        self.loaded = True
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.show_programs(self.programs)
        if not self.config.acknowledged_medical_note:
            from massage_ctl.tui.screens.dialogs import FirstRunNote

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
        from massage_ctl.config import save_config

        if not ok:
            return
        self.config = self.config.model_copy(update={"acknowledged_medical_note": True})
        if self.save_settings:
            with contextlib.suppress(Exception):  # a read-only config dir must not stop the UI
                save_config(self.config)

    def home_summary(self) -> str:
        """One line for the library: last session and what the treatment plan says is due."""
        if not self.loaded:
            return self._summary
        from massage_ctl.tui.summary import home_summary

        if self.store is None:
            return self._summary  # why there is no history, if it could not be opened
        self._summary = home_summary(self.store)
        return self._summary

    # -- navigation ------------------------------------------------------------------------
    def open_program(self, program: Program) -> None:
        """Show the detail and set-up screen of ``program``."""
        from massage_ctl.tui.screens.detail import DetailScreen
        from massage_ctl.tui.setup import SessionSetup, recommended_safety

        setup = SessionSetup(
            safety=recommended_safety(program, self.config.safety),
            intensity=self.config.intensity,
            exclude=[z for z in self.config.exclude if z in self.device_profile.zones()],
        )
        self.push_screen(DetailScreen(program, self.device_profile, setup))

    def action_devices(self) -> None:
        from massage_ctl.tui.screens.devices import DevicesScreen

        self.push_screen(DevicesScreen())

    def action_history(self) -> None:
        from massage_ctl.tui.screens.history import HistoryScreen

        if not self.loaded:
            self.notify("Still loading — one moment.", timeout=2)
            return
        if self.store is None:
            self.notify("The history database is not available.", severity="error")
            return
        self.push_screen(HistoryScreen(self.store))

    def use_device(self, url: str, profile: DeviceProfile) -> None:
        """Switch to another device (only between sessions)."""
        if self.session_active:
            self.notify("Stop the session before changing the device.", severity="warning")
            return
        self.device_url = url
        self.device_profile = profile
        self.sub_title = f"device: {url}"
        self.notify(f"Using {profile.name} at {url}")

    # -- sessions --------------------------------------------------------------------------
    @property
    def session_active(self) -> bool:
        """True while a session runs (until its device is stopped and recorded)."""
        return self.runner is not None and not self.runner.done

    def begin_session(self, program: Program, timeline: Timeline, setup: SessionSetup) -> None:
        """Ask for a pain rating (skippable), then start the session."""
        if self.session_active:
            self.notify("A session is already running.", severity="warning")
            return

        from massage_ctl.tui.screens.dialogs import PainDialog

        def rated(rating: int | None) -> None:
            self._start_runner(program, timeline, setup, rating)

        self.push_screen(PainDialog("How is your pain right now?"), rated)

    def _start_runner(
        self, program: Program, timeline: Timeline, setup: SessionSetup, pain_before: int | None
    ) -> None:
        from massage_ctl.history.recorder import HistoryRecorder
        from massage_ctl.player.runner import SessionRunner
        from massage_ctl.player.session import Session
        from massage_ctl.safety import load_safety_profile
        from massage_ctl.transports.url import parse_device_url
        from massage_ctl.tui.relay import EventRelay
        from massage_ctl.tui.screens.run import RunScreen
        from massage_ctl.tui.setup import compile_setup

        safety = load_safety_profile(setup.safety)
        if self.store is not None:
            self.recorder = HistoryRecorder(self.store, self.device_url, pain_before=pain_before)

        def build(profile: DeviceProfile) -> Timeline:
            # The device described itself on connect; compile for exactly that (it normally
            # equals the previewed profile, and then this gives the same timeline).
            if profile == self.device_profile:
                return timeline
            return compile_setup(program, profile, setup)

        url, opener = self.device_url, self.open_connection
        session = Session(
            url, build, safety, intensity=setup.intensity, recorder=self.recorder,
            connect=(lambda: asyncio.ensure_future(opener(url))) if opener else None,
        )
        runner = SessionRunner(session, speed=parse_device_url(url).speed)
        loop = asyncio.get_running_loop()
        relay = EventRelay(loop, self._deliver)
        runner.subscribe(relay.push)
        self.run_screen = RunScreen(program, timeline, self.device_profile)
        self.push_screen(self.run_screen)
        self.runner, self._relay, self.last_event = runner, relay, None
        runner.start()
        # A session that fails before playback (device unreachable, handshake refused) ends
        # without any event: a watcher thread reports how it ended.
        context = contextvars.copy_context()
        threading.Thread(
            target=self._watch_runner, args=(runner, loop, context), name="massage-ui-watch",
            daemon=True,
        ).start()

    def _watch_runner(
        self, runner: SessionRunner, loop: asyncio.AbstractEventLoop, ctx: contextvars.Context
    ) -> None:
        runner.wait_done()
        with contextlib.suppress(RuntimeError):  # the UI loop is already closed
            loop.call_soon_threadsafe(self._runner_ended, runner, context=ctx)

    def _runner_ended(self, runner: SessionRunner) -> None:
        """UI loop: the runner's thread has ended; explain an ending that sent no event."""
        if runner is not self.runner or self.run_screen is None:
            return
        try:
            result = runner.wait(0)
        except BaseException as err:  # the runner thread's error: shown, never re-raised here
            hint = getattr(err, "hint", None)
            message = f"{err}" + (f" — {hint}" if hint else "")
            self.run_screen.session_failed(message)
            return
        if self.last_event is None:
            # No event came (they are delivered before this runs; the screen handles them as
            # messages, later): it never played — start refused, or STOP while connecting.
            self.run_screen.session_not_started(result.outcome, result.message)
        self.run_screen.device_stopped(result.stop_confirmed)

    def _deliver(self, event: ProgressEvent) -> None:
        """UI loop: show one event from the relay."""
        from massage_ctl.tui.screens.run import RunScreen

        self.last_event = event
        if self.run_screen is not None:
            self.run_screen.post_message(RunScreen.Update(event))
        if event.kind == "finished":
            self._session_finished(event)

    def _session_finished(self, event: ProgressEvent) -> None:
        if event.state in ("fault", "disconnect"):
            self.bell()
        from massage_ctl.tui.screens.dialogs import PainDialog

        recorder = self.recorder
        if recorder is None:
            return
        self._tell_if_unrecorded(recorder)
        if not recorder.recording:
            return  # no pain question for a session the history could not keep (a busy
            # history still keeps it: the rating is written with the session once it frees)

        def rated(rating: int | None) -> None:
            if rating is not None:
                recorder.add_pain_after(rating)
                self._tell_if_unrecorded(recorder)

        self.push_screen(PainDialog("How is your pain now, after the session?"), rated)

    def _tell_if_unrecorded(self, recorder: HistoryRecorder) -> None:
        # The massage never fails because the diary cannot be written; the user hears of it.
        if recorder.error is not None:
            self.notify(
                f"This session could not be recorded in the history: {recorder.error}",
                title="History", severity="warning", timeout=15,
            )

    def session_pause(self, pause: bool) -> None:
        """Pause (outputs ramp down) or resume (ramp back up)."""
        if self.runner is not None:
            (self.runner.pause if pause else self.runner.resume)()

    def session_adjust(self, delta: float) -> None:
        """Live strength change; the player's guard keeps it under every cap."""
        if self.runner is not None:
            self.runner.adjust(delta)

    def session_skip(self) -> None:
        """Jump to the next phase."""
        if self.runner is not None:
            self.runner.skip_phase()

    # -- STOP and exit paths ---------------------------------------------------------------
    def action_stop(self) -> None:
        """STOP: immediate, from any screen or dialog."""
        if self.runner is not None and not self.runner.done:
            self.runner.stop("stop")
            self.notify("STOP sent — the device is stopping.", severity="error", timeout=6)
        else:
            self.notify("Nothing is running. (STOP always works: s or Esc.)", timeout=3)

    def action_escape(self) -> None:
        """Escape: STOP — or, on the run screen of a session that is over, back (docs/TUI.md)."""
        run = self.run_screen
        if not (run is not None and self.screen is run and run.leave_if_over()):
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

    def stop_device_and_wait(self, timeout: float = QUIT_STOP_WAIT_S) -> None:
        """STOP any running session and wait (bounded) until its device is stopped."""
        runner = self.runner
        if runner is None or runner.done:
            return
        runner.stop("stopped")
        with contextlib.suppress(Exception):
            runner.wait(timeout)

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
        if self.recorder is not None:
            # A busy history: wait a moment for the queued record; whatever is still unwritten
            # goes to the pending file that the next start imports (docs/HISTORY.md).
            self.recorder.settle(2.0)

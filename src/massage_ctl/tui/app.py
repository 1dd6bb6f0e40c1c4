"""The Textual app: start-up, which screen shows, and the user's settings.

Screens (``screens/``) draw and post nested messages (``LibraryScreen.ProgramChosen``,
``DevicesScreen.DeviceChosen``, ``DetailScreen.StartRequested``, ``RunScreen.Pause`` …); they
never import this module. Sessions, STOP and the exit paths are the base class,
:class:`~massage_ctl.tui.session_app.SessionApp`, over a plain
:class:`~massage_ctl.tui.controller.SessionController`.
:func:`~massage_ctl.tui.factory.create_app` is the one factory used by the CLI and the tests.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from textual import on, work

from massage_ctl.errors import MassageCtlError
from massage_ctl.tui.screens.dialogs import FirstRunNote
from massage_ctl.tui.screens.library import LibraryScreen
from massage_ctl.tui.session_app import SessionApp

# Only what the first frame needs is imported at the top; pydantic and the models behind the
# config, programs, device profiles and history load on a worker thread after the first paint
# (tui/startup.py), and the compiler and player with the first detail / run screen (the
# deferred imports below say so where they are).
if TYPE_CHECKING:
    from massage_ctl.config import UserConfig
    from massage_ctl.history import HistoryStore
    from massage_ctl.program import Program
    from massage_ctl.session import ConnectionOpener
    from massage_ctl.tui.screens.devices import DevicesScreen
    from massage_ctl.tui.startup import StartupData, StartupLoader


class MassageApp(SessionApp):
    """massage_ctl's terminal UI."""

    CSS_PATH = "app.tcss"
    TITLE = "massage_ctl"

    #: Set once the worker has loaded them (:meth:`_startup_done`); read only after that.
    config: UserConfig
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
        self._summary = ""
        self.sub_title = f"device: {device_url}" if device_url else ""

    # -- start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.stop_on_signals()
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
        from massage_ctl.tui.home_line import home_summary

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

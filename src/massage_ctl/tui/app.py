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
    from massage_ctl.history.preferences import Preferences
    from massage_ctl.program import Program
    from massage_ctl.session import ConnectionOpener
    from massage_ctl.tui.screens.devices import DevicesScreen
    from massage_ctl.tui.screens.history import HistoryScreen
    from massage_ctl.tui.setup import SessionSetup
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
                self.refresh_marks(screen)
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

    # -- favourites, recent, remembered set-ups (history/preferences.py) -----------------
    def preferences(self) -> Preferences | None:
        """The user's favourites and remembered set-ups; None without a history."""
        if not self.loaded or self.store is None:
            return None
        # Deferred: the history models load on the start-up worker, not before first paint.
        from massage_ctl.history.preferences import Preferences

        return Preferences(self.store)

    def refresh_marks(self, library: LibraryScreen) -> None:
        """Hand the library its favourites and recently used programs (listed first)."""
        prefs = self.preferences()
        if prefs is None:
            return
        # A busy or damaged history only means nothing is listed first.
        with contextlib.suppress(MassageCtlError):
            library.set_marks(prefs.favourites(), prefs.recent())

    @on(LibraryScreen.FavouriteToggled)
    def _toggle_favourite(self, message: LibraryScreen.FavouriteToggled) -> None:
        prefs = self.preferences()
        if prefs is None:
            self.notify("Favourites are kept in the history, which is not available.",
                        severity="warning")
            return
        try:
            now = prefs.toggle_favourite(message.program.id)
        except MassageCtlError as err:
            self.notify(f"Could not change the favourites: {err}", severity="error")
            return
        self.notify(f"{message.program.name}: " + ("now a favourite ★" if now
                    else "no longer a favourite"), timeout=3)
        if isinstance(self.screen, LibraryScreen):
            self.refresh_marks(self.screen)

    def remember_setup(self, program: Program, setup: SessionSetup) -> None:
        """Keep the set-up a session starts with, offered next time for this program."""
        prefs = self.preferences()
        if prefs is not None:
            # A busy history must not hold up the start: it is only a convenience.
            with contextlib.suppress(MassageCtlError):
                prefs.remember(setup.saved(program))

    # -- navigation (screens' messages) ----------------------------------------------------
    @on(LibraryScreen.ProgramChosen)
    def _open_program(self, message: LibraryScreen.ProgramChosen) -> None:
        """Show the detail and set-up screen of the chosen program, with the set-up the user
        chose for it last time (docs/TUI.md, "Remembered set-ups")."""
        # Deferred: the detail screen brings the compiler and the chart (docs/TUI.md,
        # "Start-up": they load when it is first opened).
        from massage_ctl.tui.screens.detail import DetailScreen
        from massage_ctl.tui.setup import initial_setup

        program = message.program
        prefs = self.preferences()
        remembered = None
        if prefs is not None:
            with contextlib.suppress(MassageCtlError):
                remembered = prefs.remembered(program.id)
        setup = initial_setup(program, self.config, self.device_profile, remembered)
        self.push_screen(DetailScreen(program, self.device_profile, setup))

    def on_history_screen_run_again(self, message: HistoryScreen.RunAgain) -> None:
        """Run again: the session's program on the set-up screen, set up as it was played;
        the user confirms there (Start, then the pain question) — nothing starts from the
        history directly."""
        # Deferred: as for _open_program.
        from massage_ctl.tui.screens.detail import DetailScreen
        from massage_ctl.tui.setup import initial_setup

        prefs = self.preferences()
        if prefs is None:
            self.notify("The history is not available.", severity="error")
            return
        try:
            saved = prefs.session_setup(message.session_id)
        except MassageCtlError as err:
            self.notify(str(err), severity="error", timeout=8)
            return
        program = next((p for p in self.programs if p.id == saved.program_id), None)
        if program is None:
            self.notify(
                f"{saved.program_id} is not in the library (a program file run from the "
                f"command line?): run it again with  massage-ctl run --again "
                f"{message.session_id}", severity="warning", timeout=10,
            )
            return
        if saved.device and saved.device != self.device_url:
            self._use_device_of_session(saved.device)
        setup = initial_setup(program, self.config, self.device_profile, saved)
        self.push_screen(DetailScreen(program, self.device_profile, setup))

    def _use_device_of_session(self, url: str) -> None:
        """Switch to the device a repeated session played on, when that needs no connection
        (a simulator); another real device is chosen under Devices (it must describe itself)."""
        from massage_ctl.session.device_profile import resolve_device_profile
        from massage_ctl.transports.url import parse_device_url

        profile = None
        if not self.session_active:
            with contextlib.suppress(MassageCtlError):
                if parse_device_url(url).scheme == "sim":
                    profile = resolve_device_profile(url, None)
        if profile is None:
            self.notify(f"That session played on {url}; this set-up is for {self.device_url}. "
                        f"To play it there, choose it under Devices (d) first.", timeout=10)
            return
        self.device_url, self.device_profile = url, profile
        self.sub_title = f"device: {url}"
        self.notify(f"Using {profile.name} at {url}, as that session did.", timeout=5)

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

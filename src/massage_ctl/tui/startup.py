"""What the library screen needs that is slow to load, loaded off the UI thread.

The user's config, the device's description, the program library and the history summary
together pull in pydantic and build every program and phase model: a few hundred milliseconds.
The app paints the library frame first (textual alone) and runs :func:`load_startup` on a worker
thread right after that first paint; the table fills a moment later. Nothing here imports
textual, so the two never wait for each other's imports on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massage_ctl.config import UserConfig
    from massage_ctl.devices import DeviceProfile
    from massage_ctl.history import HistoryStore
    from massage_ctl.program import Program


@dataclass(frozen=True, slots=True)
class StartupData:
    """Everything the app needs before a program can be opened."""

    config: UserConfig
    device_url: str
    device_profile: DeviceProfile
    programs: list[Program]
    store: HistoryStore | None
    #: The library's summary line (last session, treatment plan); "" without a history.
    summary: str


#: A function that loads the :class:`StartupData` (raises MassageCtlError with a plain message).
StartupLoader = Callable[[], StartupData]


def load_startup(
    device_url: str | None,
    *,
    config: UserConfig | None = None,
    store: HistoryStore | None = None,
    open_default_store: bool = True,
) -> StartupData:
    """Read the config (unless given), describe the device, load the programs and the history.

    ``device_url`` wins over the config's device. ``store`` is used when given; otherwise the
    default history database is opened when ``open_default_store`` (a broken database only
    means "history unavailable": massage still works).
    """
    # Deferred on purpose: this runs on the start-up worker thread, and these imports (pydantic,
    # every program and device model, the link for a real device) are most of its work; at the
    # top they would run on the UI thread before the first paint (docs/TUI.md, "Start-up").
    from massage_ctl.config import AppPaths, load_config
    from massage_ctl.errors import HistoryError
    from massage_ctl.history import HistoryStore
    from massage_ctl.program import list_builtin_programs
    from massage_ctl.session.device import describe_device_now
    from massage_ctl.tui.home_line import home_summary

    config = config if config is not None else load_config()
    url = device_url or config.device
    profile = describe_device_now(url)
    programs = list_builtin_programs()
    unavailable = ""
    if store is None and open_default_store:
        try:
            store = HistoryStore(AppPaths.from_env().history_db)
        except HistoryError as err:
            store = None
            unavailable = f"History unavailable, sessions are not recorded: {err}"
    summary = home_summary(store) if store is not None else unavailable
    return StartupData(config, url, profile, programs, store, summary)

"""``create_app``: the one way to build the UI, shared by ``massage-ctl`` and the tests.

Building the app is cheap on purpose: the config, the device's description, the programs and
the history are loaded by :func:`~massage_ctl.tui.startup.load_startup` on a worker thread
once the library frame is on screen (see docs/TUI.md, "Start-up").
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from massage_ctl.tui.app import MassageApp
from massage_ctl.tui.startup import load_startup

if TYPE_CHECKING:
    from massage_ctl.config import UserConfig
    from massage_ctl.history import HistoryStore
    from massage_ctl.session import ConnectionOpener


def create_app(
    device_url: str | None = None,
    *,
    config: UserConfig | None = None,
    store: HistoryStore | None = None,
    save_settings: bool = True,
    open_connection: ConnectionOpener | None = None,
) -> MassageApp:
    """Build the app for ``device_url`` (default: the config's device, else ``sim://chair``).

    A real device is contacted once, while the library loads, to read its channel table;
    failing that (or an invalid config file) ends the app, and :meth:`MassageApp.run_checked`
    raises the :class:`~massage_ctl.errors.MassageCtlError` with its plain-words message.
    ``open_connection`` replaces how sessions open their link (tests use it to reach the
    simulated device and inspect its record).
    """
    loader = partial(load_startup, device_url, config=config, store=store)
    return MassageApp(
        loader=loader,
        device_url=device_url,
        save_settings=save_settings,
        open_connection=open_connection,
    )


def open_ui(device_url: str | None = None) -> int:
    """``massage-ctl`` with no command: run the UI until the user quits; the exit status.

    The device is stopped on every way out; a start-up error (invalid config, unreachable
    device) is raised as its :class:`~massage_ctl.errors.MassageCtlError` once the terminal is
    restored, for the CLI's one error handler.
    """
    return create_app(device_url).run_checked()


__all__ = ["create_app", "open_ui"]

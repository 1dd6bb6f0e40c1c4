"""``create_app``: the one way to build the UI, shared by ``massage-ctl`` and the tests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from massage_ctl.config import AppPaths, UserConfig, load_config
from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore
from massage_ctl.program import list_builtin_programs
from massage_ctl.tui.app import ConnectionOpener, MassageApp


def describe_device_now(url: str) -> DeviceProfile:
    """The device's description, read before the UI starts (safe inside a running loop)."""
    from massage_ctl.tui.screens.devices import describe_device

    # A fresh loop on a helper thread: callers may already be inside an event loop (tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, describe_device(url)).result()


def create_app(
    device_url: str | None = None,
    *,
    config: UserConfig | None = None,
    store: HistoryStore | None = None,
    save_settings: bool = True,
    open_connection: ConnectionOpener | None = None,
) -> MassageApp:
    """Build the app for ``device_url`` (default: the config's device, else ``sim://chair``).

    A real device is contacted once, here, to read its channel table; failing that is a
    :class:`~massage_ctl.errors.MassageCtlError` with a plain-words message.
    ``open_connection`` replaces how sessions open their link (tests use it to reach the
    simulated device and inspect its record).
    """
    config = config if config is not None else load_config()
    url = device_url or config.device
    profile = describe_device_now(url)
    if store is None:
        try:
            store = HistoryStore(AppPaths.from_env().history_db)
        except HistoryError:
            store = None  # the UI says "history unavailable"; massage still works
    return MassageApp(
        device_url=url,
        device_profile=profile,
        config=config,
        programs=list_builtin_programs(),
        store=store,
        save_settings=save_settings,
        open_connection=open_connection,
    )

"""Byte streams to devices: the simulator, serial ports, TCP sockets and Bluetooth LE.

:func:`open_transport` turns a device URL (CONTRACTS §2) into a :class:`Transport`. Backends are
found through a lazy name → (module, class) registry, so ``import massage_ctl`` (and this
package) never imports pyserial or bleak; a missing or broken driver only fails the one URL
that needs it, with a clear :class:`~massage_ctl.errors.TransportError`.

Usage::

    async with open_transport("sim://pad") as transport:
        await transport.write(frame)
        data = await transport.read()
"""

from __future__ import annotations

import importlib

from massage_ctl.errors import TransportError
from massage_ctl.transports.base import Transport
from massage_ctl.transports.url import SCHEMES, DeviceURL, as_device_url, parse_device_url

#: URL scheme → (module, class). Imported only when a URL of that scheme is opened.
TRANSPORT_BACKENDS: dict[str, tuple[str, str]] = {
    "sim": ("massage_ctl.transports.sim", "SimTransport"),
    "serial": ("massage_ctl.transports.serial_port", "SerialTransport"),
    "socket": ("massage_ctl.transports.tcp", "SocketTransport"),
    "ble": ("massage_ctl.transports.ble", "BleTransport"),
}

_DRIVER_HINTS = {
    "serial": "install pyserial and pyserial-asyncio-fast (pip install massage-ctl pulls them in)",
    "socket": "install pyserial and pyserial-asyncio-fast (pip install massage-ctl pulls them in)",
    "ble": "install bleak (pip install massage-ctl pulls it in)",
    "sim": "the simulator package massage_sim ships with massage-ctl; reinstall it",
}


def transport_class(scheme: str) -> type[Transport]:
    """The transport class for ``scheme``, importing its module now."""
    try:
        module_name, class_name = TRANSPORT_BACKENDS[scheme]
    except KeyError:
        raise TransportError(
            f"no transport for scheme {scheme!r}", hint=f"known: {', '.join(SCHEMES)}"
        ) from None
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise TransportError(
            f"the {scheme} transport cannot be loaded: {err}", hint=_DRIVER_HINTS.get(scheme)
        ) from err
    cls: type[Transport] = getattr(module, class_name)
    return cls


def open_transport(url: str | DeviceURL) -> Transport:
    """The transport for ``url``, not yet connected: use ``async with`` or ``await .open()``.

    A malformed URL raises :class:`~massage_ctl.errors.DeviceURLError` right here; port,
    permission and adapter problems surface from ``open()`` as
    :class:`~massage_ctl.errors.TransportError` with a hint.
    """
    parsed = as_device_url(url)
    return transport_class(parsed.scheme).from_url(parsed)


__all__ = [
    "TRANSPORT_BACKENDS",
    "DeviceURL",
    "Transport",
    "open_transport",
    "parse_device_url",
    "transport_class",
]

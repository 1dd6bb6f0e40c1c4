"""A device's own description (its channel table), read before any session.

For ``sim://`` URLs it is the named profile; any other device is connected to once, asked, and
closed again (sessions reconnect when they start). Both front ends use this: the UI when it
starts and when the user picks a device.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.player.session import open_link
from massage_ctl.transports.url import parse_device_url


async def describe_device(url: str) -> DeviceProfile:
    """The device's own description: from the profile for ``sim://``, else by connecting."""
    parsed = parse_device_url(url)
    if parsed.scheme == "sim":
        return load_device_profile(parsed.target)
    conn = await open_link(url)
    try:
        return conn.link.profile
    finally:
        await conn.close()


def describe_device_now(url: str) -> DeviceProfile:
    """:func:`describe_device`, synchronously (safe inside a running loop)."""
    # A fresh loop on a helper thread: callers may already be inside an event loop (tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, describe_device(url)).result()

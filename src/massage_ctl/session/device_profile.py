"""Which device profile a session is compiled for before any device is contacted.

Here, not in ``devices/``: it reads a device URL (``transports/url.py``), and the URL parser
itself reads the device registry for its hints; a profile lookup in the registry that parsed
URLs would close that loop.
"""

from __future__ import annotations

from massage_ctl.devices import BUILTIN_PROFILES, DeviceProfile, load_device_profile
from massage_ctl.devices.registry import DEFAULT_PROFILE
from massage_ctl.errors import DeviceProfileError
from massage_ctl.transports.url import parse_device_url


def resolve_device_profile(device_url: str | None, profile: str | None) -> DeviceProfile:
    """The profile named by ``--profile`` or implied by a ``sim://NAME`` device URL.

    Compiling never connects to a device: a ``sim://`` URL names its profile directly; for other
    URLs ``profile`` must be given (the real device describes itself at connect time).
    """
    if profile:
        return load_device_profile(profile)
    if not device_url:
        return load_device_profile(DEFAULT_PROFILE)
    # The URL parser the transports use, so compile and run agree on what a URL names
    # (sim:///abs/path.toml is an absolute path) and a bad URL — an unknown scheme such as
    # usb:// — is reported as such.
    url = parse_device_url(device_url)
    if url.scheme == "sim":
        return load_device_profile(url.target)
    raise DeviceProfileError(
        f"cannot know the channels of {device_url!r} without connecting",
        hint=f"add --profile NAME ({', '.join(BUILTIN_PROFILES)} or a descriptor file) to "
        "compile offline",
    )

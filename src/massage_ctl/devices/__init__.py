"""Device profiles: what a device has (channels, hard limits) — see docs/DEVICE_PROFILES.md."""

from massage_ctl.devices.descriptor import ChannelSpec, DeviceProfile
from massage_ctl.devices.plausibility import ChannelProblem, validate_channel
from massage_ctl.devices.registry import BUILTIN_PROFILES, load_device_profile

__all__ = [
    "BUILTIN_PROFILES",
    "ChannelProblem",
    "ChannelSpec",
    "DeviceProfile",
    "load_device_profile",
    "validate_channel",
]

"""The session's own limits as SESSION_START carries them (protocol version 2, PROTOCOL.md §5.4).

The player's guard knows the active limits of every channel (device hard limits ∩ safety
profile ∩ the program's own caps). Sent to the device, they make safety layer 3 enforce the
session's limits too, not only the device's hard ones: a controller bug that bypassed the guard
is still clamped by the device. Only channels whose session limit is tighter than the device's
hard limit get an entry (a channel without one keeps its hard limits).
"""

from __future__ import annotations

from collections.abc import Mapping

from massage_ctl.devices import DeviceProfile
from massage_ctl.protocol.messages import SessionLimit
from massage_ctl.protocol.units import value_to_raw


def _milli(per_s: float) -> int:
    # Rounded, at least 1: zero would mean "no movement at all", which the device refuses.
    return max(1, round(per_s * 1000))


def session_limits_for(
    profile: DeviceProfile, limits: Mapping[str, tuple[float, float]]
) -> tuple[SessionLimit, ...]:
    """SESSION_START entries for ``limits`` (channel id → (cap, ramp per s), channel units).

    The cap is encoded exactly as a SETPOINT target of the same value (``value_to_raw``), so a
    setpoint at the cap is never clamped by the device; channels the profile lacks are
    skipped; an entry is made only where cap or ramp is tighter than the device's own.
    """
    entries = []
    for index, spec in enumerate(profile.channels):
        lim = limits.get(spec.id)
        if lim is None:
            continue
        cap, ramp = lim
        hard_raw = value_to_raw(spec.hard_max, spec.max)
        raw = min(value_to_raw(max(0.0, min(cap, spec.hard_max)), spec.max), hard_raw)
        hard_ramp = _milli(spec.max_ramp_per_s)
        ramp_milli = min(_milli(ramp), hard_ramp)
        if raw < hard_raw or ramp_milli < hard_ramp:
            entries.append(SessionLimit(index, raw, ramp_milli))
    return tuple(entries)

"""Telemetry: the device's STATUS frames turned into :class:`~massage_ctl.link.api.LinkStatus`."""

from __future__ import annotations

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import LinkStatus
from massage_ctl.protocol.enums import DeviceState, FaultBits
from massage_ctl.protocol.messages import Status
from massage_ctl.protocol.units import raw_to_value

_STATE_NAMES = {int(s): s.name.lower() for s in DeviceState}


def fault_names(bits: int) -> tuple[str, ...]:
    """Lower-case names of the fault bits set in ``bits`` (unknown bits as ``bit N``)."""
    if not bits:  # the 10 Hz common case: keep it cheap
        return ()
    names = [m.name.lower() for m in FaultBits if m.name and bits & m.value]
    known = 0
    for m in FaultBits:
        known |= m.value
    names += [f"bit {i}" for i in range(16) if bits & ~known & (1 << i)]
    return tuple(names)


def status_from_frame(msg: Status, profile: DeviceProfile, t: float) -> LinkStatus:
    """A STATUS in controller terms: channel ids, engineering units, state and fault names."""
    actual = {
        spec.id: raw_to_value(raw, spec.max)
        for spec, raw in zip(profile.channels, msg.values, strict=False)
    }
    state = _STATE_NAMES.get(int(msg.state)) or f"state {int(msg.state)}"
    return LinkStatus(
        state=state,
        actual=actual,
        faults=fault_names(int(msg.fault_bits)),
        last_seq=msg.last_seq,
        t=t,
    )

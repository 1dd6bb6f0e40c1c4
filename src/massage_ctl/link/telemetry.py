"""Telemetry: the device's STATUS frames turned into :class:`~massage_ctl.link.api.LinkStatus`.

STATUS arrives at 10 Hz per device (and far faster on the virtual clock), so the decoder
precomputes each channel's id and scale once per connection and does one multiplication per
channel per frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress
from operator import mul, ne

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import LinkStatus
from massage_ctl.protocol.enums import DeviceState, FaultBits
from massage_ctl.protocol.messages import Status
from massage_ctl.protocol.units import RAW_FULL_SCALE
from massage_ctl.slots import frozen_maker

#: User-facing state names (CONTRACTS §6: ``idle``, ``running``, ``stopped``, ``link-lost``,
#: ``fault``).
STATE_NAMES: dict[int, str] = {int(s): s.name.lower().replace("_", "-") for s in DeviceState}
#: Wire states that confirm a STOP (FAULT counts as stopped; PROTOCOL §7.2).
STOPPED_WIRE_STATES = frozenset({DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST})
#: ``LinkStatus(state, actual, faults, last_seq, t)`` without the frozen ``__init__`` (10 Hz).
_make_link_status = frozen_maker(LinkStatus)


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


def fault_bits_of(names: tuple[str, ...]) -> int:
    """The wire fault bits for names :func:`fault_names` gave (unknown names count nothing)."""
    bits = 0
    for name in names:
        member = FaultBits.__members__.get(name.upper())
        bits |= member.value if member is not None else 0
    return bits


def state_name(state: int) -> str:
    """The user-facing name of a wire device state (``state N`` for an unknown one)."""
    return STATE_NAMES.get(int(state)) or f"state {int(state)}"


class TelemetryDecoder:
    """Turns STATUS frames of one connected device into :class:`LinkStatus` reports."""

    def __init__(self, profile: DeviceProfile) -> None:
        self._ids = [spec.id for spec in profile.channels]
        self._scales = [spec.max / RAW_FULL_SCALE for spec in profile.channels]
        self._last_raw: tuple[int, ...] | None = None
        self._last_actual: dict[str, float] = {}
        #: Newest TEMPERATURE report (heat channel id → °C); replaced, never changed in place,
        #: so every LinkStatus keeps the readings it was made with.
        self.measured_c: dict[str, float] = {}

    def temperature(self, readings: Mapping[int, float]) -> None:
        """A TEMPERATURE report (channel index → °C): later reports carry these readings."""
        merged = dict(self.measured_c)
        for index, temp_c in readings.items():
            if 0 <= index < len(self._ids):
                merged[self._ids[index]] = temp_c
        self.measured_c = merged

    def decode(self, msg: Status, t: float) -> LinkStatus:
        """``msg`` in controller terms, received at loop time ``t``.

        Successive reports with the same raw values share one ``actual`` dict (most channels
        hold still between two STATUS frames); treat it as read-only.
        """
        return self.decode_fields(msg.state, msg.fault_bits, msg.last_seq, msg.values, t)

    def decode_fields(
        self, state: int, fault_bits: int, last_seq: int, values: tuple[int, ...], t: float
    ) -> LinkStatus:
        """:meth:`decode` of a STATUS given as its fields (what
        :func:`~massage_ctl.protocol.shortcuts.read_status` yields)."""
        last_raw = self._last_raw
        if values == last_raw:
            actual = self._last_actual
        elif last_raw is not None and len(values) == len(last_raw) <= len(self._ids):
            # Usually one or two channels move between two reports: copy the last dict (it
            # is shared with earlier reports, so never changed in place) and convert only the
            # values that differ; compress/map find them in C.
            actual = self._last_actual.copy()
            ids, scales = self._ids, self._scales
            for i in compress(range(len(values)), map(ne, values, last_raw)):
                actual[ids[i]] = values[i] * scales[i]
            self._last_raw, self._last_actual = values, actual
        else:
            # The codec already checked every value is a u16, so no range check here.
            # map/zip run in C: no Python frame per channel.
            actual = dict(zip(self._ids, map(mul, values, self._scales), strict=False))
            self._last_raw, self._last_actual = values, actual
        return _make_link_status(
            STATE_NAMES.get(state) or state_name(state),
            actual,
            fault_names(fault_bits) if fault_bits else (),
            last_seq,
            t,
            self.measured_c,
        )


def status_from_frame(msg: Status, profile: DeviceProfile, t: float) -> LinkStatus:
    """A STATUS in controller terms: channel ids, engineering units, state and fault names."""
    return TelemetryDecoder(profile).decode(msg, t)

"""The link's outgoing side: a newest-wins slot per channel and the device's frame budget.

Setpoints are not queued: each channel has one *latest* slot, and a new setpoint for a channel
replaces the one waiting there. However slow the link, the device only ever receives the
newest target per channel — there is no backlog of stale commands (DESIGN §5).

Frames (heartbeats included) leave at most ``max_frame_rate_hz`` per second: the
:class:`FrameBudget` spaces them ``1 / rate`` apart. STOP is the one exception: it never waits
for the budget; the frames it used are charged afterwards (see docs/LINK.md).
"""

from __future__ import annotations

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.handshake import setpoint_entry_for
from massage_ctl.protocol.messages import Setpoint, SetpointEntry

MAX_ENTRIES = 24  # messages.toml: SETPOINT entries max


class FrameBudget:
    """Spaces frames at most ``rate_hz`` per second (``next_at`` = earliest next send)."""

    def __init__(self, rate_hz: float) -> None:
        self.interval = 1.0 / rate_hz
        self.next_at = 0.0

    def spend(self, now: float, frames: int = 1) -> None:
        """Record ``frames`` sent at ``now``."""
        self.next_at = max(self.next_at, now) + self.interval * frames


class SetpointSlots:
    """Newest-wins slot per channel, packed into SETPOINT frames that fit one transport write."""

    def __init__(self, profile: DeviceProfile, max_write: int) -> None:
        self._index = {spec.id: (i, spec) for i, spec in enumerate(profile.channels)}
        self._slots: dict[str, ChannelSetpoint] = {}
        self._max_write = max_write
        self.replaced = 0  # setpoints overwritten before they were sent (coalesced)

    def __len__(self) -> int:
        return len(self._slots)

    def put(self, sp: ChannelSetpoint) -> None:
        """Place ``sp`` in its channel's slot, replacing an unsent older one."""
        if sp.channel not in self._index:
            raise KeyError(sp.channel)
        if sp.channel in self._slots:
            self.replaced += 1
        self._slots[sp.channel] = sp

    def clear(self) -> None:
        """Drop everything unsent (STOP)."""
        self._slots.clear()

    def take_frame(self, seq: int) -> bytes | None:
        """Encode as many waiting setpoints as fit one write into one SETPOINT frame."""
        if not self._slots:
            return None
        entries: list[SetpointEntry] = []
        taken: list[str] = []
        frame = b""
        for cid, sp in self._slots.items():
            index, spec = self._index[cid]
            entry = setpoint_entry_for(
                index, spec, sp.value, ramp_ms=sp.ramp_ms, pattern=sp.pattern, rate_hz=sp.rate_hz
            )
            candidate = encode_frame(Setpoint(tuple([*entries, entry])), seq)
            if entries and len(candidate) > self._max_write:
                break  # keep the frame within one write (one BLE packet)
            entries.append(entry)
            taken.append(cid)
            frame = candidate
            if len(entries) == MAX_ENTRIES:
                break
        for cid in taken:
            del self._slots[cid]
        return frame

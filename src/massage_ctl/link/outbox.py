"""The link's outgoing side: a newest-wins slot per channel and the device's frame budget.

Setpoints are not queued: each channel has one *latest* slot, and a new setpoint for a channel
replaces the one waiting there. However slow the link, the device only ever receives the
newest target per channel — there is no backlog of stale commands (DESIGN §5).

Frames (heartbeats included) leave at most ``max_frame_rate_hz`` per second: the
:class:`FrameBudget` spaces them ``1 / rate`` apart. STOP is the one exception: it never waits
for the budget; the frames it used are charged afterwards (see docs/LINK.md).
"""

from __future__ import annotations

import asyncio
import math

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.handshake import setpoint_entry_for
from massage_ctl.protocol.messages import Heartbeat, Setpoint, SetpointEntry

MAX_ENTRIES = 24  # messages.toml: SETPOINT entries max
#: A deadline counts as due within 1 µs: asyncio fires timers within the clock's resolution, and
#: a deadline a hair ahead would otherwise become a tiny wait that spins the virtual clock.
DUE_EPS_S = 1e-6
HEARTBEAT_S = 0.1
#: The two heartbeat messages (without / with the stop flag): frozen, so built once.
_HEARTBEATS = (Heartbeat(False), Heartbeat(True))


class FrameBudget:
    """Spaces frames at most ``rate_hz`` per second (``next_at`` = earliest next send)."""

    def __init__(self, rate_hz: float) -> None:
        self.interval = 1.0 / rate_hz
        self.next_at = 0.0

    def spend(self, now: float, frames: int = 1) -> None:
        """Record ``frames`` sent at ``now``."""
        # + DUE_EPS_S: a frame may leave up to DUE_EPS_S before ``next_at`` (timer tolerance),
        # so the spacing between two frames still never drops below ``interval``.
        self.next_at = max(self.next_at, now) + self.interval * frames + DUE_EPS_S


class SetpointSlots:
    """Newest-wins slot per channel, packed into SETPOINT frames of at most ``max_bytes``.

    ``max_bytes`` is ``min(max_write, max_frame_bytes)`` of the transport: one write (one BLE
    packet), and short enough on a slow UART that STOP is not stuck behind it for long. A frame
    always carries at least one setpoint. Slots leave in the order they were first filled, so
    a setpoint waits for at most :attr:`frames_for_all` − 1 frames of other setpoints.
    """

    def __init__(self, profile: DeviceProfile, max_bytes: int) -> None:
        self._index = {spec.id: (i, spec) for i, spec in enumerate(profile.channels)}
        self._slots: dict[str, ChannelSetpoint] = {}
        self._max_bytes = max_bytes
        self.entries_per_frame = _entries_that_fit(profile, max_bytes)
        #: SETPOINT frames needed to send one setpoint for every channel.
        self.frames_for_all = max(1, math.ceil(len(profile.channels) / self.entries_per_frame))
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
        """Encode the oldest waiting setpoints that fit ``max_bytes`` into one SETPOINT frame."""
        if not self._slots:
            return None
        entries: list[SetpointEntry] = []
        for cid, sp in self._slots.items():
            index, spec = self._index[cid]
            entries.append(setpoint_entry_for(
                index, spec, sp.value, ramp_ms=sp.ramp_ms, pattern=sp.pattern, rate_hz=sp.rate_hz
            ))
            if len(entries) == self.entries_per_frame:
                break
        frame = encode_frame(Setpoint(tuple(entries)), seq)
        count = len(entries)
        while count > 1 and len(frame) > self._max_bytes:
            count -= 1  # entries are fixed-size, so this only guards against a codec change
            frame = encode_frame(Setpoint(tuple(entries[:count])), seq)
        for cid in list(self._slots)[:count]:
            del self._slots[cid]
        return frame

def _entries_that_fit(profile: DeviceProfile, max_bytes: int) -> int:
    """How many SETPOINT entries fit an encoded frame of ``max_bytes`` (1 … MAX_ENTRIES)."""
    specs = profile.channels[:MAX_ENTRIES]
    count = 1
    while count < len(specs):
        entries = tuple(
            setpoint_entry_for(i, spec, spec.hard_max, ramp_ms=0xFFFFFFFF, pattern="steady")
            for i, spec in enumerate(specs[: count + 1])
        )
        if len(encode_frame(Setpoint(entries), 0xFFFF)) > max_bytes:
            break
        count += 1
    return count


def max_setpoint_delay_s(frames_for_all: int, interval_s: float) -> float:
    """Longest a submitted setpoint can wait in the link before it is written (seconds).

    Counted in frame slots of ``interval_s``: the slot already spent when it arrived, one
    acknowledged control frame, the ``frames_for_all`` SETPOINT frames of a burst in which
    every channel changed (its own included; slots leave oldest first) and the heartbeats
    sent meanwhile. Two bounds hold for those heartbeats, and the smaller one is used: at
    most one per 100 ms plus one slipped from before; and at most one between two SETPOINT
    frames (a due heartbeat lets one waiting SETPOINT frame go first).
    """
    alternating = 2 + 2 * frames_for_all
    if interval_s >= HEARTBEAT_S:
        return alternating * interval_s
    slots = frames_for_all + 3
    while slots < frames_for_all + 3 + math.floor(slots * interval_s / HEARTBEAT_S):
        slots += 1
    return min(slots, alternating) * interval_s


class Outbox:
    """Everything waiting to leave, and the order it leaves in (docs/LINK.md, "Priority").

    Acknowledged control frames first, then the heartbeat when due (every 100 ms on an
    absolute cadence) — except that a due heartbeat lets one waiting SETPOINT frame go first
    (it slips by one frame slot at most) — then packed setpoints, all within the frame budget.
    It also owns the
    sequence counter, the stop flag the heartbeats carry and the latch that drops setpoints.
    """

    def __init__(self) -> None:
        self.control: list[bytes] = []  # acknowledged frames (and retries) waiting
        self.slots: SetpointSlots | None = None  # set at handshake
        self.budget = FrameBudget(20.0)  # until the device tells us its own rate
        self.next_hb: float | None = None  # None until connected: no heartbeats before
        self.stop_flag = False  # heartbeats carry stop_requested until STATUS says stopped
        self.latched = True  # no setpoints until a session start
        self.hb_slipped = False  # the due heartbeat already let one SETPOINT frame go first
        self.seq = 0

    def next_seq(self) -> int:
        """Allocate the next 16-bit sequence number."""
        self.seq = (self.seq + 1) & 0xFFFF
        return self.seq

    def drop_all(self) -> None:
        """STOP: forget every unsent setpoint and control frame; drop setpoints until a start."""
        self.latched = True
        self.stop_flag = True
        if self.slots is not None:
            self.slots.clear()
        self.control.clear()

    def next_frame(self, now: float) -> tuple[bytes | None, float | None, bool]:
        """The frame to send at ``now``, else ``(None, when to look again, wakeable)``.

        ``wakeable`` is False when only time can help (waiting for the budget), so a new
        setpoint need not wake the writer early.
        """
        due = now + DUE_EPS_S
        next_hb = self.next_hb
        hb_due = next_hb is not None and due >= next_hb
        slots = self.slots
        setpoints = slots is not None and not self.latched and len(slots) > 0
        if not (self.control or hb_due or setpoints):
            return None, next_hb, True
        if due < self.budget.next_at:
            return None, self.budget.next_at, False
        if self.control:
            return self.control.pop(0), None, False
        if hb_due and not (setpoints and not self.hb_slipped):
            assert next_hb is not None
            self.hb_slipped = False
            # Absolute cadence; after a stall restart from now rather than burst.
            next_hb += HEARTBEAT_S
            self.next_hb = next_hb if next_hb > due else now + HEARTBEAT_S
            return encode_frame(_HEARTBEATS[self.stop_flag], self.next_seq()), None, False
        assert slots is not None
        # A due setpoint goes before a due heartbeat once: the heartbeat is late by one frame
        # slot (20 ms on the chair, far inside the 500 ms watchdog), the setpoint is not held
        # back a whole slot behind it (docs/LINK.md, "Heartbeats").
        self.hb_slipped = hb_due
        frame = slots.take_frame((self.seq + 1) & 0xFFFF)
        if frame is not None:
            self.next_seq()
        return frame, next_hb, True


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class Wakeup:
    """The writer's sleep: until a time, or (if wakeable) until :meth:`kick`.

    A bare future and a timer handle: far cheaper than ``wait_for`` (which makes a task per
    call) at 10+ wake-ups per second, which matters on the virtual clock.
    """

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None

    async def sleep_until(self, when: float | None, *, wakeable: bool = True) -> None:
        """Sleep until loop time ``when`` (None: no timer) or, if ``wakeable``, a kick."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        handle = None if when is None else loop.call_at(when, _resolve, fut)
        if wakeable:
            self._waiter = fut
        try:
            await fut
        finally:
            self._waiter = None
            if handle is not None:
                handle.cancel()

    def kick(self) -> None:
        """Wake a wakeable sleep now (new setpoint, request, STOP)."""
        if self._waiter is not None:
            _resolve(self._waiter)

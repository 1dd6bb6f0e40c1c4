"""The link's outgoing side: a newest-wins slot per channel and the device's frame budget.

Setpoints are not queued: each channel has one *latest* slot, and a new setpoint for a channel
replaces the one waiting there. However slow the link, the device only ever receives the
newest target per channel — there is no backlog of stale commands (PROTOCOL.md). Each SETPOINT
frame carries one channel (19 bytes encoded): PROTOCOL.md keeps heartbeat, setpoint and STOP
frames within 20 bytes, so a frame on the wire never holds STOP back for long and fits one BLE
write. The slot's setpoint passes the link's *setpoint filter* (the player's guard) at the
moment its frame is built, so the guard judges it against what the device is doing then —
however long it waited for the budget.

Frames (heartbeats included) leave at most ``max_frame_rate_hz`` in any 1-s window
(PROTOCOL §7.5), in bursts of at most :func:`burst_for` frames back to back: the
:class:`FrameBudget`. STOP is the one exception: it never waits for the budget; the frames it
used are charged afterwards (see docs/LINK.md).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque

from massage_ctl.devices import DeviceProfile
from massage_ctl.link.api import ChannelSetpoint, SetpointFilter
from massage_ctl.protocol.codec import encode_frame
from massage_ctl.protocol.handshake import setpoint_entry_for
from massage_ctl.protocol.messages import Setpoint
from massage_ctl.protocol.schema import PROTOCOL_VERSION
from massage_ctl.protocol.shortcuts import encode_heartbeat

#: A deadline counts as due within 1 µs: asyncio fires timers within the clock's resolution, and
#: a deadline a hair ahead would otherwise become a tiny wait that spins the virtual clock.
DUE_EPS_S = 1e-6
HEARTBEAT_S = 0.1
#: The window PROTOCOL §7.5 averages the frame rate over (seconds).
RATE_WINDOW_S = 1.0


def burst_for(rate_hz: float) -> int:
    """Frames that may leave back to back: what the budget earns in one heartbeat period.

    Enough that a setpoint due next to a heartbeat (or a few channels changing together) goes
    at once instead of a frame interval later, and small enough for any device's receive
    buffer (5 × 19 bytes on a 50 frames/s chair, 2 on a 20 frames/s BLE pad).
    """
    return max(2, math.floor(rate_hz * HEARTBEAT_S))


class FrameBudget:
    """At most ``rate_hz`` frames in any 1-s window, at most ``burst`` back to back.

    Two rules, both kept exactly: a sliding window (the send times of the last
    ``floor(rate_hz)`` frames; the next may leave 1 s after the oldest of them) — PROTOCOL §7.5;
    and a token bucket of ``burst`` frames refilled at ``rate_hz``, so frames never leave in
    clumps larger than a device's receive buffer expects. ``next_at`` = earliest next send.
    """

    def __init__(self, rate_hz: float, burst: int = 1) -> None:
        self._sent: deque[float] = deque()
        self.next_at = 0.0
        self.configure(rate_hz, burst)

    def configure(self, rate_hz: float, burst: int) -> None:
        """Use the device's rate and burst (after the handshake; frames sent so far count)."""
        self.interval = 1.0 / rate_hz
        self.burst = max(1, burst)
        window = max(1, math.floor(rate_hz * RATE_WINDOW_S))
        self._sent = deque(self._sent, maxlen=window)  # the handshake's frames still count
        self._tokens = float(self.burst)
        self._refilled_at = -math.inf

    def spend(self, now: float, frames: int = 1) -> None:
        """Record ``frames`` sent at ``now``."""
        # Every heartbeat and setpoint comes here (≈18 k times a 30-min session at speed=max),
        # so plain comparisons instead of min()/max() calls and a list per call: the same
        # floats as the min/max formula (a test compares the two).
        sent = self._sent
        if frames == 1:
            sent.append(now)
        else:
            sent.extend([now] * frames)
        tokens = self._tokens + (now - self._refilled_at) / self.interval
        burst = float(self.burst)
        if tokens > burst:
            tokens = burst
        self._tokens = tokens = tokens - frames
        self._refilled_at = now
        # A frame may leave up to DUE_EPS_S before ``next_at`` (timer tolerance); twice that
        # margin keeps both rules even after float rounding.
        next_at = now + (1.0 - tokens) * self.interval if tokens < 1.0 else now
        if len(sent) == sent.maxlen:
            window_end = sent[0] + RATE_WINDOW_S
            if window_end > next_at:
                next_at = window_end
        self.next_at = next_at + 2 * DUE_EPS_S


class SetpointSlots:
    """Newest-wins slot per channel; each SETPOINT frame carries the oldest waiting one.

    Slots leave in the order they were first filled (a replaced setpoint keeps its place), so
    a channel waits behind at most one frame of every other channel. ``filter`` (the player's
    guard) turns a slot's setpoint into the one sent, at the moment its frame is built.
    """

    def __init__(
        self, profile: DeviceProfile, setpoint_filter: SetpointFilter | None = None
    ) -> None:
        self._index = {spec.id: (i, spec) for i, spec in enumerate(profile.channels)}
        self._slots: dict[str, ChannelSetpoint] = {}
        self.filter = setpoint_filter
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

    def take_frame(self, seq: int, now: float, version: int = PROTOCOL_VERSION) -> bytes | None:
        """The SETPOINT frame for the oldest waiting slot, sent at loop time ``now``."""
        if not self._slots:
            return None
        cid = next(iter(self._slots))
        sp = self._slots.pop(cid)
        if self.filter is not None:
            sp = self.filter(sp, now)
        index, spec = self._index[cid]
        entry = setpoint_entry_for(
            index, spec, sp.value, ramp_ms=sp.ramp_ms, pattern=sp.pattern, rate_hz=sp.rate_hz
        )
        return encode_frame(Setpoint((entry,)), seq, version)


class Outbox:
    """Everything waiting to leave, and the order it leaves in (docs/LINK.md, "Priority").

    Acknowledged control frames first, then the heartbeat when due (every 100 ms on an
    absolute cadence) — except that a due heartbeat lets one waiting SETPOINT frame go first
    (it slips by one frame slot at most) — then setpoints (one channel per frame), all within
    the frame budget. It also owns the sequence counter, the stop flag the heartbeats carry and
    the latch that drops setpoints.
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
        self.version = PROTOCOL_VERSION  # the protocol version negotiated at the handshake

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
            return encode_heartbeat(self.next_seq(), self.stop_flag, self.version), None, False
        assert slots is not None
        # A due setpoint goes before a due heartbeat once: the heartbeat is late by one frame
        # slot (20 ms on the chair, far inside the 500 ms watchdog), the setpoint is not held
        # back a whole slot behind it (docs/LINK.md, "Heartbeats").
        self.hb_slipped = hb_due
        frame = slots.take_frame((self.seq + 1) & 0xFFFF, now, self.version)
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

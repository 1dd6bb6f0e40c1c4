"""The simulated device's brain: the commands it obeys, the STOP latch and de-duplication.

:class:`DeviceCore` is what the wire adapter (:mod:`massage_sim.device`) drives: it decodes
frames into these calls and encodes what the core reports back. The device's state, what it
shows and everything that happens as time passes (physics, watchdog, injected faults, health
checks, reset) come from its base, :class:`~massage_sim.device_timing.TimedDevice`; like it, the
core is pure logic with no I/O and no clock: every command takes ``now_s``. Heartbeats only feed
the watchdog.

States (``massage_ctl.protocol.enums.DeviceState``, names as in the trace)::

    IDLE ──SESSION_START (after HELLO)──▶ RUNNING ──SESSION_END──▶ IDLE (outputs ramp to zero)
    any ──STOP / HEARTBEAT(stop)──▶ STOPPED      outputs zero at once; CLEAR ─▶ IDLE
    RUNNING ──no valid frame for watchdog_ms──▶ LINK_LOST   ramp to zero ≤ 1 s, heat off
        LINK_LOST ──HELLO, then CLEAR──▶ IDLE   (CLEAR without a HELLO since: BAD_STATE)
    any ──over-temperature / stuck channel──▶ FAULT          outputs zero at once
        FAULT ──CLEAR once the cause is gone──▶ IDLE   (cause still there: LATCHED)
    any ──device reset──▶ IDLE (outputs zero, handshake needed)

HELLO clears no latch (firmware_protocol/PROTOCOL.md §6): a new session is always HELLO →
CLEAR → SESSION_START. Nothing ever goes back to RUNNING without a SESSION_START, and
SESSION_START needs a HELLO since the last reset or lost link: the device never restarts by
itself. STOP in FAULT keeps the FAULT state (everything is already off, and the fault is the
more useful thing to show).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits
from massage_sim.device_timing import (
    NO_CHANNEL,
    STATE_NAMES,
    FaultListener,
    Reply,
    TimedDevice,
)

# The base module's public names are importable from here too, where they were defined first.
__all__ = [
    "NO_CHANNEL",
    "SEQ_MODULO",
    "STATE_NAMES",
    "WATCHDOG_MAX_MS",
    "WATCHDOG_MIN_MS",
    "DeviceCore",
    "FaultListener",
    "Reply",
    "SessionLimits",
    "SetpointRequest",
    "seq_newer",
]

WATCHDOG_MIN_MS = 250
WATCHDOG_MAX_MS = 2000
SEQ_MODULO = 1 << 16
_DEDUP_DEPTH = 64
#: Outside RUNNING, at most one SETPOINT reject ACK per this many seconds (PROTOCOL.md §5.6).
REJECT_GAP_S = 0.1


@dataclass(frozen=True, slots=True)
class SetpointRequest:
    """One channel's new target as the device receives it (values in channel units)."""

    channel: int
    target: float
    ramp_ms: int
    pattern: str = "steady"
    rate_hz: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """One channel's session limits as the device receives them (channel units)."""

    channel: int
    cap: float
    ramp_per_s: float


def seq_newer(a: int, b: int) -> bool:
    """True when sequence number ``a`` comes after ``b`` (16-bit serial-number arithmetic)."""
    diff = (a - b) % SEQ_MODULO
    return 0 < diff < SEQ_MODULO // 2


class DeviceCore(TimedDevice):
    """State machine and physics of one simulated device (see module docstring)."""

    # ------------------------------------------------------------------------------ commands
    def hello(self, now_s: float, seq: int, *, matching: bool = True) -> Reply:
        """A handshake (never de-duplicated): forgets every remembered command, so a new
        controller numbering from 1 again is not taken for retries of the old one's frames;
        re-arms SESSION_START when ``matching`` (same version and schema hash), revokes it
        when not. Ends a RUNNING session like SESSION_END; clears no latch (PROTOCOL.md §5.1)."""
        self._frame(now_s, seq)
        self._replies.clear()
        self._channel_seq.clear()
        self._newest_cmd_seq = None
        if self.state == DeviceState.RUNNING:
            self._end()
        self.handshaken = matching
        self.event("handshake" if matching else "hello-mismatch", f"seq {seq}")
        return Reply(AckResult.OK if matching else AckResult.VERSION_MISMATCH)

    def session_start(
        self,
        now_s: float,
        seq: int,
        watchdog_ms: int,
        limits: Sequence[SessionLimits] = (),
    ) -> Reply | None:
        """IDLE → RUNNING with the watchdog period clamped to 250–2000 ms (ACK detail) and the
        session's own ``limits`` (protocol version 2): each channel then obeys the tighter of
        them and its hard limits until the next start. An entry for a channel the device
        does not have, a second entry for one channel, or a ramp limit that is not above zero
        refuses the start (OUT_OF_RANGE, detail = the channel; PROTOCOL.md §5.4)."""
        self._frame(now_s, seq)
        return self._once(seq, "start", lambda: self._start(watchdog_ms, limits))

    def session_end(self, now_s: float, seq: int) -> Reply | None:
        """RUNNING → IDLE; outputs ramp to zero (≤ 1 s), heat off."""
        self._frame(now_s, seq)
        return self._once(seq, "end", self._end)

    def clear(self, now_s: float, seq: int) -> Reply | None:
        """Clear a latch → IDLE: STOPPED always; FAULT once its cause is gone (else LATCHED);
        LINK_LOST once a HELLO came after the watchdog fired (else BAD_STATE). IDLE: OK;
        RUNNING: BAD_STATE."""
        self._frame(now_s, seq)
        return self._once(seq, "clear", self._clear)

    def stop(self, now_s: float, seq: int, reason: str = "") -> Reply:
        """STOP: acted on at receipt in any state and whatever its sequence number (never
        de-duplicated: a repeated copy is acted on again and answered again); outputs zero at
        once, heat off, latched. Commands older than it are ignored from now on."""
        self.advance(now_s)
        self._last_frame_s = now_s
        self.last_seq = seq
        if self._newest_cmd_seq is None or seq_newer(seq, self._newest_cmd_seq):
            self._newest_cmd_seq = seq
        self._halt(DeviceState.STOPPED, "stop-received", f"seq {seq} {reason}".strip())
        return Reply(AckResult.OK)

    def heartbeat(self, now_s: float, seq: int, stop_requested: bool = False) -> None:
        """Feeds the watchdog; ``stop_requested`` acts exactly like STOP."""
        if stop_requested:
            self.stop(now_s, seq, "heartbeat")
            return
        # Nothing is observed here, so the physics need not move now (it is exact for any step
        # length) -- unless something fell due before this frame, e.g. the watchdog it is late for.
        due = self._next_due()
        if due is not None and due <= now_s:
            self.advance(now_s)
        self._last_frame_s = now_s
        self.last_seq = seq

    def setpoint(self, now_s: float, seq: int, entries: Sequence[SetpointRequest]) -> list[Reply]:
        """Apply new targets (newest per channel wins). Returns the ACK to send, if any: at most
        one per frame -- the first rejected entry, else the first clamped one; outside RUNNING
        at most one reject per 100 ms (PROTOCOL.md §5.6)."""
        self._frame(now_s, seq)
        if self.state != DeviceState.RUNNING:
            # A controller still streaming into a stopped device must not flood the link the
            # STOP's STATUS travels on.
            if self.last_reject_s is not None and now_s - self.last_reject_s < REJECT_GAP_S:
                return []
            self.last_reject_s = now_s
            latched = self.state in (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST)
            return [Reply(AckResult.LATCHED if latched else AckResult.BAD_STATE)]
        replies: list[Reply] = []
        for entry in entries:
            if not 0 <= entry.channel < len(self.channels):
                replies.append(Reply(AckResult.BAD_CHANNEL, entry.channel))
                continue
            newest = self._channel_seq.get(entry.channel)
            if newest is not None and seq_newer(newest, seq):
                continue  # a late frame must not undo a newer target; a later entry of
                # the same frame (same seq) still replaces an earlier one (PROTOCOL.md §5.6)
            self._channel_seq[entry.channel] = seq
            channel = self.channels[entry.channel]
            if entry.pattern not in channel.spec.patterns:
                replies.append(Reply(AckResult.UNSUPPORTED_PATTERN, entry.channel))
                continue
            lo, hi = channel.spec.rate_hz
            channel.pattern = entry.pattern
            channel.rate_hz = min(max(entry.rate_hz, lo), hi) if entry.pattern != "steady" else 0.0
            self._wake(channel)
            if channel.command(entry.target, entry.ramp_ms / 1000.0):
                self.event("clamped", f"{channel.spec.id} {entry.target:g} -> {channel.target:g}")
                replies.append(Reply(AckResult.CLAMPED, entry.channel))
        # A reject (the controller stops the session) must never hide behind a clamp.
        rejects = [r for r in replies if r.result != AckResult.CLAMPED]
        return (rejects or replies)[:1]

    # ------------------------------------------------------------------------------ internals
    def _frame(self, now_s: float, seq: int) -> None:
        self.advance(now_s)
        self._last_frame_s = now_s
        self.last_seq = seq

    def _once(self, seq: int, kind: str, action: Callable[[], Reply]) -> Reply | None:
        """Run a state-changing command once per sequence number; a retry gets the same ACK.
        A command older than the newest one executed since the last HELLO is a late copy:
        ignored, not answered (None) -- it could otherwise undo a newer STOP (PROTOCOL §7.3)."""
        key = (seq, kind)
        if key in self._replies:
            self.event("duplicate", f"{kind} seq {seq}")
            return self._replies[key]
        newest = self._newest_cmd_seq
        if newest is not None and seq_newer(newest, seq):
            self.event("stale", f"{kind} seq {seq}")
            return None
        self._newest_cmd_seq = seq
        reply = action()
        self._replies[key] = reply
        while len(self._replies) > _DEDUP_DEPTH:
            self._replies.popitem(last=False)
        return reply

    def _start(self, watchdog_ms: int, limits: Sequence[SessionLimits] = ()) -> Reply:
        if self.state in (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST):
            return Reply(AckResult.LATCHED)
        if self.state != DeviceState.IDLE or not self.handshaken:
            return Reply(AckResult.BAD_STATE)
        seen: set[int] = set()
        for lim in limits:
            if not 0 <= lim.channel < len(self.channels) or lim.channel in seen or not (
                lim.ramp_per_s > 0
            ):
                self.event("session-limits-refused", f"channel {lim.channel}")
                return Reply(AckResult.OUT_OF_RANGE, lim.channel)
            seen.add(lim.channel)
        self.watchdog_ms = min(max(watchdog_ms, WATCHDOG_MIN_MS), WATCHDOG_MAX_MS)
        self._channel_seq.clear()
        for channel in self.channels:
            channel.end_fast_fall()
            channel.session_cap = channel.session_ramp_per_s = math.inf
        for lim in limits:
            channel = self.channels[lim.channel]
            channel.session_cap, channel.session_ramp_per_s = lim.cap, lim.ramp_per_s
            self.event(
                "session-limit", f"{channel.spec.id} cap {lim.cap:g} ramp {lim.ramp_per_s:g}/s"
            )
        self._set_state(DeviceState.RUNNING)
        self.event("session-start", f"watchdog {self.watchdog_ms} ms")
        # PROTOCOL.md §5.4: CLAMPED when the device changed the requested period.
        changed = self.watchdog_ms != watchdog_ms
        return Reply(AckResult.CLAMPED if changed else AckResult.OK, self.watchdog_ms)

    def _end(self) -> Reply:
        if self.state != DeviceState.RUNNING:
            latched = self.state in (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST)
            return Reply(AckResult.LATCHED if latched else AckResult.OK)
        self._wake_all()
        for channel in self.channels:
            channel.ramp_down()
        self._set_state(DeviceState.IDLE)
        self.event("session-end")
        return Reply(AckResult.OK)

    def _clear(self) -> Reply:
        if self.state == DeviceState.RUNNING:
            return Reply(AckResult.BAD_STATE)
        if self.state == DeviceState.LINK_LOST and not self.handshaken:
            return Reply(AckResult.BAD_STATE)  # only a new handshake clears a lost link
        if self.state == DeviceState.FAULT and self.fault_cause_present():
            return Reply(AckResult.LATCHED)
        if self.state in (DeviceState.STOPPED, DeviceState.FAULT, DeviceState.LINK_LOST):
            self.fault_bits = FaultBits(0)
            self._set_state(DeviceState.IDLE)
            self.event("clear")
        return Reply(AckResult.OK)

    def fault_cause_present(self) -> bool:
        """True while what raised a fault is still there: a heater not yet cooled below its
        trip point, or a channel that still does not follow its drive."""
        return not all(c.has_cooled() for c in self.channels) or any(
            c.mismatch_since_s is not None for c in self.channels
        )

    def _halt(self, state: DeviceState, event: str, detail: str = "") -> None:
        self._wake_all()
        for channel in self.channels:
            channel.cut()
        self.event(event, detail)
        if self.state != DeviceState.FAULT:
            self._set_state(state)

"""The player: plays a :class:`~massage_ctl.timeline.Timeline` on a link, on the loop's clock.

Time comes only from ``loop.time()`` and timers (``loop.call_at``), so the same player runs in
real time, N× and on the virtual clock (``massage_ctl.clock``). Commands are scheduled by
absolute deadlines derived from one anchor (``t_anchor`` ↔ ``position_anchor``), never by
accumulated sleeps, so lateness never adds up.

Live controls (call them on the player's loop; :class:`~massage_ctl.player.runner.SessionRunner`
does that for other threads):

* :meth:`pause` ramps every output channel to zero at the safe rate and freezes the position;
* :meth:`resume` re-issues, for every channel, the command active at the frozen position, so
  the guard ramps it back up from zero at the safe rate;
* :meth:`adjust` changes the live intensity in steps of 0.1 within 0.1–1.0 (the guard still
  caps every value);
* :meth:`skip_phase` jumps to the start of the next phase (safe ramps via the guard);
* :meth:`request_stop` ends playback at once (the session sends STOP).

The session-length limit holds whatever the timeline says: ``max_session_ms`` (the active
safety profile's session length) bounds the time the player actually plays — pauses do not
count, skips do not reset it — and reaching it ends playback with outcome ``stopped`` and a
message saying why (the compiler already fits timelines to the limit; this is the second layer).

A device fault, a device that leaves the running state on its own, or a lost link ends
playback with outcome ``fault`` / ``disconnect`` and a plain-words message. The player never
restarts anything by itself: only a new session (a new start) drives outputs again.
"""

from __future__ import annotations

import asyncio
import bisect
import math
from collections.abc import Callable

from massage_ctl.errors import SafetyError
from massage_ctl.link.api import ChannelSetpoint, ControlLink, LinkStatus
from massage_ctl.player.events import EventCallback, EventKind, PlayerState, ProgressEvent
from massage_ctl.player.guard import Guard
from massage_ctl.timeline import Command, Timeline

INTENSITY_STEP = 0.1
#: Extra time (ms) a sent frame may take to reach the device beyond two frame slots.
DELIVERY_MARGIN_MS = 20.0
#: Least time (ms) between two re-sends of one channel's command after telemetry disagreed.
RESEND_INTERVAL_MS = 500.0
INTENSITY_MIN = 0.1
#: A report this close to the previous one (or to zero) counts as holding still (or as zero).
HELD_EPS = 1e-4
INTENSITY_MAX = 1.0


class Player:
    """Plays one timeline once on one link. See the module docstring for the controls."""

    def __init__(
        self,
        link: ControlLink,
        timeline: Timeline,
        guard: Guard,
        *,
        intensity: float | None = None,
        progress_ms: int = 250,
        max_session_ms: float | None = None,
    ) -> None:
        unknown = sorted({c.channel for c in timeline.commands} - set(guard.limits))
        if unknown:
            raise SafetyError(
                f"the timeline drives channels this device does not have: {', '.join(unknown)}",
                hint=f"compile the program for the connected device ({link.profile.id})",
            )
        self._link = link
        self._tl = timeline
        self._guard = guard
        self._cmds = sorted(timeline.commands, key=lambda c: c.t_ms)
        self._by_channel: dict[str, list[Command]] = {}
        for c in self._cmds:
            self._by_channel.setdefault(c.channel, []).append(c)
        self._times = {ch: [c.t_ms for c in cs] for ch, cs in self._by_channel.items()}
        self._cmd_times = [c.t_ms for c in self._cmds]
        self._compiled_intensity = timeline.intensity if timeline.intensity > 0 else 1.0
        self.intensity = _clamp_intensity(intensity if intensity else self._compiled_intensity)
        self._progress_s = progress_ms / 1000.0
        self._next = 0
        self._pos_anchor_ms = 0.0
        self._t_anchor = 0.0
        self._paused = False
        self._started = False
        self._outcome: PlayerState | None = None
        self._message = ""
        self._seen_running = False
        self._waiter: asyncio.Future[None] | None = None
        self._subscribers: list[EventCallback] = []
        self._warned = 0
        # The guard runs as a frame is built; after that the frame may still wait behind a burst
        # of others in the transport (a slow UART, BLE write pacing) — about two frame slots.
        frame_ms = 1000.0 / max(1.0, link.profile.max_frame_rate_hz)
        guard.delivery_slack_ms = max(guard.delivery_slack_ms, 2 * frame_ms + DELIVERY_MARGIN_MS)
        self._resent_at: dict[str, float] = {}
        self._last_seen: dict[str, float] = {}
        self._max_session_ms = max_session_ms
        self._played_before_ms = 0.0  # played time up to the last pause
        self._running_since: float | None = None  # loop time playing (re)started, None: paused

    # -- events -------------------------------------------------------------------------------
    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback`` with every :class:`ProgressEvent`; returns an unsubscribe function."""
        self._subscribers.append(callback)
        if len(self._subscribers) == 1:
            self._wake()  # play() keeps no progress timer while nobody listens: start it now
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def warn(self, message: str) -> None:
        """Tell every listener ``message`` as a ``warning`` event (printed once by ``run``)."""
        self._emit("warning", message)

    def _emit(self, kind: EventKind, message: str = "", state: PlayerState | None = None) -> None:
        if not self._subscribers:
            return  # nobody listens (e.g. a benchmark at ?speed=max): build nothing
        status = self._link.status
        pos = self.position_ms()
        phase = self._tl.phase_at(int(pos))
        event = ProgressEvent(
            kind=kind,
            state=state or ("paused" if self._paused else "playing"),
            elapsed_ms=int(pos),
            duration_ms=self._tl.duration_ms,
            phase=phase.name if phase else None,
            phase_index=phase.index if phase else None,
            intensity=self.intensity,
            actual=dict(status.actual) if status else {},
            device_state=status.state if status else None,
            message=message,
            measured_c=status.measured_c if status else {},
        )
        for cb in list(self._subscribers):
            cb(event)

    # -- position -----------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        """True while paused."""
        return self._paused

    @property
    def outcome(self) -> PlayerState | None:
        """How playback ended (None while it runs)."""
        return self._outcome

    @property
    def message(self) -> str:
        """The plain-words reason playback ended (faults, lost link), or ""."""
        return self._message

    @property
    def guard_warnings(self) -> list[str]:
        """What the guard had to clamp during this playback."""
        return self._guard.warnings

    def position_ms(self) -> float:
        """Where in the timeline we are (ms); frozen while paused."""
        if self._paused or not self._started:
            return self._pos_anchor_ms
        loop = asyncio.get_running_loop()
        pos = self._pos_anchor_ms + (loop.time() - self._t_anchor) * 1000.0
        return min(max(pos, 0.0), float(self._tl.duration_ms))

    def played_ms(self) -> float:
        """Time spent playing so far (pauses excluded): what the session limit counts."""
        if self._running_since is None:
            return self._played_before_ms
        now = asyncio.get_running_loop().time()
        return self._played_before_ms + (now - self._running_since) * 1000.0

    def _set_position(self, pos_ms: float) -> None:
        self._pos_anchor_ms = pos_ms
        self._t_anchor = asyncio.get_running_loop().time()
        self._next = bisect.bisect_right(self._cmd_times, pos_ms)

    # -- sending ------------------------------------------------------------------------------
    def _send(self, sp: ChannelSetpoint) -> None:
        # The guard runs when the link really sends it (:meth:`_guarded`), not now.
        self._link.submit(sp)

    def _guarded(self, sp: ChannelSetpoint, now_s: float) -> ChannelSetpoint:
        """The link's setpoint filter: the guard, with the live intensity at sending time."""
        safe = self._guard.apply(sp, now_s * 1000.0, self.intensity / self._compiled_intensity)
        warnings = self._guard.warnings
        if len(warnings) > self._warned:
            for w in warnings[self._warned :]:
                self._emit("warning", w)
            self._warned = len(warnings)
        return safe

    def _send_command(self, cmd: Command, pos_ms: float) -> None:
        remaining = max(0, math.ceil(cmd.t_ms + cmd.ramp_ms - pos_ms))
        self._send(ChannelSetpoint(cmd.channel, cmd.value, remaining, cmd.pattern, cmd.rate_hz))

    def _reissue(self, pos_ms: float) -> None:
        """Send each channel's command active at ``pos_ms`` (the guard makes the ramps safe)."""
        for ch, cmds in self._by_channel.items():
            i = bisect.bisect_right(self._times[ch], pos_ms) - 1
            if i >= 0:
                self._send_command(cmds[i], pos_ms)
            else:
                self._send(ChannelSetpoint(ch, 0.0, 0))

    def _zero_all(self) -> None:
        # Each zero is a frame of its own, and the frame budget lets only so many out per slot
        # (the pad: one every 100 ms). So the channels still rising go first, the highest target
        # first, and the ones already heading for zero last: a pause is felt at once where the
        # device was still pressing harder (docs/SAFETY.md, layer 2).
        guard, profile = self._guard, self._link.profile
        now_ms = asyncio.get_running_loop().time() * 1000.0
        force = [ch for ch in self._by_channel if profile.channel(ch).kind != "position"]

        def urgency(ch: str) -> tuple[bool, float]:
            target = guard.target_of(ch)
            return target <= guard.value_at(ch, now_ms), -target

        for ch in sorted(force, key=urgency):  # where the roller is ≠ pressure: left alone
            self._send(ChannelSetpoint(ch, 0.0, 0))

    # -- controls -----------------------------------------------------------------------------
    def pause(self) -> None:
        """Ramp every channel to zero at the safe rate and freeze the position."""
        if self._outcome or self._paused:
            return
        self._pos_anchor_ms = self.position_ms()
        self._played_before_ms = self.played_ms()
        self._running_since = None
        self._paused = True
        self._zero_all()
        self._emit("state", "paused")
        self._wake()

    def resume(self) -> None:
        """Ramp back up to where the timeline is, at the safe rate, and play on."""
        if self._outcome or not self._paused:
            return
        self._paused = False
        self._running_since = asyncio.get_running_loop().time()
        self._set_position(self._pos_anchor_ms)
        self._reissue(self._pos_anchor_ms)
        self._emit("state", "resumed")
        self._wake()

    def adjust(self, delta: float) -> float:
        """Change the live intensity by ``delta`` (rounded to 0.1 steps, 0.1–1.0)."""
        new = _clamp_intensity(round((self.intensity + delta) / INTENSITY_STEP) * INTENSITY_STEP)
        if self._outcome or math.isclose(new, self.intensity):
            return self.intensity
        self.intensity = new
        if not self._paused and self._started:
            self._reissue(self.position_ms())
        self._emit("state", f"intensity {new:.1f}")
        return new

    def skip_phase(self) -> bool:
        """Jump to the start of the next phase; False when already in the last one."""
        if self._outcome:
            return False
        pos = self.position_ms()
        nxt = next((p for p in self._tl.phases if p.start_ms > pos), None)
        if nxt is None:
            self._emit("state", "already in the last phase")
            return False
        self._set_position(float(nxt.start_ms))
        if not self._paused:  # while paused it stays paused, at the new position
            self._reissue(float(nxt.start_ms))
        self._emit("state", f"skipped to {nxt.name}")
        self._wake()
        return True

    def request_stop(self, outcome: PlayerState = "stop", message: str = "") -> None:
        """End playback now (the session sends STOP). Safe to call at any time, repeatedly."""
        if self._outcome is None:
            self._outcome = outcome
            self._message = message
        self._wake()

    # -- telemetry ----------------------------------------------------------------------------
    def _on_status(self, status: LinkStatus) -> None:
        if self._outcome:
            return
        if self._started:
            self._guard.observe(status.actual, status.t * 1000.0)
            if status.state == "running":
                self._heal(status.t * 1000.0)
        if status.is_fault:
            what = ", ".join(status.faults) or status.state.replace("-", " ")
            self.request_stop("fault", f"the device reported a fault ({what}) and stopped")
        elif status.state == "running":
            self._seen_running = True
        elif self._seen_running and status.is_stopped:
            self.request_stop("fault", f"the device stopped on its own (state {status.state})")

    def _heal(self, now_ms: float) -> None:
        """Re-send the command of any channel the device is not following (a lost frame).

        Setpoints are fire-and-forget; telemetry is how a lost one shows. While paused the
        command is zero — a pause must hold even when its first zero was lost.
        """
        status = self._link.status
        seen = dict(status.actual) if status is not None else {}
        last_seen, self._last_seen = self._last_seen, seen
        if self._paused:
            self._heal_paused(seen, last_seen, now_ms)
            return
        # Playing: the 10 Hz path (the guard checks each channel's report in a few float steps).
        disagrees, resent_at = self._guard.disagrees, self._resent_at
        pos: float | None = None
        for ch, cmds in self._by_channel.items():
            if not disagrees(ch, now_ms):
                continue
            if now_ms - resent_at.get(ch, -math.inf) < RESEND_INTERVAL_MS:
                continue
            resent_at[ch] = now_ms
            if pos is None:
                pos = self.position_ms()
            i = bisect.bisect_right(self._times[ch], pos) - 1
            if i >= 0:
                self._send_command(cmds[i], pos)
            else:
                self._send(ChannelSetpoint(ch, 0.0, 0))

    def _heal_paused(
        self, seen: dict[str, float], last_seen: dict[str, float], now_ms: float
    ) -> None:
        """Paused: every output should be falling to zero. One still rising missed its zero (a
        lost frame): send the zero again at once. One holding above zero, or falling slower than
        its zero allows (it was fading on an earlier, slower command), missed it too: send it
        again at most every RESEND_INTERVAL_MS — re-sending a zero is always safe, the guard
        sets its ramp."""
        profile, resent_at, disagrees = self._link.profile, self._resent_at, self._guard.disagrees
        for ch in self._by_channel:
            value, before = seen.get(ch), last_seen.get(ch)
            if value is None or before is None or profile.channel(ch).kind == "position":
                continue
            rising = value > before + HELD_EPS
            held = value > HELD_EPS and value >= before - HELD_EPS
            missed = held or (value > HELD_EPS and disagrees(ch, now_ms))
            if rising or (missed and now_ms - resent_at.get(ch, -math.inf) >= RESEND_INTERVAL_MS):
                resent_at[ch] = now_ms
                self._send(ChannelSetpoint(ch, 0.0, 0))

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- playing ------------------------------------------------------------------------------
    async def play(self) -> PlayerState:
        """Play to the end or until stopped; returns the outcome. Emits a ``finished`` event."""
        loop = asyncio.get_running_loop()
        self._guard.reset(loop.time() * 1000.0)
        unsubscribe = self._link.subscribe(self._on_status)
        self._link.set_setpoint_filter(self._guarded)
        watch = loop.create_task(self._watch_link())
        self._set_position(0.0)
        self._next = 0  # commands at t=0 are still to be sent
        self._started = True
        if not self._paused:
            self._running_since = loop.time()
        self._emit("state", "started")
        limit = self._max_session_ms
        next_progress = 0.0
        listening = False  # progress runs on a cadence that starts with the first listener
        try:
            while self._outcome is None:
                deadline = math.inf
                if not self._paused:
                    # +1 µs: a timer fires within the clock's resolution, a hair early; without
                    # the tolerance the loop would spin on the virtual clock.
                    pos = self.position_ms() + 1e-3
                    while self._next < len(self._cmds) and self._cmds[self._next].t_ms <= pos:
                        self._send_command(self._cmds[self._next], pos)
                        self._next += 1
                    if self._next >= len(self._cmds) and pos >= self._tl.duration_ms:
                        self._outcome = "completed"
                        break
                    due = self._cmds[self._next].t_ms if self._next < len(self._cmds) else None
                    due_ms = self._tl.duration_ms if due is None else due
                    deadline = self._t_anchor + (due_ms - self._pos_anchor_ms) / 1000.0
                    if limit is not None:
                        left_ms = limit - self.played_ms()
                        if left_ms <= 1e-3:
                            self._end_at_limit(limit)
                            break
                        deadline = min(deadline, loop.time() + left_ms / 1000.0)
                if not self._subscribers:
                    listening = False
                else:
                    t = loop.time()
                    now = t + 1e-6
                    if not listening:
                        listening = True
                        next_progress = t
                    if now >= next_progress:
                        self._emit("progress")
                        next_progress = max(next_progress + self._progress_s, now)
                    deadline = min(deadline, next_progress)
                # Nobody listens: no progress timer (at ?speed=max it was most of the wake-ups);
                # subscribe() wakes us when the first listener arrives.
                await self._sleep_until(deadline)
        finally:
            watch.cancel()
            unsubscribe()
            # The filter stays: a setpoint still waiting in the link (the closing zeros) must
            # leave guarded too, until the session ends or stops the link.
        if self._outcome in ("fault", "disconnect"):
            self._emit("fault", self._message, self._outcome)
        self._emit("finished", self._message, self._outcome)
        assert self._outcome is not None  # the loop above only ends with an outcome
        return self._outcome

    def _end_at_limit(self, limit_ms: float) -> None:
        self._outcome = "stopped"
        self._message = (
            f"the session reached its length limit ({limit_ms / 60000:g} min of the safety "
            "profile) and was ended; the program was longer than the limit allows"
        )

    async def _sleep_until(self, when: float) -> None:
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        # No deadline (paused, nobody listening): only _wake() ends the wait.
        handle = None if when == math.inf else loop.call_at(when, self._wake)
        try:
            await self._waiter
        finally:
            if handle is not None:
                handle.cancel()
            self._waiter = None

    async def _watch_link(self) -> None:
        err = await self._link.wait_failed()
        self.request_stop("disconnect", f"lost the connection to the device ({err})")


def _clamp_intensity(x: float) -> float:
    return round(min(max(x, INTENSITY_MIN), INTENSITY_MAX), 1)

"""The simulated device between commands: its state, what it shows, and time passing.

Pure logic with no I/O and no clock of its own: every method takes ``now_s`` and first advances
the physics to that instant, so the same core runs in real, scaled or virtual time, and tests
drive it by direct calls. The physics is exact for any step length (:mod:`massage_sim.channels`),
so time is only advanced where it shows: on samples, commands and state changes, and at the
instants something is due (watchdog, injected faults, an over-temperature trip, a stuck-channel
deadline). Only moving channels are stepped.

A stuck channel (output frozen) is detected by comparing each output with what a healthy one
would do: a mismatch above 5 % of range for 0.5 s raises FAULT STUCK_CHANNEL.

:class:`TimedDevice` holds all of the device's state; :class:`~massage_sim.device_core.DeviceCore`
adds the commands. A base class rather than a helper object, so the per-tick calls (``sample``,
``advance``, ``heartbeat``) reach these methods directly, through no extra layer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from massage_ctl.devices import DeviceProfile
from massage_ctl.protocol.enums import AckResult, DeviceState, FaultBits, FaultCode
from massage_ctl.slots import frozen_maker
from massage_sim.channels import STUCK_DETECT_S, ChannelModel
from massage_sim.faults import FaultPlan, FaultSpecError
from massage_sim.record import Event, Record, Sample

#: Trace / record names of the states.
STATE_NAMES: dict[DeviceState, str] = {
    DeviceState.IDLE: "idle",
    DeviceState.RUNNING: "running",
    DeviceState.STOPPED: "stopped",
    DeviceState.LINK_LOST: "link-lost",
    DeviceState.FAULT: "fault",
}
NO_CHANNEL = 255
#: Physical deadlines (over-temperature trip, stuck channel) are stepped to this much after the
#: computed instant, so the check made there sees the condition despite rounding.
_DUE_MARGIN_S = 1e-6
#: ``Sample(...)`` with every field, without the frozen ``__init__`` (every status tick).
_make_sample = frozen_maker(Sample)


@dataclass(frozen=True, slots=True)
class Reply:
    """The result of a command: what the ACK carries."""

    result: AckResult
    detail: int = 0


FaultListener = Callable[[FaultCode, int, int], None]


class TimedDevice:
    """State and physics of one simulated device, and what happens to them as time passes.

    The base of :class:`~massage_sim.device_core.DeviceCore` (see the module docstring).
    """

    def __init__(
        self,
        profile: DeviceProfile,
        *,
        start_s: float,
        faults: FaultPlan | None = None,
        record: Record | None = None,
    ) -> None:
        self.profile = profile
        self.channels = [ChannelModel(spec) for spec in profile.channels]
        #: Channels whose physics may still change; only these are stepped.
        self._moving: list[ChannelModel] = []
        #: (index, channel) pairs whose health is checked at every step, in index order: the
        #: heaters (over-temperature) and channels with an injected stuck fault.
        self._watched = [(i, c) for i, c in enumerate(self.channels) if c.kind == "heat"]
        self._heaters = [c for c in self.channels if c.kind == "heat"]
        #: True once a stuck channel or a runaway heater was injected: only then can a physical
        #: deadline (stuck-channel fault, over-temperature trip) fall between observations.
        self._physical_faults = False
        self.index = {spec.id: i for i, spec in enumerate(profile.channels)}
        self.record = record or Record(
            tuple(self.index), tuple(c.spec.id for c in self.channels if c.kind == "heat")
        )
        self.state = DeviceState.IDLE
        self.fault_bits = FaultBits(0)
        self.last_seq = 0
        #: When the last SETPOINT reject outside RUNNING was answered (None: never since reset).
        self.last_reject_s: float | None = None
        self.watchdog_ms = 500
        self.handshaken = False
        self.now_s = start_s
        self.start_s = start_s
        self.on_fault: FaultListener | None = None
        self.on_state_change: Callable[[DeviceState], None] | None = None
        self._last_frame_s = start_s
        #: What the device remembers of recent commands (see DeviceCore); a reset forgets it.
        self._replies: OrderedDict[tuple[int, str], Reply] = OrderedDict()
        self._channel_seq: dict[int, int] = {}
        #: Sequence number of the newest state-changing command since the last HELLO/reset.
        self._newest_cmd_seq: int | None = None
        plan = faults or FaultPlan()
        timed = [(start_s + s.at_s, "stuck", s.channel) for s in plan.stuck]
        for at_s, kind in ((plan.overtemp_at_s, "overtemp"), (plan.reset_at_s, "reset")):
            if at_s is not None:
                timed.append((start_s + at_s, kind, ""))
        self._timed = sorted(timed)
        for _, kind, name in self._timed:
            if kind == "stuck" and name not in self.index:
                raise FaultSpecError(
                    f"stuck={name}: device {profile.id!r} has no such channel",
                    hint="channels: " + ", ".join(self.index),
                )
        self.sample(start_s)

    # ------------------------------------------------------------------ what the device shows
    @property
    def state_name(self) -> str:
        """The state as the trace names it (``idle``, ``running``, ...)."""
        return STATE_NAMES[self.state]

    def actual_values(self) -> dict[str, float]:
        """Channel id → actual output value (channel units)."""
        return {c.spec.id: c.actual for c in self.channels}

    def temperatures_c(self) -> dict[str, float]:
        """Heat channel id → pad temperature in °C."""
        return {c.spec.id: c.temp_c for c in self.channels if c.kind == "heat"}

    def sample(self, now_s: float) -> Sample:
        """Advance to ``now_s`` and append one sample to the record."""
        self.advance(now_s)
        sample = _make_sample(
            now_s - self.start_s,
            STATE_NAMES[self.state],
            int(self.fault_bits),
            tuple([c.actual for c in self.channels]),
            tuple([c.temp_c for c in self._heaters]),
        )
        self.record.add_sample(sample)
        return sample

    def event(self, kind: str, detail: str = "") -> None:
        """Record an event at the current time."""
        self.record.add_event(Event(self.now_s - self.start_s, kind, detail))

    # --------------------------------------------------------------------------- time passes
    def advance(self, now_s: float) -> None:
        """Move physics, watchdog and injected faults forward to ``now_s``."""
        while True:
            due = self._next_due()
            if due is None or due > now_s:
                break
            self._step_to(due)
            self._fire_due(due)
        self._step_to(now_s)

    def _next_due(self) -> float | None:
        # The earliest of: the next timed event, the watchdog deadline, a physical fault.
        candidates = [self._timed[0][0]] if self._timed else []
        if self.state == DeviceState.RUNNING:
            candidates.append(self._last_frame_s + self.watchdog_ms / 1000.0)
        if self._physical_faults:
            physical = self._physical_due()
            if physical is not None:
                candidates.append(physical)
        return min(candidates, default=None)

    def _physical_due(self) -> float | None:
        """When an over-temperature trip or a stuck-channel fault will happen (if nothing else
        does first): the physics between observations is exact, these instants are too."""
        due: float | None = None
        for _, channel in self._watched:
            t: float | None = None
            if not self.fault_bits & FaultBits.OVER_TEMPERATURE:
                trip_in_s = channel.runaway_trip_in_s()
                if trip_in_s is not None:
                    t = self.now_s + trip_in_s + _DUE_MARGIN_S
            since = channel.mismatch_since_s
            if since is not None and not self.fault_bits & FaultBits.STUCK_CHANNEL:
                stuck_at = since + STUCK_DETECT_S + _DUE_MARGIN_S
                t = stuck_at if t is None else min(t, stuck_at)
            if t is not None and t > self.now_s and (due is None or t < due):
                due = t
        return due

    def _fire_due(self, t: float) -> None:
        deadline = self._last_frame_s + self.watchdog_ms / 1000.0
        if self.state == DeviceState.RUNNING and t >= deadline:
            self._watchdog_fired()
        while self._timed and self._timed[0][0] <= t:
            _, kind, name = self._timed.pop(0)
            self._inject(kind, name)

    def _step_to(self, t: float) -> None:
        dt = t - self.now_s
        if dt <= 0:
            return
        self.now_s = t
        moving = self._moving
        if moving:
            settled = False
            for channel in moving:
                if not channel.advance(dt):
                    channel.moving = False
                    settled = True
            if settled:
                self._moving = [c for c in moving if c.moving]
        if self._watched:
            self._check_health()

    def _wake(self, channel: ChannelModel) -> None:
        """Put ``channel`` (about to change) on the list of channels that are stepped."""
        if not channel.moving:
            channel.moving = True
            self._moving.append(channel)

    def _wake_all(self) -> None:
        for channel in self.channels:
            self._wake(channel)

    def _check_health(self) -> None:
        for i, channel in self._watched:
            hot = channel.kind == "heat" and channel.is_overheated()
            if hot and not self.fault_bits & FaultBits.OVER_TEMPERATURE:
                self._raise_fault(FaultCode.OVER_TEMPERATURE, i, round(channel.temp_c * 1000))
            if channel.actual == channel.healthy and channel.mismatch_since_s is None:
                continue  # a healthy output follows its drive exactly: nothing to check
            stuck = not channel.follows_drive(self.now_s)
            if stuck and not self.fault_bits & FaultBits.STUCK_CHANNEL:
                self._raise_fault(FaultCode.STUCK_CHANNEL, i, 0)

    # ------------------------------------------------------------------ faults and resets
    def _watchdog_fired(self) -> None:
        self._wake_all()
        for channel in self.channels:
            channel.ramp_down()
        self.handshaken = False
        self.fault_bits |= FaultBits.WATCHDOG
        self.event("watchdog-fired", f"no valid frame for {self.watchdog_ms} ms")
        self._set_state(DeviceState.LINK_LOST)
        if self.on_fault:
            self.on_fault(FaultCode.WATCHDOG, NO_CHANNEL, self.watchdog_ms)

    def _raise_fault(self, code: FaultCode, channel: int, detail: int) -> None:
        self.fault_bits |= FaultBits(1 << (code - 1))
        self._wake_all()
        if code == FaultCode.OVER_TEMPERATURE:
            # The cut-out opens the heater circuit: even a failed (runaway) heater control has
            # no power any more, so the pads cool from here on.
            for heater in self._heaters:
                heater.heater_runaway = False
        for ch in self.channels:
            ch.cut()
        self.event("fault", f"{code.name} channel {channel} detail {detail}")
        self._set_state(DeviceState.FAULT)
        if self.on_fault:
            self.on_fault(code, channel, detail)

    def _inject(self, kind: str, name: str) -> None:
        self.event("fault-injected", f"{kind} {name}".strip())
        self._physical_faults = self._physical_faults or kind in ("stuck", "overtemp")
        if kind == "stuck":
            i = self.index[name]
            self.channels[i].stuck = True
            if all(j != i for j, _ in self._watched):
                self._watched = sorted([*self._watched, (i, self.channels[i])], key=lambda w: w[0])
        elif kind == "overtemp":
            for c in self._heaters:
                c.heater_runaway = True
                self._wake(c)
            if not self._heaters:
                # No heat pads: the driver board's own sensor trips (the only thing that can heat).
                self._raise_fault(FaultCode.OVER_TEMPERATURE, NO_CHANNEL, 0)
        elif kind == "reset":
            self.reset(self.now_s)

    def reset(self, now_s: float) -> None:
        """Device reset (power glitch): IDLE, outputs zero, needs a new handshake."""
        self.advance(now_s)
        self._wake_all()
        for channel in self.channels:
            channel.cut()  # a failed heater stays failed: a reset does not repair hardware
        self.handshaken = False
        self.fault_bits = FaultBits(0)
        self.last_seq = 0
        self.last_reject_s = None
        self._replies.clear()
        self._channel_seq.clear()
        self._newest_cmd_seq = None
        self.event("reset")
        self._set_state(DeviceState.IDLE)

    def _set_state(self, state: DeviceState) -> None:
        if state == self.state:
            return
        self.state = state
        self.sample(self.now_s)
        if self.on_state_change:
            self.on_state_change(state)

"""Physics of one simulated output channel.

Every channel has an **envelope**: the drive level, moving linearly toward the commanded target
at the commanded ramp, never faster than the channel's ``max_ramp_per_s``. What the output
really does (``actual``, the value the device reports) follows from the envelope by kind:

* ``vibration`` / ``roller`` — the motor follows the envelope directly;
* ``pressure`` — an air cell fills and empties with a first-order lag (``AIR_TAU_S``) on top of
  the ramp; a valve cannot move air faster than the ramp limit, so the change per step is
  capped there too;
* ``position`` — the roller carriage moves at most ``max_ramp_per_s`` (its top speed). A stop
  halts the carriage where it stands (motor off), it does not drive it anywhere: position is a
  place, not a force, and moving a mechanism during an emergency stop is the wrong reflex;
* ``heat`` — the value is the heater's setpoint in °C (0 = off); the pad temperature
  (``temp_c``) approaches ``max(setpoint, ambient)`` first-order with time constant
  ``HEAT_TAU_S`` (60 s: 95 % of the way in 3 min), never passing a rising setpoint, and is
  watched by the device's over-temperature cut-out.

Steps are exact for any step length: the envelope is piecewise linear and the air-cell lag and
pad temperature are solved in closed form along it (:mod:`massage_sim.exact`), so advancing by
one long step gives what many short ones give. The device therefore steps a channel only when it
is observed (status tick, trace sample, a command on it, a state change), and only while it
moves: :meth:`ChannelModel.advance` reports when a channel has settled.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from massage_ctl.devices import ChannelSpec
from massage_ctl.timeline import AMBIENT_C, HEAT_TAU_S, heater_drive_c
from massage_sim.exact import first_order_follow

#: Time constant of an air cell filling / emptying (s).
AIR_TAU_S = 0.8
# The heat pad's thermal model (time constant, ambient) is the controller's own
# (massage_ctl.timeline): the preview and the compiler's warnings expect what the simulator does.
#: Temperature a heater drives toward when its control has failed (over-temperature fault).
RUNAWAY_C = 75.0
#: Differences below this are float residue of the closed-form physics, not a real output.
_SNAP = 1e-12
#: The over-temperature cut-out trips this far above the channel's hard_max (°C).
OVERTEMP_MARGIN_C = 2.0
#: After a cut-out, the fault can be cleared only once the pad is this far below the trip point.
OVERTEMP_REARM_C = 5.0
#: When leaving the running state on a lost link, everything reaches zero within this time (s).
SAFE_RAMP_DOWN_S = 1.0
#: A channel whose output differs from its drive by more than this fraction of its range ...
STUCK_TOLERANCE = 0.05
#: ... for longer than this (s) is reported as stuck.
STUCK_DETECT_S = 0.5
#: An air cell this close to its drive has settled (far below what STATUS or the trace resolve).
SETTLE_VALUE = 1e-12
#: A pad this close to the temperature its heater drives toward has settled (°C).
SETTLE_C = 1e-9


@dataclass(slots=True)
class ChannelModel:
    """State and physics of one output channel (see module docstring)."""

    spec: ChannelSpec
    target: float = 0.0
    envelope: float = 0.0
    #: Speed of the current ramp, units per second (≤ spec.max_ramp_per_s unless falling fast).
    rate: float = 0.0
    #: What the output does (reported in STATUS and the trace).
    actual: float = 0.0
    #: What the output would do if it were healthy (compared with ``actual`` to detect a stuck one).
    healthy: float = 0.0
    temp_c: float = AMBIENT_C
    pattern: str = "steady"
    rate_hz: float = 0.0
    #: Safety ramp-down in progress (lost link): may fall faster than the comfort ramp limit.
    fast_fall: bool = False
    stuck: bool = False
    heater_runaway: bool = False
    mismatch_since_s: float | None = field(default=None)
    #: Kept by the device core: True while the channel is in its list of moving channels.
    moving: bool = False
    #: The running session's own limits (protocol version 2, SESSION_START); the channel
    #: obeys the tighter of these and its hard limits. ``inf``: none given.
    session_cap: float = math.inf
    session_ramp_per_s: float = math.inf
    #: ``spec.kind``, read on every step: kept here rather than fetched from the spec each time.
    _kind: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._kind = self.spec.kind

    @property
    def kind(self) -> str:
        """The channel kind (``vibration``, ``pressure``, ``roller``, ``position``, ``heat``)."""
        return self._kind

    @property
    def is_force(self) -> bool:
        """True for outputs that act on the body (all kinds but ``position``)."""
        return self.spec.kind != "position"

    @property
    def ceiling(self) -> float:
        """Highest target allowed now: the hard max, or the session's cap if tighter."""
        return min(self.spec.hard_max, self.session_cap)

    @property
    def ramp_limit(self) -> float:
        """Fastest envelope change allowed now (units per s): hard or session, the tighter."""
        return min(self.spec.max_ramp_per_s, self.session_ramp_per_s)

    def command(self, target: float, ramp_s: float) -> bool:
        """Ramp linearly to ``target`` over ``ramp_s``; returns True when ``target`` was clamped."""
        clamped = min(max(target, self.spec.min, 0.0), self.ceiling)
        self.target = clamped
        distance = abs(clamped - self.envelope)
        limit = self.ramp_limit
        self.rate = limit if ramp_s <= 0 else min(limit, distance / ramp_s)
        if distance > 0 and self.rate <= 0:
            self.rate = limit
        self.fast_fall = False
        return not math.isclose(clamped, target, abs_tol=1e-12)

    def cut(self) -> None:
        """STOP / fault / reset: force outputs to zero at once, heat off, carriage halted."""
        self.fast_fall = False
        self.rate = 0.0
        if self.kind == "position":
            self.target = self.envelope = self.healthy
        else:
            self.target = self.envelope = self.healthy = 0.0
        if not self.stuck:
            self.actual = self.healthy

    def ramp_down(self) -> None:
        """Lost link: heat off now, force outputs to zero within ``SAFE_RAMP_DOWN_S``."""
        if self.kind == "heat":
            self.cut()
            return
        if self.kind == "position":
            self.target = self.envelope
            self.rate = 0.0
            return
        self.target = 0.0
        self.rate = max(self.spec.max_ramp_per_s, self.envelope / SAFE_RAMP_DOWN_S)
        self.fast_fall = True

    def end_fast_fall(self) -> None:
        """Back under the comfort ramp limit (a new session started)."""
        if self.fast_fall:
            self.fast_fall = False
            self.rate = min(self.rate, self.spec.max_ramp_per_s)

    def advance(self, dt: float) -> bool:
        """Move the physics forward by ``dt`` seconds; False once the channel has settled.

        A settled channel (drive at its target, output following it, pad at its temperature)
        stays exactly as it is until the next command, cut or injected fault.
        """
        if dt <= 0:
            return True
        kind = self._kind
        e0 = self.envelope
        target = self.target
        if e0 != target and self.rate > 0:
            # The drive ramps at ``speed`` for ``reach_s`` seconds, then holds at the target.
            speed = self.rate if target > e0 else -self.rate
            reach_s = (target - e0) / speed
            self.envelope = target if dt >= reach_s else e0 + speed * dt
            if abs(self.envelope - target) < _SNAP:
                self.envelope = target  # float residue must not read as "still on"
        else:
            speed, reach_s = 0.0, 0.0
        if kind == "pressure":
            self.healthy = self._air(dt, e0, speed, reach_s)
            if abs(self.healthy - self.envelope) < _SNAP:
                self.healthy = self.envelope
        else:
            self.healthy = self.envelope
        if not self.stuck:
            self.actual = self.healthy
        if kind == "heat":
            self.temp_c = self._pad_temperature(dt, e0, speed, reach_s)
            if self.heater_runaway:
                return True
            drive = self._heat_drive(self.actual)
            if abs(self.temp_c - drive) >= SETTLE_C:
                return True
            self.temp_c = drive
        elif kind == "pressure" and abs(self.envelope - self.healthy) < SETTLE_VALUE:
            self.healthy = self.envelope
            if not self.stuck:
                self.actual = self.healthy
        return not (self.envelope == target and self.healthy == self.envelope)

    def _air(self, dt: float, e0: float, speed: float, reach_s: float) -> float:
        """Air-cell output after ``dt``: exact lag along the ramp, then along the hold."""
        h0 = self.healthy
        ramp_s = min(dt, reach_s)
        h = self._air_piece(h0, e0, speed, ramp_s)
        if dt > ramp_s:
            h = self._air_piece(h, e0 + speed * ramp_s, 0.0, dt - ramp_s)
        if self.fast_fall:
            return h
        # The exact lag never outruns the ramp limit; the cap keeps that true against rounding.
        limit = self.ramp_limit * dt
        return min(h0 + limit, max(h0 - limit, h))

    def _air_piece(self, h0: float, e0: float, speed: float, t: float) -> float:
        """Air-cell output after ``t`` s of a drive moving linearly from ``e0`` at ``speed``."""
        if t <= 0:
            return h0
        e = e0 + speed * t
        if self.fast_fall and h0 >= e0:
            return e  # the dump valve is open: the cell empties as fast as its drive falls
        h = first_order_follow(h0, e0, speed, t, AIR_TAU_S)
        # While dumping, a filling cell meets its falling drive and from then on goes with it.
        return min(h, e) if self.fast_fall else h

    def _pad_temperature(self, dt: float, e0: float, speed: float, reach_s: float) -> float:
        """Pad temperature after ``dt``, along the (piecewise linear) heater drive."""
        if self.heater_runaway:
            return first_order_follow(self.temp_c, RUNAWAY_C, 0.0, dt, HEAT_TAU_S)
        if self.stuck or speed == 0.0:
            drive = self._heat_drive(self.actual)
            return first_order_follow(self.temp_c, drive, 0.0, dt, HEAT_TAU_S)
        # Drive = max(setpoint, ambient): linear pieces split where the ramp ends and where the
        # setpoint crosses the ambient temperature.
        ramp_s = min(dt, reach_s)
        cuts = [0.0, ramp_s, dt]
        cross_s = (AMBIENT_C - e0) / speed
        if 0.0 < cross_s < ramp_s:
            cuts.insert(1, cross_s)
        temp = self.temp_c
        for a, b in itertools.pairwise(cuts):
            if b <= a:
                continue
            setpoint = e0 + speed * a
            mid = e0 + speed * (a + b) / 2  # which side of ambient this piece lies on
            slope = speed if a < ramp_s and mid > AMBIENT_C else 0.0
            temp = first_order_follow(temp, self._heat_drive(setpoint), slope, b - a, HEAT_TAU_S)
        return temp

    @staticmethod
    def _heat_drive(setpoint_c: float) -> float:
        """The temperature a heater drives the pad toward: its setpoint, or ambient when off."""
        return heater_drive_c(setpoint_c)

    def runaway_trip_in_s(self) -> float | None:
        """Seconds until a runaway heater's pad reaches the cut-out (None if it never will)."""
        trip = self.overtemp_trip_c
        if not self.heater_runaway or self.temp_c >= trip or trip >= RUNAWAY_C:
            return None
        return HEAT_TAU_S * math.log((RUNAWAY_C - self.temp_c) / (RUNAWAY_C - trip))

    @property
    def overtemp_trip_c(self) -> float:
        """Pad temperature at which the cut-out trips."""
        return self.spec.hard_max + OVERTEMP_MARGIN_C

    def is_overheated(self) -> bool:
        """True when the over-temperature cut-out must trip."""
        return self.kind == "heat" and self.temp_c >= self.overtemp_trip_c

    def has_cooled(self) -> bool:
        """True when an over-temperature fault may be cleared."""
        return self.kind != "heat" or self.temp_c < self.overtemp_trip_c - OVERTEMP_REARM_C

    def follows_drive(self, now_s: float) -> bool:
        """False once the output has not followed its drive for ``STUCK_DETECT_S``."""
        span = max(self.spec.max - self.spec.min, 1e-9)
        if abs(self.actual - self.healthy) <= STUCK_TOLERANCE * span:
            self.mismatch_since_s = None
            return True
        if self.mismatch_since_s is None:
            self.mismatch_since_s = now_s
        return now_s - self.mismatch_since_s < STUCK_DETECT_S

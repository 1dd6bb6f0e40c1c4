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
  (``temp_c``) follows a first-order thermal model toward it and is watched by the device's
  over-temperature cut-out.

Steps are exact for any step length (linear ramps, exponential lag), so the device can be
advanced at frame arrival times and at its 10 Hz status ticks alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from massage_ctl.devices import ChannelSpec

#: Time constant of an air cell filling / emptying (s).
AIR_TAU_S = 0.8
#: Thermal time constant of a heat pad on a body (s): heat pads warm slowly.
HEAT_TAU_S = 90.0
#: Temperature of a pad with its heater off (°C).
AMBIENT_C = 25.0
#: Temperature a heater drives toward when its control has failed (over-temperature fault).
RUNAWAY_C = 75.0
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

    def command(self, target: float, ramp_s: float) -> bool:
        """Ramp linearly to ``target`` over ``ramp_s``; returns True when ``target`` was clamped."""
        clamped = min(max(target, self.spec.min, 0.0), self.spec.hard_max)
        self.target = clamped
        distance = abs(clamped - self.envelope)
        limit = self.spec.max_ramp_per_s
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

    def advance(self, dt: float) -> None:
        """Move the physics forward by ``dt`` seconds."""
        if dt <= 0:
            return
        if (
            self.envelope == self.target
            and self.healthy == self.envelope
            and (self.stuck or self.actual == self.healthy)
            and self._kind != "heat"
        ):
            return  # settled: every line below would leave the values exactly as they are
        step = self.rate * dt
        if self.envelope < self.target:
            self.envelope = min(self.target, self.envelope + step)
        elif self.envelope > self.target:
            self.envelope = max(self.target, self.envelope - step)
        self.healthy = self._follow(dt)
        if not self.stuck:
            self.actual = self.healthy
        if self._kind == "heat":
            self._heat(dt)

    def _follow(self, dt: float) -> float:
        if self._kind != "pressure":
            return self.envelope
        lagged = self.healthy + (self.envelope - self.healthy) * (1.0 - math.exp(-dt / AIR_TAU_S))
        if self.fast_fall:
            # The dump valve is open: the cell empties at least as fast as the drive falls.
            return min(lagged, self.envelope)
        limit = self.spec.max_ramp_per_s * dt
        return min(self.healthy + limit, max(self.healthy - limit, lagged))

    def _heat(self, dt: float) -> None:
        if self.heater_runaway:
            drive = RUNAWAY_C
        else:
            drive = max(self.actual, AMBIENT_C) if self.actual > 0 else AMBIENT_C
        self.temp_c += (drive - self.temp_c) * (1.0 - math.exp(-dt / HEAT_TAU_S))

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

"""Per-channel command tracks that enforce the limits as commands are added.

A :class:`Track` knows its channel's effective cap, ramp-rate limit, supported patterns and
rate range, and the minimum gap between two of its commands (the frame-rate budget). Each
:meth:`Track.set` computes the value the channel *actually* has at that moment (a ramp cut short
by a new command leaves it mid-way, exactly as :func:`massage_ctl.timeline.value_at`), clamps
the target to the cap, and lengthens the ramp so the change never exceeds the ramp limit. So
whatever a technique asks for, the track only ever emits safe commands. Plain Python objects:
this is the compiler's hot path.
"""

from __future__ import annotations

import math

from massage_ctl.devices import ChannelSpec
from massage_ctl.errors import CompileError
from massage_ctl.timeline import Command
from massage_ctl.vocabulary import Pattern

_EPS = 1e-9


class Track:
    """The commands of one channel, built in time order."""

    __slots__ = (
        "_last_ramp",
        "_last_t",
        "_last_target",
        "_last_v0",
        "cap",
        "commands",
        "gap_ms",
        "id",
        "pattern",
        "percussion_allowed",
        "percussion_pulse_hz",
        "rate",
        "rate_per_ms",
        "spec",
    )

    def __init__(
        self,
        spec: ChannelSpec,
        *,
        cap: float,
        ramp_per_s: float,
        gap_ms: int,
        percussion_allowed: bool,
        percussion_pulse_hz: float,
    ) -> None:
        self.spec = spec
        self.id = spec.id
        self.cap = cap
        self.rate_per_ms = ramp_per_s / 1000.0
        self.gap_ms = gap_ms
        self.percussion_allowed = percussion_allowed
        self.percussion_pulse_hz = percussion_pulse_hz
        self.commands: list[Command] = []
        self.pattern: Pattern = "steady"
        self.rate = 0.0
        self._last_t = -(10**9)
        self._last_v0 = 0.0
        self._last_target = 0.0
        self._last_ramp = 0

    def value_at(self, t_ms: int) -> float:
        """Envelope value at ``t_ms`` (at or after the last command)."""
        if not self.commands or self._last_ramp <= 0 or t_ms >= self._last_t + self._last_ramp:
            return self._last_target
        frac = (t_ms - self._last_t) / self._last_ramp
        return self._last_v0 + (self._last_target - self._last_v0) * max(0.0, frac)

    @property
    def target(self) -> float:
        """The value the last command is heading for (0 without commands)."""
        return self._last_target

    def rise_ms(self, value: float) -> int:
        """Shortest ramp from 0 to ``value`` (capped) within the ramp limit."""
        v = min(max(value, 0.0), self.cap)
        return math.ceil(v / self.rate_per_ms - _EPS) if v > _EPS else 0

    @property
    def last_t(self) -> int:
        """Time of the last command (very negative when there is none)."""
        return self._last_t

    def settle_ms(self, value: float, t_ms: int) -> int:
        """Shortest ramp that moves from the value at ``t_ms`` to ``value`` within the limit."""
        delta = abs(min(max(value, 0.0), self.cap) - self.value_at(t_ms))
        return math.ceil(delta / self.rate_per_ms - _EPS) if delta > _EPS else 0

    def set(
        self,
        t_ms: int,
        value: float,
        ramp_ms: int = 0,
        pattern: Pattern = "steady",
        rate_hz: float = 0.0,
    ) -> int:
        """Move to ``value`` from ``t_ms`` (or later, see the gap) over at least ``ramp_ms``.

        Returns the time the ramp completes (if nothing cuts it short).
        """
        t = max(int(t_ms), self._last_t + self.gap_ms, 0)
        value = min(max(value, 0.0), self.cap)
        if value <= _EPS:
            value = 0.0  # far below the wire's resolution (1/65535): a start is still from zero
        pattern, rate_hz = self._rhythm(pattern, rate_hz if value > 0 else 0.0)
        if value <= 0:
            pattern, rate_hz = "steady", 0.0
        current = self.value_at(t)
        delta = abs(value - current)
        if delta <= _EPS and pattern == self.pattern and rate_hz == self.rate:
            return max(t_ms, self._last_t + self._last_ramp)
        needed = math.ceil(delta / self.rate_per_ms - _EPS) if delta > _EPS else 0
        ramp = max(int(ramp_ms), needed)
        self.commands.append(Command(t, self.id, value, ramp, pattern, rate_hz))
        self._last_t, self._last_v0, self._last_target, self._last_ramp = t, current, value, ramp
        self.pattern, self.rate = pattern, rate_hz
        return t + ramp

    def _rhythm(self, pattern: Pattern, rate_hz: float) -> tuple[Pattern, float]:
        """A pattern the channel supports, at a rate inside its range (and the safety rules)."""
        if pattern == "steady" or pattern not in self.spec.patterns:
            return "steady", 0.0
        if pattern == "tap" and not self.percussion_allowed:
            raise CompileError(f"tapping on {self.id} is not allowed by this safety profile")
        lo, hi = self.spec.rate_hz
        if pattern == "pulse" and not self.percussion_allowed:
            hi = min(hi, self.percussion_pulse_hz)
        if hi < lo:
            return "steady", 0.0
        return pattern, round(min(max(rate_hz, lo), hi), 3)

    def end_ms(self) -> int:
        """When the last ramp of this channel completes (0 without commands)."""
        return self._last_t + self._last_ramp if self.commands else 0

"""A channel's envelope as breakpoints, for charts: fast lookups and per-window min/max.

:func:`massage_ctl.timeline.value_at` walks every command on each call, which is right for one
look-up but too slow to draw a 30-minute chart column by column. Here the same command semantics
(CONTRACTS §3: each command ramps linearly from the value the channel has when it starts, and the
next command may cut the ramp short) are turned once into a piecewise-linear list of points.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from massage_ctl.timeline import Command


@dataclass(frozen=True, slots=True)
class Envelope:
    """Piecewise-linear envelope of one channel: ``times_ms[i]`` → ``values[i]``.

    A time may appear twice (a jump); the later point is the value from that moment on.
    """

    times_ms: tuple[float, ...]
    values: tuple[float, ...]

    @classmethod
    def from_commands(cls, commands: Sequence[Command]) -> Envelope:
        """Build the envelope of one channel from its commands (sorted by ``t_ms``)."""
        times: list[float] = [0.0]
        values: list[float] = [0.0]
        value = 0.0
        for i, cmd in enumerate(commands):
            nxt = commands[i + 1].t_ms if i + 1 < len(commands) else None
            times.append(cmd.t_ms)
            values.append(value)
            if cmd.ramp_ms <= 0:
                value = cmd.value
                end_t: float = cmd.t_ms
            else:
                end_t = cmd.t_ms + cmd.ramp_ms
                if nxt is not None and nxt < end_t:
                    # The next command interrupts this ramp part-way.
                    value = value + (cmd.value - value) * (nxt - cmd.t_ms) / cmd.ramp_ms
                    end_t = nxt
                else:
                    value = cmd.value
            times.append(end_t)
            values.append(value)
        return cls(tuple(times), tuple(values))

    def value_at(self, t_ms: float) -> float:
        """Envelope value at ``t_ms`` (same result as :func:`massage_ctl.timeline.value_at`)."""
        i = bisect_right(self.times_ms, t_ms) - 1
        if i < 0:
            return 0.0
        if i + 1 >= len(self.times_ms):
            return self.values[-1]
        t0, t1 = self.times_ms[i], self.times_ms[i + 1]
        v0, v1 = self.values[i], self.values[i + 1]
        if t1 <= t0:
            return v1
        return v0 + (v1 - v0) * (t_ms - t0) / (t1 - t0)

    def range_in(self, start_ms: float, end_ms: float) -> tuple[float, float]:
        """Lowest and highest value the envelope takes during ``[start_ms, end_ms]``."""
        lo = hi = self.value_at(start_ms)
        end_value = self.value_at(end_ms)
        lo, hi = min(lo, end_value), max(hi, end_value)
        first = bisect_right(self.times_ms, start_ms)
        last = bisect_right(self.times_ms, end_ms)
        for v in self.values[first:last]:
            lo, hi = min(lo, v), max(hi, v)
        return lo, hi

    @property
    def peak(self) -> float:
        """The highest value the envelope ever reaches."""
        return max(self.values)

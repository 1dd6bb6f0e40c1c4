"""A sequence of presses filling a phase: shared by the press-type techniques."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.common import press
from massage_ctl.timeline import Pattern
from massage_ctl.zones import Point


def press_order(points: list[Point], alternate: bool, count: int) -> list[Point]:
    """``count`` presses over ``points``: round-robin (alternating sides) or point by point."""
    if alternate or len(points) == 1:
        return [points[i % len(points)] for i in range(count)]
    per = -(-count // len(points))
    return [p for p in points for _ in range(per)][:count]


def press_sequence(
    ctx: PhaseCtx,
    points: list[Point],
    level: float,
    ramp: int,
    hold: int,
    release: int,
    rest: int,
    *,
    alternate: bool = True,
    pattern: Pattern = "steady",
    rate_hz: float = 0.0,
    prefer_cells: bool = False,
) -> None:
    """Fill the phase with presses (ramp, hold, release, rest), as many as fit.

    If the phase is shorter than one press (a ``--minutes`` fit), the press is compressed.
    A press is only started when it can finish inside the phase.
    """
    span = ctx.end_ms - ctx.start_ms
    cycle = ramp + hold + release + rest
    if span < cycle:
        f = span / cycle
        ramp, hold, release, rest = (int(x * f) for x in (ramp, hold, release, rest))
        cycle = ramp + hold + release + rest
    count = max(1, span // max(cycle, 1))
    t = ctx.start_ms
    for n, point in enumerate(press_order(points, alternate, count)):
        if n and t + cycle > ctx.end_ms:
            break
        done = press(ctx, point, level, t, ramp, hold, release, pattern, rate_hz, prefer_cells)
        t = max(done + rest, ctx.start_ms + (n + 1) * cycle)

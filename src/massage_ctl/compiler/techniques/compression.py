"""compression: air cells squeeze and release, zone after zone (a wave) or all together.

Devices without air cells use the roller at the zone, or the zone's vibration motor.
"""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.common import press
from massage_ctl.program.phases import CompressionPhase


def expand(ctx: PhaseCtx, phase: CompressionPhase) -> None:
    """Squeeze/release cycles until the phase ends."""
    points = ctx.points(phase.points())
    level = ctx.level(phase.intensity)
    ramp = 2_000
    t = ctx.start_ms
    groups = [[p] for p in points] if phase.sequential else [points]
    n = 0
    while True:
        group = groups[n % len(groups)]
        cycle = ramp + phase.squeeze + ramp + phase.release
        if t + cycle > ctx.end_ms:
            break
        done = t
        for p in group:
            done = max(
                done, press(ctx, p, level, t, ramp, phase.squeeze, ramp, prefer_cells=True)
            )
        t = max(done + phase.release, t + cycle)
        n += 1

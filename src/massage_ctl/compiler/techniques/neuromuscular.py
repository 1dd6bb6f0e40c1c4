"""neuromuscular: concentrated pressure on spasm points, one point after another."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.program.phases import NeuromuscularPhase


def expand(ctx: PhaseCtx, phase: NeuromuscularPhase) -> None:
    """Steady presses moving through the points in the order written."""
    press_sequence(
        ctx,
        ctx.points(phase.points()),
        ctx.level(phase.intensity),
        phase.ramp,
        phase.hold,
        phase.release,
        phase.rest,
        written_ms=phase.natural_ms(),
        min_hold_fraction=MIN_HOLD_FRACTION,
    )

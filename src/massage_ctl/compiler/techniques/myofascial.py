"""myofascial: very slow, sustained stretch-like pressure with a slow rolling rhythm."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.program.phases import MyofascialPhase

#: A slow rolling rhythm reads as a stretch rather than a poke (roller channels only).
STRETCH_RATE_HZ = 0.25


def expand(ctx: PhaseCtx, phase: MyofascialPhase) -> None:
    """Long, slow presses zone by zone; rollers add a slow roll, air cells a slow wave."""
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
        alternate=False,
        pattern="roll",
        rate_hz=STRETCH_RATE_HZ,
    )

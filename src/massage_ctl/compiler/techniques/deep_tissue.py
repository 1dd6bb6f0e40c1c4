"""deep-tissue: slow, heavy pressure on one or two zones (refused under ``gentle``)."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.program.phases import DeepTissuePhase


def expand(ctx: PhaseCtx, phase: DeepTissuePhase) -> None:
    """Long slow presses; on a roller a very slow knead deepens the pressure."""
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
        pattern="knead",
        rate_hz=0.3,
    )

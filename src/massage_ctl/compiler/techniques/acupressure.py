"""acupressure: firm point holds, one after another; sided points alternate."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.program.phases import AcupressurePhase


def expand(ctx: PhaseCtx, phase: AcupressurePhase) -> None:
    """Point holds; air cells are preferred (a cell presses a point, the roller a line)."""
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
        alternate=phase.alternate_sides,
    )

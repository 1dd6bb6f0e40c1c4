"""trigger-point: slow ramp onto a point, sustained hold, slow release, rest; alternate sides.

On a device with sided air cells the presses alternate left/right cells; otherwise the roller
travels to the point (with its intensity at zero) and presses; otherwise the zone's air cell or
vibration motor is used.
"""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.program.phases import TriggerPointPhase


def expand(ctx: PhaseCtx, phase: TriggerPointPhase) -> None:
    """Presses on the phase's points until the phase ends."""
    points = ctx.points(phase.points())
    press_sequence(
        ctx,
        points,
        ctx.level(phase.intensity),
        phase.ramp,
        phase.hold,
        phase.release,
        phase.rest,
        written_ms=phase.natural_ms(),
        min_hold_fraction=MIN_HOLD_FRACTION,
        alternate=phase.alternate_sides,
    )

"""compression: air cells squeeze and release, zone after zone (a wave) or all together.

Devices without air cells use the roller at the zone, or the zone's vibration motor. Fitting
keeps whole squeeze cycles (see :mod:`.presses`): the squeeze and the pause stretch or shrink a
little so the cycles fill the phase.
"""

from __future__ import annotations

from massage_ctl.compiler.blocks.presses import press_sequence
from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import CompressionPhase

#: Time a cell takes to fill or empty (lengthened where the ramp limit needs more).
RAMP_MS = 2_000


def expand(ctx: PhaseCtx, phase: CompressionPhase) -> None:
    """Squeeze/release cycles until the phase ends."""
    press_sequence(
        ctx,
        ctx.points(phase.points()),
        ctx.level(phase.intensity),
        RAMP_MS,
        phase.squeeze,
        RAMP_MS,
        phase.release,
        alternate=True,
        prefer_cells=True,
        written_ms=phase.natural_ms(),
        together=not phase.sequential,
    )


TECHNIQUES = (Technique("compression", CompressionPhase, expand),)

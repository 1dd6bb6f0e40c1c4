"""compression: air cells squeeze and release, zone after zone (a wave) or all together.

Devices without air cells use the roller at the zone, or the zone's vibration motor. Fitting
keeps whole squeeze cycles (see :mod:`.presses`): the squeeze and the pause stretch or shrink a
little so the cycles fill the phase.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from massage_ctl.durations import StepDuration
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import press_sequence
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique


class CompressionPhase(_ActivePhase):
    """Air-cell compression: squeeze and release, zone after zone or all together."""

    technique: Literal["compression"]
    squeeze: StepDuration = Field(6_000, description="time the cells stay inflated")
    release: StepDuration = Field(6_000, description="time the cells stay deflated")
    sequential: bool = Field(True, description="squeeze zones one after another (a wave)")

    def cycle_ms(self) -> int:
        """One squeeze + release (of every zone in turn when sequential)."""
        per = self.squeeze + self.release
        return per * len(self.zones) if self.sequential else per


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


TECHNIQUES = (Technique("compression", CompressionPhase, expand, rank=8),)

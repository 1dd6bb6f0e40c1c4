"""swedish: effleurage (long gliding strokes), petrissage (kneading), tapotement (tapping).

On a roller device the roller travels along the row with its intensity on (``knead`` for
petrissage, ``tap`` for tapotement); on a pad the stroke is a travelling wave whose adjacent
zones cross-fade (``wave`` rhythm for petrissage, fast ``pulse`` for tapotement).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from massage_ctl.durations import StrokeDuration
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.strokes import stroke_windows
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique
from massage_ctl.vocabulary import Pattern
from massage_ctl.zones import ZONES


class SwedishPhase(_ActivePhase):
    """Flowing Swedish massage: effleurage strokes, petrissage kneading or tapotement tapping."""

    technique: Literal["swedish"]
    stroke: Literal["effleurage", "petrissage", "tapotement"] = Field(
        "effleurage", description="long gliding strokes, kneading, or light rhythmic tapping"
    )
    stroke_period: StrokeDuration | None = Field(
        None, description="time of one stroke end to end (default from tempo: about 12 s)"
    )
    direction: Literal["up", "down", "both"] = Field(
        "up", description="stroke direction: up = towards the head, down = towards the feet"
    )
    rate_hz: float | None = Field(
        None, gt=0, le=10, description="kneading/tapping rhythm in Hz (default from tempo)"
    )

    def stroke_ms(self) -> int:
        """Length of one stroke."""
        return self.stroke_period or round(12_000 * self.period_factor())

    def cycle_ms(self) -> int:
        """One stroke."""
        return self.stroke_ms()


#: Device rhythm per stroke type (first supported wins) and default rate per tempo.
PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "effleurage": ("steady",),
    "petrissage": ("knead", "wave"),
    "tapotement": ("tap", "pulse"),
}
RATES_HZ: dict[str, dict[str, float]] = {
    "effleurage": {"slow": 0.0, "medium": 0.0, "fast": 0.0},
    "petrissage": {"slow": 0.5, "medium": 0.8, "fast": 1.2},
    "tapotement": {"slow": 3.0, "medium": 4.0, "fast": 5.0},
}


def expand(ctx: PhaseCtx, phase: SwedishPhase) -> None:
    """Continuous strokes over the phase's zones until the phase ends."""
    rate = phase.rate_hz or RATES_HZ[phase.stroke][phase.tempo]
    stroke_windows(
        ctx,
        ctx.points(phase.points()),
        len(ZONES),
        ctx.level(phase.intensity),
        phase.stroke_ms(),
        phase.direction,
        PATTERNS[phase.stroke],
        rate,
    )


TECHNIQUES = (Technique("swedish", SwedishPhase, expand, rank=1),)

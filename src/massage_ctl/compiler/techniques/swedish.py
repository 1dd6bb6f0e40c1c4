"""swedish: effleurage (long gliding strokes), petrissage (kneading), tapotement (tapping).

On a roller device the roller travels along the row with its intensity on (``knead`` for
petrissage, ``tap`` for tapotement); on a pad the stroke is a travelling wave whose adjacent
zones cross-fade (``wave`` rhythm for petrissage, fast ``pulse`` for tapotement).
"""

from __future__ import annotations

from massage_ctl.compiler.blocks.strokes import stroke_windows
from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import SwedishPhase
from massage_ctl.timeline import Pattern
from massage_ctl.zones import ZONES

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


TECHNIQUES = (Technique("swedish", SwedishPhase, expand),)

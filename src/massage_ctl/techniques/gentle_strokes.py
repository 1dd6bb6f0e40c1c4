"""gentle: nerve-safe small strokes over one or two adjacent zones, low and slow.

The technique itself never exceeds the gentle profile's intensity, whatever profile is active.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from massage_ctl.durations import StrokeDuration
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.strokes import stroke_windows
from massage_ctl.safety import GENTLE
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique
from massage_ctl.zones import ZONES


class GentlePhase(_ActivePhase):
    """Nerve-safe strokes: low pressure, short strokes over one or two adjacent zones."""

    technique: Literal["gentle"]
    stroke_span: int = Field(2, ge=1, le=len(ZONES), description="zones one stroke covers")
    stroke_period: StrokeDuration | None = Field(
        None, description="time of one stroke (default from tempo: about 16 s)"
    )

    def stroke_ms(self) -> int:
        """Length of one stroke."""
        return self.stroke_period or round(16_000 * self.period_factor())

    def cycle_ms(self) -> int:
        """One stroke."""
        return self.stroke_ms()


def expand(ctx: PhaseCtx, phase: GentlePhase) -> None:
    """Back-and-forth small strokes, window by window."""
    intensity = phase.intensity
    if intensity > GENTLE.max_intensity:
        ctx.warn(f"gentle strokes are light: intensity lowered to {GENTLE.max_intensity:.2f}")
        intensity = GENTLE.max_intensity
    stroke_windows(
        ctx,
        ctx.points(phase.points()),
        phase.stroke_span,
        ctx.level(intensity),
        phase.stroke_ms(),
        "both",
        ("steady",),
        0.0,
    )


TECHNIQUES = (Technique("gentle", GentlePhase, expand, rank=2),)

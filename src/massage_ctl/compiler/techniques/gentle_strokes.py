"""gentle: nerve-safe small strokes over one or two adjacent zones, low and slow.

The technique itself never exceeds the gentle profile's intensity, whatever profile is active.
"""

from __future__ import annotations

from massage_ctl.compiler.blocks.strokes import stroke_windows
from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import GentlePhase
from massage_ctl.safety import GENTLE


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


TECHNIQUES = (Technique("gentle", GentlePhase, expand),)

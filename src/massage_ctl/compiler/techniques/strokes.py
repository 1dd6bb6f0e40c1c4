"""Stroke windows: how a row of zones is split when the safety profile limits stroke span."""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.compiler.techniques.common import stroke
from massage_ctl.timeline import Pattern
from massage_ctl.zones import ZONES


def windows(ctx: PhaseCtx, zones: list[str], span: int) -> list[list[str]]:
    """Split ``zones`` (head to feet) into runs of at most ``span`` adjacent zones.

    The safety profile's ``max_stroke_zones`` narrows ``span`` further (with a warning).
    """
    ordered = sorted(set(zones), key=ZONES.index)
    limit = ctx.s.safety.max_stroke_zones
    if limit is not None and span > limit:
        if len(ordered) > limit:
            ctx.warn(f"stroke span narrowed to {limit} adjacent zones ({ctx.s.safety.id} profile)")
        span = limit
    return [ordered[i : i + span] for i in range(0, len(ordered), span)] or [ordered]


def stroke_windows(
    ctx: PhaseCtx,
    zones: list[str],
    span: int,
    level: float,
    stroke_ms: int,
    direction: str,
    patterns: tuple[Pattern, ...],
    rate_hz: float,
) -> None:
    """Share the phase between the windows; in each, continuous strokes of ``stroke_ms``."""
    wins = windows(ctx, zones, span)
    share = (ctx.end_ms - ctx.start_ms) // len(wins)
    t = ctx.start_ms
    for n, win in enumerate(wins):
        end = ctx.end_ms if n == len(wins) - 1 else ctx.start_ms + (n + 1) * share
        step = max(1000, stroke_ms // max(1, len(win)))
        done = stroke(ctx, win, level, t, end, step, direction, patterns, rate_hz)
        t = max(done, end)

"""Stroke windows: how a row of zones is split when the safety profile limits stroke span.

Sides (docs/DEVICE_PROFILES.md): a stroke over sided points (``upper-back.left``) runs only
over that side's channels. When a window names both sides, the strokes alternate: one stroke
(there and back) on the left, then one on the right, and so on, as a therapist works one side
of the spine and then the other. The roller has no sides: on a device whose roller draws the
stroke, both sides are stroked together and the warnings say so.
"""

from __future__ import annotations

from massage_ctl.devices import ChannelSpec
from massage_ctl.motion.common import roller_reaches, sided_stations, stroke
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.vocabulary import Pattern
from massage_ctl.zones import ZONES, Point

#: One side's turn when sides alternate: this many strokes before the other side's turn.
STROKES_PER_SIDE = 2


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


def side_rows(ctx: PhaseCtx, win: list[str], points: list[Point]) -> list[list[list[ChannelSpec]]]:
    """Per side named in the window (left first), the channels a stroke drives per zone.

    Empty when no point of the window has a side, or when the roller draws the stroke (it has
    no sides; warned): the caller strokes the whole window as before. A zone written without
    a side is stroked on both sides' turns.
    """
    here = [p for p in points if p.zone in win]
    sides = sorted({p.side for p in here if p.side is not None})
    if not sides:
        return []
    if roller_reaches(ctx, win):
        roller = ctx.s.map.roller
        assert roller is not None
        for p in here:
            if p.side is not None:
                ctx.sided([roller.intensity], p)  # warns: both sides together
        return []
    out: list[list[list[ChannelSpec]]] = []
    for side in sides:
        pts = [p if p.side is None else Point(p.zone, side) for p in here
               if p.side in (None, side)]
        rows = sided_stations(ctx, list(dict.fromkeys(pts)))
        if rows and rows not in out:  # a device without sided channels here: one stroke
            out.append(rows)
    return out


def stroke_windows(
    ctx: PhaseCtx,
    points: list[Point],
    span: int,
    level: float,
    stroke_ms: int,
    direction: str,
    patterns: tuple[Pattern, ...],
    rate_hz: float,
) -> None:
    """Share the phase between the windows; in each, continuous strokes of ``stroke_ms``."""
    wins = windows(ctx, [p.zone for p in points], span)
    share = (ctx.end_ms - ctx.start_ms) // len(wins)
    t = ctx.start_ms
    for n, win in enumerate(wins):
        end = ctx.end_ms if n == len(wins) - 1 else ctx.start_ms + (n + 1) * share
        step = max(1000, stroke_ms // max(1, len(win)))
        sides = side_rows(ctx, win, points)
        if len(sides) > 1:
            done = _alternate(ctx, sides, level, t, end, step, stroke_ms, direction,
                              patterns, rate_hz)
        else:
            rows = sides[0] if sides else None
            done = stroke(ctx, win, level, t, end, step, direction, patterns, rate_hz, rows)
        t = max(done, end)


def _alternate(
    ctx: PhaseCtx,
    sides: list[list[list[ChannelSpec]]],
    level: float,
    t: int,
    end: int,
    step: int,
    stroke_ms: int,
    direction: str,
    patterns: tuple[Pattern, ...],
    rate_hz: float,
) -> int:
    """Strokes taking turns between the sides over ``[t, end)``; every side gets a turn."""
    turn = STROKES_PER_SIDE * stroke_ms
    rounds = max(1, round((end - t) / (turn * len(sides))))
    count = rounds * len(sides)
    done = t
    for k in range(count):
        start = max(t + (end - t) * k // count, done)
        stop = t + (end - t) * (k + 1) // count
        if stop <= start:
            break
        done = stroke(ctx, [], level, start, stop, step, direction, patterns, rate_hz,
                      sides[k % len(sides)])
    return done

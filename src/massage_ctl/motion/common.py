"""Building blocks the techniques share: presses, travelling waves and roller sweeps.

* :func:`press` — ramp onto one point, hold, release (roller moved there first, or the
  zone's air cell / vibration motor). Holds are shortened (or the level lowered) so the time
  above the safety profile's hold threshold stays within ``max_hold_s``.
* :func:`stroke` — a continuous stroke over a row of zones: on a device whose roller reaches
  them, the roller travels with its intensity on; otherwise a travelling wave over the zones'
  channels where each zone cross-fades linearly into the next (their sum stays level: no dead
  gaps mid-stroke).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from massage_ctl.devices import ChannelSpec
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.vocabulary import Pattern
from massage_ctl.zones import ZONES, Point

#: Fraction of the stroke level used while the roller travels back against the stroke direction.
RETURN_LEVEL = 0.4


def pick_pattern(spec: ChannelSpec, *prefs: Pattern) -> Pattern:
    """The first of ``prefs`` the channel supports (``steady`` otherwise)."""
    for p in prefs:
        if p in spec.patterns:
            return p
    return "steady"


def press_channels(
    ctx: PhaseCtx, point: Point, prefer_cells: bool = False
) -> tuple[bool, list[ChannelSpec]]:
    """(uses the roller?, channels) that press ``point``: sided cell > roller > cells > motor.

    A point with a side uses only that side's cell or motor where the device has one.
    """
    m = ctx.s.map
    cells = m.pressure.get(point.zone, [])
    if point.side:
        sided, lost = m.for_point(cells, point)
        if cells and not lost:
            return False, sided
    if prefer_cells and cells:
        return False, ctx.sided(cells, point)
    if m.roller is not None and point.zone in m.roller.zones:
        if point.side:
            ctx.sided([m.roller.intensity], point)  # one roller: says the sides are lost
        return True, [m.roller.intensity]
    if cells:
        return False, ctx.sided(cells, point)
    return False, ctx.sided(m.vibration.get(point.zone, []), point)


def limit_hold(
    ctx: PhaseCtx, level: float, ramp: int, hold: int, release: int
) -> tuple[float, int]:
    """Shorten ``hold`` (or lower ``level``) so time above the hold threshold stays in limits."""
    safety = ctx.s.safety
    thr = safety.hold_threshold
    if level <= thr:
        return level, hold
    limit = safety.max_hold_s * 1000 - 1000  # a second of margin for rounding and gaps
    above_ramps = (ramp + release) * (level - thr) / level
    if above_ramps + hold <= limit:
        return level, hold
    new_hold = int(limit - above_ramps)
    if new_hold >= 1000:
        ctx.warn(
            f"hold shortened from {hold / 1000:.0f} s to {new_hold / 1000:.0f} s "
            f"(limit {safety.max_hold_s:.0f} s above {thr:.2f})"
        )
        return level, new_hold
    ctx.warn(f"hold lowered to {thr:.2f} (limit {safety.max_hold_s:.0f} s above it)")
    return thr, hold


def press(
    ctx: PhaseCtx,
    point: Point,
    level: float,
    t: int,
    ramp: int,
    hold: int,
    release: int,
    pattern: Pattern = "steady",
    rate_hz: float = 0.0,
    prefer_cells: bool = False,
    fitted: bool = False,
    move_from_ms: int | None = None,
) -> int:
    """Press ``point`` at ``level`` starting at ``t``; returns when the release is done.

    ``fitted``: ramps and hold were already made safe by the caller (:mod:`.presses` plans the
    whole phase with them), so they are played as given. ``move_from_ms``: the roller may start
    travelling to the point from then (the previous press is released), so the travel happens
    during the rest instead of delaying the press.
    """
    on_roller, channels = press_channels(ctx, point, prefer_cells)
    if not channels:
        return t
    if on_roller:
        roller = ctx.s.map.roller
        assert roller is not None
        pos = ctx.track(roller.position)
        # Move with the intensity at zero (it already is after a release), then press.
        depart = t if move_from_ms is None else min(t, max(move_from_ms, pos.last_t + pos.gap_ms))
        t = max(t, pos.set(depart, ctx.s.map.roller_position(point.zone), 0))
    ramp = max(ramp, max(ctx.rise_ms(c, level) for c in channels))
    release = max(release, max(ctx.rise_ms(c, level) for c in channels))
    if not fitted:
        level, hold = limit_hold(ctx, level, ramp, hold, release)
    end = t
    for ch in channels:
        tr = ctx.track(ch)
        pat = pick_pattern(ch, pattern)
        top = tr.set(t, level, ramp, pat, rate_hz)
        end = max(end, tr.set(top + hold, 0.0, release))
    return end


def stations(ctx: PhaseCtx, zones: Sequence[str]) -> list[list[ChannelSpec]]:
    """Per zone (head to feet), the channels a travelling wave drives there."""
    m = ctx.s.map
    out: list[list[ChannelSpec]] = []
    for z in zones:
        chans = m.pressure.get(z) or m.vibration.get(z) or []
        if chans:
            out.append(list(chans))
    return out


def sided_stations(ctx: PhaseCtx, points: Sequence[Point]) -> list[list[ChannelSpec]]:
    """Like :func:`stations`, for points that may carry a side: a sided point's zone drives
    only that side's channels where the device has them (both, with a warning, where not)."""
    m = ctx.s.map
    out: list[list[ChannelSpec]] = []
    for p in sorted(points, key=lambda p: ZONES.index(p.zone)):
        chans = m.pressure.get(p.zone) or m.vibration.get(p.zone) or []
        chosen = ctx.sided(list(chans), p) if chans else []
        if chosen:
            out.append(chosen)
    return out


def ping_pong(n: int, direction: str) -> Iterator[tuple[int, bool]]:
    """Endless station order for strokes; yields (index, with the stroke direction?)."""
    if n == 1:
        while True:
            yield 0, True
    up_first = direction == "up"  # index 0 is the head end; "up" runs feet → head
    fwd = list(range(n - 1, -1, -1)) if up_first else list(range(n))
    back = fwd[::-1]
    yield fwd[0], True
    while True:
        for i in fwd[1:]:
            yield i, True
        for i in back[1:]:
            yield i, direction == "both"


def roller_reaches(ctx: PhaseCtx, zones: Sequence[str]) -> bool:
    """True when the roller can sweep the whole row (contiguous, none excluded)."""
    roller = ctx.s.map.roller
    if roller is None or not zones:
        return False
    idx = sorted(ZONES.index(z) for z in zones)
    span = ZONES[idx[0] : idx[-1] + 1]
    return all(z in roller.zones for z in span)


def stroke(
    ctx: PhaseCtx,
    zones: Sequence[str],
    level: float,
    t: int,
    end: int,
    step_ms: int,
    direction: str,
    patterns: Sequence[Pattern] = ("steady",),
    rate_hz: float = 0.0,
    rows: list[list[ChannelSpec]] | None = None,
) -> int:
    """Continuous strokes over ``zones`` from ``t`` until ``end``; returns when all is at zero.

    ``step_ms`` is the time from one zone to the next. The stroke is drawn by the roller when it
    reaches every zone, otherwise as a cross-fading wave over the zones' channels (``rows``:
    the channels per zone when the caller chose them, e.g. one side's; see
    :func:`sided_stations`).
    """
    if rows is None:
        ordered = sorted(set(zones), key=ZONES.index)
        if roller_reaches(ctx, ordered):
            return _roller_stroke(
                ctx, ordered, level, t, end, step_ms, direction, patterns, rate_hz
            )
        rows = stations(ctx, ordered)
    return _wave_stroke(ctx, rows, level, t, end, step_ms, direction, patterns, rate_hz)


def _roller_stroke(
    ctx: PhaseCtx,
    zones: list[str],
    level: float,
    t: int,
    end: int,
    step_ms: int,
    direction: str,
    patterns: Sequence[Pattern],
    rate_hz: float,
) -> int:
    m = ctx.s.map
    assert m.roller is not None
    pos, inten = ctx.track(m.roller.position), ctx.track(m.roller.intensity)
    points = [m.roller_position(z) for z in zones]
    spacing = 1.0 / max(1, len(m.roller.zones))
    step_ms = max(step_ms, math.ceil(spacing / pos.rate_per_ms), pos.gap_ms)
    pattern = pick_pattern(m.roller.intensity, *patterns)
    order = ping_pong(len(points), direction)
    first, _ = next(order)
    t = pos.set(t, points[first], 0)  # travel to the start with the roller off
    release = inten.rise_ms(level)
    stop = end - release
    if t >= stop:
        return t
    t = inten.set(t, level, inten.rise_ms(level), pattern, rate_hz)
    # A window shorter than one step still gets one (shorter) step rather than nothing.
    steps = max(1, (stop - t) // step_ms) if stop - t >= pos.gap_ms else 0
    if steps <= 0:
        return inten.set(t, 0.0, release)
    # Whole steps that end exactly at ``stop``: stretch each a little rather than leave the
    # roller idle (a dead gap) at the end of the phase.
    unit = (stop - t) / steps
    start = t
    for k in range(steps):
        t = start + round(k * unit)
        width = start + round((k + 1) * unit) - t
        i, forward = next(order)
        pos.set(t, points[i], width)
        lvl = level if forward else level * RETURN_LEVEL
        if abs(inten.target - lvl) > 1e-9:
            inten.set(t, lvl, width, pattern, rate_hz)
    return inten.set(stop, 0.0, release)


def _wave_stroke(
    ctx: PhaseCtx,
    rows: list[list[ChannelSpec]],
    level: float,
    t: int,
    end: int,
    step_ms: int,
    direction: str,
    patterns: Sequence[Pattern],
    rate_hz: float,
) -> int:
    if not rows:
        return t
    gap = max(ctx.s.tracks[c.id].gap_ms for row in rows for c in row)
    step_ms = max(step_ms, gap)
    order = ping_pong(len(rows), direction)
    if end - t < 2 * step_ms and end - t >= 2 * gap:
        step_ms = (end - t) // 2  # a short window still gets one (quicker) stroke
    # Plan the peaks in units of one step first: slot k peaks at t + k steps.
    plan: list[tuple[int, int]] = []
    prev, slot = -1, 1
    while True:
        i, _forward = next(order)
        if i == prev:
            slot += 1  # same zone twice: let it fall before rising again
        if (slot + 1) * step_ms > end - t:
            break
        plan.append((i, slot))
        prev, slot = i, slot + 1
    if not plan:
        return t
    # Stretch the steps so the last fall ends at the phase's end: no dead time left over.
    unit = (end - t) / (plan[-1][1] + 1)
    last_end = t
    for i, slot in plan:
        rise_at = t + round((slot - 1) * unit)
        peak = t + round(slot * unit)
        for ch in rows[i]:
            tr = ctx.track(ch)
            pat = pick_pattern(ch, *patterns)
            # Linear cross-fade: this zone rises while the previous one falls.
            tr.set(rise_at, level, peak - rise_at, pat, rate_hz)
            fall_end = t + round((slot + 1) * unit)
            last_end = max(last_end, tr.set(peak, 0.0, fall_end - peak))
    return last_end

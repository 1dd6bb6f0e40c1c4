"""A sequence of presses filling a phase: shared by the press-type techniques.

Fitting keeps whole technique cycles. A *round* is one press on every point of the phase (a
left/right pair when sides alternate). The phase gets the whole number of rounds nearest to
what its length allows, and each press's hold and rest are stretched or shrunk (within
:data:`FIT_RANGE` of what the program wrote, and the hold within the safety profile's hold
limit) so the presses fill the phase exactly: no press is cut and no dead time is left at the
end. When no whole number of rounds fits within that range (typically because the safety
profile cut the hold), more and shorter presses are preferred over rests stretched into dead
time. A phase fitted shorter than its written rounds drops whole rounds (whole left/right
pairs) and the warnings say how many; a phase too short for one press on every point is a
compile error naming what it needs (pressing one side only would break the technique).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from massage_ctl.errors import CompileError
from massage_ctl.motion.common import limit_hold, press, press_channels
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.vocabulary import Pattern
from massage_ctl.zones import Point

#: How far fitting may shrink or stretch a press's hold and rest (× what the program wrote).
FIT_RANGE = (0.67, 1.5)
#: Sustained-pressure techniques (trigger-point, acupressure, deep-tissue, neuromuscular,
#: myofascial) work through the hold itself: ischemic compression releases a trigger point
#: only after pressure held for tens of seconds (Simons, Travell & Simons, *Myofascial Pain
#: and Dysfunction*, vol. 1; Hou et al. 2002, 30-90 s holds). A press with its hold cut to
#: nothing is a tap, not the technique, so a fitted press keeps at least this part of its
#: written hold: fewer whole rounds are played, and a phase without room for one round plays
#: none (warned) rather than taps.
MIN_HOLD_FRACTION = 0.5


@dataclass(frozen=True, slots=True)
class PressShape:
    """The parts of one press in ms, as they will be played."""

    ramp: int
    hold: int
    release: int
    rest: int

    @property
    def total(self) -> int:
        """Length of the press including its rest."""
        return self.ramp + self.hold + self.release + self.rest


def press_order(points: list[Point], alternate: bool, count: int) -> list[Point]:
    """``count`` presses over ``points``: round-robin (alternating sides) or point by point."""
    if alternate or len(points) == 1:
        return [points[i % len(points)] for i in range(count)]
    per = -(-count // len(points))
    return [p for p in points for _ in range(per)][:count]


def _shape(
    ctx: PhaseCtx, points: list[Point], level: float, ramp: int, hold: int, release: int,
    prefer_cells: bool,
) -> tuple[float, int, int, int, int]:
    """(level, ramp, hold, release, shortest ramp) every point can play: ramps the channels
    can make, the hold the safety profile allows (computed once, so fitting plans with the real
    hold), and the shortest ramp the ramp limit allows (for phases shorter than one press)."""
    fastest = 0
    for p in points:
        _roller, chans = press_channels(ctx, p, prefer_cells)
        for c in chans:
            fastest = max(fastest, ctx.rise_ms(c, level))
    ramp, release = max(ramp, fastest), max(release, fastest)
    level, hold = limit_hold(ctx, level, ramp, hold, release)
    return level, ramp, hold, release, fastest


def _release_wait_ms(ctx: PhaseCtx, first: Point, prefer_cells: bool) -> int:
    """Time until the channels of the first press are done with a release the previous phase
    left on them (a press never rises from a value still falling)."""
    _on_roller, channels = press_channels(ctx, first, prefer_cells)
    ready = ctx.start_ms
    for c in channels:
        ready = max(ready, ctx.s.tracks[c.id].end_ms())
    return ready - ctx.start_ms


def _lead_ms(ctx: PhaseCtx, first: Point, prefer_cells: bool) -> int:
    """Time the phase's first press waits for, planned rather than played late: the roller's
    travel to the first point (it leaves when the phase starts, or later if it is still busy)
    and the end of a release the previous phase left on the same channels."""
    on_roller = press_channels(ctx, first, prefer_cells)[0]
    ready = ctx.start_ms + _release_wait_ms(ctx, first, prefer_cells)
    roller = ctx.s.map.roller
    if on_roller and roller is not None:
        pos = ctx.s.tracks[roller.position.id]
        depart = max(ctx.start_ms, pos.last_t + pos.gap_ms) if pos.commands else ctx.start_ms
        target = ctx.s.map.roller_position(first.zone)
        ready = max(ready, depart + pos.settle_ms(target, depart))
    return ready - ctx.start_ms


def _keep_holds(
    span: int, n_points: int, ramp: int, hold: int, release: int, rest: int, max_hold: int,
    min_hold: int, fastest: int,
) -> tuple[int, PressShape]:
    """Fewer whole rounds, each press keeping at least ``min_hold`` (see :func:`press_sequence`);
    ``(0, shape)`` when not one round does (the caller drops the presses and says so)."""
    rounds = span // ((ramp + min_hold + release) * n_points)
    if rounds < 1:
        # One round with quicker ramps (never beyond the ramp limit: ``fastest``) keeps the
        # hold, which is the technique; without room even for that, no round.
        room = span // n_points - min_hold
        if room < 2 * fastest or ramp + release <= 0:
            return 0, PressShape(ramp, 0, release, 0)
        quick = min(max(fastest, ramp * room // (ramp + release)), room - fastest)
        return 1, PressShape(quick, min_hold, max(fastest, room - quick), 0)
    flex = span // (rounds * n_points) - ramp - release
    hi = FIT_RANGE[1]
    new_hold = min(flex, max(hold, min(round(hold * hi), max_hold)))
    new_rest = min(flex - new_hold, round(rest * hi))
    # What hold and rest may not take goes into slower ramps (always within the ramp limit)
    # rather than into dead time.
    slower = flex - new_hold - new_rest
    return rounds, PressShape(ramp + slower // 2, new_hold, release + slower - slower // 2,
                              new_rest)


def fit_presses(
    span: int, n_points: int, ramp: int, hold: int, release: int, rest: int, max_hold: int,
) -> tuple[int, PressShape]:
    """(rounds, press shape) that fill ``span`` ms with whole rounds.

    Pure arithmetic (tested on its own): the press shape's ``total`` × rounds × ``n_points``
    equals ``span`` up to rounding to whole ms, and hold/rest stay within :data:`FIT_RANGE`
    of the written values (hold also ≤ ``max_hold``) whenever some whole number of rounds
    allows that.
    """
    lo, hi = FIT_RANGE
    fixed = ramp + release
    flex_lo = round(hold * lo) + round(rest * lo)
    hold_hi = max(hold, min(round(hold * hi), max_hold))
    flex_hi = hold_hi + round(rest * hi)
    natural_round = (fixed + hold + rest) * n_points
    ideal = max(1, round(span / natural_round)) if natural_round > 0 else 1

    def flex_for(rounds: int) -> float:
        return span / (rounds * n_points) - fixed

    candidates = sorted({max(1, ideal - 1), ideal, ideal + 1}, key=lambda r: abs(r - ideal))
    rounds = next((r for r in candidates if flex_lo <= flex_for(r) <= flex_hi), 0)
    if rounds == 0:
        # No whole number of rounds fits within the range (typically the safety profile cut
        # the hold): prefer more, shorter presses over rests stretched into dead time.
        rounds = max(1, math.ceil(span / (max(1, fixed + flex_hi) * n_points)))
    per_press = span // (rounds * n_points)
    flex = per_press - fixed
    if flex < 0:
        # Shorter than one press even with no hold and no rest: the ramps are already the
        # shortest the channels allow, so keep them whole; the caller plays fewer presses.
        return rounds, PressShape(ramp, 0, release, 0)
    # Share the flexible time between hold and rest in the written proportion, then move what
    # the hold may not take (safety hold limit, stretch range) into the rest.
    written = hold + rest
    new_hold = round(flex * hold / written) if written else 0
    new_hold = min(new_hold, hold_hi)
    new_rest = flex - new_hold
    return rounds, PressShape(ramp, new_hold, release, new_rest)


def press_sequence(
    ctx: PhaseCtx,
    points: list[Point],
    level: float,
    ramp: int,
    hold: int,
    release: int,
    rest: int,
    *,
    alternate: bool = True,
    pattern: Pattern = "steady",
    rate_hz: float = 0.0,
    prefer_cells: bool = False,
    written_ms: int | None = None,
    together: bool = False,
    min_hold_fraction: float = 0.0,
) -> None:
    """Fill the phase with whole rounds of presses (ramp, hold, release, rest); see module.

    ``written_ms`` is the phase's length as the program wrote it: when fitting leaves fewer
    rounds than that length holds, the warnings say how many were dropped. ``together``: every
    point is pressed at once in each press (compression with all cells together).
    ``min_hold_fraction``: for techniques whose press *is* the sustained hold (ischemic
    compression, point holds), the part of the written hold a fitted press keeps at least;
    fitting then plays fewer whole rounds, and leaves out (with a warning) the presses of a
    phase with room for none.
    """
    lead = 0 if together else _lead_ms(ctx, points[0], prefer_cells)
    if ctx.end_ms - ctx.start_ms - lead < (ramp + hold + release) * len(points):
        # No room to plan the whole wait: the first press starts as late as it must, but
        # never before the previous phase's release on its channels is over.
        lead = 0 if together else _release_wait_ms(ctx, points[0], prefer_cells)
    start = ctx.start_ms + lead
    span = ctx.end_ms - start
    n_slots = 1 if together else len(points)
    written = 0
    if written_ms is not None:
        written = max(1, round(written_ms / ((ramp + hold + release + rest) * n_slots)))
    written_hold = hold
    level, ramp, hold, release, fastest = _shape(
        ctx, points, level, ramp, hold, release, prefer_cells
    )
    max_hold = hold if level > ctx.s.safety.hold_threshold else 10**9
    rounds, shape = fit_presses(span, n_slots, ramp, hold, release, rest, max_hold)
    min_hold = round(hold * min_hold_fraction)
    if min_hold and (shape.hold < min_hold or rounds * n_slots * shape.total > span):
        rounds, shape = _keep_holds(
            span, len(points), ramp, hold, release, rest, max_hold, min_hold, fastest
        )
        if rounds == 0:
            need_s = len(points) * (ramp + min_hold + release) / 1000
            ctx.warn(
                f"{span / 1000:.0f} s is too short for one press with a sustained hold (at "
                f"least {min_hold / 1000:.0f} s) on each of its {len(points)} points (needs "
                f"about {need_s:.0f} s): its presses are left out; give the session more "
                "minutes to keep them"
            )
            return
    if rounds < written:
        what = "left/right pairs" if len({p.side for p in points}) > 1 else "rounds of presses"
        ctx.warn(f"{rounds} of {written} {what} fit the phase's {span / 60000:.1f} min; "
                 f"{written - rounds} dropped")
    if shape.hold < FIT_RANGE[0] * hold - 1000:
        ctx.warn(
            f"presses shortened to fit: hold {shape.hold / 1000:.0f} s instead of "
            f"{written_hold / 1000:.0f} s"
        )
    count = rounds * n_slots
    if count * shape.total > span:
        # Not even one round fits: quicker ramps (never beyond the ramp limit), and as many
        # whole presses as the phase then holds (at least one), never overlapping on a channel.
        f = span / max(count * shape.total, 1)
        quick = max(fastest, int(shape.ramp * f)), max(fastest, int(shape.release * f))
        shape = PressShape(quick[0], 0, quick[1], 0)
        count = min(count, max(1, span // max(shape.total, 1)))
        if not together and count < len(points):
            # One side pressed and the other never would break the technique (sides are
            # pressed in whole pairs): refuse rather than play half a round.
            need_s = len(points) * shape.total / 1000
            raise CompileError(
                f"too short for one press on each of its {len(points)} points: needs about "
                f"{need_s:.0f} s on this device, has {span / 1000:.0f} s",
                hint="give the session more minutes, or the phase fewer points",
            )
    if together:
        for n in range(count):
            for point in points:
                press(ctx, point, level, ctx.start_ms + n * shape.total, shape.ramp, shape.hold,
                      shape.release, pattern, rate_hz, prefer_cells, fitted=True)
        return
    for n, point in enumerate(press_order(points, alternate, count)):
        # Each press starts in its own slot, so a late start (roller travel, a frame gap)
        # never accumulates into a lost press at the end.
        t = start + n * shape.total
        released = max(ctx.start_ms, t - shape.rest)  # the previous press is off from here
        press(
            ctx, point, level, t, shape.ramp, shape.hold, shape.release, pattern, rate_hz,
            prefer_cells, fitted=True, move_from_ms=released,
        )

"""sports: sports massage before activity (brisk) or after it (slow flushing, sustained holds).

The stages follow the sports-massage texts (Benjamin & Lamp, *Understanding Sports Massage*,
2nd ed., 2008; Archer, *Therapeutic Massage in Athletics*, 2007; Brummitt 2008, *N Am J Sports
Phys Ther* 3(1):7-21):

* ``pre-activity`` — short (about 10-15 min), brisk and rhythmic, never deep: quick
  effleurage strokes, brisk kneading, rhythmic (pumping) compression and a little tapotement,
  in rounds. Strokes of :data:`PRE_STROKE_MS`, kneading at :data:`PRE_KNEAD_HZ`, presses
  pulsing at :data:`PRE_PUMP_HZ`, tapping at :data:`PRE_TAP_HZ`.
* ``post-activity`` — slower (10-20 min soon after activity): long flushing effleurage towards
  the heart (:data:`POST_STROKE_MS` per stroke, upwards) and stretch-like sustained
  compression (ramps of 10 s, holds of 20 s, with a slow rolling rhythm on a roller).

Under the ``gentle`` profile: pre-activity is refused (its tapping is percussion, and its brisk
presses cannot be played within the gentle ramp limit of 0.05 of full scale per second: a
0.35 press would need 7 s to rise, so "brisk" would be lost) — see
:func:`massage_ctl.safety.rules.check_hard_rules`. Post-activity adapts within the rules:
intensity capped at 0.35, ramps slowed, strokes narrowed to two adjacent zones, holds of
20 s stay inside the 30 s limit.

A phase is whole rounds of the stage's parts in order; the parts are sized from what the
device needs (a press's ramps grow with the ramp limit) and stretched together to fill the
phase.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field

from massage_ctl.motion.common import press_channels
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import MIN_HOLD_FRACTION, press_sequence
from massage_ctl.motion.strokes import stroke_windows
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique
from massage_ctl.techniques.pressing import STRETCH_RATE_HZ
from massage_ctl.zones import ZONES, Point

Stage = Literal["pre-activity", "post-activity"]

#: Pre-activity: one brisk effleurage stroke (medium tempo), kneading stroke and their rhythms.
PRE_STROKE_MS = 6_000
PRE_KNEAD_MS = 8_000
PRE_KNEAD_HZ = 1.2
#: Rhythmic compression: short presses pulsing like a pumping hand.
PRE_PRESS = (1_500, 3_000, 1_500, 1_000)  # ramp, hold, release, rest (ms)
PRE_PUMP_HZ = 1.5
PRE_TAP_MS = 6_000
PRE_TAP_HZ = 4.0
#: Post-activity: one slow flushing stroke (medium tempo) and the stretch-like hold.
POST_STROKE_MS = 18_000
POST_PRESS = (10_000, 20_000, 10_000, 5_000)
#: Margin under the hold limit for a stroking piece (rounding and frame gaps).
HOLD_MARGIN_MS = 2_000
#: Strokes per round of a stroking part.
STROKES_PER_PART = 3


class SportsPhase(_ActivePhase):
    """Sports massage: brisk before activity, slow flushing and sustained holds after it."""

    technique: Literal["sports"]
    stage: Stage = Field(
        description="pre-activity (brisk, short) or post-activity (slow flushing, holds)"
    )

    def cycle_ms(self) -> int:
        """One round of the stage's parts over every zone (as written, before ramp limits)."""
        return sum(ms for _, ms in parts(self, len(self.zones), 0))


def _press_ms(shape: tuple[int, int, int, int], rise_ms: int) -> int:
    ramp, hold, release, rest = shape
    return max(ramp, rise_ms) + hold + max(release, rise_ms) + rest


def parts(phase: SportsPhase, n_points: int, rise_ms: int) -> list[tuple[str, int]]:
    """One round of the stage: (part, ms) in order. ``rise_ms`` is the slowest ramp the
    device's press channels need for the phase's level (presses are sized to keep it)."""
    f = phase.period_factor()
    if phase.stage == "pre-activity":
        return [
            ("strokes", round(STROKES_PER_PART * PRE_STROKE_MS * f)),
            ("kneading", round(STROKES_PER_PART * PRE_KNEAD_MS * f)),
            ("compression", n_points * _press_ms(PRE_PRESS, rise_ms)),
            ("tapping", round(PRE_TAP_MS * f)),
        ]
    return [
        ("flushing", round(STROKES_PER_PART * POST_STROKE_MS * f)),
        ("stretch", n_points * _press_ms(POST_PRESS, rise_ms)),
    ]


def _strokes(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    stroke_windows(ctx, pts, len(ZONES), level, round(PRE_STROKE_MS * phase.period_factor()),
                   "both", ("steady",), 0.0)


def _kneading(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    stroke_windows(ctx, pts, len(ZONES), level, round(PRE_KNEAD_MS * phase.period_factor()),
                   "both", ("knead", "wave"), PRE_KNEAD_HZ)


def _compression(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    del phase
    press_sequence(ctx, pts, level, *PRE_PRESS, alternate=True, pattern="pulse",
                   rate_hz=PRE_PUMP_HZ, prefer_cells=True)


def _tapping(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    stroke_windows(ctx, pts, len(ZONES), level, round(PRE_TAP_MS * phase.period_factor()),
                   "both", ("tap", "pulse"), PRE_TAP_HZ)


def _flushing(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    # Towards the heart ("up": feet → head), as flushing strokes are given.
    stroke_windows(ctx, pts, len(ZONES), level, round(POST_STROKE_MS * phase.period_factor()),
                   "up", ("steady",), 0.0)


def _stretch(ctx: PhaseCtx, phase: SportsPhase, pts: list[Point], level: float) -> None:
    del phase
    press_sequence(ctx, pts, level, *POST_PRESS, alternate=False, pattern="roll",
                   rate_hz=STRETCH_RATE_HZ, prefer_cells=True,
                   min_hold_fraction=MIN_HOLD_FRACTION)


PARTS: dict[str, Callable[[PhaseCtx, SportsPhase, list[Point], float], None]] = {
    "strokes": _strokes, "kneading": _kneading, "compression": _compression,
    "tapping": _tapping, "flushing": _flushing, "stretch": _stretch,
}


def expand(ctx: PhaseCtx, phase: SportsPhase) -> None:
    """Whole rounds of the stage's parts, stretched together to fill the phase."""
    pts = ctx.points(phase.points())
    level = ctx.level(phase.intensity)
    rise = 0
    for p in pts:
        for ch in press_channels(ctx, p, prefer_cells=True)[1]:
            rise = max(rise, ctx.rise_ms(ch, level))
    plan = parts(phase, len(pts), rise)
    cycle = sum(ms for _, ms in plan)
    span = ctx.end_ms - ctx.start_ms
    rounds = max(1, round(span / cycle))
    # Part boundaries from the cumulative plan, so rounding never loses the phase's last ms.
    marks = [0]
    for _ in range(rounds):
        for _, ms in plan:
            marks.append(marks[-1] + ms)
    bounds = [ctx.start_ms + span * m // marks[-1] for m in marks]
    for k, (name, _) in enumerate(plan * rounds):
        for a, b in _pieces(ctx, name, level, bounds[k], bounds[k + 1]):
            part = PhaseCtx(ctx.s, ctx.label, a, b)
            PARTS[name](part, phase, pts, level)
            part.release_all()
            ctx.touched |= part.touched


def _pieces(ctx: PhaseCtx, name: str, level: float, a: int, b: int) -> list[tuple[int, int]]:
    """``[a, b)`` cut so a stroking part never stays above the hold threshold longer than the
    profile's hold limit: strokes over one zone (or a roller that cannot travel far) keep a
    channel on for the whole part, which is a sustained hold in all but name."""
    safety = ctx.s.safety
    if name in ("compression", "stretch") or level <= safety.hold_threshold:
        return [(a, b)]  # presses limit their own holds (limit_hold)
    longest = round(safety.max_hold_s * 1000) - HOLD_MARGIN_MS
    n = max(1, -(-(b - a) // longest))
    return [(a + (b - a) * i // n, a + (b - a) * (i + 1) // n) for i in range(n)]


TECHNIQUES = (Technique("sports", SportsPhase, expand, rank=11),)

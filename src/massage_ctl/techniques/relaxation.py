"""relaxation: rocking (slow waves), holding (soft holds), vibration, circular friction."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from massage_ctl.devices import ChannelSpec
from massage_ctl.motion.common import pick_pattern, stations
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.motion.presses import press_sequence
from massage_ctl.motion.strokes import stroke_windows
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique
from massage_ctl.zones import ZONES, Point


class RelaxationPhase(_ActivePhase):
    """Calming work: rocking, holding, vibration or circular friction."""

    technique: Literal["relaxation"]
    mode: Literal["rocking", "holding", "vibration", "circular"] = Field(
        "rocking", description="rocking waves, soft holding, vibration, or circular friction"
    )
    rate_hz: float | None = Field(
        None, gt=0, le=10, description="rhythm of vibration/rocking in Hz (default from tempo)"
    )

    def cycle_ms(self) -> int:
        """One rocking/holding cycle."""
        return round(10_000 * self.period_factor())


#: Vibration runs in bouts (on, then a short pause) so no channel is held on for long.
BOUT_ON_MS = 20_000
BOUT_OFF_MS = 5_000
DEFAULT_RATE_HZ = {"slow": 1.0, "medium": 1.5, "fast": 2.0}


def expand(ctx: PhaseCtx, phase: RelaxationPhase) -> None:
    """Expand by mode."""
    points = ctx.points(phase.points())
    level = ctx.level(phase.intensity)
    cycle = phase.cycle_ms()
    if phase.mode == "rocking":
        rate = phase.rate_hz or 0.3
        stroke_windows(ctx, points, len(ZONES), level, cycle, "both", ("wave", "steady"), rate)
    elif phase.mode == "circular":
        rate = phase.rate_hz or 0.5
        stroke_windows(ctx, points, len(ZONES), level, cycle, "both", ("roll", "wave"), rate)
    elif phase.mode == "holding":
        press_sequence(ctx, points, level, 5_000, 20_000, 5_000, 3_000, prefer_cells=True)
    else:
        rate = phase.rate_hz or DEFAULT_RATE_HZ[phase.tempo]
        _vibration(ctx, points, level, rate)


def _vibration(ctx: PhaseCtx, points: list[Point], level: float, rate_hz: float) -> None:
    zones = [p.zone for p in points]
    vib: list[ChannelSpec] = []
    for p in points:  # a sided point drives only its side's motor where there is one
        vib.extend(c for c in ctx.sided(ctx.s.map.vibration.get(p.zone, []), p) if c not in vib)
    channels = vib or [c for row in stations(ctx, zones) for c in row]
    t = ctx.start_ms
    roller = ctx.s.map.roller
    if not channels and roller is not None:
        # Only a roller here: park it on the first zone it reaches and let it roll gently.
        zone = next((z for z in zones if z in roller.zones), roller.zones[0])
        t = ctx.track(roller.position).set(t, ctx.s.map.roller_position(zone), 0)
        channels = [roller.intensity]
    while t + 2_000 < ctx.end_ms:
        on_end = min(t + BOUT_ON_MS, ctx.end_ms)
        done = t
        for ch in channels:
            tr = ctx.track(ch)
            fall = tr.rise_ms(level)
            if on_end - fall <= t + tr.gap_ms:
                continue
            tr.set(t, level, tr.rise_ms(level), pick_pattern(ch, "pulse", "roll"), rate_hz)
            done = max(done, tr.set(on_end - fall, 0.0, fall))
        t = max(done, on_end) + BOUT_OFF_MS


TECHNIQUES = (Technique("relaxation", RelaxationPhase, expand, rank=7),)

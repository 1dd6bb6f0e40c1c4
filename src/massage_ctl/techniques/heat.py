"""heat: warm zones to a target temperature, then cool back to off before the phase ends.

Heat changes at the device's own ramp limit (°C per second), so a short phase may not reach
the target: it then peaks lower. Zones without heat use a heat pad one zone away; a device
without any heat skips the phase with a warning (heat is a comfort, not the massage).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from massage_ctl.devices import ChannelSpec
from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.techniques._phase import _check_zone, _Phase
from massage_ctl.techniques._table import Technique
from massage_ctl.timeline import HEAT_TAU_S, WARM_WITHIN_C, Command, pad_temperatures
from massage_ctl.zones import ZONES, Point


class HeatPhase(_Phase):
    """Warm the zones to ``target_c``; with ``background`` it runs alongside later phases."""

    technique: Literal["heat"]
    zones: list[str] = Field(min_length=1, description="zones to warm")
    target_c: float = Field(ge=30, le=45, description="target temperature in °C")
    background: bool = Field(
        False,
        description="true: heat alongside the following phases for `duration` instead of "
        "taking its own slot in the sequence",
    )
    duration_only: ClassVar[bool] = True

    @field_validator("zones")
    @classmethod
    def _zones_known(cls, zones: list[str]) -> list[str]:
        return [_check_zone(z) for z in zones]


def heat_channels(ctx: PhaseCtx, zones: list[str]) -> list[ChannelSpec]:
    """Heat channels for ``zones`` (or one zone away); warns about what is missing."""
    heat = ctx.s.map.heat
    if not heat:
        ctx.warn(f"the {ctx.s.device.id} device has no heat; heat skipped")
        return []
    out: list[ChannelSpec] = []
    for z in zones:
        base = z.partition(".")[0]
        if base in ctx.s.map.excluded:
            continue
        if base in heat:
            found = heat[base]
        else:
            i = ZONES.index(base)
            near = [ZONES[j] for j in (i - 1, i + 1) if 0 <= j < len(ZONES) and ZONES[j] in heat]
            if not near:
                ctx.warn(f"no heat at or next to {base}; heat there skipped")
                continue
            ctx.warn(f"no heat at {base}; warming {near[0]} instead")
            found = heat[near[0]]
        point = Point.parse(z)
        out.extend(c for c in ctx.sided(found, Point(base, point.side)) if c not in out)
    return out


def expand(ctx: PhaseCtx, phase: HeatPhase) -> None:
    """Heater on at the target from the phase's start, off so it is at zero by its end.

    The value is the heater's target temperature; the pad gets there over minutes
    (:func:`massage_ctl.timeline.pad_temperatures`), so a phase too short to get warm is said,
    naming the phase and the temperature the pad will reach.
    """
    target = phase.target_c
    if target > ctx.s.heat_cap_c:
        ctx.warn(f"heat {target:g} °C lowered to the ceiling {ctx.s.heat_cap_c:g} °C")
        target = ctx.s.heat_cap_c
    name = f"heat {phase.name!r}" if phase.name else "heat"
    for ch in heat_channels(ctx, phase.zones):
        tr = ctx.track(ch)
        level = min(target, tr.cap)
        # The setpoint moves within the device's ramp limit (°C/s): seconds, not minutes.
        rise = tr.rise_ms(level)
        start = max(ctx.start_ms, tr.last_t + tr.gap_ms)
        off_at = ctx.end_ms - rise
        if off_at <= start + tr.gap_ms:
            ctx.warn(f"{name}: too short to switch the heater on and off on {ch.id}; skipped")
            continue
        tr.set(start, level, rise)
        tr.set(off_at, 0.0, rise)
        _warn_if_not_warm(ctx, name, tr.commands, level, start, ctx.end_ms, ch.id)


def _warn_if_not_warm(
    ctx: PhaseCtx, name: str, commands: list[Command], target: float, start: int, end: int,
    channel: str,
) -> None:
    """Warn when the pad will not get (or stay) warm for most of the phase."""
    step = max(1_000, (end - start) // 200)
    times = list(range(start, end + 1, step))
    temps = pad_temperatures(commands, times)
    peak = max(temps)
    minutes = (end - start) / 60_000
    if peak < target - WARM_WITHIN_C:
        ctx.warn(
            f"{name}: {minutes:.1f} min is too short to get warm: {channel} reaches about "
            f"{peak:.0f} °C of {target:g} °C (a pad needs about "
            f"{3 * HEAT_TAU_S / 60:.0f} min to warm up)"
        )
        return
    warm = sum(step for t in temps if t >= target - WARM_WITHIN_C)
    if warm < (end - start) / 2:
        ctx.warn(
            f"{name}: warm ({target:g} °C) for only {warm / 60_000:.1f} of {minutes:.1f} min "
            f"on {channel} (a pad needs about {3 * HEAT_TAU_S / 60:.0f} min to warm up)"
        )


TECHNIQUES = (Technique("heat", HeatPhase, expand, rank=9),)

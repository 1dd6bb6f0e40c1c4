"""heat: warm zones to a target temperature, then cool back to off before the phase ends.

Heat changes at the device's own ramp limit (°C per second), so a short phase may not reach
the target: it then peaks lower. Zones without heat use a heat pad one zone away; a device
without any heat skips the phase with a warning (heat is a comfort, not the massage).
"""

from __future__ import annotations

from massage_ctl.compiler.context import PhaseCtx
from massage_ctl.devices import ChannelSpec
from massage_ctl.program.phases import HeatPhase
from massage_ctl.zones import ZONES, Point


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
    """Ramp up at the device rate, hold, ramp down so it is off by ``end_ms``."""
    target = phase.target_c
    if target > ctx.s.heat_cap_c:
        ctx.warn(f"heat {target:g} °C lowered to the ceiling {ctx.s.heat_cap_c:g} °C")
        target = ctx.s.heat_cap_c
    for ch in heat_channels(ctx, phase.zones):
        tr = ctx.track(ch)
        fall = tr.rise_ms(target)
        start = max(ctx.start_ms, tr.last_t + tr.gap_ms)
        off_at = ctx.end_ms - fall
        if off_at <= start + tr.gap_ms:
            continue  # too short to warm and cool again
        tr.set(start, target, tr.rise_ms(target))
        tr.set(off_at, 0.0, fall)

"""The compiled timeline: what the compiler produces and the player plays.

A :class:`Command` means: starting at ``t_ms``, move the channel linearly from its current value
to ``value`` over ``ramp_ms`` (docs/ARCHITECTURE.md). ``value`` is the envelope;
``pattern``/``rate_hz`` name the device-run rhythm. Values are 0..1, except ``heat`` channels:
the heater's target temperature in °C (0 = off), see the heat model at the end of this module.

These are plain frozen dataclasses (hot path); :meth:`Timeline.to_json_dict` gives the exact
``compile --json`` format (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from massage_ctl.vocabulary import ChannelKind, Pattern


@dataclass(frozen=True, slots=True)
class TimelineChannel:
    """One channel as listed in the timeline (``channels`` of the JSON output)."""

    id: str
    zone: str
    kind: ChannelKind
    max: float  # the effective cap for this timeline (device ∩ safety ∩ program)


@dataclass(frozen=True, slots=True)
class Command:
    """Move ``channel`` linearly to ``value`` over ``ramp_ms``, starting at ``t_ms``."""

    t_ms: int
    channel: str
    value: float
    ramp_ms: int = 0
    pattern: Pattern = "steady"
    rate_hz: float = 0.0

    def to_json_dict(self) -> dict[str, Any]:
        """The command as ``compile --json`` prints it (pattern/rate only when not steady)."""
        d: dict[str, Any] = {
            "t_ms": self.t_ms,
            "channel": self.channel,
            "value": round(self.value, 4),
            "ramp_ms": self.ramp_ms,
        }
        if self.pattern != "steady":
            d["pattern"] = self.pattern
            d["rate_hz"] = round(self.rate_hz, 3)
        return d


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """Where one program phase lies in the timeline (for progress display and skip)."""

    index: int
    name: str  # e.g. "warm-up", "trigger-point lower-back.left"
    technique: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """A compiled program for one device profile and one safety profile."""

    program: str
    device: str
    safety: str
    duration_ms: int
    channels: tuple[TimelineChannel, ...]
    commands: tuple[Command, ...]
    phases: tuple[PhaseSpan, ...] = ()
    warnings: tuple[str, ...] = ()
    intensity: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    def channel(self, channel_id: str) -> TimelineChannel:
        """The channel with that id (KeyError if absent)."""
        for ch in self.channels:
            if ch.id == channel_id:
                return ch
        raise KeyError(channel_id)

    def commands_for(self, channel_id: str) -> Iterator[Command]:
        """Commands of one channel, in time order."""
        return (c for c in self.commands if c.channel == channel_id)

    def phase_at(self, t_ms: int) -> PhaseSpan | None:
        """The phase running at ``t_ms``, if any."""
        for p in self.phases:
            if p.start_ms <= t_ms < p.end_ms:
                return p
        return None

    def to_json_dict(self) -> dict[str, Any]:
        """Exactly the ``compile --json`` object (docs/ARCHITECTURE.md)."""
        return {
            "program": self.program,
            "device": self.device,
            "safety": self.safety,
            "duration_ms": self.duration_ms,
            "channels": [
                {"id": c.id, "zone": c.zone, "kind": c.kind, "max": round(c.max, 4)}
                for c in self.channels
            ],
            "commands": [c.to_json_dict() for c in self.commands],
            "warnings": list(self.warnings),
        }


def value_at(commands: list[Command] | tuple[Command, ...], t_ms: float) -> float:
    """Envelope value of one channel at ``t_ms`` given its commands (sorted by ``t_ms``).

    Implements the command semantics exactly: each command ramps linearly from the value the
    channel has when it starts. Used by previews, charts, tests and the player guard.
    """
    value = 0.0
    for i, cmd in enumerate(commands):
        if cmd.t_ms > t_ms:
            break
        start = value
        # The ramp may be cut short by the next command on this channel.
        end_t = cmd.t_ms + cmd.ramp_ms
        nxt = commands[i + 1].t_ms if i + 1 < len(commands) else None
        upto = min(t_ms, end_t) if nxt is None else min(t_ms, end_t, nxt)
        if cmd.ramp_ms <= 0:
            value = cmd.value
        else:
            frac = (upto - cmd.t_ms) / cmd.ramp_ms
            value = start + (cmd.value - start) * min(1.0, max(0.0, frac))
    return value


# -- heat: what a heat pad does with its setpoint ----------------------------------------------
#
# A heat command's value is the heater's target temperature (°C; 0 = off), not a strength: the
# pad approaches it over minutes. The model, shared by the compiler (warnings), previews and the
# simulator (massage_sim.channels), is a first-order approach: the pad moves toward
# max(setpoint, ambient) — ambient when the heater is off — with time constant HEAT_TAU_S, so it
# covers 63 % of the way in one time constant, 95 % in three, and never overshoots a rising
# target. docs/SAFETY.md and docs/DEVICE_PROFILES.md state the same rule.

#: Thermal time constant of a heat pad on a body (s).
HEAT_TAU_S = 60.0
#: Temperature of a pad whose heater is off (°C).
AMBIENT_C = 25.0
#: A pad this close to its target counts as warm (°C).
WARM_WITHIN_C = 1.0


def heater_drive_c(setpoint_c: float) -> float:
    """The temperature a heater drives its pad toward: the setpoint, or ambient when off."""
    return max(setpoint_c, AMBIENT_C) if setpoint_c > 0 else AMBIENT_C


def _follow(y0: float, drive0: float, slope: float, t_s: float) -> float:
    """Exact first-order follow of a linear drive ``drive0 + slope * t`` for ``t_s`` seconds."""
    if t_s <= 0:
        return y0
    lag = slope * HEAT_TAU_S
    return drive0 + slope * t_s - lag + (y0 - drive0 + lag) * math.exp(-t_s / HEAT_TAU_S)


def _setpoint_pieces(commands: Sequence[Command]) -> list[tuple[int, float, float]]:
    """Breakpoints (t_ms, setpoint at t, slope per ms until the next breakpoint)."""
    pieces: list[tuple[int, float, float]] = []
    value = 0.0
    for i, cmd in enumerate(commands):
        nxt = commands[i + 1].t_ms if i + 1 < len(commands) else None
        start = value
        if cmd.ramp_ms > 0:
            slope = (cmd.value - start) / cmd.ramp_ms
            end_t = cmd.t_ms + cmd.ramp_ms if nxt is None else min(cmd.t_ms + cmd.ramp_ms, nxt)
            pieces.append((cmd.t_ms, start, slope))
            value = start + slope * (end_t - cmd.t_ms)
            if nxt is None or end_t < nxt:
                pieces.append((end_t, value, 0.0))
        else:
            value = cmd.value
            pieces.append((cmd.t_ms, value, 0.0))
    return pieces


def pad_temperatures(commands: Sequence[Command], times_ms: Sequence[float]) -> list[float]:
    """Expected pad temperature (°C) at each of ``times_ms`` (ascending) for one heat channel.

    Exact for the model above: the setpoint is piecewise linear, the heater's drive is that
    setpoint clipped at ambient (split where it crosses ambient), and the pad follows each
    linear piece in closed form.
    """
    pieces = _setpoint_pieces(commands)
    out: list[float] = []
    temp, t_now = AMBIENT_C, 0.0
    k = -1  # index of the piece in force at t_now

    def advance(to_ms: float) -> None:
        nonlocal temp, t_now, k
        while t_now < to_ms:
            while k + 1 < len(pieces) and pieces[k + 1][0] <= t_now:
                k += 1
            if k < 0:
                seg_end = min(to_ms, pieces[0][0]) if pieces else to_ms
                temp = _follow(temp, AMBIENT_C, 0.0, (seg_end - t_now) / 1000)
                t_now = seg_end
                continue
            t0, v0, slope = pieces[k]
            seg_end = min(to_ms, pieces[k + 1][0]) if k + 1 < len(pieces) else to_ms
            v_now = v0 + slope * (t_now - t0)
            # Split where the setpoint crosses ambient (or zero): the drive has a kink there.
            for edge in (AMBIENT_C, 0.0):
                if slope != 0 and (v_now - edge) * (v0 + slope * (seg_end - t0) - edge) < 0:
                    seg_end = min(seg_end, t0 + (edge - v0) / slope)
            seg_end = max(seg_end, math.nextafter(t_now, math.inf))
            v_end = v0 + slope * (seg_end - t0)
            mid = (v_now + v_end) / 2
            drive_slope = slope * 1000 if mid > AMBIENT_C else 0.0
            temp = _follow(temp, heater_drive_c(v_now) if mid > AMBIENT_C else AMBIENT_C,
                           drive_slope, (seg_end - t_now) / 1000)
            t_now = seg_end

    for t in times_ms:
        advance(t)
        out.append(temp)
    return out

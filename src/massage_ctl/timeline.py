"""The compiled timeline: what the compiler produces and the player plays.

A :class:`Command` means: starting at ``t_ms``, move the channel linearly from its current value
to ``value`` over ``ramp_ms`` (DESIGN §3). ``value`` is the envelope; ``pattern``/``rate_hz`` name
the device-run rhythm. Values are 0..1, except ``heat`` channels, in °C (0 = off).

These are plain frozen dataclasses (hot path); :meth:`Timeline.to_json_dict` gives the exact
``compile --json`` format of DESIGN §3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ChannelKind = Literal["vibration", "pressure", "roller", "position", "heat"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("vibration", "pressure", "roller", "position", "heat")

Pattern = Literal["steady", "pulse", "wave", "knead", "roll", "tap"]
PATTERNS: tuple[Pattern, ...] = ("steady", "pulse", "wave", "knead", "roll", "tap")


@dataclass(frozen=True, slots=True)
class ChannelInfo:
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
        """The command as in DESIGN §3 (pattern/rate only when not steady)."""
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
    channels: tuple[ChannelInfo, ...]
    commands: tuple[Command, ...]
    phases: tuple[PhaseSpan, ...] = ()
    warnings: tuple[str, ...] = ()
    intensity: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    def channel(self, channel_id: str) -> ChannelInfo:
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
        """Exactly the ``compile --json`` object of DESIGN §3."""
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

"""Pydantic models of a device descriptor: the channel table and the device's hard limits.

The same description travels three ways: as a TOML file (``profiles/*.toml``, or a hobbyist's
own file), inside the device's handshake on the wire, and into the compiler. Units: values of
``heat`` channels are °C, everything else 0..1; ``max_ramp_per_s`` is in those units per second
(for a ``position`` channel that is the roller's top speed in spine-lengths per second).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from massage_ctl.timeline import ChannelKind, Pattern
from massage_ctl.zones import ZONES, Side


class ChannelSpec(BaseModel):
    """One output of the device."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    zone: str = Field(
        description="body zone the output acts on (for a roller: middle of its reach)"
    )
    side: Side | None = None
    kind: ChannelKind
    min: float = 0.0
    max: float = Field(1.0, description="top of the channel's range (°C for heat)")
    hard_max: float = Field(description="the device never exceeds this value")
    max_ramp_per_s: float = Field(gt=0, description="fastest allowed change, units per second")
    patterns: tuple[Pattern, ...] = ("steady",)
    rate_hz: tuple[float, float] = Field((0.0, 0.0), description="min/max rhythm rate in Hz")
    reach: tuple[str, str] | None = Field(
        None, description="for roller/position channels: first and last zone the roller reaches"
    )

    @model_validator(mode="after")
    def _check(self) -> ChannelSpec:
        if self.zone not in ZONES:
            raise ValueError(f"unknown zone {self.zone!r}; zones are: {', '.join(ZONES)}")
        if self.reach is not None:
            for z in self.reach:
                if z not in ZONES:
                    raise ValueError(f"unknown zone {z!r} in reach")
        if not (self.min <= self.hard_max <= self.max):
            raise ValueError("need min <= hard_max <= max")
        if "steady" not in self.patterns:
            raise ValueError("every channel supports the 'steady' pattern")
        lo, hi = self.rate_hz
        if lo < 0 or hi < lo:
            raise ValueError("rate_hz must be [low, high] with 0 <= low <= high")
        if len(self.patterns) > 1 and hi <= 0:
            raise ValueError("a channel with rhythm patterns needs a rate_hz range")
        return self

    @property
    def label(self) -> str:
        """Zone with side, e.g. ``lower-back.left``."""
        return f"{self.zone}.{self.side}" if self.side else self.zone


class DeviceProfile(BaseModel):
    """A device: its name, channel table and hard limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: str
    description: str = ""
    max_frame_rate_hz: float = Field(
        gt=0, le=1000, description="frames per second the device accepts"
    )
    channels: tuple[ChannelSpec, ...] = Field(min_length=1, max_length=32)

    @model_validator(mode="after")
    def _unique_ids(self) -> DeviceProfile:
        ids = [c.id for c in self.channels]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate channel ids: {', '.join(sorted(dup))}")
        return self

    def channel(self, channel_id: str) -> ChannelSpec:
        """The channel with that id (KeyError if absent)."""
        for c in self.channels:
            if c.id == channel_id:
                return c
        raise KeyError(channel_id)

    def channels_of_kind(self, *kinds: ChannelKind) -> tuple[ChannelSpec, ...]:
        """Channels whose kind is one of ``kinds``, in table order."""
        return tuple(c for c in self.channels if c.kind in kinds)

    def zones(self) -> tuple[str, ...]:
        """Zones the device can act on (including what a roller reaches), head to feet."""
        found: set[str] = set()
        for c in self.channels:
            found.add(c.zone)
            if c.reach:
                a, b = sorted((ZONES.index(c.reach[0]), ZONES.index(c.reach[1])))
                found.update(ZONES[a : b + 1])
        return tuple(z for z in ZONES if z in found)

"""Pydantic models of a device descriptor: the channel table and the device's hard limits.

The same description travels three ways: as a TOML file (``profiles/*.toml``, or a hobbyist's
own file), inside the device's handshake on the wire, and into the compiler. Units: values of
``heat`` channels are °C, everything else 0..1; ``max_ramp_per_s`` is in those units per second
(for a ``position`` channel that is the roller's top speed in spine-lengths per second).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictFloat, model_validator
from pydantic_core import PydanticCustomError

from massage_ctl.devices.plausibility import validate_channel
from massage_ctl.vocabulary import ChannelKind, Pattern
from massage_ctl.zones import ZONES, Side

_PRINTABLE = r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$"


class ChannelSpec(BaseModel):
    """One output of the device."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    zone: str = Field(
        description="body zone the output acts on (for a roller: middle of its reach)"
    )
    side: Side | None = None
    kind: ChannelKind
    # Strict floats: a descriptor's "0.5" or true is not a number (TOML has real numbers).
    min: StrictFloat = 0.0
    max: StrictFloat = Field(1.0, description="top of the channel's range (°C for heat)")
    hard_max: StrictFloat = Field(description="the device never exceeds this value")
    max_ramp_per_s: StrictFloat = Field(description="fastest allowed change, units per second")
    patterns: tuple[Pattern, ...] = ("steady",)
    rate_hz: tuple[StrictFloat, StrictFloat] = Field(
        (0.0, 0.0), description="min/max rhythm rate in Hz"
    )
    reach: tuple[str, str] | None = Field(
        None, description="for roller/position channels: first and last zone the roller reaches"
    )

    @model_validator(mode="after")
    def _check(self) -> ChannelSpec:
        # One set of rules for files and handshakes (devices/plausibility.py); the first problem is
        # reported, naming its field so a file's error can point at the line.
        problems = validate_channel(self)
        if problems:
            first = problems[0]
            raise PydanticCustomError(
                "implausible_channel",
                "{field}: {problem}",
                {"field": first.field, "problem": first.problem},
            )
        return self

    @property
    def label(self) -> str:
        """Zone with side, e.g. ``lower-back.left``."""
        return f"{self.zone}.{self.side}" if self.side else self.zone


class DeviceProfile(BaseModel):
    """A device: its name, channel table and hard limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    #: Shown to the user: printable, not blank (a handshake's name is outside text too).
    name: Annotated[str, Field(min_length=1, max_length=64, pattern=_PRINTABLE)]
    description: Annotated[str, Field(max_length=1000)] = ""
    max_frame_rate_hz: StrictFloat = Field(
        gt=0, le=1000, allow_inf_nan=False, description="frames per second the device accepts"
    )
    channels: tuple[ChannelSpec, ...] = Field(min_length=1, max_length=32)

    #: The descriptor file this came from (None: shipped, or announced by the device).
    _source_path: str | None = PrivateAttr(None)

    def __eq__(self, other: object) -> bool:
        # The same description is the same device, whether read from a file or a handshake.
        if not isinstance(other, DeviceProfile):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.channels))

    @property
    def source_path(self) -> str | None:
        """The descriptor file this profile was read from, if it was a user's file."""
        return self._source_path

    def with_source(self, path: str | None) -> DeviceProfile:
        """This profile, remembering the descriptor file it was read from."""
        self._source_path = path
        return self

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

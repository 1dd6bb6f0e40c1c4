"""Physical sense of a channel description: :func:`validate_channel`.

A descriptor file, and a device's own handshake, could describe hardware that cannot exist or
must not be driven: heat maxima of 1000 °C or below absolute zero, vibration above full scale,
infinite or NaN ramps, a roller's ``reach`` on a vibration motor. Everything downstream (the
compiler's caps, the guard, the device's clamp) trusts these numbers, so they are checked here,
once, for both ways in. The rules and their reasons are listed in docs/DEVICE_PROFILES.md
("What a descriptor may say"); :func:`validate_channel` is pure so it is property-tested, and
:class:`~massage_ctl.devices.descriptor.ChannelSpec` runs it on every construction — a file, a
handshake (``protocol.handshake.channel_spec_from_info``) or code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from massage_ctl.vocabulary import ChannelKind, Pattern
from massage_ctl.zones import ZONES


class ChannelFields(Protocol):
    """The fields of a channel description that the checks read.

    A protocol rather than the pydantic ``ChannelSpec`` itself: the descriptor runs these checks
    while it is being built, so naming it here would make the two modules import each other.
    """

    @property
    def zone(self) -> str: ...
    @property
    def kind(self) -> ChannelKind: ...
    @property
    def min(self) -> float: ...
    @property
    def max(self) -> float: ...
    @property
    def hard_max(self) -> float: ...
    @property
    def max_ramp_per_s(self) -> float: ...
    @property
    def patterns(self) -> tuple[Pattern, ...]: ...
    @property
    def rate_hz(self) -> tuple[float, float]: ...
    @property
    def reach(self) -> tuple[str, str] | None: ...

#: Top of a heat channel's range (°C). Heat pads for massage run at 38–43 °C.
HEAT_RANGE_MAX_C = 50.0
#: Highest hard limit a heat channel may declare (°C): prolonged skin contact above about
#: 45 °C causes burns, so no device description may allow more.
HEAT_HARD_MAX_C = 45.0
#: Fastest plausible ramps: a heat pad changes a few °C per second at most; a 0..1 output
#: going end to end in 0.1 s (10 per s) is already a jolt.
MAX_RAMP_PER_S: dict[str, float] = {
    "vibration": 10.0, "pressure": 10.0, "roller": 10.0, "position": 10.0, "heat": 2.0,
}
#: Fastest rhythm a mechanism runs (Hz); vibration motors' own spin is not a rhythm.
MAX_RATE_HZ = 50.0
#: The rhythms each kind of mechanism can run (``steady`` always).
KIND_PATTERNS: dict[str, frozenset[str]] = {
    "vibration": frozenset({"steady", "pulse", "wave", "tap"}),
    "pressure": frozenset({"steady", "pulse", "wave"}),
    "roller": frozenset({"steady", "pulse", "wave", "knead", "roll", "tap"}),
    "position": frozenset({"steady"}),
    "heat": frozenset({"steady"}),
}
#: Kinds that travel along the body and so may declare ``reach``.
REACH_KINDS = frozenset({"roller", "position"})


@dataclass(frozen=True, slots=True)
class ChannelProblem:
    """One thing wrong with a channel: the ``field`` it is about and what is wrong."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


def validate_channel(spec: ChannelFields) -> list[ChannelProblem]:
    """Everything physically impossible or unsafe about ``spec``; empty when it is sound.

    Usable on a spec from a file, from a device's handshake, or built with
    ``ChannelSpec.model_construct`` (no other validation) — it only reads the fields.
    """
    problems: list[ChannelProblem] = []

    def bad(field: str, problem: str) -> None:
        problems.append(ChannelProblem(field, problem))

    numbers = {"min": spec.min, "max": spec.max, "hard_max": spec.hard_max,
               "max_ramp_per_s": spec.max_ramp_per_s}
    for field, value in numbers.items():
        if not math.isfinite(value):
            bad(field, f"must be a finite number, not {value}")
    if problems:
        return problems  # the comparisons below mean nothing with inf or nan
    heat = spec.kind == "heat"
    unit = " °C" if heat else ""
    if spec.min != 0:
        bad("min", f"must be 0 (off): every output must be able to turn off, not {spec.min:g}")
    top = HEAT_RANGE_MAX_C if heat else 1.0
    if not 0 < spec.max <= top:
        what = f"at most {top:g} °C" if heat else "at most 1 (full scale)"
        bad("max", f"must be above 0 and {what}, not {spec.max:g}{unit}")
    elif not spec.min <= spec.hard_max <= spec.max:
        bad("hard_max", f"must be between min ({spec.min:g}) and max ({spec.max:g}), "
                        f"not {spec.hard_max:g}{unit}")
    elif heat and spec.hard_max > HEAT_HARD_MAX_C:
        bad("hard_max", f"must be at most {HEAT_HARD_MAX_C:g} °C (skin burns above it), "
                        f"not {spec.hard_max:g} °C")
    ramp_top = MAX_RAMP_PER_S[spec.kind]
    if not 0 < spec.max_ramp_per_s <= ramp_top:
        bad("max_ramp_per_s", f"must be above 0 and at most {ramp_top:g}{unit or ''} per second "
                              f"for a {spec.kind} channel, not {spec.max_ramp_per_s:g}")
    _check_rhythm(spec, bad)
    _check_place(spec, bad)
    return problems


def _check_rhythm(spec: ChannelFields, bad: Callable[[str, str], None]) -> None:
    lo, hi = spec.rate_hz
    allowed = KIND_PATTERNS[spec.kind]
    if "steady" not in spec.patterns:
        bad("patterns", "every channel supports the 'steady' pattern")
    odd = [p for p in spec.patterns if p not in allowed]
    if odd:
        bad("patterns", f"a {spec.kind} channel cannot run {', '.join(map(repr, odd))} "
                        f"(it can: {', '.join(sorted(allowed))})")
    if len(set(spec.patterns)) != len(spec.patterns):
        bad("patterns", "a pattern is listed twice")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        bad("rate_hz", f"must be finite numbers, not [{lo}, {hi}]")
    elif not 0 <= lo <= hi <= MAX_RATE_HZ:
        bad("rate_hz", f"must be [low, high] with 0 <= low <= high <= {MAX_RATE_HZ:g} Hz, "
                       f"not [{lo:g}, {hi:g}]")
    elif len(spec.patterns) > 1 and hi <= 0:
        bad("rate_hz", "a channel with rhythm patterns needs a rate range above 0 Hz")


def _check_place(spec: ChannelFields, bad: Callable[[str, str], None]) -> None:
    if spec.zone not in ZONES:
        bad("zone", f"unknown zone {spec.zone!r}; zones are: {', '.join(ZONES)}")
    if spec.reach is None:
        return
    if spec.kind not in REACH_KINDS:
        bad("reach", f"only roller and position channels travel; a {spec.kind} channel has "
                     "no reach")
        return
    unknown = [z for z in spec.reach if z not in ZONES]
    if unknown:
        bad("reach", f"unknown zone {unknown[0]!r}; zones are: {', '.join(ZONES)}")
    elif spec.zone in ZONES:
        a, b = sorted(ZONES.index(z) for z in spec.reach)
        if not a <= ZONES.index(spec.zone) <= b:
            bad("zone", f"a roller's zone ({spec.zone!r}) must lie within its reach "
                        f"({spec.reach[0]!r} to {spec.reach[1]!r})")

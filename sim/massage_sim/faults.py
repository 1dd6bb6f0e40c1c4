"""Fault injection: what can go wrong on the link and in the device, and when.

A :class:`FaultPlan` is a plain dataclass; :meth:`FaultPlan.parse` reads the compact form that
URLs and the command line carry, items separated by commas::

    corrupt=0.01        each byte (both directions) is corrupted with this probability
    drop=0.02           each frame (both directions) is lost with this probability
    delay=50ms          every reply of the device leaves this much later
    disconnect@30s      the link is cut 30 s after the device started
    reset@60s           the device resets: idle, outputs zero, needs a new handshake
    stuck=air.neck@10s  from 10 s on, that channel's output freezes where it is
    overtemp@20s        from 20 s on, heater control fails and the pads overheat
    seed=7              seed of the random generator (runs are reproducible)

Times are relative to the device's start and need a unit (``ms``, ``s`` or ``min``).
``stuck`` may be given more than once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from massage_ctl.errors import MassageCtlError

_EXAMPLE = (
    "corrupt=0.01,drop=0.02,delay=50ms,disconnect@30s,reset@60s,stuck=air.neck@10s,overtemp@20s"
)
_DURATION = re.compile(r"^\s*([0-9.eE+-]+?)\s*(ms|s|min)\s*$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "min": 60.0}


class FaultSpecError(MassageCtlError):
    """A fault specification string is malformed."""


@dataclass(frozen=True, slots=True)
class StuckChannel:
    """From ``at_s`` on, the output of ``channel`` stays frozen."""

    channel: str
    at_s: float


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """The faults to inject into one simulated device (see module docstring)."""

    corrupt: float = 0.0
    drop: float = 0.0
    delay_ms: float = 0.0
    disconnect_at_s: float | None = None
    reset_at_s: float | None = None
    stuck: tuple[StuckChannel, ...] = ()
    overtemp_at_s: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("corrupt", "drop"):
            p = getattr(self, name)
            if not 0.0 <= p <= 1.0:
                raise FaultSpecError(f"fault {name}={p}: a probability must be between 0 and 1")
        if self.delay_ms < 0:
            raise FaultSpecError("fault delay must not be negative")

    @property
    def is_empty(self) -> bool:
        """True when nothing is injected."""
        return self == FaultPlan(seed=self.seed)

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Read the compact form (module docstring); :class:`FaultSpecError` when malformed."""
        values: dict[str, object] = {}
        stuck: list[StuckChannel] = []
        for raw in spec.split(","):
            item = raw.strip()
            if not item:
                continue
            try:
                cls._parse_item(item, values, stuck)
            except (ValueError, KeyError) as err:
                raise FaultSpecError(
                    f"bad fault {item!r} in {spec!r}: {err}", hint=f"example: {_EXAMPLE}"
                ) from err
        return cls(stuck=tuple(stuck), **values)  # type: ignore[arg-type]

    @staticmethod
    def _parse_item(item: str, values: dict[str, object], stuck: list[StuckChannel]) -> None:
        if "@" in item and "=" not in item.split("@", 1)[0]:
            name, when = item.split("@", 1)
            keys = {
                "disconnect": "disconnect_at_s",
                "reset": "reset_at_s",
                "overtemp": "overtemp_at_s",
            }
            if name.strip() not in keys:
                raise ValueError(f"unknown timed fault {name.strip()!r}")
            values[keys[name.strip()]] = _seconds(when)
            return
        if "=" not in item:
            raise ValueError("expected NAME=VALUE or NAME@TIME")
        name, value = (part.strip() for part in item.split("=", 1))
        if name in ("corrupt", "drop"):
            values[name] = float(value)
        elif name == "delay":
            values["delay_ms"] = _seconds(value, unit_s=0.001)
        elif name == "seed":
            values["seed"] = int(value)
        elif name == "stuck":
            channel, sep, when = value.partition("@")
            if not sep or not channel.strip():
                raise ValueError("expected stuck=CHANNEL@TIME")
            stuck.append(StuckChannel(channel.strip(), _seconds(when)))
        else:
            raise ValueError(f"unknown fault {name!r}")

    def to_spec(self) -> str:
        """The compact form of this plan (``parse(plan.to_spec()) == plan``)."""
        items: list[str] = []
        if self.corrupt:
            items.append(f"corrupt={self.corrupt!r}")
        if self.drop:
            items.append(f"drop={self.drop!r}")
        if self.delay_ms:
            items.append(f"delay={self.delay_ms!r}ms")
        for name, at in (
            ("disconnect", self.disconnect_at_s),
            ("reset", self.reset_at_s),
            ("overtemp", self.overtemp_at_s),
        ):
            if at is not None:
                items.append(f"{name}@{at!r}s")
        items.extend(f"stuck={s.channel}@{s.at_s!r}s" for s in self.stuck)
        if self.seed:
            items.append(f"seed={self.seed}")
        return ",".join(items)


def _seconds(text: str, *, unit_s: float = 1.0) -> float:
    """A duration with its unit, in units of ``unit_s`` seconds (exact when the units agree)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a time such as 50ms, 30s or 2min")
    number, unit = float(match.group(1)), match.group(2)
    if not 0.0 <= number < float("inf"):
        raise ValueError(f"{text.strip()!r}: a time must be a positive number")
    factor = _UNIT_S[unit] / unit_s
    return number if factor == 1.0 else number * factor

"""What a heat pad is doing, in words, from the temperature the device reports.

Shared by ``massage-ctl run``'s live view and the terminal UI's run screen. The number shown
is the temperature the device *measures* (TEMPERATURE, protocol version 2, PROTOCOL.md §5.14):
a heater reaches its target over minutes, so the timeline's target is only ever named as where
it is heading ("warming to 39 °C"), never shown as if it were the temperature. A device that
measures nothing (version 1, or no sensor) reports only its heater's ramping setpoint (STATUS
``values``); that is then called a setpoint, honestly: :func:`heat_setpoint_status`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from massage_ctl.timeline import Timeline

#: Within this many °C of its target a pad counts as "at" the target (the reading of a real
#: pad wanders by about a degree around its setpoint).
AT_TARGET_C = 1.0
#: At or below this a heater target or reading counts as off (0 °C means off).
OFF_C = 0.5
#: A pad measuring at least this with its heater off is still warm enough to mention (°C).
AMBIENT_WARM_C = 30.0


class HeatTargets:
    """The target temperature of every heat channel of a timeline, at any program position."""

    def __init__(self, timeline: Timeline) -> None:
        self.channels: tuple[str, ...] = tuple(
            ch.id for ch in timeline.channels if ch.kind == "heat"
        )
        # Per channel: command start times and the values those commands head to.
        self._steps: dict[str, tuple[list[int], list[float]]] = {}
        for cid in self.channels:
            commands = list(timeline.commands_for(cid))
            self._steps[cid] = ([c.t_ms for c in commands], [c.value for c in commands])

    def at(self, elapsed_ms: int) -> dict[str, float]:
        """Channel id → the temperature (°C) the program asks for at ``elapsed_ms``."""
        targets: dict[str, float] = {}
        for cid, (times, values) in self._steps.items():
            i = bisect_right(times, elapsed_ms)
            targets[cid] = values[i - 1] if i else 0.0
        return targets


def heat_status(reported_c: float, target_c: float) -> str:
    """``off``, ``at 37 °C``, ``31 °C, warming to 39 °C`` …: the reading and where it heads."""
    if target_c <= OFF_C:
        return "off" if reported_c <= OFF_C else f"{reported_c:.0f} °C, heater off"
    if abs(reported_c - target_c) <= AT_TARGET_C:
        return f"at {reported_c:.0f} °C"
    direction = "warming" if reported_c < target_c else "cooling"
    return f"{reported_c:.0f} °C, {direction} to {target_c:.0f} °C"


def heat_setpoint_status(setpoint_c: float, target_c: float) -> str:
    """``off``, ``setpoint 31 °C, rising to 39 °C`` …: for a device that measures nothing."""
    if setpoint_c <= OFF_C and target_c <= OFF_C:
        return "off"
    if abs(setpoint_c - target_c) <= AT_TARGET_C or target_c <= OFF_C:
        return f"setpoint {setpoint_c:.0f} °C"
    direction = "rising" if setpoint_c < target_c else "falling"
    return f"setpoint {setpoint_c:.0f} °C, {direction} to {target_c:.0f} °C"


def heat_words(
    setpoint_c: float, measured_c: float | None, target_c: float
) -> str:
    """The heat pad in words: the measured temperature where the device reports one (see
    :func:`heat_status`), else its setpoint, named as such (:func:`heat_setpoint_status`)."""
    if measured_c is None:
        return heat_setpoint_status(setpoint_c, target_c)
    if target_c <= OFF_C and setpoint_c <= OFF_C:
        # Heater off: a pad still warm from the session is worth saying, ambient is not.
        return "off" if measured_c < AMBIENT_WARM_C else f"{measured_c:.0f} °C, heater off"
    return heat_status(measured_c, target_c)


def heat_lines(
    channels: tuple[str, ...], reported: Mapping[str, float], targets: Mapping[str, float]
) -> list[tuple[str, str]]:
    """(channel id, :func:`heat_status`) for every heat channel, in the device's order."""
    return [
        (cid, heat_status(reported.get(cid, 0.0), targets.get(cid, 0.0))) for cid in channels
    ]


__all__ = [
    "AT_TARGET_C",
    "HeatTargets",
    "heat_lines",
    "heat_setpoint_status",
    "heat_status",
    "heat_words",
]

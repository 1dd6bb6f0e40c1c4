"""Facts about a :class:`Program` that the list and show commands print."""

from __future__ import annotations

from typing import Any

from massage_ctl.program import Program, format_duration
from massage_ctl.zones import ZONES


def body_areas(program: Program) -> list[str]:
    """Zones the program works on (sides dropped), head to feet."""
    found: set[str] = set()
    for phase in program.phases:
        for z in getattr(phase, "zones", ()):
            found.add(z.partition(".")[0])
    return [z for z in ZONES if z in found]


def area_summary(program: Program) -> str:
    """Body areas in short form: runs of neighbouring zones as ``mid-back–hips``."""
    areas = body_areas(program)
    runs: list[list[str]] = []
    for zone in areas:
        if runs and ZONES.index(zone) == ZONES.index(runs[-1][-1]) + 1:
            runs[-1].append(zone)
        else:
            runs.append([zone])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def program_length(program: Program) -> str:
    """The session length as written (``duration``, else the phases' own lengths)."""
    return format_duration(program.duration or program.natural_ms())


#: Technique parameters worth showing, in the order a therapist would read them.
_DETAIL_FIELDS = (
    "stroke",
    "mode",
    "direction",
    "stroke_span",
    "ramp",
    "hold",
    "release",
    "rest",
    "squeeze",
    "stroke_period",
    "rate_hz",
    "target_c",
)
_LABELS = {"rate_hz": "rate", "target_c": "target", "stroke_span": "stroke span"}
_DURATION_FIELDS = {"ramp", "hold", "release", "rest", "squeeze", "stroke_period"}


def describe_phase(phase: Any) -> str:
    """One line for a phase as written, e.g. ``trigger-point lower-back.left, … 0.6 · 3× …``."""
    parts = [phase.technique]
    zones = getattr(phase, "zones", None)
    if zones:
        parts.append(", ".join(zones))
    if getattr(phase, "intensity", None) is not None:
        parts.append(f"intensity {phase.intensity:g}")
    details = []
    for name in _DETAIL_FIELDS:
        value = getattr(phase, name, None)
        if value is None:
            continue
        if name in _DURATION_FIELDS:
            value = format_duration(value)
        elif name == "target_c":
            value = f"{value:g} °C"
        elif name == "rate_hz":
            value = f"{value:g} Hz"
        if name == "direction" and getattr(phase, "stroke", None) != "effleurage":
            continue  # only long strokes travel in a direction
        details.append(f"{_LABELS.get(name, name.replace('_', ' '))} {value}")
    length = (
        format_duration(phase.duration)
        if phase.duration is not None
        else f"{phase.repeats}× ({format_duration(phase.natural_ms())})"
    )
    if getattr(phase, "background", False):
        length += ", in the background"
    line = " · ".join([*parts, length])
    return f"{line} — {', '.join(details)}" if details else line

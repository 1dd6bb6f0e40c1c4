"""The live body map: a figure of the back, each zone coloured by the actual intensity, and
the heat pads' temperatures as the device reports them.

The drawing is a pure function of the device profile and the actual channel values
(:func:`render_body_map`), so it is tested without a terminal; :class:`BodyMap` is the thin
widget around it.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from massage_ctl.devices import DeviceProfile
from massage_ctl.views.heat_status import heat_status, heat_words
from massage_ctl.zones import SPINE_ZONES, ZONES

# Figure rows, head to feet: (zone, left half, right half). The halves are drawn mirrored so a
# sided channel (lower-back.left) colours only its half.
_FIGURE: tuple[tuple[str, str, str], ...] = (
    ("neck", "    ▐█", "█▌    "),
    ("shoulders", " ▗████", "████▖ "),
    ("upper-back", "  ████", "████  "),
    ("mid-back", "  ████", "████  "),
    ("lower-back", "  ████", "████  "),
    ("hips", "  ████", "████  "),
    ("thighs", "   ███", "███   "),
    ("calves", "    ██", "██    "),
    ("feet", "   ▀▀▀", "▀▀▀   "),
)

_OFF = Style(color="grey42")


def intensity_style(value: float) -> Style:
    """Colour for an intensity 0..1: grey when off, then green → yellow → red."""
    if value <= 0.01:
        return _OFF
    v = max(0.0, min(1.0, value))
    # Two-segment gradient green (0,170,80) → amber (230,180,0) → red (220,40,40).
    if v < 0.5:
        t = v / 0.5
        r, g, b = 0 + 230 * t, 170 + 10 * t, 80 - 80 * t
    else:
        t = (v - 0.5) / 0.5
        r, g, b = 230 - 10 * t, 180 - 140 * t, 0 + 40 * t
    return Style(color=f"rgb({int(r)},{int(g)},{int(b)})", bold=v > 0.6)


def zone_levels(
    profile: DeviceProfile, actual: Mapping[str, float]
) -> dict[tuple[str, str | None], float]:
    """Strongest actual intensity per (zone, side); a side-less channel counts for both sides.

    Heat and roller position are not intensities and are left out (shown separately).
    """
    levels: dict[tuple[str, str | None], float] = {}
    roller_pos = roller_position(profile, actual)
    for ch in profile.channels:
        if ch.kind in ("heat", "position"):
            continue
        value = actual.get(ch.id, 0.0)
        zone = ch.zone
        if ch.kind == "roller" and roller_pos is not None:
            zone = zone_at_position(roller_pos)
        sides: tuple[str | None, ...] = (ch.side,) if ch.side else ("left", "right")
        for side in sides:
            key = (zone, side)
            levels[key] = max(levels.get(key, 0.0), value)
    return levels


def roller_position(profile: DeviceProfile, actual: Mapping[str, float]) -> float | None:
    """Actual roller position 0..1 (0 = neck), or None when the device has no roller."""
    for ch in profile.channels:
        if ch.kind == "position":
            return actual.get(ch.id, 0.0)
    return None


def zone_at_position(position: float) -> str:
    """The spine zone under a roller at ``position`` (0 = neck, 1 = sacrum)."""
    idx = min(len(SPINE_ZONES) - 1, max(0, int(position * len(SPINE_ZONES))))
    return SPINE_ZONES[idx]


#: The roller marker's column, reserved on every row: a marker that appears, moves or goes
#: never changes a row's width, so the figure cannot wrap or jump.
ROLLER_MARK = " ◀roller"


def heat_lines(
    profile: DeviceProfile,
    actual: Mapping[str, float],
    targets: Mapping[str, float],
    measured_c: Mapping[str, float] | None = None,
) -> list[tuple[str, str]]:
    """(zone, words) per heat channel: the temperature the device reports and where the
    program is taking it (``views/heat_status.py``). With ``measured_c`` (a running session's
    telemetry) the pad's measured temperature; a channel the device does not measure shows
    its setpoint, called a setpoint (PROTOCOL.md §5.14)."""
    if measured_c is None:
        return [
            (ch.zone, heat_status(actual.get(ch.id, 0.0), targets.get(ch.id, 0.0)))
            for ch in profile.channels
            if ch.kind == "heat"
        ]
    return [
        (
            ch.zone,
            heat_words(actual.get(ch.id, 0.0), measured_c.get(ch.id), targets.get(ch.id, 0.0)),
        )
        for ch in profile.channels
        if ch.kind == "heat"
    ]


def render_body_map(
    profile: DeviceProfile,
    actual: Mapping[str, float],
    heat_targets: Mapping[str, float] | None = None,
    measured_c: Mapping[str, float] | None = None,
) -> Text:
    """The figure with zone labels, intensities and the roller marker, then one line per heat
    pad (``♨ lower-back: 31 °C, warming to 39 °C``), as rich Text.

    Every row has the same columns whatever the values (the roller's column is reserved, the
    heat lines are always there), so the figure never changes its size while a session runs.
    ``heat_targets``: channel id → the temperature the program asks for now (none = off).
    """
    levels = zone_levels(profile, actual)
    device_zones = set(profile.zones())
    roller = roller_position(profile, actual)
    roller_zone = zone_at_position(roller) if roller is not None else None
    heated = {ch.zone for ch in profile.channels if ch.kind == "heat"}
    heat_style = Style(color="orange1")
    text = Text()
    for zone, left, right in _FIGURE:
        lv = levels.get((zone, "left"), 0.0)
        rv = levels.get((zone, "right"), 0.0)
        label_style = Style(dim=zone not in device_zones)
        text.append(f"{zone:>10} ", label_style)
        text.append(left, intensity_style(lv))
        text.append(right, intensity_style(rv))
        strength = max(lv, rv)
        text.append(f" {round(strength * 100):3d}%" if zone in device_zones else "     ")
        text.append(" ♨" if zone in heated else "  ", heat_style)
        if zone == roller_zone:
            text.append(ROLLER_MARK, Style(color="cyan", bold=True))
        text.append("\n")
    for zone, words in heat_lines(profile, actual, heat_targets or {}, measured_c):
        text.append(f"♨ {zone}: {words}\n", heat_style)
    text.rstrip()
    return text


class BodyMap(Widget):
    """Shows :func:`render_body_map` for the current actual values.

    :meth:`show` redraws only when the figure would look different: telemetry changes in
    steps far below what the map shows (whole percents, a colour gradient).
    """

    DEFAULT_CSS = """
    BodyMap { height: auto; width: auto; min-width: 44; }
    """

    def __init__(self, profile: DeviceProfile, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile = profile
        self.actual: dict[str, float] = {}
        self._figure = render_body_map(profile, self.actual)

    def show(
        self,
        actual: Mapping[str, float],
        heat_targets: Mapping[str, float] | None = None,
        measured_c: Mapping[str, float] | None = None,
    ) -> None:
        """Show the device's reported values ``actual`` (channel id → value); ``heat_targets``
        names where each heat pad is heading (channel id → °C); ``measured_c`` what each pad
        measures (protocol version 2)."""
        self.actual = dict(actual)
        figure = render_body_map(self.profile, self.actual, heat_targets, measured_c)
        if figure != self._figure:  # same text and the same colours: nothing to redraw
            self._figure = figure
            self.refresh()

    def render(self) -> Text:
        return self._figure


__all__ = ["ZONES", "BodyMap", "render_body_map", "zone_levels"]

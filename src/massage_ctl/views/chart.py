"""Per-channel intensity-over-time chart of a :class:`Timeline`, drawn with rich.

One row per channel, time across. Intensity channels (vibration, pressure, roller) use the
eighth-block characters ``▁▂▃▄▅▆▇█`` on the absolute 0..1 scale, so a gentle session visibly
stays low; colour runs from cool (light) to red (strong). Heat rows show the *expected pad
temperature* (``timeline.pad_temperatures``: a heater takes minutes to warm its pad) from 30 to
45 °C in orange, noted with the setpoint. A roller's *position* is not a strength, so it gets
one lane per spine zone it reaches with a ``●`` where the roller is (bright while the roller
works, a dim ``·`` while it is idle).
Under the rows: a time axis in minutes and a phase strip numbered like the phase list.

Each cell shows the highest value reached during its time slice, so short peaks are never
hidden by the sampling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.color import Color
from rich.console import Group
from rich.style import Style
from rich.text import Text

from massage_ctl.timeline import (
    AMBIENT_C,
    WARM_WITHIN_C,
    Timeline,
    TimelineChannel,
    pad_temperatures,
)
from massage_ctl.views.envelope import Envelope
from massage_ctl.zones import SPINE_ZONES, ZONES

BLOCKS = " ▁▂▃▄▅▆▇█"
#: Heat rows span this range in °C (below it a heat pad barely feels warm).
HEAT_SCALE_C = (30.0, 45.0)
MIN_COLUMNS = 20

_COOL = (90, 160, 220)
_WARM = (250, 200, 40)
_HOT = (220, 50, 47)
_DIM = Style(color="grey42")
_PHASE_STYLES = (Style(color="cyan", bold=True), Style(color="magenta", bold=True))


@dataclass(frozen=True, slots=True)
class ChartRow:
    """One drawn row: channel id (only on a channel's first row), zone, cells, right note."""

    channel: str
    zone: str
    cells: Text
    note: str


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], f: float) -> Color:
    f = min(1.0, max(0.0, f))
    r, g, bl = (round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return Color.from_rgb(r, g, bl)


def intensity_style(level: float) -> Style:
    """Colour for an envelope value 0..1: cool → amber → red."""
    if level <= 0.5:
        return Style(color=_blend(_COOL, _WARM, level / 0.5))
    return Style(color=_blend(_WARM, _HOT, (level - 0.5) / 0.5))


def _block(level: float) -> str:
    """Eighth-block character for 0..1; anything above zero shows at least ``▁``."""
    if level <= 0:
        return " "
    return BLOCKS[max(1, min(8, round(level * 8)))]


def _windows(duration_ms: int, columns: int) -> list[tuple[float, float]]:
    step = max(duration_ms, 1) / columns
    return [(c * step, (c + 1) * step) for c in range(columns)]


def _rhythm_note(timeline: Timeline, channel_id: str) -> str:
    """Rhythms the device runs on this channel, e.g. ``knead 0.8 Hz, tap 4 Hz``."""
    rates: dict[str, set[float]] = {}
    for cmd in timeline.commands_for(channel_id):
        if cmd.pattern != "steady" and cmd.value > 0:
            rates.setdefault(cmd.pattern, set()).add(round(cmd.rate_hz, 2))
    parts = []
    for pattern, hz in rates.items():
        lo, hi = min(hz), max(hz)
        span = f"{lo:g} Hz" if lo == hi else f"{lo:g}–{hi:g} Hz"
        parts.append(f"{pattern} {span}")
    return ", ".join(parts)


def _intensity_row(
    timeline: Timeline, ch: TimelineChannel, env: Envelope, columns: int
) -> ChartRow:
    cells = Text()
    for a, b in _windows(timeline.duration_ms, columns):
        _, hi = env.range_in(a, b)
        cells.append(_block(hi), intensity_style(hi))
    if env.peak <= 0:
        return ChartRow(ch.id, ch.zone, cells, "unused")
    note = f"peak {env.peak:.2f}"
    rhythm = _rhythm_note(timeline, ch.id)
    return ChartRow(ch.id, ch.zone, cells, f"{note}  {rhythm}" if rhythm else note)


def _heat_row(timeline: Timeline, ch: TimelineChannel, env: Envelope, columns: int) -> ChartRow:
    """The expected pad temperature (not the setpoint): a heater needs minutes to get warm."""
    lo_c, hi_c = HEAT_SCALE_C
    cells = Text()
    windows = _windows(timeline.duration_ms, columns)
    cmds = list(timeline.commands_for(ch.id))
    # Three samples per cell (start, middle, end): the pad changes over minutes, not ms.
    times = [t for a, b in windows for t in (a, (a + b) / 2, b)]
    temps = pad_temperatures(cmds, times) if cmds else [AMBIENT_C] * len(times)
    for i in range(len(windows)):
        hi = max(temps[3 * i : 3 * i + 3])
        level = 0.0 if hi <= lo_c else max(0.01, (hi - lo_c) / (hi_c - lo_c))
        cells.append(_block(level), Style(color=_blend(_WARM, _HOT, level)))
    if env.peak <= 0:
        return ChartRow(ch.id, ch.zone, cells, "off")
    return ChartRow(ch.id, ch.zone, cells, f"pad up to {max(temps):.0f} °C (set {env.peak:.0f})")


def heat_lines(timeline: Timeline) -> Iterable[str]:
    """Per heat channel, when the pad is expected to be warm: ``heat.lower-back: 37 °C …``."""
    for ch in timeline.channels:
        cmds = list(timeline.commands_for(ch.id))
        if ch.kind != "heat" or not any(c.value > 0 for c in cmds):
            continue
        target = max(c.value for c in cmds)
        times = list(range(0, timeline.duration_ms + 1, 5_000))
        temps = pad_temperatures(cmds, times)
        warm = [t for t, temp in zip(times, temps, strict=True) if temp >= target - WARM_WITHIN_C]
        if warm:
            yield (
                f"{ch.id}: set to {target:g} °C; the pad is expected at {target:g} °C from "
                f"{format_ms(warm[0])} to {format_ms(warm[-1])}, then cools"
            )
        else:
            yield (
                f"{ch.id}: set to {target:g} °C, but the pad is expected to reach only "
                f"{max(temps):.0f} °C"
            )


def _position_rows(
    timeline: Timeline, ch: TimelineChannel, env: Envelope, work: list[Envelope], columns: int
) -> list[ChartRow]:
    """One lane per spine zone; ``●`` where the roller is during each time slice."""
    lanes = SPINE_ZONES  # a timeline does not carry the device's reach; show the whole spine
    n = len(SPINE_ZONES)
    cells = [Text() for _ in lanes]
    for a, b in _windows(timeline.duration_ms, columns):
        lo, hi = env.range_in(a, b)
        first, last = min(n - 1, int(lo * n)), min(n - 1, int(hi * n))
        strength = max((w.range_in(a, b)[1] for w in work), default=0.0)
        for lane, zone in enumerate(lanes):
            if first <= SPINE_ZONES.index(zone) <= last:
                if strength > 0:
                    cells[lane].append("●", intensity_style(strength))
                else:
                    cells[lane].append("·", _DIM)
            else:
                cells[lane].append(" ")
    rows = []
    for lane, zone in enumerate(lanes):
        rows.append(ChartRow(ch.id if lane == 0 else "", zone, cells[lane], ""))
    return rows


def _axis(duration_ms: int, columns: int) -> Text:
    """Minute labels under the chart, spaced so they never overlap."""
    minutes = duration_ms / 60_000
    step = next(
        (s for s in (1, 2, 5, 10, 15, 30, 60) if minutes / s * 6 <= columns),
        max(1, round(minutes)),
    )
    chars = [" "] * (columns + 6)
    m = 0
    while m <= minutes + 1e-9:
        col = min(columns - 1, round(m / minutes * columns)) if minutes > 0 else 0
        label = f"{m}"
        if all(c == " " for c in chars[max(0, col - 1) : col + len(label) + 1]):
            chars[col : col + len(label)] = label
        m += step
    return Text("".join(chars).rstrip() + " min", _DIM)


def _phase_strip(timeline: Timeline, columns: int) -> Text:
    """Phase numbers (1-based, as in the phase list) along the time axis."""
    strip = Text()
    previous = None
    for a, b in _windows(timeline.duration_ms, columns):
        phase = timeline.phase_at(int((a + b) / 2))
        if phase is None:
            strip.append(" ")
            previous = None
            continue
        style = _PHASE_STYLES[phase.index % 2]
        number = str(phase.index + 1)
        if phase.index != previous and len(number) == 1:
            strip.append(number, style)
        else:
            strip.append("─", style)
        previous = phase.index
    return strip


def chart_rows(timeline: Timeline, columns: int) -> list[ChartRow]:
    """All channel rows of the chart, in the device's channel order."""
    envelopes = {
        ch.id: Envelope.from_commands(list(timeline.commands_for(ch.id)))
        for ch in timeline.channels
    }
    roller_work = [envelopes[ch.id] for ch in timeline.channels if ch.kind == "roller"]
    rows: list[ChartRow] = []
    for ch in timeline.channels:
        env = envelopes[ch.id]
        if ch.kind == "position":
            rows.extend(_position_rows(timeline, ch, env, roller_work, columns))
        elif ch.kind == "heat":
            rows.append(_heat_row(timeline, ch, env, columns))
        else:
            rows.append(_intensity_row(timeline, ch, env, columns))
    return rows


def _pad(text: str, width: int) -> str:
    return text[:width].ljust(width)


def render_chart(timeline: Timeline, *, width: int = 100) -> Group:
    """The whole chart as a rich renderable that fits ``width`` terminal columns."""
    id_w = max((len(ch.id) for ch in timeline.channels), default=8) + 1
    zone_w = max(len(z) for z in ZONES) + 1
    probe = chart_rows(timeline, MIN_COLUMNS)
    note_w = max((len(r.note) for r in probe), default=0)
    columns = max(MIN_COLUMNS, width - id_w - zone_w - note_w - 4)
    rows = chart_rows(timeline, columns)
    lines: list[Text] = []
    for row in rows:
        line = Text()
        line.append(_pad(row.channel, id_w), Style(bold=True))
        line.append(_pad(row.zone, zone_w), _DIM)
        line.append("│", _DIM)
        line.append_text(row.cells)
        line.append("│ ", _DIM)
        line.append(row.note, _DIM)
        lines.append(line)
    indent = " " * (id_w + zone_w + 1)
    lines.append(Text(indent) + _phase_strip(timeline, columns) + Text("  phases", _DIM))
    lines.append(Text(indent) + _axis(timeline.duration_ms, columns))
    lines.append(_legend())
    return Group(*lines)


def _legend() -> Text:
    legend = Text("scale ", _DIM)
    for i in range(1, 9):
        legend.append(BLOCKS[i], intensity_style(i / 8))
    legend.append(" 0→1 of full strength; heat ", _DIM)
    legend.append("▁▄█", Style(color=_blend(_WARM, _HOT, 0.7)))
    legend.append(f" pad {HEAT_SCALE_C[0]:.0f}→{HEAT_SCALE_C[1]:.0f} °C; roller ", _DIM)
    legend.append("●", intensity_style(0.5))
    legend.append(" working, ", _DIM)
    legend.append("·", _DIM)
    legend.append(" idle", _DIM)
    return legend


def format_ms(t_ms: float) -> str:
    """``m:ss`` for a time in milliseconds."""
    total_s = round(t_ms / 1000)
    return f"{total_s // 60}:{total_s % 60:02d}"


def phase_lines(timeline: Timeline) -> Iterable[str]:
    """``1  0:00–2:00  warm-up (swedish)`` for each phase of the timeline."""
    for p in timeline.phases:
        yield (
            f"{p.index + 1:>2}  {format_ms(p.start_ms)}–{format_ms(p.end_ms)}  "
            f"{p.name} ({p.technique})"
        )

"""Ways to print a compiled :class:`Timeline`: CONTRACTS §3 JSON, CSV, and a readable summary."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from massage_ctl.timeline import Timeline
from massage_ctl.views.chart import format_ms
from massage_ctl.views.envelope import Envelope

#: Columns of ``compile --csv``, one command per row.
CSV_COLUMNS = ("t_ms", "channel", "value", "ramp_ms", "pattern", "rate_hz")


def timeline_json(timeline: Timeline) -> str:
    """Exactly the docs/CONTRACTS.md §3 ``compile --json`` object, as indented JSON text."""
    return json.dumps(timeline.to_json_dict(), indent=2, ensure_ascii=False)


def timeline_csv(timeline: Timeline) -> str:
    """One command per row under a header; ``pattern`` is ``steady`` when no rhythm is run."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for cmd in timeline.commands:
        row = cmd.to_json_dict()
        writer.writerow(
            [
                row["t_ms"],
                row["channel"],
                row["value"],
                row["ramp_ms"],
                row.get("pattern", "steady"),
                row.get("rate_hz", 0),
            ]
        )
    return out.getvalue()


def warning_lines(timeline: Timeline) -> RenderableType:
    """The compiler's warnings (clamps and adjustments), or a line saying there are none."""
    if not timeline.warnings:
        return Text("No warnings: nothing had to be clamped.", style="green")
    lines = [Text(f"Warnings ({len(timeline.warnings)}):", style="bold yellow")]
    lines.extend(Text(f"  ! {w}", style="yellow") for w in timeline.warnings)
    return Group(*lines)


def timeline_summary(timeline: Timeline) -> RenderableType:
    """Header, per-channel table (cap, peak, commands) and warnings of a timeline."""
    header = Text()
    header.append(timeline.program, style="bold")
    header.append(
        f" on {timeline.device}, safety {timeline.safety}, intensity {timeline.intensity:g}: "
        f"lasts {format_ms(timeline.duration_ms)}, {len(timeline.commands)} commands, "
        f"{len(timeline.phases)} phases"
    )
    table = Table(box=None, pad_edge=False)
    table.add_column("channel", style="bold")
    table.add_column("zone")
    table.add_column("kind")
    table.add_column("cap", justify="right")
    table.add_column("peak", justify="right")
    table.add_column("commands", justify="right")
    for ch in timeline.channels:
        cmds = list(timeline.commands_for(ch.id))
        peak = Envelope.from_commands(cmds).peak
        if ch.kind == "heat":
            cap, top = f"{ch.max:g} °C", (f"{peak:.0f} °C" if peak > 0 else "off")
        else:
            cap, top = f"{ch.max:g}", (f"{peak:.2f}" if cmds else "unused")
        table.add_row(ch.id, ch.zone, ch.kind, cap, top, str(len(cmds)))
    return Group(header, Text(), table, Text(), warning_lines(timeline))

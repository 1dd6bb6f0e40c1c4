"""``massage-ctl show PROGRAM`` — what a program is, who it is for, and what it will do.

Prints the description, "for" / "not for", the phases as written, then compiles the program
for the chosen device and safety profile and draws the per-channel intensity chart
(:mod:`massage_ctl.views.chart`) with the compiler's warnings. ``--svg FILE`` saves the chart.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from massage_ctl.cli.program_info import area_summary, describe_phase, program_length
from massage_ctl.cli.target_args import add_target_options, check_output_file, resolve_options
from massage_ctl.cli.timeline_output import warning_lines
from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import MassageCtlError
from massage_ctl.program import Program, find_program_file, load_program
from massage_ctl.timeline import Timeline
from massage_ctl.views.chart import heat_lines, phase_lines, render_chart

#: Width of the SVG chart in terminal columns (independent of the user's terminal).
SVG_WIDTH = 120


def register(subparsers: Any) -> None:
    """Add the ``show`` subcommand."""
    parser = subparsers.add_parser(
        "show",
        help="describe a program and chart what it does on a device",
        description="Describe PROGRAM (who it is for and not for, its phases) and draw what "
        "each device channel does over time, compiled for the chosen device and safety profile.",
    )
    parser.add_argument("program", metavar="PROGRAM", help="built-in program id or .toml file")
    add_target_options(parser)
    parser.add_argument("--svg", metavar="FILE", type=Path, help="also save the chart as SVG")
    parser.set_defaults(func=run)


def program_details(program: Program) -> RenderableType:
    """Name, description, for / not for, tags and the phases as written."""
    parts: list[RenderableType] = []
    title = Text(program.name, style="bold")
    title.append(f"  ({program.id}, {program_length(program)})", style="dim")
    parts.append(title)
    parts.append(Text(" ".join(program.description.split())))
    if program.suitable_for:
        parts.append(Text("\nFor:", style="bold green"))
        parts.extend(Text(f"  • {line}") for line in program.suitable_for)
    if program.not_for:
        parts.append(Text("Not for:", style="bold red"))
        parts.extend(Text(f"  • {line}") for line in program.not_for)
    meta = Text(f"\nBody areas: {area_summary(program)}", style="dim")
    if program.tags:
        meta.append(f"   Tags: {', '.join(program.tags)}")
    parts.append(meta)
    parts.append(Text("\nPhases as written:", style="bold"))
    for i, phase in enumerate(program.phases, start=1):
        name = f"{phase.name}: " if phase.name else ""
        parts.append(Text(f"{i:>2}  {name}{describe_phase(phase)}"))
    return Group(*parts)


def chart_section(timeline: Timeline, device: DeviceProfile, width: int) -> RenderableType:
    """Heading, the chart, the compiled phase times and the warnings."""
    heading = (
        f"On {device.name} ({timeline.device}), safety {timeline.safety}, "
        f"intensity {timeline.intensity:g}, {timeline.duration_ms / 60_000:.1f} min"
    )
    parts: list[RenderableType] = [Rule(heading, align="left"), render_chart(timeline, width=width)]
    if timeline.phases:
        parts.append(Text("\nPhases as compiled:", style="bold"))
        parts.extend(Text(line) for line in phase_lines(timeline))
    heat = list(heat_lines(timeline))
    if heat:
        parts.append(Text("\nHeat (expected pad temperature):", style="bold"))
        parts.extend(Text(f"  {line}") for line in heat)
    parts.append(Text())
    parts.append(warning_lines(timeline))
    return Group(*parts)


def save_svg(section: RenderableType, path: Path, title: str) -> None:
    """Render ``section`` on a recording console and write it to ``path`` as SVG."""
    recorder = Console(record=True, width=SVG_WIDTH, file=io.StringIO(), color_system="truecolor")
    recorder.print(section)
    try:
        recorder.save_svg(str(path), title=title)
    except OSError as err:
        raise MassageCtlError(
            f"cannot write the SVG file {str(path)!r}: {err.strerror}",
            hint="check that the folder exists and is writable",
        ) from err


def run(args: argparse.Namespace) -> int:
    """Describe, compile and chart; exit status 0."""
    if args.svg is not None:
        check_output_file(args.svg, "SVG file")  # before anything is printed
    program = load_program(args.program)
    options = resolve_options(args, program, str(find_program_file(args.program)))
    timeline = options.compile()
    device = options.device
    assert device is not None  # resolve_options always names the profile it compiles for
    console = Console(highlight=False)
    console.print(program_details(program))
    console.print()
    console.print(chart_section(timeline, device, max(80, console.width)))
    if args.svg is not None:
        section = chart_section(timeline, device, SVG_WIDTH)
        save_svg(section, args.svg, f"massage-ctl show {program.id}")
        console.print(f"Chart saved to {args.svg}", style="dim")
    return 0

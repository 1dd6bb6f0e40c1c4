"""``massage-ctl compile PROGRAM`` — compile for a device and safety profile, print the timeline.

``--json`` prints one object (:data:`JSON_FORMAT`, also shown by ``--help``), ``--csv`` one
command per row; by default a readable summary. Compiling never connects to a device
(``sim://chair`` only names a profile).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from massage_ctl.cli.target_args import add_target_options, resolve_options
from massage_ctl.cli.timeline_output import timeline_csv, timeline_json, timeline_summary
from massage_ctl.program import find_program_file, load_program
from massage_ctl.views.chart import phase_lines

#: The ``--json`` object, as ``compile --help`` describes it (tools read this; keep it stable).
JSON_FORMAT = (
    '{"program": id, "device": profile id, "safety": profile id, "duration_ms": int, '
    '"channels": [{"id", "zone", "kind", "max"}], "commands": [{"t_ms", "channel", "value", '
    '"ramp_ms", "pattern"?, "rate_hz"?}], "warnings": [str]}. Values are 0..1 except heat '
    "(°C, 0 = off); a command moves its channel linearly to value over ramp_ms from t_ms. "
    'A safety profile file appears as "OWN (based on standard|gentle)", never as a built-in.'
)


def register(subparsers: Any) -> None:
    """Add the ``compile`` subcommand."""
    parser = subparsers.add_parser(
        "compile",
        help="compile a program into a timeline of device commands",
        description="Compile PROGRAM for a device profile and a safety profile, without "
        "connecting. Prints a summary, or the timeline as JSON or CSV. JSON: " + JSON_FORMAT,
    )
    parser.add_argument("program", metavar="PROGRAM", help="built-in program id or .toml file")
    add_target_options(parser)
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (format above)")
    fmt.add_argument("--csv", action="store_true", help="print one command per row as CSV")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compile and print; exit status 0 (errors are raised as MassageCtlError)."""
    program = load_program(args.program)
    timeline = resolve_options(args, program, str(find_program_file(args.program))).compile()
    if args.json:
        print(timeline_json(timeline))
    elif args.csv:
        sys.stdout.write(timeline_csv(timeline))
    else:
        console = Console()
        console.print(timeline_summary(timeline))
        if timeline.phases:
            console.print("\nPhases:", style="bold")
            for line in phase_lines(timeline):
                console.print(line, highlight=False)
    return 0

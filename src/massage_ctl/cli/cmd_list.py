"""``massage-ctl list`` — the built-in program library as a table."""

from __future__ import annotations

import argparse
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from massage_ctl.cli.program_info import area_summary, program_length
from massage_ctl.program import Program, list_builtin_programs

#: Below this terminal width the name goes under the id, so nothing is cut off.
WIDE_TERMINAL = 120


def library_table(programs: list[Program], *, wide: bool) -> Table:
    """Table of id, name, techniques, length and body areas."""
    table = Table(
        title=f"Built-in programs ({len(programs)})", title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column("id" if wide else "id / name", no_wrap=True)
    if wide:
        table.add_column("name")
    table.add_column("techniques", ratio=1)
    table.add_column("length", justify="right", no_wrap=True)
    table.add_column("body areas", ratio=1)
    for program in programs:
        ident = Text(program.id, style="bold cyan")
        if not wide:
            ident.append("\n" + program.name, style="default")
        cells = [ident, program.name] if wide else [ident]
        table.add_row(
            *cells,
            ", ".join(program.techniques()),
            program_length(program),
            area_summary(program),
        )
    return table


def register(subparsers: Any) -> None:
    """Add the ``list`` subcommand."""
    parser = subparsers.add_parser(
        "list",
        help="list the built-in programs",
        description="List the built-in programs: id, name, techniques, length and body areas. "
        "Use an id with show, compile or run.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the library table; exit status 0."""
    console = Console()
    console.print(library_table(list_builtin_programs(), wide=console.width >= WIDE_TERMINAL))
    console.print("Details and a chart: massage-ctl show ID", style="dim")
    return 0

"""``massage-ctl validate FILE...`` — check program files: format, then a test compile.

Each file is loaded (every key, zone, duration and number checked, errors naming file, line and
field) and compiled for the ``chair`` profile under the ``standard`` safety profile, which every
program is expected to pass. One line per file, the compiler's warnings listed under it; exit
status 1 if any file failed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError, MassageCtlError, ProgramError
from massage_ctl.program import load_program, load_program_file
from massage_ctl.safety import STANDARD

#: What every program must compile for to be valid.
CHECK_DEVICE = "chair"


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="check program files (format, and that they compile)",
        description="Check each program file: its format, and that it compiles for the chair "
        "profile under the standard safety profile. Exit status 1 if any file fails.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="program .toml files (or ids)")
    parser.set_defaults(func=run)


@dataclass(frozen=True, slots=True)
class FileCheck:
    """What ``validate`` found for one file: ok or not, one line, a hint, and the warnings
    the test compile gave (shown under the file, not only counted)."""

    ok: bool
    message: str
    hint: str | None = None
    warnings: tuple[str, ...] = ()


def check_one(name: str) -> FileCheck:
    """The check of one file (or built-in id); never raises a MassageCtlError."""
    device = load_device_profile(CHECK_DEVICE)
    try:
        # A path that exists is read as a file whatever its name; anything else may be an id.
        program = load_program_file(name) if Path(name).is_file() else load_program(name)
    except ProgramError as err:
        # The message already names file, line and field; add the file when it does not.
        text = str(err) if err.path else f"{name}: {err}"
        return FileCheck(False, text, err.hint)
    try:
        timeline = compile_program(program, device, STANDARD)
    except CompileError as err:
        where = f"{err.phase}: " if err.phase else ""
        return FileCheck(
            False, f"{name}: does not compile for {CHECK_DEVICE}/standard: {where}{err.message}",
            err.hint,
        )
    except MassageCtlError as err:
        return FileCheck(False, f"{name}: does not compile for {CHECK_DEVICE}/standard: {err}",
                         err.hint)
    warned = len(timeline.warnings)
    note = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    return FileCheck(
        True,
        f"{name} ({program.id}, {timeline.duration_ms / 60_000:.1f} min{note})",
        warnings=tuple(timeline.warnings),
    )


def run(args: argparse.Namespace) -> int:
    """Check every file; exit status 0 if all are valid, else 1."""
    console = Console(highlight=False, soft_wrap=True)  # one line per item, even when piped
    failed = 0
    for name in args.files:
        result = check_one(name)
        if result.ok:
            console.print(Text.assemble(("OK", "green"), "    ", result.message))
        else:
            failed += 1
            console.print(Text.assemble(("FAIL", "red"), "  ", result.message))
        for warning in result.warnings:
            console.print(Text.assemble("      ", ("warning:", "yellow"), " ", warning))
        if result.hint:
            console.print(Text(f"      hint: {result.hint}", style="dim"))
    if len(args.files) > 1:
        console.print(f"{len(args.files) - failed} of {len(args.files)} files valid")
    return 1 if failed else 0

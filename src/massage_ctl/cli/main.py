"""Entry point of ``massage-ctl``: argument parsing, dispatch, and the one error handler.

Each subcommand lives in ``massage_ctl.cli.cmd_<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (``args -> int`` exit status). Modules are listed in
:data:`COMMAND_MODULES`; the import happens here so a broken optional driver (bleak, serial)
can never break ``massage-ctl list``.

Exit status: 0 ok, 1 a :class:`MassageCtlError` (one clear message, no traceback), 2 usage,
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from massage_ctl import __version__
from massage_ctl.errors import MassageCtlError

#: What ``massage-ctl`` with no command opens: the terminal UI's entry, ``(module, function)``,
#: imported by name when used, as the subcommands are. The front ends stay apart: no module in
#: cli/ imports tui/ (tests/architecture), and the UI's start-up pays for no command module.
UI_ENTRY: tuple[str, str] = ("massage_ctl.tui.factory", "open_ui")

#: Subcommand modules, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "list",
    "show",
    "validate",
    "compile",
    "run",
    "devices",
    "history",
    "pain",
    "plan",
    "report",
    "favourite",
    "schema",
    "conformance",
)


def build_parser(commands: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The parser, with the subcommands named in ``commands`` (default: all of them)."""
    parser = argparse.ArgumentParser(
        prog="massage-ctl",
        description="Controller for home massage devices. With no command, opens the terminal UI.",
    )
    parser.add_argument("--version", action="version", version=f"massage-ctl {__version__}")
    parser.add_argument(
        "--device",
        metavar="URL",
        help="device for the terminal UI (default: from your config, else sim://chair)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        try:
            module = importlib.import_module(f"massage_ctl.cli.cmd_{name}")
        except ModuleNotFoundError as err:
            if err.name == f"massage_ctl.cli.cmd_{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def report_error(err: MassageCtlError) -> None:
    """Print one clear message (and the hint, if any) to stderr."""
    print(f"massage-ctl: error: {err}", file=sys.stderr)
    if err.hint:
        print(f"  hint: {err.hint}", file=sys.stderr)


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand word in ``argv`` (skipping options and the value of ``--device``)."""
    skip_value = False
    for token in argv:
        if skip_value:
            skip_value = False
        elif token == "--device":
            skip_value = True
        elif not token.startswith("-"):
            return token
    return None


def _commands_needed(argv: Sequence[str]) -> Sequence[str]:
    """Only the subcommand modules this invocation needs.

    Importing every command (and with them the compiler, player and drivers) would cost the
    terminal UI — the no-argument case — a noticeable part of its start-up time.
    """
    command = _command_in(argv)
    wants_help = any(t in ("-h", "--help") for t in argv)
    if command in COMMAND_MODULES:
        return (command,)
    if command is None and not wants_help:
        return ()
    return COMMAND_MODULES  # top-level help, or an unknown command: list them all


def _open_ui(device_url: str | None) -> int:
    """Run the terminal UI until the user quits; its exit status.

    An invalid config file or an unreachable device is found while the library loads; the
    app then ends and the error (a ``MassageCtlError``) is raised here for the one handler.
    """
    module, function = UI_ENTRY
    open_ui: Callable[[str | None], int] = getattr(importlib.import_module(module), function)
    return open_ui(device_url)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_commands_needed(arguments))
    args = parser.parse_args(arguments)
    try:
        if args.command is None:
            return _open_ui(getattr(args, "device", None))
        result: int = args.func(args)
        return result
    except MassageCtlError as err:
        report_error(err)
        return 1
    except KeyboardInterrupt:
        print("massage-ctl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

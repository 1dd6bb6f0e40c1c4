"""``massage-ctl conformance --device URL`` — check a device against PROTOCOL.md.

Prints a report by spec section (pass / fail / n/a, with what was sent and seen for every
failure; ``--verbose`` for all), or ``--json``. Exit 0 only when every applicable check passed,
1 when one failed or the device could not be reached, 2 for usage, 130 on Ctrl-C (after STOP).
The suite drives outputs no higher than 0.2 of their range and leaves the device STOPPED
(docs/CONFORMANCE.md).
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from massage_ctl.conformance import (
    ALL_CHECKS,
    CheckResult,
    render_json,
    render_text,
    run_conformance,
    select_checks,
)
from massage_ctl.conformance.report import result_line


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``conformance`` subcommand."""
    sections = sorted({c.section for c in ALL_CHECKS}, key=lambda s: [int(p) for p in s.split(".")])
    parser = sub.add_parser(
        "conformance",
        help="check a device against the wire protocol (firmware authors)",
        description="Checks every testable rule of firmware_protocol/PROTOCOL.md against a "
        "live device. Outputs are driven at most to 0.2 of their range (never heat or a "
        "roller's position); the device is left STOPPED.",
    )
    parser.add_argument(
        "--device",
        metavar="URL",
        required=True,
        help="the device: sim://pad, serial:///dev/ttyUSB0, socket://HOST:PORT, ble://…",
    )
    parser.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="N",
        help=f"only the checks of this PROTOCOL.md section (repeatable; {', '.join(sections)})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="show what was sent and seen for every check, not only failures",
    )
    parser.set_defaults(func=run)


class Terminated(KeyboardInterrupt):
    """SIGTERM: ends the run like Ctrl-C (the runner still sends STOP), exit status 143."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def run(args: argparse.Namespace) -> int:
    """Run the suite; 0 when every applicable check passed."""
    if not select_checks(args.section):
        print(
            f"massage-ctl conformance: error: no check of section {', '.join(args.section)}; "
            "sections are PROTOCOL.md numbers, e.g. 5.8 or 7",
            file=sys.stderr,
        )
        return 2
    live = not args.json and sys.stderr.isatty()

    def progress(result: CheckResult) -> None:
        if live:  # a long run on real hardware shows its progress; the report follows
            print(result_line(result), file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        report = run_conformance(args.device, args.section, progress=progress)
    except Terminated:
        print("massage-ctl: terminated; the device was sent STOP", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(render_json(report) if args.json else render_text(report, verbose=args.verbose))
    return 0 if report.ok else 1

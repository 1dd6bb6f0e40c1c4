"""``massage-ctl report --out FILE.html`` — a one-page report for a healthcare provider."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from massage_ctl.cli.history_args import date_arg, open_default_store, warn_damage
from massage_ctl.history.report import export_report


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write a one-page HTML report of sessions and pain ratings",
        description="Write a self-contained HTML report (no network needed to open it) for "
        "your healthcare provider.",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    parser.add_argument("--since", type=date_arg, metavar="DATE",
                        help="first day to include, YYYY-MM-DD (default: everything)")
    parser.add_argument("--until", type=date_arg, metavar="DATE",
                        help="last day to include, YYYY-MM-DD (default: today)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the report to ``--out``."""
    until: date | None = args.until
    if args.since is not None and until is not None and args.since > until:
        print(f"massage-ctl report: error: --since {args.since} is after --until {until}",
              file=sys.stderr)
        return 2
    with open_default_store() as store:
        written = export_report(store, args.out, since=args.since, until=until)
        warn_damage(store)
    print(f"Report written to {written.path} ({written.sessions} sessions, "
          f"{written.pain} pain ratings).")
    return 0

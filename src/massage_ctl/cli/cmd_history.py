"""``massage-ctl history`` — past sessions with pain ratings, a pain chart, JSON/CSV export."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from massage_ctl.cli.cmd_plan import describe_status
from massage_ctl.cli.history_args import date_arg, open_default_store, warn_damage
from massage_ctl.history.export import to_csv, to_json
from massage_ctl.history.output import write_private
from massage_ctl.history.summary import (
    counts_as_session,
    daily_pain,
    describe_change,
    pain_change,
)
from massage_ctl.history.terminal_chart import pain_chart
from massage_ctl.views.history_table import sessions_table


def register(subparsers: Any) -> None:
    """Add the ``history`` subcommand."""
    parser = subparsers.add_parser(
        "history",
        help="show past sessions and pain ratings, or export them",
        description="Past sessions with pain ratings and a pain-over-time chart. "
        "--json exports everything; --csv exports one table.",
    )
    parser.add_argument("--since", type=date_arg, metavar="DATE", help="from YYYY-MM-DD")
    parser.add_argument("--until", type=date_arg, metavar="DATE", help="up to YYYY-MM-DD")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="show the newest N sessions in the table (default 20; 0 = all)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="export sessions and pain as JSON")
    fmt.add_argument("--csv", action="store_true", help="export one table as CSV")
    parser.add_argument("--table", choices=("sessions", "pain"), default="sessions",
                        help="which table --csv exports (default sessions)")
    parser.add_argument("--out", type=Path, default=Path("-"), metavar="FILE",
                        help="write the export to FILE (default: standard output)")
    parser.add_argument("--repair", action="store_true",
                        help="move damaged rows into a file beside the database and remove "
                        "them from the history")
    parser.set_defaults(func=run)


def _repair(args: argparse.Namespace) -> int:
    with open_default_store() as store:
        result = store.repair()
    if result.saved_to is None:
        print(f"{store.path}: no damaged rows; nothing to repair.")
        return 0
    print(f"Moved {len(result.moved)} damaged row(s) to {result.saved_to}:")
    for damage in result.moved:
        print(f"  {damage.describe()}")
    if result.unlinked_ratings:
        print(f"{result.unlinked_ratings} pain rating(s) of those sessions were kept, "
              "without their session.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Print the history, write an export, or repair damaged rows."""
    if args.repair:
        return _repair(args)
    since: date | None = args.since
    until: date | None = args.until
    with open_default_store() as store:
        if args.json or args.csv:
            sessions = store.sessions(since=since, until=until)
            pain = store.pain_entries(since=since, until=until)
            if args.json:
                text = to_json(sessions, pain)
            else:
                text = to_csv("sessions", sessions) if args.table == "sessions" else to_csv(
                    "pain", pain
                )
            write_private(args.out, text)
            warn_damage(store)
            return 0
        all_sessions = store.sessions(since=since, until=until)
        pain = store.pain_entries(since=since, until=until)
        status = store.plan_status()
        warn_damage(store)
        damaged_sessions = any(d.table == "sessions" for d in store.damaged())
    limit = args.limit if args.limit and args.limit > 0 else None
    sessions = all_sessions[-limit:] if limit is not None else all_sessions
    console = Console()
    if sessions:
        console.print(sessions_table(sessions))
    elif damaged_sessions:
        console.print("No readable sessions: the damaged ones are listed above.", style="dim")
    else:
        console.print("No sessions recorded yet.", style="dim")
    console.print(pain_chart(daily_pain(pain)))
    change, count = pain_change([s for s in all_sessions if counts_as_session(s)])
    console.print(f"Pain change after a session: {describe_change(change, count)}.",
                  highlight=False, markup=False)
    if status is not None:
        console.print("\n".join(describe_status(status)), highlight=False, markup=False)
    return 0

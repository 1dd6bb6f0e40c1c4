"""``massage-ctl pain N [--note TEXT]`` — add a pain rating on any day, session or not."""

from __future__ import annotations

import argparse
from typing import Any

from massage_ctl.cli.history_args import open_default_store, pain_rating_arg, session_id_arg
from massage_ctl.history.pain import PAIN_SCALE_HINT
from massage_ctl.history.records import PAIN_WHEN


def register(subparsers: Any) -> None:
    """Add the ``pain`` subcommand."""
    parser = subparsers.add_parser(
        "pain",
        help="add a pain rating (0-10) to the diary",
        description=f"Add a pain rating to the diary ({PAIN_SCALE_HINT}).",
    )
    parser.add_argument("rating", type=pain_rating_arg, metavar="N", help="pain now, 0-10")
    parser.add_argument("--note", help="a short note (what hurts, what you did)")
    parser.add_argument(
        "--session", type=session_id_arg, metavar="ID", help="link the rating to this session id"
    )
    parser.add_argument(
        "--when",
        choices=PAIN_WHEN,
        default=None,
        help="before/after the linked session, or day (default: after with --session, else day)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Record the rating and confirm it."""
    when = args.when or ("after" if args.session is not None else "day")
    with open_default_store() as store:
        store.add_pain(args.rating, note=args.note, session_id=args.session, when=when)
    suffix = f" ({when} session {args.session})" if args.session is not None else ""
    print(f"Pain {args.rating}/10 recorded{suffix}.")
    return 0

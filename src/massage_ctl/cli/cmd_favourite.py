"""``massage-ctl favourite add|remove|list`` — the programs listed first in the library.

Favourites are kept in the history database (docs/HISTORY.md), like the terminal UI's ``f``
key; ``list`` also names the recently used programs, which the library lists next.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from massage_ctl.cli.history_args import open_default_store
from massage_ctl.errors import ProgramError
from massage_ctl.history.preferences import Preferences
from massage_ctl.program import load_program


def register(subparsers: Any) -> None:
    """Add the ``favourite`` subcommand and its ``add``/``remove``/``list`` actions."""
    parser = subparsers.add_parser(
        "favourite",
        help="mark programs as favourites (listed first in the terminal UI)",
        description="Favourite programs are listed first in the terminal UI's library, then "
        "the recently used ones.",
    )
    actions = parser.add_subparsers(dest="favourite_action", metavar="ACTION")
    add = actions.add_parser("add", help="mark a program as a favourite")
    add.add_argument("program", metavar="PROGRAM", help="built-in program id or .toml file")
    remove = actions.add_parser("remove", help="unmark a favourite")
    remove.add_argument("program", metavar="PROGRAM", help="program id")
    listing = actions.add_parser("list", help="favourites, then recently used (default)")
    listing.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.set_defaults(func=run, favourite_action=None, json=False)


def _name(program_id: str) -> str | None:
    try:
        return load_program(program_id).name
    except ProgramError:
        return None  # a program file moved or deleted since: still listed, by id


def run(args: argparse.Namespace) -> int:
    """Carry out the favourite action."""
    if args.favourite_action == "add":
        program = load_program(args.program)  # an unknown program is a clear error (exit 1)
        with open_default_store() as store:
            added = Preferences(store).add_favourite(program.id)
        print(f"{program.id} is {'now' if added else 'already'} a favourite.")
        return 0
    with open_default_store() as store:
        prefs = Preferences(store)
        if args.favourite_action == "remove":
            removed = prefs.remove_favourite(args.program)
            print(f"{args.program} is no longer a favourite." if removed
                  else f"{args.program} was not a favourite.")
            return 0
        favourites, recent = prefs.favourites(), prefs.recent()
    if args.json:
        print(json.dumps({
            "favourites": [{"id": p, "name": _name(p)} for p in favourites],
            "recent": [{"id": p, "name": _name(p)} for p in recent],
        }))
        return 0
    if not favourites:
        print("No favourites yet. Mark one with: massage-ctl favourite add PROGRAM "
              "(or f in the terminal UI's library).")
    for p in favourites:
        print(f"★ {p}" + (f" — {n}" if (n := _name(p)) else ""))
    for p in recent:
        if p not in favourites:
            print(f"↺ {p} (recently used)")
    return 0

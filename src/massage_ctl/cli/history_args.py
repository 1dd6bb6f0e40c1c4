"""Argument types and small helpers shared by the history-related ``massage-ctl`` commands
(``history``, ``pain``, ``plan``, ``report``, ``run``'s pain ratings)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from massage_ctl.config import AppPaths
from massage_ctl.history.damage import MAX_DATE, MIN_DATE, damage_report
from massage_ctl.history.pain import parse_pain_rating
from massage_ctl.history.plan import parse_days
from massage_ctl.history.store import HistoryStore

#: Largest id SQLite can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def date_arg(text: str) -> date:
    """argparse ``type=`` for ``YYYY-MM-DD`` dates from :data:`MIN_DATE` to :data:`MAX_DATE`.

    Bounded where it is typed: a plan starting on 9999-12-31 used to be accepted and then
    broke every command that read it.
    """
    try:
        day = date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-05-31") from err
    if not MIN_DATE <= day <= MAX_DATE:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the dates the history accepts ({MIN_DATE} to {MAX_DATE})"
        )
    return day


def session_id_arg(text: str) -> int:
    """argparse ``type=`` for a session id: a whole number SQLite can hold (1 to 2^63-1)."""
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a session id (a whole number from 1 to {MAX_ID}; "
            "see massage-ctl history)"
        )
    return int(value)


def pain_rating_arg(text: str) -> int:
    """argparse ``type=`` for pain ratings: a bad value is a usage error, not a traceback."""
    try:
        return parse_pain_rating(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def span_arg(text: str) -> int:
    """argparse ``type=`` for spans like ``7d`` / ``3w`` (returns days)."""
    try:
        return parse_days(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def open_default_store() -> HistoryStore:
    """The user's history database (under ``MASSAGE_CTL_HOME`` when set)."""
    return HistoryStore(AppPaths.from_env().history_db)


def warn_damage(store: HistoryStore) -> None:
    """Name every damaged row of the history on stderr, with the command that repairs them.

    Called by every command that shows or exports history: the good rows are shown, the
    damaged ones are never silently left out; nor are damaged entries of the pending file.
    """
    for line in damage_report(store.check(), str(store.path)):
        print(f"massage-ctl: warning: {line}" if line[0] != " " else line, file=sys.stderr)
    for problem in store.pending_problems:
        print(f"massage-ctl: warning: a session kept aside could not be added: {problem}",
              file=sys.stderr)

"""Small helpers shared by the history-related ``massage-ctl`` commands."""

from __future__ import annotations

import argparse
from datetime import date

from massage_ctl.config import AppPaths
from massage_ctl.history.plan import parse_days
from massage_ctl.history.store import HistoryStore


def date_arg(text: str) -> date:
    """argparse ``type=`` for ``YYYY-MM-DD`` dates."""
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-05-31") from err


def span_arg(text: str) -> int:
    """argparse ``type=`` for spans like ``7d`` / ``3w`` (returns days)."""
    try:
        return parse_days(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def open_default_store() -> HistoryStore:
    """The user's history database (under ``MASSAGE_CTL_HOME`` when set)."""
    return HistoryStore(AppPaths.from_env().history_db)

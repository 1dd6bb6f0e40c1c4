"""``massage-ctl run --again [SESSION_ID]``: a past session's program and set-up, played again.

The set-up comes from the history (docs/HISTORY.md, "Favourites, remembered set-ups, run
again"): device, safety profile, strength, length and zones avoided. An option given on the
command line wins over the stored value; zones the config avoids stay avoided (as for every
``run``: a zone on the avoid list is usually an injury).
"""

from __future__ import annotations

import argparse

from massage_ctl.config import load_config
from massage_ctl.errors import MassageCtlError, ProgramError
from massage_ctl.history import HistoryStore
from massage_ctl.history.preferences import Preferences, SavedSetup
from massage_ctl.program import load_program
from massage_ctl.safety import load_safety_profile
from massage_ctl.session import SessionOptions

#: ``--again`` without a number: the latest session.
LATEST = 0


def again_options(args: argparse.Namespace, store: HistoryStore) -> SessionOptions:
    """The options to play session ``args.again`` (LATEST: the newest) again with."""
    session_id = None if args.again == LATEST else int(args.again)
    saved = Preferences(store).session_setup(session_id)
    config = load_config()
    try:
        program = load_program(saved.program_id)
    except ProgramError as err:
        raise MassageCtlError(
            f"session {session_id or 'latest'} played {saved.program_id!r}, which is not a "
            f"built-in program: {err}",
            hint="a program file is run again by its path: massage-ctl run FILE.toml",
        ) from err
    exclude = tuple(dict.fromkeys((*config.exclude, *saved.exclude, *(args.exclude or ()))))
    minutes = args.minutes if args.minutes is not None else saved.minutes
    return SessionOptions(
        program=program,
        device_url=getattr(args, "device", None) or saved.device or config.device,
        device=None,  # the device describes itself on connect
        safety=load_safety_profile(args.safety or saved.safety),
        intensity=args.intensity if args.intensity is not None else saved.intensity,
        minutes=minutes,
        exclude=exclude,
    )


def describe(options: SessionOptions, saved_from: int) -> str:
    """One line saying what is played again."""
    which = "the latest session" if saved_from == LATEST else f"session {saved_from}"
    length = f"{options.minutes:g} min" if options.minutes else "its own length"
    avoid = f", avoiding {', '.join(options.exclude)}" if options.exclude else ""
    return (f"Running again ({which}): {options.program.id} on {options.device_url}, "
            f"{options.safety.id} profile, {round(options.intensity * 100)} %, {length}{avoid}.")


__all__ = ["LATEST", "SavedSetup", "again_options", "describe"]

"""``massage-ctl`` with no command: open the terminal UI; the device is stopped on every exit."""

from __future__ import annotations

import argparse


def open_tui(args: argparse.Namespace) -> int:
    """Run the Textual app until the user quits; returns the exit status.

    An invalid config file or an unreachable device is found while the library loads; the
    app then ends and the error (a ``MassageCtlError``) is raised here for the one handler.
    """
    from massage_ctl.tui.factory import create_app

    return create_app(getattr(args, "device", None)).run_checked()

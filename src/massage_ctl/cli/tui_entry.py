"""``massage-ctl`` with no command: open the terminal UI; the device is stopped on every exit."""

from __future__ import annotations

import argparse


def open_tui(args: argparse.Namespace) -> int:
    """Run the Textual app until the user quits; returns the exit status."""
    from massage_ctl.tui.factory import create_app

    app = create_app(getattr(args, "device", None))
    try:
        result = app.run()
    finally:
        # Whatever ended the UI (quit, crash, closed terminal, signal): the device goes off.
        app.stop_device_and_wait()
    return result if isinstance(result, int) else 0

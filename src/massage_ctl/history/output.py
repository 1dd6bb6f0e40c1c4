"""Writing exports and reports: health data, so files are created readable by the owner only.

``--out`` never follows a symbolic link (it could point at a file the user shares) and never
changes the mode of anything but the file it writes (docs/HISTORY.md, "Files and links").
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from massage_ctl.errors import HistoryError
from massage_ctl.history.files import OUTPUT, private_file


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (mode 0600); ``-`` means standard output."""
    if str(path) == "-":
        sys.stdout.write(text)
        return
    fd = private_file(path, OUTPUT, truncate=True)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as err:
        raise HistoryError(
            f"cannot write {path}: {err.strerror or err}",
            hint="check that the folder exists and is writable",
        ) from err

"""Writing exports and reports: health data, so files are created readable by the owner only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from massage_ctl.errors import HistoryError


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (mode 0600 when created); ``-`` means standard output."""
    if str(path) == "-":
        sys.stdout.write(text)
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as err:
        raise HistoryError(
            f"cannot write {path}: {err.strerror or err}",
            hint="check that the folder exists and is writable",
        ) from err

"""The history's files on disk: private, and never reached through a link we did not make.

The history is health data. Its folder is made 0700 and its files 0600, and that must never
change the mode of *something else*: a symbolic link at the database path (or at its folder,
its ``-wal``/``-shm``/``-journal`` siblings, an export or report ``--out`` file) could point
anywhere, e.g. at a file the user shares. So nothing here follows a link: files are opened
with ``O_NOFOLLOW`` and their mode is set through the open descriptor, and a link is refused
with an error naming it (docs/HISTORY.md, "Files and links").
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from massage_ctl.errors import HistoryError

#: SQLite's companion files, created next to the database with the database's mode.
SIBLING_SUFFIXES = ("-wal", "-shm", "-journal")

#: ``what`` for files written by ``--out`` (their errors say "cannot write").
OUTPUT = "output file"

_LINK_HINT = (
    "massage-ctl does not follow symbolic links it did not create (they could point at any "
    "file); use the real path, e.g. set MASSAGE_CTL_HOME to the folder the link points to"
)


def refuse_link(path: Path, what: str) -> None:
    """Raise :class:`HistoryError` when ``path`` itself is a symbolic link."""
    if path.is_symlink():
        raise HistoryError(f"{path}: the {what} is a symbolic link; refusing to follow it",
                           hint=_LINK_HINT)


def _open_error(path: Path, what: str, err: OSError) -> HistoryError:
    if err.errno == errno.ELOOP:
        return HistoryError(
            f"{path}: the {what} is a symbolic link; refusing to follow it",
            hint="give the real path: massage-ctl does not write health data through a "
            "symbolic link" if what == OUTPUT else _LINK_HINT,
        )
    if what == OUTPUT:
        return HistoryError(f"cannot write {path}: {err.strerror or err}",
                            hint="check that the folder exists and is writable")
    return HistoryError(f"{path}: cannot open the {what}: {err.strerror or err}",
                        hint="check that the folder is writable (or set MASSAGE_CTL_HOME)")


def private_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make it 0700 when it is ours (never through a link)."""
    refuse_link(folder, "history folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as err:
        raise _open_error(folder, "history folder", err) from err
    try:
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, stat.S_IRWXU)
    finally:
        os.close(fd)


def private_file(path: Path, what: str, *, truncate: bool = False) -> int:
    """Open (creating) ``path`` for writing, mode 0600, without following a link; returns
    the descriptor. A FIFO or device at the path is refused, not waited on."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    if truncate:
        flags |= os.O_TRUNC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as err:
        raise _open_error(path, what, err) from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise HistoryError(f"{path}: the {what} is not a regular file",
                               hint="move it aside or choose another path")
        if info.st_uid == os.getuid():
            os.fchmod(fd, 0o600)  # through the descriptor: the file we opened, nothing else
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def prepare_database(path: Path) -> None:
    """The database's folder (0700) and file (0600), created before SQLite opens them.

    Refuses a link at the folder, the file or any of its SQLite companion files.
    """
    private_folder(path.parent)
    for suffix in SIBLING_SUFFIXES:
        refuse_link(path.with_name(path.name + suffix), "history database's " + suffix[1:]
                    + " file")
    os.close(private_file(path, "history database"))


def lock_holders(path: Path) -> list[str]:
    """Other processes holding a lock on the database or its ``-shm`` file, as
    ``"sqlite3, pid 1234"`` (Linux ``/proc/locks``; empty where that cannot be read)."""
    wanted = set()
    for candidate in (path, path.with_name(path.name + "-shm")):
        try:
            info = os.stat(candidate, follow_symlinks=False)
        except OSError:
            continue
        dev = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
        wanted.add(dev)
    holders: list[str] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return holders
    for line in lines:
        parts = line.split()
        if "->" in parts:  # a waiter, not a holder
            continue
        if len(parts) < 6 or parts[5] not in wanted or not parts[4].isdigit():
            continue
        pid = int(parts[4])
        if pid == os.getpid():
            continue
        try:
            name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
        except OSError:
            name = ""
        label = f"{name}, pid {pid}" if name else f"pid {pid}"
        if label not in holders:
            holders.append(label)
    return holders

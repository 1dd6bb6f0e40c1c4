"""Reading TOML files, and finding the source line of a key so errors can name ``file:line``.

:func:`read_toml_text` + :func:`parse_toml` are the one reader every file type uses
(programs, safety profiles, device descriptors, config.toml); see the section below.

tomllib keeps no positions, so we look at the text: the Nth ``[[phases]]`` (or ``[[channels]]``)
header, then the ``key =`` line inside that table. Good enough for hand-written program and
device files; when a key cannot be found we fall back to the table header (or line 1).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?")


def _key_re(key: str) -> re.Pattern[str]:
    return re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")


def _table_ranges(lines: Sequence[str], name: str, array: bool) -> list[tuple[int, int]]:
    """(header index, end index) of each ``[name]`` / ``[[name]]`` table."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if not m:
            continue
        if start is not None:
            found.append((start, i))
            start = None
        is_array = line.lstrip().startswith("[[")
        if m.group(1).strip("\"' ") == name and is_array == array:
            start = i
    if start is not None:
        found.append((start, len(lines)))
    return found


def _top_level_end(lines: Sequence[str]) -> int:
    for i, line in enumerate(lines):
        if _HEADER.match(line):
            return i
    return len(lines)


def _find_key(lines: Sequence[str], key: str, lo: int, hi: int) -> int | None:
    pattern = _key_re(key)
    for i in range(lo, hi):
        if pattern.match(lines[i]):
            return i
    return None


def line_of(text: str, loc: Sequence[str | int]) -> int | None:
    """1-based line of the item at ``loc`` (e.g. ``("phases", 2, "hold")`` or
    ``("channels", 0, "max")``), if it can be found."""
    lines = text.splitlines()
    if not loc:
        return None
    head = str(loc[0])
    top_end = _top_level_end(lines)
    if len(loc) >= 2 and isinstance(loc[1], int):  # the Nth [[head]] of an array of tables
        tables = _table_ranges(lines, head, array=True)
        if loc[1] < len(tables):
            lo, hi = tables[loc[1]]
            key = next((str(k) for k in loc[2:] if isinstance(k, str)), None)
            hit = _find_key(lines, key, lo + 1, hi) if key else None
            return (hit if hit is not None else lo) + 1
    elif len(loc) >= 2 and isinstance(loc[1], str):
        tables = _table_ranges(lines, head, array=False)
        if tables:
            lo, hi = tables[0]
            hit = _find_key(lines, loc[1], lo + 1, hi)
            return (hit if hit is not None else lo) + 1
        dotted = _find_key(lines, f"{head}.{loc[1]}", 0, top_end)
        if dotted is not None:
            return dotted + 1
    hit = _find_key(lines, head, 0, top_end)
    if hit is not None:
        return hit + 1
    tables = _table_ranges(lines, head, array=False) or _table_ranges(lines, head, array=True)
    return tables[0][0] + 1 if tables else None


# --- one reader for every TOML file type --------------------------------------------------------
#
# Programs, safety profiles, device descriptors and config.toml are all read here, so a file
# means the same thing whatever its type: a UTF-8 byte-order mark is accepted everywhere (editors
# on Windows write one), and hostile text — nesting deep enough to exhaust Python's stack,
# numbers too large for a float, bytes that are not UTF-8 — is one named error, never a
# traceback. Each caller turns :class:`TomlReadError` into its own error type (ProgramError,
# SafetyProfileError, DeviceProfileError, ConfigFileError), which adds the file name.

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_TOML_EOF = re.compile(r"\s*\(at end of document\)")
#: Deeper nesting than any of our formats uses; tomllib recurses per level and would otherwise
#: raise RecursionError (or exhaust the stack of a thread with a small one).
MAX_NESTING = 32


class TomlReadError(Exception):
    """A TOML file could not be read or parsed: ``message`` says why, ``line`` (1-based) where.

    ``missing`` is True when the file does not exist (callers often say more about that case).
    """

    def __init__(self, message: str, line: int | None = None, *, missing: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.missing = missing


def decode_toml_bytes(raw: bytes) -> str:
    """``raw`` as text: UTF-8, with or without a byte-order mark; no NUL bytes."""
    if b"\x00" in raw:
        raise TomlReadError("this is a binary file, not TOML text", 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise TomlReadError("the file is not UTF-8 text (binary data?)", line) from err


def read_toml_text(path: str | PathLike[str]) -> str:
    """The text of the file at ``path`` (see :func:`decode_toml_bytes`)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as err:
        raise TomlReadError("no such file", missing=True) from err
    except IsADirectoryError as err:
        raise TomlReadError("this is a folder, not a file") from err
    except OSError as err:
        raise TomlReadError(f"cannot read the file: {err.strerror or err}") from err
    return decode_toml_bytes(raw)


def _nesting_line(text: str) -> int | None:
    """The first line where brackets/braces nest deeper than :data:`MAX_NESTING`.

    A cheap over-estimate (brackets inside strings count too), only used to refuse files no
    format of ours needs; table headers ``[a]`` / ``[[a]]`` open and close on one line.
    """
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for ch in line:
            if ch in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif ch in "]}":
                depth = max(0, depth - 1)
    return None


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML ``text`` (a leading byte-order mark is ignored) into a dict.

    Raises :class:`TomlReadError` with the line for syntax errors, nesting deeper than
    :data:`MAX_NESTING` (pydantic and our own walkers recurse over the values too), and
    anything else tomllib can trip over.
    """
    data = _loads(text.removeprefix("\ufeff"))
    if _depth(data) > MAX_NESTING:
        raise TomlReadError(_TOO_DEEP, _nesting_line(text))
    return data


_TOO_DEEP = f"values are nested too deeply (more than {MAX_NESTING} levels of [ ] or {{ }})"


def _loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        msg = str(err)
        at = _TOML_AT.search(msg)
        if at:
            line: int | None = int(at.group(1))
            msg = _TOML_AT.sub(f" (column {at.group(2)})", msg)
        elif _TOML_EOF.search(msg):
            line = max(1, len(text.splitlines()))
            msg = _TOML_EOF.sub(" (at the end of the file)", msg)
        else:
            line = None
        raise TomlReadError(f"TOML syntax error: {msg}", line) from err
    except RecursionError as err:
        raise TomlReadError(_TOO_DEEP, _nesting_line(text)) from err
    except (ValueError, OverflowError, MemoryError) as err:
        # e.g. an integer with more digits than Python converts (ValueError), a huge file.
        raise TomlReadError(f"cannot read this TOML: {err}") from err


def _depth(value: object, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level

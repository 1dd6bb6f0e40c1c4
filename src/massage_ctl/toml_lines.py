"""Find the source line of a key or table in TOML text, so errors can name ``file:line``.

tomllib keeps no positions, so we look at the text: the Nth ``[[phases]]`` (or ``[[channels]]``)
header, then the ``key =`` line inside that table. Good enough for hand-written program and
device files; when a key cannot be found we fall back to the table header (or line 1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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

"""Durations as people write them in programs: ``"90s"``, ``"2m30s"``, ``"20m"``, ``"1h"``.

Inside the model a duration is an ``int`` of milliseconds (``*_ms`` in code); the JSON Schema
shows it as the string form authors write, and dumping a model writes that form back.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

_DURATION_RE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")
DURATION_PATTERN = r"^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$"


def parse_duration_ms(text: str) -> int:
    """Milliseconds in ``text`` (``"90s"``, ``"2m30s"``, ``"1h"``); ValueError if malformed/zero."""
    cleaned = text.strip().replace(" ", "").lower()
    match = _DURATION_RE.match(cleaned)
    if not cleaned or match is None:
        raise ValueError(f"{text!r} is not a duration like '90s', '2m30s' or '20m'")
    hours, minutes, seconds = match.groups()
    total_s = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
    ms = round(total_s * 1000)
    if ms <= 0:
        raise ValueError(f"duration {text!r} must be longer than zero")
    return ms


def format_duration(ms: int) -> str:
    """The shortest author-style form of ``ms``: ``90000`` → ``"1m30s"``."""
    if ms % 1000:
        return f"{ms / 1000:g}s"
    total = ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def _validate(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, str):
        raise PydanticCustomError(
            "duration_type",
            "a duration is written as a string with a unit, like \"90s\", \"2m30s\" or \"20m\" "
            "(got {value})",
            {"value": repr(value)},
        )
    try:
        return parse_duration_ms(value)
    except ValueError as err:
        raise PydanticCustomError("duration_value", str(err)) from err


#: A duration field: written ``"2m30s"``, held as milliseconds.
Duration = Annotated[
    int,
    BeforeValidator(_validate),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "examples": ["90s", "2m30s", "20m"],
            "description": "a duration: hours (h), minutes (m) and seconds (s), e.g. '2m30s'",
        }
    ),
]

"""Durations as people write them in programs: ``"90s"``, ``"2m30s"``, ``"20m"``, ``"1h"``.

Inside the model a duration is an ``int`` of milliseconds (``*_ms`` in code); the JSON Schema
shows it as the string form authors write, and dumping a model writes that form back.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

#: Longest duration anywhere in a program: no session is longer (the safety profiles allow
#: 30 minutes), and it keeps absurd inputs ("999…9h") from overflowing the arithmetic.
MAX_DURATION_MS = 24 * 3600 * 1000
#: Shortest phase (``duration``): the device's frame budget cannot do anything in less.
MIN_PHASE_MS = 1_000
#: Shortest step inside a technique (``ramp``, ``hold``, ``release``, ``rest``, ``squeeze``).
MIN_STEP_MS = 500
#: Shortest stroke (``stroke_period``): a stroke travels along the back; faster is a jolt.
MIN_STROKE_MS = 2_000

_DURATION_RE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")
DURATION_PATTERN = r"^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$"


def parse_duration_ms(text: str) -> int:
    """Milliseconds in ``text`` (``"90s"``, ``"2m30s"``, ``"1h"``); ValueError if malformed/zero."""
    cleaned = text.strip().replace(" ", "").lower()
    match = _DURATION_RE.match(cleaned)
    shown = repr(text) if len(text) <= 24 else repr(text[:20] + "...")  # one screen, always
    if not cleaned or match is None:
        raise ValueError(f"{shown} is not a duration like '90s', '2m30s' or '20m'")
    hours, minutes, seconds = match.groups()
    if any(part and len(part) > 12 for part in match.groups()):
        raise ValueError(f"duration {shown} is far too long (at most 24h)")
    total_s = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
    ms = round(total_s * 1000)
    if ms <= 0:
        raise ValueError(f"duration {shown} must be longer than zero")
    if ms > MAX_DURATION_MS:
        raise ValueError(f"duration {shown} is too long (at most 24h)")
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


def _at_least(min_ms: int, what: str) -> AfterValidator:
    def check(ms: int) -> int:
        if ms < min_ms:
            raise PydanticCustomError(
                "duration_value",
                "{what} of {got} is too short: at least {least}",
                {"what": what, "got": format_duration(ms), "least": format_duration(min_ms)},
            )
        return ms

    return AfterValidator(check)


#: A duration field: written ``"2m30s"``, held as milliseconds.
AnyDuration = Annotated[
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


#: A phase's or program's length: at least :data:`MIN_PHASE_MS`.
Duration = Annotated[AnyDuration, _at_least(MIN_PHASE_MS, "a duration")]
#: A step inside a technique (ramp, hold, release, rest, squeeze): at least :data:`MIN_STEP_MS`.
StepDuration = Annotated[AnyDuration, _at_least(MIN_STEP_MS, "a step")]
#: One stroke (``stroke_period``): at least :data:`MIN_STROKE_MS`.
StrokeDuration = Annotated[AnyDuration, _at_least(MIN_STROKE_MS, "a stroke")]

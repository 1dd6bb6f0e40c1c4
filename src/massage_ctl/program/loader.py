"""Loading programs: TOML text → :class:`Program`, with errors that name file, line and field.

Every failure is a :class:`~massage_ctl.errors.ProgramError` (``path``, ``line``, ``field``,
``hint``): TOML syntax errors, empty or binary files, files that are not programs, unknown
techniques/zones/keys (with the closest valid name), bad durations and intensities.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from massage_ctl.errors import ProgramError, ProgramNotFoundError
from massage_ctl.program.model import Program, ProgramLimits
from massage_ctl.program.phases import PHASE_MODELS, TECHNIQUES
from massage_ctl.toml_lines import line_of
from massage_ctl.zones import ZONES

_BINARY = "this is a binary file, not a TOML program"
_FORMAT_HINT = "see programs/README.md or `massage-ctl schema` for the program format"
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_EOF = re.compile(r"\(at end of document\)")


def load_program_text(text: str, *, path: str | None = None) -> Program:
    """Parse and validate program TOML ``text``; ``path`` is used in error messages only."""
    if not text.strip():
        raise ProgramError("the file is empty", path=path, hint=_FORMAT_HINT)
    if "\x00" in text:
        raise ProgramError(_BINARY, path=path, hint=_FORMAT_HINT)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(err, text, path) from err
    _check_looks_like_program(data, path)
    try:
        return Program.model_validate(data)
    except ValidationError as err:
        raise _validation_error(err, text, path) from err


def load_program_file(path: str | Path) -> Program:
    """Read and validate one program file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as err:
        raise ProgramNotFoundError(
            "no such program file", path=str(p), hint="check the path"
        ) from err
    except OSError as err:
        raise ProgramError(f"cannot read the file: {err.strerror}", path=str(p)) from err
    if b"\x00" in raw:
        raise ProgramError(_BINARY, path=str(p), hint=_FORMAT_HINT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ProgramError(
            "the file is not UTF-8 text (binary data?)",
            path=str(p),
            line=line,
            hint="program files are UTF-8 TOML text; " + _FORMAT_HINT,
        ) from err
    return load_program_text(text, path=str(p))


def _syntax_error(err: tomllib.TOMLDecodeError, text: str, path: str | None) -> ProgramError:
    msg = str(err)
    line: int | None = None
    m = _TOML_LINE.search(msg)
    if m:
        line = int(m.group(1))
        msg = _TOML_LINE.sub(f"(column {m.group(2)})", msg)
    elif _TOML_EOF.search(msg):
        line = max(1, len(text.splitlines()))
        msg = _TOML_EOF.sub("(at the end of the file)", msg)
    return ProgramError(
        f"TOML syntax error: {msg}",
        path=path,
        line=line,
        hint='check quotes, brackets and "key = value" on that line',
    )


def _check_looks_like_program(data: dict[str, Any], path: str | None) -> None:
    if not data:
        raise ProgramError("the file has no settings, only comments", path=path, hint=_FORMAT_HINT)
    if "phases" in data:
        return
    if "channels" in data:
        what = "a device profile (it has [[channels]])"
    elif "max_intensity" in data or "base" in data:
        what = "a safety profile"
    elif not {"id", "name", "description"} & set(data):
        what = "some other TOML file"
    else:
        return  # a program missing its phases: let validation name the missing key
    raise ProgramError(
        f"this is not a massage program; it looks like {what}",
        path=path,
        line=1,
        hint="a program has id, name, description and [[phases]] tables; " + _FORMAT_HINT,
    )


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel]:
    """The model class whose fields are valid at ``loc`` (for 'did you mean' on unknown keys)."""
    if len(loc) >= 3 and loc[0] == "phases" and isinstance(loc[2], str) and loc[2] in PHASE_MODELS:
        return PHASE_MODELS[loc[2]]
    if loc and loc[0] == "limits":
        return ProgramLimits
    return Program


def _field_path(loc: tuple[str | int, ...]) -> str:
    # Phases are counted from 1 ("phase 2.intensity"), as the compiler's messages count them
    # and as a reader counts the [[phases]] blocks of the file; the line number pins it too.
    out = ""
    for i, part in enumerate(loc):
        if i == 1 and loc[0] == "phases" and isinstance(part, int):
            out = f"phase {part + 1}"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif i == 2 and loc[0] == "phases" and part in PHASE_MODELS:
            continue  # the discriminator tag pydantic inserts; not a key in the file
        else:
            out += ("." if out else "") + part
    return out


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    if len(loc) >= 3 and loc[0] == "phases" and loc[2] in PHASE_MODELS:
        return loc[:2] + loc[3:]
    return loc


def _validation_error(err: ValidationError, text: str, path: str | None) -> ProgramError:
    errors = err.errors()
    first = errors[0]
    loc = tuple(first["loc"])
    message, hint = _describe(first, loc)
    if len(errors) > 1:
        more = len(errors) - 1
        extra = f"{more} more problem{'s' if more > 1 else ''} after this one"
        hint = f"{hint}; {extra}" if hint else extra
    return ProgramError(
        message,
        path=path,
        line=line_of(text, _clean_loc(loc)),
        field=_field_path(loc) or None,
        hint=hint,
    )


def _describe(e: ErrorDetails, loc: tuple[str | int, ...]) -> tuple[str, str | None]:
    kind = e["type"]
    ctx = e.get("ctx", {})
    key = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        valid = [n for n in _model_at(loc).model_fields if n != "technique"]
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key {key!r}", hint + "valid keys here: " + ", ".join(valid)
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", ""))
        close = difflib.get_close_matches(tag, TECHNIQUES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown technique {tag!r}", hint + "techniques are: " + ", ".join(TECHNIQUES)
    if kind == "union_tag_not_found":
        return "this phase has no `technique`", "add technique = one of: " + ", ".join(TECHNIQUES)
    if kind == "unknown_zone":
        return e["msg"], "zones are: " + ", ".join(ZONES) + " (a point may add .left or .right)"
    if kind in ("duration_type", "duration_value"):
        return e["msg"], 'write durations like "90s", "2m30s" or "20m" (must be more than zero)'
    if kind == "missing":
        return f"missing key {key!r}", _FORMAT_HINT
    if key == "intensity" and kind in ("greater_than_equal", "less_than_equal"):
        return (
            f"intensity must be between 0 and 1 (got {e['input']!r})",
            "0 is off and 1 the device's full strength; safety caps apply on top",
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{key}: {e['msg'].lower()} (got {e['input']!r})", None
    if kind == "length":
        return e["msg"], "a phase lasts `duration` (e.g. \"5m\") or `repeats` technique cycles"
    msg = e["msg"].removeprefix("Value error, ")
    return (f"{key}: {msg}" if key else msg), _FORMAT_HINT

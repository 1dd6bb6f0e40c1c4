"""Loading programs: TOML text → :class:`Program`, with errors that name file, line and field.

Every failure is a :class:`~massage_ctl.errors.ProgramError` (``path``, ``line``, ``field``,
``hint``): TOML syntax errors, empty or binary files, files that are not programs, unknown
techniques/zones/keys (with the closest valid name), bad durations and intensities.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from massage_ctl.errors import ProgramError, ProgramNotFoundError
from massage_ctl.program.definition import TECHNIQUES, Program, ProgramLimits
from massage_ctl.techniques import PHASE_MODELS
from massage_ctl.toml_lines import TomlReadError, line_of, parse_toml, read_toml_text
from massage_ctl.zones import ZONES

_BINARY = "this is a binary file, not a TOML program"
_FORMAT_HINT = "see programs/README.md or `massage-ctl schema` for the program format"


def load_program_text(text: str, *, path: str | None = None) -> Program:
    """Parse and validate program TOML ``text``; ``path`` is used in error messages only."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ProgramError("the file is empty", path=path, hint=_FORMAT_HINT)
    if "\x00" in text:
        raise ProgramError(_BINARY, path=path, hint=_FORMAT_HINT)
    try:
        data = parse_toml(text)
    except TomlReadError as err:
        hint = (
            'check quotes, brackets and "key = value" on that line'
            if err.message.startswith("TOML syntax error")
            else _FORMAT_HINT
        )
        raise ProgramError(err.message, path=path, line=err.line, hint=hint) from err
    _check_looks_like_program(data, path)
    try:
        program = Program.model_validate(data)
    except ValidationError as err:
        raise _validation_error(err, text, path) from err
    return program.with_source(path)


def load_program_file(path: str | Path) -> Program:
    """Read and validate one program file."""
    p = Path(path)
    try:
        text = read_toml_text(p)
    except TomlReadError as err:
        if err.missing:
            raise ProgramNotFoundError(
                "no such program file", path=str(p), hint="check the path"
            ) from err
        not_utf8 = "UTF-8" in err.message
        raise ProgramError(
            _BINARY if err.message.startswith("this is a binary") else err.message,
            path=str(p),
            line=err.line,
            hint=("program files are UTF-8 TOML text; " if not_utf8 else "")
            + _FORMAT_HINT,
        ) from err
    return load_program_text(text, path=str(p))


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
    if kind in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[kind]}, not {_shown(e['input'])}", _TYPE_HINT
    if kind == "string_pattern_mismatch":
        return (
            f"must be lowercase letters, digits and dashes (got {e['input']!r:.40})",
            'e.g. id = "my-lower-back"',
        )
    # The location (file:line: field) already names the key: the message is the reason only.
    return e["msg"].removeprefix("Value error, "), _FORMAT_HINT


#: pydantic's strict type errors, in words; TOML has real numbers, booleans and strings, so a
#: value of the wrong type is refused rather than converted (``true`` is not an intensity).
_TYPE_WORDS = {
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "a string in quotes",
    "list_type": "a list in [ ]",
    "model_type": "a table",
    "dict_type": "a table",
    "finite_number": "a finite number",
}
_TYPE_HINT = "write numbers without quotes (0.5), true/false without quotes, words in quotes"


def _shown(value: object) -> str:
    """``value`` as the file spelled it, with its TOML type, shortened for one screen."""
    if isinstance(value, bool):
        text = "true" if value else "false"
        return f"{text} (a boolean)"
    kinds = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "a table"}
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    kind = kinds.get(type(value))
    return f"{text} ({kind})" if kind else text

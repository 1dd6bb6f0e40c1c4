"""Value constraints on message fields (PROTOCOL.md §3.4 check 9), as in ``messages.toml``.

The layouts say how many bytes a field takes; these say which values a well-formed frame may
carry there (``channel_count`` 1..32, ids made of ``[a-z0-9]``…, a zone that is not NONE,
STEADY always supported, min ≤ hard max ≤ range max, a ramp limit above zero). A decoded frame
that breaks one is ``malformed``; the encoder refuses to build one. They do not enter the
schema hash (§9): a peer checking them and one that does not still interoperate on every
well-formed frame.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from massage_ctl.protocol.constraint_table import CONSTRAINT_ROWS
from massage_ctl.protocol.enums import ENUMS

#: Attribute names a field of ``messages.toml`` may carry as a constraint.
CONSTRAINT_KEYS = (
    "value_min",
    "value_max",
    "value_min_field",
    "value_max_field",
    "regex",
    "exclude",
    "required_bits",
)


@dataclass(frozen=True, slots=True)
class FieldConstraint:
    """The constraints of one field; ``None``/empty where the field has none of that kind."""

    field: str
    value_min: int | None = None
    value_max: int | None = None
    value_min_field: str | None = None
    value_max_field: str | None = None
    regex: str | None = None
    exclude: tuple[str, ...] = ()
    required_bits: int = 0

    def problem(self, values: dict[str, Any]) -> str | None:
        """Why ``values[field]`` breaks this constraint, or None when it does not."""
        value = values[self.field]
        if isinstance(value, str):
            if self.regex is not None and not re.fullmatch(self.regex, value):
                return f"{value!r} does not match {self.regex}"
            return None
        if self.exclude and getattr(value, "name", None) in self.exclude:
            return f"{value.name} is not allowed here"
        if value & self.required_bits != self.required_bits:
            return f"{value} lacks the required bits 0x{self.required_bits:X}"
        lows = [(self.value_min, str(self.value_min))]
        if self.value_min_field is not None:
            lows.append((values[self.value_min_field], self.value_min_field))
        for low, what in lows:
            if low is not None and value < low:
                return f"{value} is below {what}" + ("" if what == str(low) else f" ({low})")
        highs = [(self.value_max, str(self.value_max))]
        if self.value_max_field is not None:
            highs.append((values[self.value_max_field], self.value_max_field))
        for high, what in highs:
            if high is not None and value > high:
                return f"{value} is above {what}" + ("" if what == str(high) else f" ({high})")
        return None


#: Message name → the constraints of its fields, in field order: the table generated from
#: ``messages.toml`` (constraint_table.py); tests/protocol/test_constraints.py checks it against
#: :func:`constraints_from_toml`, this module's own reading of the file.
CONSTRAINTS: dict[str, tuple[FieldConstraint, ...]] = {
    name: tuple(FieldConstraint(field, **kw) for field, kw in rows)
    for name, rows in CONSTRAINT_ROWS.items()
}


def constraint_problem(name: str, values: dict[str, Any]) -> str | None:
    """``"FIELD: why"`` for the first constraint of message ``name`` that ``values`` break."""
    for fc in CONSTRAINTS.get(name, ()):
        problem = fc.problem(values)
        if problem is not None:
            return f"{name}.{fc.field}: {problem}"
    return None


def constraints_from_toml(text: str) -> dict[str, tuple[FieldConstraint, ...]]:
    """The constraints ``messages.toml`` (its text) declares, in the form of :data:`CONSTRAINTS`."""
    data = tomllib.loads(text)
    out: dict[str, tuple[FieldConstraint, ...]] = {}
    for message in data["messages"]:
        found = []
        for row in message["fields"]:
            kw = {k: row[k] for k in CONSTRAINT_KEYS if k in row}
            if "exclude" in kw:
                enum = ENUMS[row["enum"]]
                unknown = [m for m in kw["exclude"] if m not in enum.__members__]
                if unknown:
                    raise KeyError(f"{message['name']}.{row['name']}: no {row['enum']} {unknown}")
                kw["exclude"] = tuple(kw["exclude"])
            if kw:
                found.append(FieldConstraint(row["name"], **kw))
        if found:
            out[message["name"]] = tuple(found)
    return out

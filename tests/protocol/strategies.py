"""Hypothesis strategies for every message, derived from the layouts (checked against the TOML)."""

from __future__ import annotations

import dataclasses
from enum import IntFlag
from typing import Any

from hypothesis import strategies as st

from massage_ctl.protocol import MESSAGE_CLASSES, Message
from massage_ctl.protocol.constraints import CONSTRAINTS, FieldConstraint, constraint_problem
from massage_ctl.protocol.enums import ENUMS
from massage_ctl.protocol.layout import FieldDef
from massage_ctl.protocol.messages import STRUCT_CLASSES

_INTS = {
    "u8": st.integers(0, 0xFF),
    "u16": st.integers(0, 0xFFFF),
    "u32": st.integers(0, 0xFFFF_FFFF),
    "i32": st.integers(-(2**31), 2**31 - 1),
}


_BOUNDS = {
    "u8": (0, 0xFF),
    "u16": (0, 0xFFFF),
    "u32": (0, 0xFFFF_FFFF),
    "i32": (-(2**31), 2**31 - 1),
}


def _utf8_at_most(max_bytes: int) -> st.SearchStrategy[str]:
    return st.text(max_size=max_bytes).filter(lambda s: len(s.encode("utf-8")) <= max_bytes)


def field_strategy(fd: FieldDef, fc: FieldConstraint | None = None) -> st.SearchStrategy[Any]:
    """Any value the field can carry on the wire (and that ``fc``, if given, allows alone)."""
    if fc is not None:
        if fc.regex is not None:
            return st.from_regex(fc.regex, fullmatch=True).filter(
                lambda s: len(s.encode("utf-8")) <= fd.max
            )
        if fc.exclude:
            return st.sampled_from([m for m in ENUMS[fd.enum or ""] if m.name not in fc.exclude])
        if fc.required_bits:
            return _INTS[fd.type].map(lambda v: v | fc.required_bits)
        if fc.value_min is not None or fc.value_max is not None:
            lo, hi = _BOUNDS[fd.type]
            lo = lo if fc.value_min is None else fc.value_min
            hi = hi if fc.value_max is None else fc.value_max
            return st.integers(lo, hi)
    if fd.enum:
        cls = ENUMS[fd.enum]
        if issubclass(cls, IntFlag):
            return st.integers(0, 0xFFFF).map(cls)
        return st.sampled_from(list(cls))
    if fd.type == "bool":
        return st.booleans()
    if fd.type in _INTS:
        return _INTS[fd.type]
    if fd.type == "str":
        return _utf8_at_most(fd.max)
    elem = fd.type[:-2]
    inner = _INTS["u16"] if elem == "u16" else struct_strategy(STRUCT_CLASSES[elem])
    return st.lists(inner, min_size=fd.min, max_size=fd.max).map(tuple)


def struct_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a message or struct class with arbitrary fields a valid frame may carry
    (within the layouts and the value constraints of messages.toml)."""
    name = getattr(cls, "NAME", "")
    by_field = {fc.field: fc for fc in CONSTRAINTS.get(name, ())}
    built = st.builds(
        cls, **{fd.name: field_strategy(fd, by_field.get(fd.name)) for fd in cls.LAYOUT}
    )
    if not by_field:
        return built
    return built.map(_order_related_fields).filter(
        lambda m: constraint_problem(name, dataclasses.asdict(m)) is None
    )


def _order_related_fields(message: Any) -> Any:
    """Sort values tied by ``value_min_field``/``value_max_field`` (low ≤ field ≤ high) so the
    cross-field constraints hold without discarding most draws."""
    for fc in CONSTRAINTS.get(message.NAME, ()):
        names = [n for n in (fc.value_min_field, fc.field, fc.value_max_field) if n is not None]
        if len(names) > 1:
            ordered = sorted(getattr(message, n) for n in names)
            message = dataclasses.replace(message, **dict(zip(names, ordered, strict=True)))
    return message


def any_message() -> st.SearchStrategy[Message]:
    """Any message of any type."""
    return st.one_of([struct_strategy(cls) for cls in MESSAGE_CLASSES])

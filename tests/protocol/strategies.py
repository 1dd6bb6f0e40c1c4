"""Hypothesis strategies for every message, derived from the layouts (checked against the TOML)."""

from __future__ import annotations

from enum import IntFlag
from typing import Any

from hypothesis import strategies as st

from massage_ctl.protocol import MESSAGE_CLASSES, Message
from massage_ctl.protocol.enums import ENUMS
from massage_ctl.protocol.layout import FieldDef
from massage_ctl.protocol.messages import STRUCT_CLASSES

_INTS = {
    "u8": st.integers(0, 0xFF),
    "u16": st.integers(0, 0xFFFF),
    "u32": st.integers(0, 0xFFFF_FFFF),
    "i32": st.integers(-(2**31), 2**31 - 1),
}


def _utf8_at_most(max_bytes: int) -> st.SearchStrategy[str]:
    return st.text(max_size=max_bytes).filter(lambda s: len(s.encode("utf-8")) <= max_bytes)


def field_strategy(fd: FieldDef) -> st.SearchStrategy[Any]:
    """Any value the field can carry on the wire."""
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
    """Instances of a message or struct class with arbitrary in-range fields."""
    return st.builds(cls, **{fd.name: field_strategy(fd) for fd in cls.LAYOUT})


def any_message() -> st.SearchStrategy[Message]:
    """Any message of any type."""
    return st.one_of([struct_strategy(cls) for cls in MESSAGE_CLASSES])

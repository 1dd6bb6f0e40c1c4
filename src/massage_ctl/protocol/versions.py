"""Which messages, structs and layouts each protocol version has.

The generated classes of :mod:`massage_ctl.protocol.messages` describe the newest version.
Older versions (``firmware_protocol/messages_v1.toml``, frozen) lack some messages and structs
and lay a few messages out with fewer fields: always a leading part of the newest layout, the
rest at their defaults (the generator refuses a schema that breaks this).
"""

from __future__ import annotations

from massage_ctl.protocol.layout import FieldDef
from massage_ctl.protocol.messages import (
    OLD_LAYOUTS,
    SINCE_VERSION,
    STRUCT_CLASSES,
    Message,
    SessionLimit,
    SetpointEntry,
    TemperatureReading,
)


def layout_for(cls: type[Message], version: int) -> tuple[FieldDef, ...] | None:
    """The fields of ``cls`` in protocol ``version``, or None if it has no such message."""
    if SINCE_VERSION.get(cls.NAME, 1) > version:
        return None
    for (name, old), fields in OLD_LAYOUTS.items():
        if name == cls.NAME and version <= old:
            return fields
    return cls.LAYOUT


def structs_for(version: int) -> dict[str, type[SetpointEntry | SessionLimit | TemperatureReading]]:
    """The struct types of protocol ``version``, by name."""
    return {n: c for n, c in STRUCT_CLASSES.items() if SINCE_VERSION.get(n, 1) <= version}

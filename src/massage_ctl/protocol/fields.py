"""Messages as plain JSON-ready dicts and back (test vectors, traces, debugging).

Numbers stay integers, enum fields become member names (``"RUNNING"``), bit sets
(``FaultBits``) stay integers, arrays become lists and struct elements dicts.
"""

from __future__ import annotations

from enum import IntFlag
from typing import Any

from massage_ctl.protocol.enums import ENUMS
from massage_ctl.protocol.errors import FieldRangeError
from massage_ctl.protocol.layout import FieldDef
from massage_ctl.protocol.messages import MESSAGE_CLASSES, STRUCT_CLASSES, Message

MESSAGES_BY_NAME: dict[str, type[Message]] = {cls.NAME: cls for cls in MESSAGE_CLASSES}


def _to_json(fd: FieldDef, value: Any) -> Any:
    if fd.enum:
        return int(value) if issubclass(ENUMS[fd.enum], IntFlag) else value.name
    if fd.type.endswith("[]"):
        elem = STRUCT_CLASSES.get(fd.type[:-2])
        if elem is None:
            return list(value)
        return [{e.name: _to_json(e, getattr(item, e.name)) for e in elem.LAYOUT} for item in value]
    return value


def _from_json(fd: FieldDef, value: Any) -> Any:
    if fd.enum:
        cls = ENUMS[fd.enum]
        try:
            return cls[value] if isinstance(value, str) else cls(value)
        except (KeyError, ValueError) as err:
            raise FieldRangeError(f"{fd.name}: {value!r} is not a {fd.enum}") from err
    if fd.type.endswith("[]"):
        elem = STRUCT_CLASSES.get(fd.type[:-2])
        if elem is None:
            return tuple(value)
        return tuple(
            elem(**{e.name: _from_json(e, item[e.name]) for e in elem.LAYOUT}) for item in value
        )
    if fd.type == "bool":
        return bool(value)
    return value


def message_to_fields(message: Message) -> dict[str, Any]:
    """``{"field": value, ...}`` of ``message`` in wire order, JSON-ready."""
    return {fd.name: _to_json(fd, getattr(message, fd.name)) for fd in message.LAYOUT}


def message_from_fields(name: str, fields: dict[str, Any]) -> Message:
    """Build the message named ``name`` (as in messages.toml) from :func:`message_to_fields`."""
    cls = MESSAGES_BY_NAME.get(name)
    if cls is None:
        raise FieldRangeError(f"no message named {name!r}")
    missing = [fd.name for fd in cls.LAYOUT if fd.name not in fields]
    if missing:
        raise FieldRangeError(f"{name}: missing fields {', '.join(missing)}")
    return cls(**{fd.name: _from_json(fd, fields[fd.name]) for fd in cls.LAYOUT})

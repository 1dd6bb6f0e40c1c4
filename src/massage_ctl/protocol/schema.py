"""The message schema as data, its canonical text and the schema hash.

The schema hash lets two peers see at handshake time whether they were built from the same
``messages.toml``. Definition (PROTOCOL.md §9): the canonical text is built from the schema —
a first line ``massage_ctl-wire version=V max_frame_bytes=M``, then the enums sorted by name
(members sorted by value), the structs sorted by name, the messages sorted by type code, each
field on its own line in declaration order, lines joined with ``\\n`` plus a final ``\\n``,
encoded as ASCII. ``SCHEMA_HASH`` is the first four bytes of its SHA-256, read big-endian.
Docs, units and comments do not enter it.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from enum import IntFlag
from typing import Any

from massage_ctl.protocol.enums import ENUM_WIRE_TYPES, ENUMS
from massage_ctl.protocol.layout import FieldDef
from massage_ctl.protocol.messages import MESSAGE_CLASSES
from massage_ctl.protocol.versions import layout_for, structs_for

PROTOCOL_VERSION = 2
"""Version byte of every frame massage_ctl offers first (PROTOCOL.md §9)."""

PROTOCOL_V1 = 1
"""The first version, frozen in ``firmware_protocol/messages_v1.toml``; still served."""

SUPPORTED_VERSIONS: tuple[int, ...] = (PROTOCOL_V1, PROTOCOL_VERSION)
"""Every version the codec encodes and decodes, oldest first."""

MAX_FRAME_BYTES = 256
"""Largest encoded frame on the wire, including its 0x00 delimiter."""

MAX_DECODED_BYTES = 254
"""Largest frame after COBS decoding: 4-byte header + payload + 2-byte CRC."""

MAX_PAYLOAD_BYTES = MAX_DECODED_BYTES - 6


@dataclass(frozen=True, slots=True)
class EnumDef:
    """An enum: name, wire type, whether it is a bit set, members sorted by value."""

    name: str
    type: str
    flags: bool
    members: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class MessageDef:
    """A message (or, with ``code`` = -1, a struct) and its fields in wire order."""

    code: int
    name: str
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True, slots=True)
class Schema:
    """Everything that enters the schema hash, in canonical order."""

    version: int
    max_frame_bytes: int
    enums: tuple[EnumDef, ...]
    structs: tuple[MessageDef, ...]
    messages: tuple[MessageDef, ...]


def _make_schema(
    version: int,
    max_frame_bytes: int,
    enums: list[EnumDef],
    structs: list[MessageDef],
    messages: list[MessageDef],
) -> Schema:
    return Schema(
        version,
        max_frame_bytes,
        tuple(sorted(enums, key=lambda e: e.name)),
        tuple(sorted(structs, key=lambda s: s.name)),
        tuple(sorted(messages, key=lambda m: m.code)),
    )


def schema_from_code(version: int = PROTOCOL_VERSION) -> Schema:
    """The schema the Python codec implements for protocol ``version``."""
    enums = [
        EnumDef(
            name,
            ENUM_WIRE_TYPES.get(name, "u8"),
            issubclass(cls, IntFlag),
            tuple(sorted(((m.name or "", int(m.value)) for m in cls), key=lambda kv: kv[1])),
        )
        for name, cls in ENUMS.items()
    ]
    structs = [MessageDef(-1, name, cls.LAYOUT) for name, cls in structs_for(version).items()]
    messages = [
        MessageDef(cls.TYPE, cls.NAME, layout)
        for cls in MESSAGE_CLASSES
        if (layout := layout_for(cls, version)) is not None
    ]
    return _make_schema(version, MAX_FRAME_BYTES, enums, structs, messages)


def _fields(rows: list[dict[str, Any]]) -> tuple[FieldDef, ...]:
    return tuple(
        FieldDef(r["name"], r["type"], r.get("max", 0), r.get("min", 0), r.get("enum"))
        for r in rows
    )


def schema_from_toml(text: str) -> Schema:
    """Parse the text of ``messages.toml`` (raises ``tomllib.TOMLDecodeError``/``KeyError``)."""
    data = tomllib.loads(text)
    proto = data["protocol"]
    enums = [
        EnumDef(
            name,
            e["type"],
            bool(e.get("flags", False)),
            tuple(sorted(e["values"].items(), key=lambda kv: kv[1])),
        )
        for name, e in data["enums"].items()
    ]
    structs = [MessageDef(-1, name, _fields(s["fields"])) for name, s in data["structs"].items()]
    messages = [MessageDef(m["type"], m["name"], _fields(m["fields"])) for m in data["messages"]]
    return _make_schema(proto["version"], proto["max_frame_bytes"], enums, structs, messages)


def canonical_text(schema: Schema) -> str:
    """The canonical serialisation the schema hash is taken over."""
    lines = [f"massage_ctl-wire version={schema.version} max_frame_bytes={schema.max_frame_bytes}"]
    for e in schema.enums:
        lines.append(f"{'flags' if e.flags else 'enum'} {e.name} {e.type}")
        lines.extend(f"  {name}={value}" for name, value in e.members)
    for s in schema.structs:
        lines.append(f"struct {s.name}")
        lines.extend(f"  {fd.canonical()}" for fd in s.fields)
    for m in schema.messages:
        lines.append(f"message 0x{m.code:02X} {m.name}")
        lines.extend(f"  {fd.canonical()}" for fd in m.fields)
    return "\n".join(lines) + "\n"


def schema_hash(schema: Schema) -> int:
    """First 4 bytes (big-endian) of SHA-256 over :func:`canonical_text`."""
    digest = hashlib.sha256(canonical_text(schema).encode("ascii")).digest()
    return int.from_bytes(digest[:4], "big")


SCHEMA_HASHES: dict[int, int] = {v: schema_hash(schema_from_code(v)) for v in SUPPORTED_VERSIONS}
"""Schema hash of every supported version (version 1: 0xDEAE8B4B, frozen)."""

SCHEMA_HASH: int = SCHEMA_HASHES[PROTOCOL_VERSION]
"""Hash of the newest message schema (compare with DEVICE_INFO.schema_hash)."""

SCHEMA_HASH_V1: int = SCHEMA_HASHES[PROTOCOL_V1]
"""Hash of the frozen version-1 schema."""

"""Frame encode/decode: header, payload (fast path, else walked from the layouts), CRC-16, COBS.

Decoded frame (before COBS)::

    +---------+------+-----------+---------------------+-----------------+
    | version | type | seq (LE)  | payload (LE fields) | CRC-16 (BE)     |
    |   u8    |  u8  |   u16     |   0..248 bytes      | over all before |
    +---------+------+-----------+---------------------+-----------------+

On the wire: ``cobs(frame) + b"\\x00"``, at most :data:`MAX_FRAME_BYTES` bytes.
"""

from __future__ import annotations

import dataclasses
import struct
from binascii import crc_hqx
from collections.abc import Callable
from enum import IntEnum, IntFlag
from typing import Any

from massage_ctl.protocol.cobs import (
    cobs_decode,
    cobs_decode_reference,
    cobs_encode,
    cobs_encode_reference,
    crc16,
)
from massage_ctl.protocol.constraints import CONSTRAINTS, constraint_problem
from massage_ctl.protocol.enums import ENUMS
from massage_ctl.protocol.errors import (
    CrcError,
    FieldRangeError,
    MalformedFrameError,
    OversizedFrameError,
    TruncatedFrameError,
    UnknownTypeError,
    VersionError,
)
from massage_ctl.protocol.fastpath import FAST_DECODERS, FAST_ENCODERS, make_frame
from massage_ctl.protocol.layout import SCALAR_TYPES, FieldDef
from massage_ctl.protocol.messages import (
    MESSAGES_BY_TYPE,
    STRUCT_CLASSES,
    Frame,
    Message,
)
from massage_ctl.protocol.schema import (
    MAX_DECODED_BYTES,
    MAX_FRAME_BYTES,
    MAX_PAYLOAD_BYTES,
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
)
from massage_ctl.protocol.versions import layout_for

_HEADER = struct.Struct("<BBH")
_MIN_DECODED = _HEADER.size + 2  # header + CRC, empty payload


class _Layout:
    """Encoder/decoder for one dataclass, compiled once from its ``LAYOUT``."""

    def __init__(self, cls: type[Any], fields: tuple[FieldDef, ...], name: str) -> None:
        self.cls = cls
        self.name = name
        self.fields = fields
        self.structs: dict[str, struct.Struct] = {}
        self.convert: dict[str, Callable[[int], Any]] = {}
        self.elements: dict[str, _Layout | None] = {}
        for fd in fields:
            if fd.type in SCALAR_TYPES:
                self.structs[fd.name] = struct.Struct("<" + SCALAR_TYPES[fd.type])
                if fd.enum:
                    self.convert[fd.name] = _enum_converter(ENUMS[fd.enum])
                elif fd.type == "bool":
                    self.convert[fd.name] = _to_bool
            elif fd.type.endswith("[]"):
                elem = fd.type[:-2]
                self.elements[fd.name] = (
                    None
                    if elem == "u16"
                    else _Layout(STRUCT_CLASSES[elem], STRUCT_CLASSES[elem].LAYOUT, elem)
                )
        # Positional construction below relies on the dataclass declaring fields in wire order.
        # An older version's layout is a leading part of the dataclass; the fields it lacks
        # keep their defaults, and encoding refuses anything else in them (see ``encode``).
        names = [x.name for x in dataclasses.fields(cls)]
        assert names[: len(fields)] == [fd.name for fd in fields], name
        self.missing = {x.name: x.default for x in dataclasses.fields(cls)[len(fields):]}
        # Fast path: a layout of scalars only packs/unpacks with one struct call.
        self.flat: struct.Struct | None = None
        self.flat_convs = [self.convert.get(fd.name) for fd in fields]
        if all(fd.type in SCALAR_TYPES for fd in fields):
            self.flat = struct.Struct("<" + "".join(SCALAR_TYPES[fd.type] for fd in fields))

    def encode(self, obj: Any, out: bytearray) -> None:
        for name, default in self.missing.items():
            if getattr(obj, name) != default:
                raise FieldRangeError(
                    f"cannot encode {self.name}.{name}: this protocol version has no such field"
                )
        if self.flat is not None:
            try:
                out += self.flat.pack(*[getattr(obj, fd.name) for fd in self.fields])
                return
            except struct.error:
                pass  # fall through to find and name the offending field
        for fd in self.fields:
            value = getattr(obj, fd.name)
            if fd.type in SCALAR_TYPES:
                try:
                    out += self.structs[fd.name].pack(value)
                except struct.error as err:
                    raise self._range(fd, f"{value!r} does not fit {fd.type}") from err
            elif fd.type == "str":
                raw = value.encode("utf-8")
                if not fd.min <= len(raw) <= fd.max:
                    raise self._range(fd, f"{len(raw)} bytes of UTF-8, allowed {fd.min}..{fd.max}")
                out.append(len(raw))
                out += raw
            else:
                if not fd.min <= len(value) <= fd.max:
                    raise self._range(fd, f"{len(value)} elements, allowed {fd.min}..{fd.max}")
                out.append(len(value))
                elem = self.elements[fd.name]
                for item in value:
                    if elem is None:
                        try:
                            out += _U16.pack(item)
                        except struct.error as err:
                            raise self._range(fd, f"{item!r} does not fit u16") from err
                    else:
                        elem.encode(item, out)

    def _range(self, fd: FieldDef, what: str) -> FieldRangeError:
        return FieldRangeError(f"cannot encode {self.name}.{fd.name}: {what}")

    def decode(self, buf: bytes, pos: int) -> tuple[Any, int]:
        n = len(buf)
        if self.flat is not None:
            if pos + self.flat.size > n:
                raise TruncatedFrameError(f"{self.name}: payload too short")
            values = self.flat.unpack_from(buf, pos)
            args = [conv(v) if conv else v for conv, v in zip(self.flat_convs, values, strict=True)]
            return self.cls(*args), pos + self.flat.size
        kwargs = {}
        for fd in self.fields:
            if fd.type in SCALAR_TYPES:
                s = self.structs[fd.name]
                if pos + s.size > n:
                    raise TruncatedFrameError(f"{self.name}.{fd.name}: payload too short")
                (value,) = s.unpack_from(buf, pos)
                pos += s.size
                conv = self.convert.get(fd.name)
                kwargs[fd.name] = conv(value) if conv else value
                continue
            if pos >= n:
                raise TruncatedFrameError(f"{self.name}.{fd.name}: payload too short")
            count = buf[pos]
            pos += 1
            if not fd.min <= count <= fd.max:
                raise MalformedFrameError(
                    f"{self.name}.{fd.name}: length {count}, allowed {fd.min}..{fd.max}"
                )
            if fd.type == "str":
                if pos + count > n:
                    raise TruncatedFrameError(f"{self.name}.{fd.name}: payload too short")
                try:
                    kwargs[fd.name] = buf[pos : pos + count].decode("utf-8")
                except UnicodeDecodeError as err:
                    raise MalformedFrameError(f"{self.name}.{fd.name}: not UTF-8") from err
                pos += count
                continue
            elem = self.elements[fd.name]
            if elem is None:
                if pos + 2 * count > n:
                    raise TruncatedFrameError(f"{self.name}.{fd.name}: payload too short")
                kwargs[fd.name] = struct.unpack_from(f"<{count}H", buf, pos)
                pos += 2 * count
            else:
                items = []
                for _ in range(count):
                    item, pos = elem.decode(buf, pos)
                    items.append(item)
                kwargs[fd.name] = tuple(items)
        return self._build(kwargs), pos

    def _build(self, kwargs: dict[str, Any]) -> Any:
        return self.cls(**kwargs)


_U16 = struct.Struct("<H")


def _to_bool(value: int) -> bool:
    if value > 1:
        raise MalformedFrameError(f"boolean field holds {value}, expected 0 or 1")
    return value == 1


def _enum_converter(cls: type[IntEnum] | type[IntFlag]) -> Callable[[int], Any]:
    if issubclass(cls, IntFlag):
        return cls  # unknown bits from newer firmware are kept

    def convert(value: int) -> Any:
        try:
            return cls(value)
        except ValueError as err:
            raise MalformedFrameError(f"{value} is not a valid {cls.__name__}") from err

    return convert


def _layouts(version: int) -> dict[type[Message], _Layout]:
    out = {}
    for cls in MESSAGES_BY_TYPE.values():
        fields = layout_for(cls, version)
        if fields is not None:
            out[cls] = _Layout(cls, fields, cls.NAME)
    return out


_LAYOUTS_BY_VERSION: dict[int, dict[type[Message], _Layout]] = {
    v: _layouts(v) for v in SUPPORTED_VERSIONS
}
_LAYOUTS = _LAYOUTS_BY_VERSION[PROTOCOL_VERSION]
#: Type codes whose layout differs between versions: the fast path (built from the newest
#: layouts) serves the other types in every version, these only in the newest.
_CHANGED_TYPES: frozenset[int] = frozenset(
    cls.TYPE
    for v, table in _LAYOUTS_BY_VERSION.items()
    for cls in MESSAGES_BY_TYPE.values()
    if v != PROTOCOL_VERSION and (cls not in table or table[cls].fields != cls.LAYOUT)
)


def _table(version: int) -> dict[type[Message], _Layout]:
    table = _LAYOUTS_BY_VERSION.get(version)
    if table is None:
        raise FieldRangeError(
            f"protocol version {version} is not supported (supported: "
            f"{', '.join(map(str, SUPPORTED_VERSIONS))})"
        )
    return table


def encode_payload(message: Message, version: int = PROTOCOL_VERSION) -> bytes:
    """The payload bytes of ``message`` (no header, CRC or COBS)."""
    _refuse_constraint_breach(message)
    out = bytearray()
    _layout_of(message, version).encode(message, out)
    return bytes(out)


def _layout_of(message: Message, version: int) -> _Layout:
    layout = _table(version).get(type(message))
    if layout is None:
        raise FieldRangeError(f"protocol version {version} has no {message.NAME} message")
    return layout


def encode_frame(message: Message, seq: int, version: int = PROTOCOL_VERSION) -> bytes:
    """Encode ``message`` with sequence number ``seq``: COBS bytes plus the trailing 0x00.

    ``version`` is the protocol version of the frame (the link's negotiated one). Raises
    :class:`FieldRangeError` if a field does not fit its wire type, the frame would exceed
    :data:`MAX_FRAME_BYTES`, or the version has no such message or field.
    """
    fast = FAST_ENCODERS.get(type(message))
    if fast is None or (version != PROTOCOL_VERSION and message.TYPE in _CHANGED_TYPES):
        body = None
    else:
        body = fast(message, seq)
        if body is not None and version != PROTOCOL_VERSION:
            # Same layout in that version: only the version byte differs. An unsupported
            # version goes the generic way, which names the error.
            body = bytes((version,)) + body[1:] if version in _LAYOUTS_BY_VERSION else None
    if body is None:
        # raises the named error, or a string message
        return encode_frame_generic(message, seq, version)
    return cobs_encode(body + crc_hqx(body, 0xFFFF).to_bytes(2, "big")) + b"\x00"


def decode_frame(data: bytes, version: int = PROTOCOL_VERSION) -> Frame:
    """Decode one encoded frame (with or without its trailing 0x00) into a :class:`Frame`.

    Only frames of protocol ``version`` are accepted (others: :class:`VersionError`, which
    keeps the frame for a device answering a foreign HELLO, PROTOCOL.md §9). Raises exactly
    one of the :mod:`massage_ctl.protocol.errors` frame errors; checks are made in this order:
    size, COBS, length, CRC, version, type, payload (walked as PROTOCOL.md §3.4 says), then the
    value constraints of messages.toml (``malformed``).
    """
    if data[-1:] == b"\x00":
        data = data[:-1]
    return decode_undelimited(data, version)


def decode_undelimited(data: bytes, version: int = PROTOCOL_VERSION) -> Frame:
    """:func:`decode_frame` of a frame without its 0x00 (what the stream decoder splits off)."""
    if len(data) > MAX_FRAME_BYTES - 1:
        raise OversizedFrameError(
            f"frame of {len(data) + 1} bytes on the wire, at most {MAX_FRAME_BYTES} allowed"
        )
    raw = cobs_decode(data)
    # Happy path: a valid CRC-16/CCITT-FALSE over body + its big-endian CRC leaves residue 0.
    if (
        _MIN_DECODED <= len(raw) <= MAX_DECODED_BYTES
        and raw[0] == version
        and not crc_hqx(raw, 0xFFFF)
        and (version == PROTOCOL_VERSION or raw[1] not in _CHANGED_TYPES)
    ):
        fast = FAST_DECODERS.get(raw[1])
        if fast is not None:
            message = fast(raw)
            if message is not None:
                return make_frame(raw[2] | raw[3] << 8, message)
    return Frame(*decode_raw(raw, version))


def decode_raw(raw: bytes, version: int = PROTOCOL_VERSION) -> tuple[int, Message]:
    """Decode a COBS-decoded frame of protocol ``version`` into ``(seq, message)``."""
    if len(raw) < _MIN_DECODED:
        raise TruncatedFrameError(f"frame of {len(raw)} bytes, a frame has at least {_MIN_DECODED}")
    if len(raw) > MAX_DECODED_BYTES:
        raise OversizedFrameError(f"decoded frame of {len(raw)} bytes, at most {MAX_DECODED_BYTES}")
    body = raw[:-2]
    if crc16(body) != int.from_bytes(raw[-2:], "big"):
        raise CrcError("CRC mismatch: the frame was corrupted on the way")
    frame_version, type_code, seq = _HEADER.unpack_from(body)
    if frame_version != version:
        raise VersionError(
            f"peer speaks protocol version {frame_version}, we speak {version}",
            version=frame_version,
            message_type=type_code,
            raw=bytes(raw),
        )
    cls = MESSAGES_BY_TYPE.get(type_code)
    layout = _table(version).get(cls) if cls is not None else None
    if cls is None or layout is None:
        raise UnknownTypeError(f"unknown message type 0x{type_code:02X}")
    message, end = layout.decode(body, _HEADER.size)
    if end != len(body):
        raise MalformedFrameError(
            f"{cls.NAME}: {len(body) - end} unexpected bytes after the payload"
        )
    assert isinstance(message, Message)
    if cls.NAME in CONSTRAINTS:
        # Check 9 of PROTOCOL.md §3.4: values the layout can carry but the spec forbids.
        problem = constraint_problem(cls.NAME, _values(message))
        if problem is not None:
            raise MalformedFrameError(problem)
    return seq, message


def _values(message: Message) -> dict[str, Any]:
    return {fd.name: getattr(message, fd.name) for fd in message.LAYOUT}


def _refuse_constraint_breach(message: Message) -> None:
    """An encoder never builds a frame a conforming decoder calls ``malformed``."""
    if message.NAME in CONSTRAINTS:
        problem = constraint_problem(message.NAME, _values(message))
        if problem is not None:
            raise FieldRangeError(f"cannot encode {problem}")


# The fast paths skip the constraint check, so no constrained message may have one.
assert not {cls.NAME for cls in FAST_ENCODERS} & CONSTRAINTS.keys()
assert not {cls.NAME for cls in MESSAGES_BY_TYPE.values() if cls.TYPE in FAST_DECODERS} & (
    CONSTRAINTS.keys()
)


# ------------------------------------------------------------------ the generic (reference) path
# Interprets the layout tables field by field. Every frame the fast path declines comes here
# (strings, out-of-range values, malformed input), so all errors are raised in one place; tests
# and benchmarks/bench_codec.py also use it as the reference the fast path must equal.


def encode_frame_generic(message: Message, seq: int, version: int = PROTOCOL_VERSION) -> bytes:
    """:func:`encode_frame` by walking the layout tables (the reference implementation)."""
    if not 0 <= seq <= 0xFFFF:
        raise FieldRangeError(f"sequence number {seq} does not fit u16")
    _refuse_constraint_breach(message)
    layout = _layout_of(message, version)
    out = bytearray(_HEADER.pack(version, message.TYPE, seq))
    layout.encode(message, out)
    if len(out) - _HEADER.size > MAX_PAYLOAD_BYTES:
        raise FieldRangeError(
            f"{message.NAME} payload is {len(out) - _HEADER.size} bytes, "
            f"at most {MAX_PAYLOAD_BYTES} fit in a frame"
        )
    out += crc16(bytes(out)).to_bytes(2, "big")
    return cobs_encode_reference(bytes(out)) + b"\x00"


def decode_frame_generic(data: bytes, version: int = PROTOCOL_VERSION) -> Frame:
    """:func:`decode_frame` by walking the layout tables (the reference implementation)."""
    if data[-1:] == b"\x00":
        data = data[:-1]
    if len(data) > MAX_FRAME_BYTES - 1:
        raise OversizedFrameError(
            f"frame of {len(data) + 1} bytes on the wire, at most {MAX_FRAME_BYTES} allowed"
        )
    return Frame(*decode_raw(cobs_decode_reference(data), version))

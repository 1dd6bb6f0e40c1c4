"""Per-message fast encoders and decoders, compiled once at import from the layout tables.

The generic codec (:mod:`massage_ctl.protocol.codec`, ``_Layout``) walks a message's
``LAYOUT`` field by field for every frame. That is clear but costs tens of microseconds per
frame, and a session exchanges ~36 000 heartbeat and STATUS frames per 30 minutes. So for every
message whose layout is *scalars, then at most one trailing array* (all but the two handshake
messages with strings) we build, from the same ``LAYOUT`` tables, one :class:`struct.Struct`
per array length covering header + payload, and a one-expression constructor. Nothing here
restates a layout: change ``messages.toml`` (and the dataclasses mirroring it) and these follow.

Contract with the codec: a fast encoder returns the frame body (header + payload, no CRC) or
``None``; a fast decoder returns the message or ``None``. ``None`` means "not the happy path"
(a value out of range, a bad length, an unknown enum value, ...): the codec then runs the
generic path, which raises the precise, named error. So errors read exactly as before, and the
fast path only ever answers what the generic path would answer — a property test checks it.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable, Mapping
from enum import IntEnum, IntFlag
from itertools import chain
from operator import attrgetter
from typing import Any

from massage_ctl.protocol.enums import ENUMS
from massage_ctl.protocol.layout import SCALAR_TYPES, FieldDef
from massage_ctl.protocol.messages import MESSAGES_BY_TYPE, STRUCT_CLASSES, Frame, Message
from massage_ctl.protocol.schema import MAX_PAYLOAD_BYTES, PROTOCOL_VERSION

FastEncoder = Callable[[Any, int], "bytes | None"]
FastDecoder = Callable[[bytes], "Message | None"]

_HEADER = "<BBH"
_HEADER_SIZE = 4
_CRC_SIZE = 2


class _FlagTable(dict[int, Any]):
    """Raw value → IntFlag member; any bit pattern is valid (unknown bits are kept), so misses
    are computed once and remembered (at most 2**16 entries for a u16 field)."""

    def __init__(self, cls: type[IntFlag]) -> None:
        super().__init__()
        self._cls = cls

    def __missing__(self, value: int) -> Any:
        member = self[value] = self._cls(value)
        return member


def _table(fd: FieldDef) -> Mapping[int, Any] | None:
    """Raw → Python value for a field that needs converting (enum, bool); a missing key means
    the raw value is invalid (the generic path then names the error)."""
    if fd.enum:
        cls = ENUMS[fd.enum]
        if issubclass(cls, IntFlag):
            return _FlagTable(cls)
        assert issubclass(cls, IntEnum)
        return {int(m): m for m in cls}
    if fd.type == "bool":
        return {0: False, 1: True}
    return None


def _builder(
    cls: type[Any], fields: tuple[FieldDef, ...], *, with_array: bool = False
) -> Callable[..., Any]:
    """``build(values[, array]) -> cls(...)`` with enum/bool fields looked up in their tables.

    Compiled to straight-line code so a frame costs one call, not a loop over the fields.
    ``values`` holds the scalar fields in layout order. The instance is made by setting its
    slots directly: a frozen dataclass's ``__init__`` goes through ``object.__setattr__`` per
    field, which costs about as much as the whole rest of decoding a small frame. That is only
    the same thing as calling ``cls(...)`` while the class has no ``__post_init__``; checked.
    """
    ns: dict[str, Any] = {"cls": cls, "new": object.__new__}
    names = [fd.name for fd in fields] + ([array_field_name(cls)] if with_array else [])
    assert not hasattr(cls, "__post_init__"), cls
    assert names == [f.name for f in dataclasses.fields(cls)], cls
    lines = [f"def build({'v, a' if with_array else 'v'}):", "    o = new(cls)"]
    for i, name in enumerate(names):
        ns[f"set{i}"] = getattr(cls, name).__set__  # the slot's descriptor
        if i == len(fields):
            value = "a"
        elif (table := _table(fields[i])) is not None:
            ns[f"t{i}"] = table
            value = f"t{i}[v[{i}]]"
        else:
            value = f"v[{i}]"
        lines.append(f"    set{i}(o, {value})")
    lines.append("    return o")
    exec("\n".join(lines), ns)  # source built above from the layout tables only
    built: Callable[..., Any] = ns["build"]
    return built


def array_field_name(cls: type[Any]) -> str:
    """Name of the trailing array field of ``cls``'s layout."""
    name: str = cls.LAYOUT[-1].name
    return name


def _frame_maker() -> Callable[[int, Message], Frame]:
    """``Frame(seq, message)`` by setting its slots (see :func:`_builder` for why)."""
    assert not hasattr(Frame, "__post_init__")
    assert [f.name for f in dataclasses.fields(Frame)] == ["seq", "message"]
    new = object.__new__
    set_seq = vars(Frame)["seq"].__set__  # the slots' descriptors
    set_message = vars(Frame)["message"].__set__

    def make_frame(seq: int, message: Message) -> Frame:
        frame: Frame = new(Frame)
        set_seq(frame, seq)
        set_message(frame, message)
        return frame

    return make_frame


#: Same as ``Frame(seq, message)``, faster.
make_frame = _frame_maker()


def _getter(fields: tuple[FieldDef, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """``obj -> tuple of the named attributes`` (always a tuple, even for one field)."""
    if not fields:
        return lambda _obj: ()
    if len(fields) == 1:
        one = attrgetter(fields[0].name)
        return lambda obj: (one(obj),)
    getter: Callable[[Any], tuple[Any, ...]] = attrgetter(*(fd.name for fd in fields))
    return getter


def _scalar_codes(fields: tuple[FieldDef, ...]) -> str:
    return "".join(SCALAR_TYPES[fd.type] for fd in fields)


def _flat(cls: type[Message]) -> tuple[FastEncoder, FastDecoder]:
    """A message of scalars only: one struct for header + payload."""
    fields = cls.LAYOUT
    whole = struct.Struct(_HEADER + _scalar_codes(fields))
    payload = struct.Struct("<" + _scalar_codes(fields))
    frame_size = whole.size + _CRC_SIZE
    pack, unpack_from = whole.pack, payload.unpack_from
    get, build = _getter(fields), _builder(cls, fields)
    version, type_code = PROTOCOL_VERSION, cls.TYPE

    def encode(msg: Any, seq: int) -> bytes | None:
        try:
            return pack(version, type_code, seq, *get(msg))
        except struct.error:
            return None

    def decode(raw: bytes) -> Message | None:
        if len(raw) != frame_size:
            return None
        try:
            message: Message = build(unpack_from(raw, _HEADER_SIZE))
        except KeyError:
            return None
        return message

    return encode, decode


def _with_array(cls: type[Message]) -> tuple[FastEncoder, FastDecoder]:
    """Scalars, then one count-prefixed array of ``u16`` or of a struct, as the last field."""
    *scalars_list, array = cls.LAYOUT
    scalars = tuple(scalars_list)
    elem_name = array.type[:-2]
    elem_cls = STRUCT_CLASSES.get(elem_name)
    elem_fields = elem_cls.LAYOUT if elem_cls is not None else (FieldDef("_", elem_name),)
    elem_codes = _scalar_codes(elem_fields)
    prefix = struct.Struct("<" + _scalar_codes(scalars) + "B")  # scalars + array count
    elem = struct.Struct("<" + elem_codes)
    lo, hi = array.min, array.max
    # One struct per possible count: header + scalars + count + count × element.
    whole = [struct.Struct(_HEADER + _scalar_codes(scalars) + "B" + elem_codes * k)
             for k in range(hi + 1)]
    packs = [s.pack for s in whole]
    array_start = _HEADER_SIZE + prefix.size
    frame_sizes = [s.size + _CRC_SIZE for s in whole]
    assert all(s.size - _HEADER_SIZE <= MAX_PAYLOAD_BYTES for s in whole), cls.NAME
    version, type_code = PROTOCOL_VERSION, cls.TYPE
    get_scalars, get_array = _getter(scalars), attrgetter(array.name)
    build = _builder(cls, scalars, with_array=True)
    n_scalars = len(scalars)

    if elem_cls is None:  # an array of plain u16
        arrays = [struct.Struct("<" + elem_codes * k).unpack_from for k in range(hi + 1)]

        def flatten(items: Any) -> Any:
            return items

        def unflatten(raw: bytes, count: int) -> tuple[Any, ...]:
            return arrays[count](raw, array_start)

    else:
        get_elem, build_elem = _getter(elem_fields), _builder(elem_cls, elem_fields)
        iter_unpack = elem.iter_unpack

        def flatten(items: Any) -> Any:
            return chain.from_iterable(map(get_elem, items))

        def unflatten(raw: bytes, count: int) -> tuple[Any, ...]:
            return tuple(map(build_elem, iter_unpack(raw[array_start:-_CRC_SIZE])))

    def encode(msg: Any, seq: int) -> bytes | None:
        items = get_array(msg)
        count = len(items)
        if not lo <= count <= hi:
            return None
        try:
            return packs[count](version, type_code, seq, *get_scalars(msg), count, *flatten(items))
        except struct.error:
            return None

    def decode(raw: bytes) -> Message | None:
        size = len(raw)
        if size < array_start + _CRC_SIZE:
            return None
        values = prefix.unpack_from(raw, _HEADER_SIZE)
        count = values[n_scalars]
        if not lo <= count <= hi or size != frame_sizes[count]:
            return None
        try:
            message: Message = build(values, unflatten(raw, count))
        except KeyError:
            return None
        return message

    return encode, decode


def _compile(cls: type[Message]) -> tuple[FastEncoder, FastDecoder] | None:
    layout = cls.LAYOUT
    if all(fd.type in SCALAR_TYPES for fd in layout):
        return _flat(cls)
    *scalars, last = layout
    if all(fd.type in SCALAR_TYPES for fd in scalars) and last.type.endswith("[]"):
        return _with_array(cls)
    return None  # strings: handshake frames, rare; the generic path serves them


_COMPILED = {code: _compile(cls) for code, cls in MESSAGES_BY_TYPE.items()}
#: Message class → fast encoder (messages with a fast path only).
FAST_ENCODERS: dict[type[Message], FastEncoder] = {
    MESSAGES_BY_TYPE[code]: pair[0] for code, pair in _COMPILED.items() if pair is not None
}
#: Type code → fast decoder taking the whole COBS-decoded frame (CRC already checked).
FAST_DECODERS: dict[int, FastDecoder] = {
    code: pair[1] for code, pair in _COMPILED.items() if pair is not None
}

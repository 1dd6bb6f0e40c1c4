"""Readers for the two frames that flow all session long: STATUS and HEARTBEAT.

A session exchanges one STATUS (device → controller) and one HEARTBEAT (controller → device)
every 100 ms — 36 000 frames in 30 minutes, far more than everything else together. The codec
turns each into a ``Frame`` holding a message object, which the receiver then takes apart again
by ``isinstance``. These readers go from the COBS bytes (without the 0x00) straight to the
fields the receiver uses, as plain ints, with the same checks: COBS, length, version, type,
CRC, and for STATUS a known device state.

Contract (as for :mod:`massage_ctl.protocol.fastpath`): a reader answers only a well-formed
frame of its type and returns ``None`` for anything else — another message type, a damaged or
malformed frame — which then takes the codec's general path and gets its precise error there.
So nothing is accepted that the codec would refuse; a property test compares both.
:func:`encode_status` and :func:`encode_heartbeat` are the sending side of the same shortcut:
the frame from its fields, byte for byte what ``encode_frame`` gives for the message. The
structs are built from the messages' ``LAYOUT`` tables, so they follow ``messages.toml``.
"""

from __future__ import annotations

import struct
from binascii import crc_hqx
from typing import NamedTuple

from massage_ctl.protocol.cobs import cobs_decode, cobs_encode
from massage_ctl.protocol.enums import DeviceState
from massage_ctl.protocol.errors import CobsError
from massage_ctl.protocol.layout import SCALAR_TYPES
from massage_ctl.protocol.messages import Heartbeat, Status
from massage_ctl.protocol.schema import PROTOCOL_VERSION


class StatusFields(NamedTuple):
    """The fields of a STATUS frame as :func:`read_status` reads them, by name.

    A named tuple rather than a ``Status`` message: :func:`read_status` builds it with
    ``tuple.__new__``, which skips the Python-level ``__new__`` of a named tuple (the 10 Hz
    receive path; measured in benchmarks/bench_play_speedmax.py).
    """

    seq: int
    """The device's sequence number of this frame."""
    state: int
    """A :class:`~massage_ctl.protocol.enums.DeviceState` value (a known one)."""
    fault_bits: int
    """:class:`~massage_ctl.protocol.enums.FaultBits` as an int (unknown bits kept)."""
    last_seq: int
    """Seq of the last valid controller frame the device processed."""
    values: tuple[int, ...]
    """u16 fractions of each channel's range max, in index order."""


_HEADER = "<BBH"  # version, type, seq (PROTOCOL §3)
_CRC_SIZE = 2


def _status_unpackers() -> tuple[int, int, list[int], list[struct.Struct]]:
    """(count offset, max count, frame size per count, struct per count) from STATUS's layout."""
    *scalars, array = Status.LAYOUT
    assert [fd.name for fd in scalars] == ["state", "fault_bits", "last_seq"], Status.LAYOUT
    assert array.type == "u16[]" and array.min == 0, array
    scalar_codes = "".join(SCALAR_TYPES[fd.type] for fd in scalars)
    head = struct.Struct(_HEADER + scalar_codes)
    whole = [struct.Struct(_HEADER + scalar_codes + "B" + "H" * k) for k in range(array.max + 1)]
    return head.size, array.max, [s.size + _CRC_SIZE for s in whole], whole


_COUNT_AT, _MAX_COUNT, _STATUS_SIZES, _STATUS_STRUCTS = _status_unpackers()
_STATUS_UNPACK = [s.unpack_from for s in _STATUS_STRUCTS]
_STATUS_PACK = [s.pack for s in _STATUS_STRUCTS]
_KNOWN_STATES = frozenset(int(s) for s in DeviceState)
_STATUS_TYPE = Status.TYPE

assert [fd.type for fd in Heartbeat.LAYOUT] == ["bool"], Heartbeat.LAYOUT
_HEARTBEAT = struct.Struct(_HEADER + "B")
_HEARTBEAT_SIZE = _HEARTBEAT.size + _CRC_SIZE
_HEARTBEAT_PACK = _HEARTBEAT.pack
_HEARTBEAT_TYPE = Heartbeat.TYPE
_VERSION = PROTOCOL_VERSION
_new_tuple = tuple.__new__


def read_status(piece: bytes, version: int = _VERSION) -> StatusFields | None:
    """The fields of a well-formed STATUS frame (COBS bytes, no delimiter) of protocol
    ``version`` (STATUS is laid out alike in every version), else ``None``."""
    try:
        raw = cobs_decode(piece)
    except CobsError:
        return None
    size = len(raw)
    if size <= _COUNT_AT or raw[1] != _STATUS_TYPE or raw[0] != version:
        return None
    count = raw[_COUNT_AT]
    if count > _MAX_COUNT or size != _STATUS_SIZES[count] or crc_hqx(raw, 0xFFFF):
        return None
    fields = _STATUS_UNPACK[count](raw)  # version, type, seq, state, faults, last_seq, n, v…
    if fields[3] not in _KNOWN_STATES:
        return None
    return _new_tuple(StatusFields, (fields[2], fields[3], fields[4], fields[5], fields[7:]))


def read_heartbeat(piece: bytes, version: int = _VERSION) -> tuple[int, bool] | None:
    """``(seq, stop_requested)`` of a well-formed HEARTBEAT frame of ``version``, else ``None``."""
    try:
        raw = cobs_decode(piece)
    except CobsError:
        return None
    if len(raw) != _HEARTBEAT_SIZE or raw[1] != _HEARTBEAT_TYPE or raw[0] != version:
        return None
    if crc_hqx(raw, 0xFFFF):
        return None
    _, _, seq, flag = _HEARTBEAT.unpack_from(raw)
    if flag > 1:  # a bool is 0 or 1 on the wire; anything else is malformed
        return None
    return seq, flag == 1


def encode_status(
    seq: int,
    state: int,
    fault_bits: int,
    last_seq: int,
    values: tuple[int, ...],
    version: int = _VERSION,
) -> bytes | None:
    """``encode_frame(Status(state, fault_bits, last_seq, values), seq)`` without the Status
    object, or ``None`` when a field does not fit (the codec then raises the named error)."""
    count = len(values)
    if count > _MAX_COUNT:
        return None
    try:
        body = _STATUS_PACK[count](
            version, _STATUS_TYPE, seq, state, fault_bits, last_seq, count, *values
        )
    except struct.error:
        return None
    return cobs_encode(body + crc_hqx(body, 0xFFFF).to_bytes(2, "big")) + b"\x00"


def encode_heartbeat(seq: int, stop_requested: bool, version: int = _VERSION) -> bytes:
    """``encode_frame(Heartbeat(stop_requested), seq)`` without the codec's dispatch.

    Raises :class:`struct.error` for a ``seq`` outside 0..65535 (the link never makes one).
    """
    body = _HEARTBEAT_PACK(version, _HEARTBEAT_TYPE, seq, stop_requested)
    return cobs_encode(body + crc_hqx(body, 0xFFFF).to_bytes(2, "big")) + b"\x00"

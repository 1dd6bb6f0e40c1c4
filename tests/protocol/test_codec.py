"""Frame encode/decode: round trips of every message, sizes, and the error kinds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import ProtocolError
from massage_ctl.protocol import (
    MAX_FRAME_BYTES,
    MESSAGE_CLASSES,
    CrcError,
    DeviceState,
    FaultBits,
    FieldRangeError,
    Frame,
    Heartbeat,
    Message,
    OversizedFrameError,
    PatternCode,
    Setpoint,
    SetpointEntry,
    Status,
    Stop,
    StopReason,
    TruncatedFrameError,
    cobs_decode,
    cobs_encode,
    decode_frame,
    encode_frame,
)

from .strategies import any_message, struct_strategy


@pytest.mark.parametrize("cls", MESSAGE_CLASSES, ids=lambda c: c.NAME)
@settings(max_examples=60)
@given(data=st.data(), seq=st.integers(0, 0xFFFF))
def test_every_message_type_round_trips(cls: type[Message], data: st.DataObject, seq: int) -> None:
    message = data.draw(struct_strategy(cls))
    wire = encode_frame(message, seq)
    assert wire.endswith(b"\x00") and 0 not in wire[:-1]
    assert len(wire) <= MAX_FRAME_BYTES
    assert decode_frame(wire) == Frame(seq, message)
    assert decode_frame(wire[:-1]) == Frame(seq, message)  # the delimiter is optional


@settings(max_examples=200)
@given(any_message(), st.integers(0, 0xFFFF), st.integers(0, 400), st.integers(0, 7))
def test_any_single_bit_flip_is_detected(message: Message, seq: int, pos: int, bit: int) -> None:
    raw = cobs_decode(encode_frame(message, seq)[:-1])
    flipped = bytearray(raw)
    flipped[pos % len(raw)] ^= 1 << bit
    # CRC-16 catches every single-bit error, so a flipped bit is never accepted as a frame.
    with pytest.raises(CrcError):
        decode_frame(cobs_encode(bytes(flipped)) + b"\x00")


def _max_setpoint_entry() -> SetpointEntry:
    return SetpointEntry(255, 0xFFFF, 0xFFFF_FFFF, PatternCode.TAP, 0xFFFF)


@pytest.mark.parametrize(
    "message",
    [Heartbeat(False), Heartbeat(True), Stop(StopReason.ERROR), Setpoint((_max_setpoint_entry(),))],
    ids=lambda m: m.NAME,
)
def test_safety_frames_fit_one_ble_write(message: Message) -> None:
    # PROTOCOL.md: heartbeat, STOP and a single-channel setpoint are <= 20 bytes on the wire,
    # whatever the values and sequence number.
    for seq in (0, 0x00FF, 0xFF00, 0xFFFF):
        assert len(encode_frame(message, seq)) <= 20


def test_full_status_and_setpoint_fit_a_frame() -> None:
    status = Status(DeviceState.RUNNING, FaultBits(0xFFFF), 0xFFFF, (0xFFFF,) * 32)
    assert len(encode_frame(status, 1)) <= MAX_FRAME_BYTES
    setpoint = Setpoint((_max_setpoint_entry(),) * 24)
    assert len(encode_frame(setpoint, 1)) <= MAX_FRAME_BYTES


@pytest.mark.parametrize(
    ("message", "seq"),
    [
        (Heartbeat(False), 0x1_0000),
        (Heartbeat(False), -1),
        (Setpoint(()), 1),
        (Setpoint((SetpointEntry(0, 0x1_0000),)), 1),
        (Setpoint((SetpointEntry(0, 0),) * 25), 1),
        (Status(DeviceState.IDLE, FaultBits(0), 0, (0,) * 33), 1),
        (Status(DeviceState.IDLE, FaultBits(0), 0, (-1,)), 1),
    ],
)
def test_values_that_do_not_fit_are_refused_with_a_clear_error(message: Message, seq: int) -> None:
    with pytest.raises(FieldRangeError, match=r"does not fit|allowed"):
        encode_frame(message, seq)


def test_error_kinds_are_protocol_errors_with_hints() -> None:
    with pytest.raises(TruncatedFrameError) as exc:
        decode_frame(b"\x00")
    assert isinstance(exc.value, ProtocolError)
    assert exc.value.kind == "truncated"
    assert exc.value.hint


def test_oversized_input_is_refused_before_decoding() -> None:
    with pytest.raises(OversizedFrameError):
        decode_frame(b"\x01" * MAX_FRAME_BYTES + b"\x00")


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_decoding_random_bytes_raises_only_protocol_errors(data: bytes) -> None:
    try:
        frame = decode_frame(data)
    except ProtocolError:
        return
    assert isinstance(frame.message, Message)

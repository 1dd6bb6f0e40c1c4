"""The fast codec paths answer exactly what the generic, table-walking reference answers.

``encode_frame``/``decode_frame``/``cobs_*`` run per-message structs compiled from the layout
tables; ``*_generic``/``*_reference`` walk the tables field by field. For every committed
vector and for arbitrary messages and bytes, both must give the same bytes, the same message
(same types: enum members, tuples) or the same error kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol import (
    FieldRangeError,
    Frame,
    FrameDecoder,
    FrameError,
    Heartbeat,
    Message,
    Setpoint,
    SetpointEntry,
    Status,
    cobs_decode,
    cobs_encode,
    decode_frame,
    encode_frame,
)
from massage_ctl.protocol.cobs import cobs_decode_reference, cobs_encode_reference
from massage_ctl.protocol.codec import decode_frame_generic, encode_frame_generic
from massage_ctl.protocol.errors import CobsError

from .strategies import any_message

VECTORS = Path(__file__).resolve().parents[2] / "firmware_protocol" / "vectors"


def _cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return cases


def _outcome(decode: Any, data: bytes) -> Frame | str:
    try:
        frame: Frame = decode(data)
    except FrameError as err:
        return err.kind
    return frame


def _same_frame(a: Frame | str, b: Frame | str) -> None:
    assert a == b
    if isinstance(a, Frame) and isinstance(b, Frame):
        assert type(a.message) is type(b.message)
        for name in a.message.__dataclass_fields__:
            x, y = getattr(a.message, name), getattr(b.message, name)
            assert type(x) is type(y), name  # enum members stay members, tuples tuples
            if isinstance(x, tuple) and x:
                assert type(x[0]) is type(y[0]), name


@pytest.mark.parametrize("name", ["messages.json", "invalid.json"])
def test_fast_and_generic_decoders_agree_on_every_vector(name: str) -> None:
    for case in _cases(name):
        wire = bytes.fromhex(case["wire"])
        _same_frame(_outcome(decode_frame, wire), _outcome(decode_frame_generic, wire))


def test_fast_and_generic_encoders_agree_on_every_vector() -> None:
    for case in _cases("messages.json"):
        frame = decode_frame(bytes.fromhex(case["wire"]))
        assert encode_frame(frame.message, frame.seq) == encode_frame_generic(
            frame.message, frame.seq
        )


@settings(max_examples=200)
@given(any_message(), st.integers(0, 0xFFFF))
def test_fast_path_equals_generic_path_for_any_message(message: Message, seq: int) -> None:
    wire = encode_frame(message, seq)
    assert wire == encode_frame_generic(message, seq)
    _same_frame(_outcome(decode_frame, wire), _outcome(decode_frame_generic, wire))
    assert decode_frame(wire) == Frame(seq, message)


@settings(max_examples=200)
@given(any_message(), st.integers(0, 0xFFFF), st.data())
def test_damaged_frames_get_the_same_verdict(message: Message, seq: int, data: Any) -> None:
    raw = bytearray(encode_frame(message, seq)[:-1])
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    damaged = bytes(raw)
    _same_frame(_outcome(decode_frame, damaged), _outcome(decode_frame_generic, damaged))


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_get_the_same_verdict(data: bytes) -> None:
    _same_frame(_outcome(decode_frame, data), _outcome(decode_frame_generic, data))


def test_out_of_range_values_are_refused_as_before() -> None:
    for message, seq in [
        (Heartbeat(False), 0x10000),
        (Setpoint((SetpointEntry(300, 1),)), 1),
        (Setpoint(()), 1),
        (Status(0, 0, 1, (0x10000,)), 1),  # type: ignore[arg-type]
    ]:
        with pytest.raises(FieldRangeError) as fast:
            encode_frame(message, seq)
        with pytest.raises(FieldRangeError) as generic:
            encode_frame_generic(message, seq)
        assert str(fast.value) == str(generic.value)


_RUNS = st.lists(st.one_of(st.just(b"\x00"), st.binary(max_size=8), st.just(b"\x01" * 254)))


@settings(max_examples=200)
@given(st.one_of(st.binary(max_size=600), _RUNS.map(b"".join)))
def test_cobs_equals_the_reference(data: bytes) -> None:
    encoded = cobs_encode(data)
    assert encoded == cobs_encode_reference(data)
    assert cobs_decode(encoded) == cobs_decode_reference(encoded) == data


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_cobs_decode_fails_exactly_when_the_reference_fails(data: bytes) -> None:
    try:
        expected: bytes | None = cobs_decode_reference(data)
    except CobsError:
        expected = None
    try:
        got: bytes | None = cobs_decode(data)
    except CobsError:
        got = None
    assert got == expected


@settings(max_examples=100)
@given(st.lists(any_message(), max_size=6), st.lists(st.integers(1, 40), max_size=8))
def test_stream_decoder_finds_the_frames_whatever_the_chunking(
    messages: list[Message], cuts: list[int]
) -> None:
    stream = b"".join(encode_frame(m, i) for i, m in enumerate(messages))
    decoder, got, pos = FrameDecoder(), [], 0
    for size in [*cuts, len(stream)]:
        got += decoder.feed(stream[pos : pos + size])
        pos += size
    assert got == [Frame(i, m) for i, m in enumerate(messages)]

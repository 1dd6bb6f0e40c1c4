"""The STATUS and HEARTBEAT readers answer exactly what the codec answers, or decline.

:func:`read_status` / :func:`read_heartbeat` skip the ``Frame`` and message objects for the two
frames a session exchanges every 100 ms. They may decline any frame (it then takes the codec's
path), but whatever they answer must be what the generic, table-walking decoder makes of the
same bytes — for well-formed frames of every type, damaged ones and arbitrary bytes — and a
well-formed frame of their own type must never be declined (else they would be useless).
"""

from __future__ import annotations

from binascii import crc_hqx
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol import FrameDecoder, FrameError, Heartbeat, Message, Status, encode_frame
from massage_ctl.protocol.cobs import cobs_encode
from massage_ctl.protocol.codec import decode_frame_generic
from massage_ctl.protocol.schema import PROTOCOL_VERSION
from massage_ctl.protocol.shortcuts import (
    StatusFields,
    encode_heartbeat,
    encode_status,
    read_heartbeat,
    read_status,
)

from .strategies import any_message, struct_strategy


def _generic(piece: bytes) -> Any:
    try:
        return decode_frame_generic(piece)
    except FrameError as err:
        return err.kind


def _check(piece: bytes) -> None:
    reference = _generic(piece)
    status, heartbeat = read_status(piece), read_heartbeat(piece)
    msg = getattr(reference, "message", None)
    if isinstance(msg, Status):
        assert status == (
            reference.seq, int(msg.state), int(msg.fault_bits), msg.last_seq, msg.values
        )
    else:
        assert status is None, reference
    if isinstance(msg, Heartbeat):
        assert heartbeat == (reference.seq, msg.stop_requested)
    else:
        assert heartbeat is None, reference


_STATUS_OR_HEARTBEAT = st.one_of(
    st.builds(Heartbeat, st.booleans()),
    struct_strategy(Status),
    any_message(),
)


@settings(max_examples=400)
@given(_STATUS_OR_HEARTBEAT, st.integers(0, 0xFFFF))
def test_well_formed_frames_read_as_the_codec_reads_them(message: Message, seq: int) -> None:
    _check(encode_frame(message, seq)[:-1])


@settings(max_examples=400)
@given(_STATUS_OR_HEARTBEAT, st.integers(0, 0xFFFF), st.data())
def test_damaged_frames_read_as_the_codec_reads_them(message: Message, seq: int, data: Any) -> None:
    raw = bytearray(encode_frame(message, seq)[:-1])
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(1, 255))  # a 0x00 would split the frame
    _check(bytes(raw))


@settings(max_examples=300)
@given(st.binary(min_size=1, max_size=120).filter(lambda b: 0 not in b))
def test_arbitrary_bytes_read_as_the_codec_reads_them(piece: bytes) -> None:
    _check(piece)


@given(st.lists(_STATUS_OR_HEARTBEAT, max_size=6), st.binary(max_size=12))
def test_feed_with_a_shortcut_yields_the_same_frames_and_errors(
    messages: list[Message], junk: bytes
) -> None:
    data = b"".join(encode_frame(m, i) for i, m in enumerate(messages)) + junk + b"\x00"
    plain, fast = FrameDecoder(), FrameDecoder()
    expected = plain.feed(data)
    got = fast.feed_with(data, read_status)
    assert len(got) == len(expected) and fast.frames == plain.frames
    assert fast.errors_by_kind == plain.errors_by_kind
    for a, b in zip(got, expected, strict=True):
        if isinstance(a, tuple):
            assert isinstance(b.message, Status)
            assert a == (b.seq, b.message.state, b.message.fault_bits, b.message.last_seq,
                         b.message.values)
        elif isinstance(a, FrameError):
            assert type(a) is type(b) and str(a) == str(b)
        else:
            assert a == b


@settings(max_examples=200)
@given(struct_strategy(Status), st.integers(0, 0xFFFF))
def test_read_status_names_each_field(message: Status, seq: int) -> None:
    # Receivers read the fields by name, never by position (issue 13): each name holds the
    # field of the same name in the codec's Status.
    got = read_status(encode_frame(message, seq)[:-1])
    assert isinstance(got, StatusFields)
    assert got.seq == seq
    assert got.state == message.state and got.fault_bits == message.fault_bits
    assert got.last_seq == message.last_seq and got.values == message.values
    assert got._fields == ("seq", *(fd.name for fd in Status.LAYOUT))


def test_a_status_with_an_unknown_state_or_a_heartbeat_flag_above_one_is_declined() -> None:
    def piece(body: bytes) -> bytes:
        return cobs_encode(body + crc_hqx(body, 0xFFFF).to_bytes(2, "big"))

    unknown_state = bytes([PROTOCOL_VERSION, Status.TYPE, 1, 0, 99, 0, 0, 0, 0, 0])
    assert read_status(piece(unknown_state)) is None
    assert isinstance(_generic(piece(unknown_state)), str)  # the codec names the error
    bad_flag = bytes([PROTOCOL_VERSION, Heartbeat.TYPE, 1, 0, 2])
    assert read_heartbeat(piece(bad_flag)) is None
    assert isinstance(_generic(piece(bad_flag)), str)


@settings(max_examples=400)
@given(
    struct_strategy(Status),
    st.integers(0, 0xFFFF),
)
def test_encode_status_gives_the_codecs_bytes(message: Status, seq: int) -> None:
    fields = (message.state, message.fault_bits, message.last_seq, message.values)
    assert encode_status(seq, *fields) == encode_frame(message, seq)


@given(st.integers(-5, 0x1_0005), st.integers(0, 40))
def test_encode_status_declines_what_does_not_fit(value: int, count: int) -> None:
    values = (value,) * count
    fits = count <= 32 and (count == 0 or 0 <= value <= 0xFFFF)
    assert (encode_status(1, 1, 0, 0, values) is not None) == fits


@given(st.integers(0, 0xFFFF), st.booleans())
def test_encode_heartbeat_gives_the_codecs_bytes(seq: int, stop_requested: bool) -> None:
    assert encode_heartbeat(seq, stop_requested) == encode_frame(Heartbeat(stop_requested), seq)

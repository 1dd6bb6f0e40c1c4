"""The streaming decoder: any chunking, garbage, resynchronisation, bounded memory (fuzzed)."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol import (
    MAX_FRAME_BYTES,
    Frame,
    FrameDecoder,
    FrameError,
    Heartbeat,
    Message,
    OversizedFrameError,
    Stop,
    encode_frame,
)

from .strategies import any_message

_MARKER = Stop()


def _feed_in_chunks(
    decoder: FrameDecoder, data: bytes, cuts: list[int]
) -> list[Frame | FrameError]:
    out: list[Frame | FrameError] = []
    positions = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for a, b in itertools.pairwise(positions):
        out += decoder.feed(data[a:b])
        assert decoder.buffered <= MAX_FRAME_BYTES - 1
    return out


@settings(max_examples=100)
@given(
    st.lists(st.tuples(any_message(), st.integers(0, 0xFFFF)), max_size=8),
    st.lists(st.integers(0, 10_000), max_size=20),
)
def test_frames_survive_any_chunking(frames: list[tuple[Message, int]], cuts: list[int]) -> None:
    wire = b"".join(encode_frame(m, s) for m, s in frames)
    out = _feed_in_chunks(FrameDecoder(), wire, cuts)
    assert out == [Frame(s, m) for m, s in frames]


@settings(max_examples=150)
@given(st.binary(max_size=600), st.lists(st.integers(0, 10_000), max_size=10))
def test_garbage_then_frame_resynchronises(garbage: bytes, cuts: list[int]) -> None:
    # Whatever came before, one 0x00 and a good frame bring the decoder back in step.
    good = encode_frame(_MARKER, 4242)
    decoder = FrameDecoder()
    out = _feed_in_chunks(decoder, garbage + b"\x00" + good, cuts)
    assert all(isinstance(r, Frame | FrameError) for r in out)
    assert out[-1] == Frame(4242, _MARKER)


@settings(max_examples=100)
@given(any_message(), st.integers(0, 0xFFFF), st.data())
def test_mutated_frames_never_crash_and_never_pass_as_other_frames(
    message: Message, seq: int, data: st.DataObject
) -> None:
    wire = bytearray(encode_frame(message, seq))
    n_edits = data.draw(st.integers(1, 4))
    for _ in range(n_edits):
        op = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        pos = data.draw(st.integers(0, len(wire) - 1)) if wire else 0
        if op == "flip" and wire:
            wire[pos] ^= data.draw(st.integers(1, 255))
        elif op == "insert":
            wire.insert(pos, data.draw(st.integers(0, 255)))
        elif wire:
            del wire[pos]
    decoder = FrameDecoder()
    out = decoder.feed(bytes(wire)) + decoder.feed(b"\x00" + encode_frame(_MARKER, 1))
    assert out[-1] == Frame(1, _MARKER)
    assert decoder.buffered == 0


def test_random_mutation_loop_only_yields_frames_or_frame_errors() -> None:
    # A bounded, seeded loop over many more mutations than hypothesis runs.
    rng = random.Random(1234)
    templates = [encode_frame(Heartbeat(True), 1), encode_frame(Stop(), 2)]
    decoder = FrameDecoder()
    decoded = 0
    for _ in range(3000):
        wire = bytearray(rng.choice(templates) * rng.randint(1, 3))
        for _ in range(rng.randint(0, 3)):
            i = rng.randrange(len(wire))
            wire[i] = rng.randrange(256)
        if rng.random() < 0.1:
            wire += rng.randbytes(rng.randint(0, 400))
        for r in decoder.feed(bytes(wire)):
            assert isinstance(r, Frame | FrameError)
            decoded += isinstance(r, Frame)
        assert decoder.buffered <= MAX_FRAME_BYTES - 1
    assert decoded > 1000  # most mutations leave some frames intact


def test_an_endless_stream_without_delimiter_stays_bounded_and_reports_once() -> None:
    decoder = FrameDecoder()
    errors: list[Frame | FrameError] = []
    for _ in range(1000):
        errors += decoder.feed(b"\x55" * 100)
        assert decoder.buffered <= MAX_FRAME_BYTES - 1
    assert len(errors) == 1 and isinstance(errors[0], OversizedFrameError)
    # The oversize run ends at the next delimiter, the following frame decodes.
    assert decoder.feed(b"\x00" + encode_frame(_MARKER, 9)) == [Frame(9, _MARKER)]
    assert decoder.errors_by_kind == {"oversized": 1}


def test_empty_frames_are_skipped_silently() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\x00\x00\x00") == []
    assert decoder.feed(encode_frame(_MARKER, 3) + b"\x00") == [Frame(3, _MARKER)]


def test_a_frame_of_exactly_the_maximum_size_is_accepted() -> None:
    decoder = FrameDecoder()
    body = bytes([0x11]) * (MAX_FRAME_BYTES - 1)  # garbage of the largest allowed length
    out = decoder.feed(body + b"\x00")
    assert [r.kind for r in out if isinstance(r, FrameError)] != ["oversized"]
    out = decoder.feed(bytes([0x11]) * MAX_FRAME_BYTES + b"\x00")
    assert [r.kind for r in out if isinstance(r, FrameError)] == ["oversized"]

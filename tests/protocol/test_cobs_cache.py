"""COBS fast paths that remember a frame's shape must answer exactly what the reference does.

``cobs_encode`` remembers the code bytes per zero pattern and ``cobs_decode`` the chain of code
bytes per frame length, so the interesting inputs are *runs of similar frames*: same length,
same zeros, different other bytes — and corrupted frames that look almost like a known one.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol import CobsError
from massage_ctl.protocol.cobs import (
    cobs_decode,
    cobs_decode_reference,
    cobs_encode,
    cobs_encode_reference,
)

# Bytes rich in zeros and in values that are also plausible code bytes.
_byte = st.one_of(st.just(0), st.sampled_from([1, 2, 3, 0xFE, 0xFF]), st.integers(0, 255))


def _decoded(data: bytes) -> bytes | str:
    try:
        return cobs_decode(data)
    except CobsError:
        return "error"


def _decoded_reference(data: bytes) -> bytes | str:
    try:
        return cobs_decode_reference(data)
    except CobsError:
        return "error"


@settings(max_examples=200)
@given(
    template=st.lists(_byte, max_size=300),
    changes=st.lists(st.tuples(st.integers(0, 299), st.integers(1, 255)), max_size=40),
)
def test_frames_of_one_shape_encode_and_decode_like_the_reference(
    template: list[int], changes: list[tuple[int, int]]
) -> None:
    frame = bytearray(template)
    for where, value in [(0, 0), *changes]:  # each step: one non-zero byte changes
        if frame and where:
            frame[where % len(frame)] = value if frame[where % len(frame)] else 0
        data = bytes(frame)
        encoded = cobs_encode(data)
        assert encoded == cobs_encode_reference(data)
        assert cobs_decode(encoded) == data


@settings(max_examples=200)
@given(
    data=st.lists(_byte, max_size=80).map(bytes),
    flips=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_a_corrupted_frame_after_a_good_one_decodes_like_the_reference(
    data: bytes, flips: list[tuple[int, int]]
) -> None:
    encoded = cobs_encode(data)
    assert cobs_decode(encoded) == data  # now the decoder knows this length's chain
    bad = bytearray(encoded)
    for where, value in flips:
        bad[where % len(bad)] = value
    assert _decoded(bytes(bad)) == _decoded_reference(bytes(bad))

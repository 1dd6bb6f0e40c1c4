"""COBS and CRC primitives: known answers, round trips, and only our errors on bad input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.protocol import CobsError, cobs_decode, cobs_encode, crc16


def test_crc_check_value() -> None:
    assert crc16(b"123456789") == 0x29B1


@pytest.mark.parametrize(
    ("decoded", "encoded"),
    [
        # Examples from Cheshire & Baker / the Wikipedia COBS article.
        ("", "01"),
        ("00", "0101"),
        ("0000", "010101"),
        ("00110000", "0102110101"),
        ("11223344", "0511223344"),
        ("11220033", "0311220233"),
        ("11000000", "0211010101"),
    ],
)
def test_cobs_known_answers(decoded: str, encoded: str) -> None:
    assert cobs_encode(bytes.fromhex(decoded)).hex() == encoded
    assert cobs_decode(bytes.fromhex(encoded)).hex() == decoded


def test_cobs_block_boundaries() -> None:
    run254 = bytes(range(1, 255))
    assert cobs_encode(run254) == b"\xff" + run254  # no extra code byte after a full block
    run255 = bytes(range(1, 256))
    assert cobs_encode(run255) == b"\xff" + run255[:254] + b"\x02\xff"
    assert cobs_decode(cobs_encode(run254 + b"\x00")) == run254 + b"\x00"


@settings(max_examples=200)
@given(st.binary(max_size=700))
def test_cobs_round_trip_and_no_zero(data: bytes) -> None:
    encoded = cobs_encode(data)
    assert 0 not in encoded
    assert len(encoded) <= len(data) + 1 + len(data) // 254
    assert cobs_decode(encoded) == data


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_cobs_decode_of_garbage_raises_only_cobs_error(data: bytes) -> None:
    with contextlib.suppress(CobsError):
        cobs_decode(data)


@pytest.mark.parametrize("bad", ["050102", "02", "00", "030100", "011100"])
def test_cobs_rejects_broken_stuffing(bad: str) -> None:
    with pytest.raises(CobsError):
        cobs_decode(bytes.fromhex(bad))

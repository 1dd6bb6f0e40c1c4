"""Protocol version 1 stays frozen and served; version 2 only adds (PROTOCOL.md §9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from massage_ctl.protocol import (
    PROTOCOL_V1,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    SCHEMA_HASH_V1,
    FieldRangeError,
    FrameDecoder,
    FrameError,
    Heartbeat,
    SessionLimit,
    SessionStart,
    Temperature,
    TemperatureReading,
    VersionError,
    decode_frame,
    encode_frame,
    message_from_fields,
    message_to_fields,
)
from massage_ctl.protocol.schema import canonical_text, schema_from_code, schema_from_toml

FP = Path(__file__).resolve().parents[2] / "firmware_protocol"
V1 = FP / "vectors" / "v1"


def _load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((V1 / name).read_text(encoding="utf-8"))
    return cases


def test_version_1_schema_is_frozen_with_its_published_hash() -> None:
    frozen = schema_from_toml((FP / "messages_v1.toml").read_text(encoding="utf-8"))
    assert canonical_text(frozen) == canonical_text(schema_from_code(PROTOCOL_V1))
    assert SCHEMA_HASH_V1 == 0xDEAE8B4B


def test_version_2_is_the_newest_and_differs() -> None:
    assert PROTOCOL_VERSION == 2
    assert SCHEMA_HASH != SCHEMA_HASH_V1


@pytest.mark.parametrize("case", _load("messages.json"), ids=lambda c: c["name"])
def test_every_version_1_vector_still_decodes_and_encodes(case: dict[str, Any]) -> None:
    wire = bytes.fromhex(case["wire"])
    frame = decode_frame(wire, PROTOCOL_V1)
    assert frame.seq == case["seq"]
    assert message_to_fields(frame.message) | {"limits": []} == case["fields"] | {"limits": []}
    fields = case["fields"]
    if case["message"] == "SESSION_START":  # version 1 has no limits: the default, none
        fields = {**fields, "limits": []}
    message = message_from_fields(case["message"], fields)
    assert encode_frame(message, case["seq"], PROTOCOL_V1) == wire


@pytest.mark.parametrize("case", _load("invalid.json"), ids=lambda c: c["name"])
def test_every_version_1_bad_frame_keeps_its_verdict(case: dict[str, Any]) -> None:
    with pytest.raises(FrameError) as err:
        decode_frame(bytes.fromhex(case["wire"]), PROTOCOL_V1)
    assert err.value.kind == case["error"]


def test_a_version_1_frame_is_a_version_error_for_a_version_2_peer() -> None:
    wire = encode_frame(Heartbeat(False), 5, PROTOCOL_V1)
    with pytest.raises(VersionError) as err:
        decode_frame(wire)
    assert err.value.version == 1
    # The frame is kept, so a device can read a foreign HELLO's frozen fields.
    assert err.value.raw[:4] == bytes([1, Heartbeat.TYPE, 5, 0])
    decoder = FrameDecoder(PROTOCOL_V1)
    assert [f.message for f in decoder.feed(wire)] == [Heartbeat(False)]  # type: ignore[union-attr]


def test_session_limits_cannot_be_sent_to_a_version_1_device() -> None:
    # Silently dropping them would let the user believe the device enforces them.
    start = SessionStart(500, (SessionLimit(0, 22937, 50),))
    with pytest.raises(FieldRangeError, match="no such field"):
        encode_frame(start, 1, PROTOCOL_V1)
    assert decode_frame(encode_frame(SessionStart(500), 1, PROTOCOL_V1), PROTOCOL_V1).message == (
        SessionStart(500)
    )
    with pytest.raises(FieldRangeError, match="no TEMPERATURE"):
        encode_frame(Temperature((TemperatureReading(0, 1),)), 1, PROTOCOL_V1)


def test_version_2_session_start_carries_the_limits() -> None:
    start = SessionStart(500, (SessionLimit(0, 22937, 50), SessionLimit(5, 100, 1)))
    wire = encode_frame(start, 9)
    assert decode_frame(wire).message == start
    assert len(encode_frame(SessionStart(500), 9)) == 11  # one byte more than v1: the count

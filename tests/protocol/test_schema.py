"""The codec implements exactly the message set of firmware_protocol/messages.toml."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from massage_ctl import protocol
from massage_ctl.protocol.schema import (
    canonical_text,
    schema_from_code,
    schema_from_toml,
    schema_hash,
)

TOML_PATH = Path(__file__).resolve().parents[2] / "firmware_protocol" / "messages.toml"


def test_codec_layouts_equal_messages_toml() -> None:
    from_toml = schema_from_toml(TOML_PATH.read_text(encoding="utf-8"))
    from_code = schema_from_code()
    # Compare piece by piece first so a failure names the differing message.
    assert [m.name for m in from_code.messages] == [m.name for m in from_toml.messages]
    for ours, theirs in zip(from_code.messages, from_toml.messages, strict=True):
        assert ours == theirs, ours.name
    assert from_code.structs == from_toml.structs
    assert from_code.enums == from_toml.enums
    assert from_code == from_toml


def test_schema_hash_is_sha256_prefix_of_canonical_text_of_the_toml() -> None:
    text = canonical_text(schema_from_toml(TOML_PATH.read_text(encoding="utf-8")))
    expected = int.from_bytes(hashlib.sha256(text.encode("ascii")).digest()[:4], "big")
    assert expected == protocol.SCHEMA_HASH


def test_protocol_constants_equal_messages_toml() -> None:
    proto = tomllib.loads(TOML_PATH.read_text(encoding="utf-8"))["protocol"]
    assert proto["version"] == protocol.PROTOCOL_VERSION
    assert proto["max_frame_bytes"] == protocol.MAX_FRAME_BYTES
    assert proto["max_decoded_bytes"] == protocol.MAX_DECODED_BYTES
    assert proto["max_payload_bytes"] == protocol.MAX_PAYLOAD_BYTES


def test_any_wire_relevant_change_changes_the_hash() -> None:
    text = TOML_PATH.read_text(encoding="utf-8")
    base = schema_hash(schema_from_toml(text))
    for old, new in [
        ('name = "ramp_ms", type = "u32"', 'name = "ramp_ms", type = "u16"'),
        ("IDLE = 0, RUNNING = 1", "IDLE = 0, RUNNING = 5"),
        ("type = 0x21", "type = 0x22"),
        (
            'type = "SetpointEntry[]", min = 1, max = 24',
            'type = "SetpointEntry[]", min = 1, max = 23',
        ),
    ]:
        assert old in text
        assert schema_hash(schema_from_toml(text.replace(old, new, 1))) != base, new


def test_docs_do_not_change_the_hash() -> None:
    text = TOML_PATH.read_text(encoding="utf-8")
    edited = text.replace('doc = "every 100 ms;', 'doc = "about every 100 ms;')
    assert edited != text
    assert schema_hash(schema_from_toml(edited)) == schema_hash(schema_from_toml(text))


def test_ble_uuids_equal_messages_toml() -> None:
    ble = tomllib.loads(TOML_PATH.read_text(encoding="utf-8"))["protocol"]["ble"]
    assert ble["service_uuid"] == protocol.BLE_SERVICE_UUID
    assert ble["rx_char_uuid"] == protocol.BLE_RX_CHAR_UUID
    assert ble["tx_char_uuid"] == protocol.BLE_TX_CHAR_UUID

"""Vectors for the value constraints of messages.toml (PROTOCOL.md §3.4 check 9).

One frame per constraint, valid but for that one value (the encoder refuses to build such a
frame, so its payload is packed by hand here), and valid frames at each constraint's edge.
gen_vectors.py adds them to invalid.json and messages.json.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import Any

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    ChannelInfo,
    DeviceInfo,
    ZoneCode,
    cobs_encode,
    crc16,
    encode_frame,
    handshake_messages_for,
    message_to_fields,
)
from massage_ctl.protocol.codec import encode_payload


def _raw_frame(type_code: int, payload: bytes) -> bytes:
    body = bytes([PROTOCOL_VERSION, type_code, 0, 0]) + payload
    return cobs_encode(body + crc16(body).to_bytes(2, "big")) + b"\x00"


def _invalid(name: str, wire: bytes) -> dict[str, Any]:
    return {"name": name, "wire": wire.hex(), "error": "malformed"}


def _valid(name: str, message: DeviceInfo | ChannelInfo) -> dict[str, Any]:
    return {
        "name": name,
        "message": message.NAME,
        "seq": 0,
        "fields": message_to_fields(message),
        "wire": encode_frame(message, 0).hex(),
    }


def _str(text: str) -> bytes:
    raw = text.encode("utf-8")
    return bytes([len(raw)]) + raw


def _pack_unchecked(m: DeviceInfo | ChannelInfo) -> bytes:
    """The payload of a handshake message packed by hand, without the encoder's value checks,
    so a vector can carry exactly one broken constraint (PROTOCOL.md §3.4 check 9)."""
    if isinstance(m, DeviceInfo):
        return (
            struct.pack("<BII", m.protocol_version, m.schema_hash, m.max_frame_rate_chz)
            + bytes([m.channel_count])
            + _str(m.profile_id)
            + _str(m.name)
            + _str(m.firmware_version)
        )
    return (
        bytes([m.index])
        + _str(m.channel_id)
        + struct.pack(
            "<BBBiiiIBHHBB",
            m.zone, m.side, m.kind, m.min_milli, m.range_max_milli, m.hard_max_milli,
            m.max_ramp_milli_per_s, m.patterns, m.rate_min_chz, m.rate_max_chz,
            m.reach_first, m.reach_last,
        )
    )  # fmt: skip


def constraint_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One bad frame per value constraint of messages.toml, valid but for that one value, and
    valid frames at the constraints' edges: ``(invalid, valid)``."""
    info, channels = handshake_messages_for(load_device_profile("pad"), firmware_version="1.0")
    ch = channels[0]
    assert _pack_unchecked(info) == encode_payload(info)
    assert _pack_unchecked(ch) == encode_payload(ch)
    bad_info: list[tuple[str, DeviceInfo]] = [
        ("device-info channel_count 0", dataclasses.replace(info, channel_count=0)),
        ("device-info channel_count 33", dataclasses.replace(info, channel_count=33)),
        ("device-info profile_id upper case", dataclasses.replace(info, profile_id="Pad")),
        ("device-info profile_id empty", dataclasses.replace(info, profile_id="")),
        ("device-info profile_id starts with -", dataclasses.replace(info, profile_id="-pad")),
    ]
    bad_channel: list[tuple[str, ChannelInfo]] = [
        ("channel-info index 32", dataclasses.replace(ch, index=32)),
        ("channel-info channel_id with a space", dataclasses.replace(ch, channel_id="vib back")),
        ("channel-info channel_id starts with .", dataclasses.replace(ch, channel_id=".vib")),
        ("channel-info zone NONE", dataclasses.replace(ch, zone=ZoneCode.NONE)),
        ("channel-info range_max_milli 0", dataclasses.replace(
            ch, min_milli=0, range_max_milli=0, hard_max_milli=0)),
        ("channel-info hard_max_milli below min_milli", dataclasses.replace(
            ch, min_milli=100, hard_max_milli=50)),
        ("channel-info hard_max_milli above range_max_milli", dataclasses.replace(
            ch, hard_max_milli=ch.range_max_milli + 1)),
        ("channel-info max_ramp_milli_per_s 0", dataclasses.replace(ch, max_ramp_milli_per_s=0)),
        ("channel-info patterns without STEADY", dataclasses.replace(ch, patterns=0b10)),
        ("channel-info rate_max_chz below rate_min_chz", dataclasses.replace(
            ch, rate_min_chz=500, rate_max_chz=100)),
    ]  # fmt: skip
    cases = [
        _invalid(f"malformed: {name}", _raw_frame(m.TYPE, _pack_unchecked(m)))
        for name, m in [*bad_info, *bad_channel]
    ]
    # The limits themselves are allowed: one valid frame at each edge.
    edges: list[tuple[str, DeviceInfo | ChannelInfo]] = [
        ("device-info channel_count 32", dataclasses.replace(info, channel_count=32)),
        ("channel-info hard max = min = 0", dataclasses.replace(
            ch, min_milli=0, hard_max_milli=0)),
        ("channel-info hard max = range max", dataclasses.replace(
            ch, hard_max_milli=ch.range_max_milli)),
        ("channel-info ramp 1, STEADY only, index 31", dataclasses.replace(
            ch, max_ramp_milli_per_s=1, patterns=1, index=31, rate_min_chz=0, rate_max_chz=0)),
    ]  # fmt: skip
    # §3.4: value constraints come after the layout walk, so a short frame stays "truncated".
    short = _pack_unchecked(dataclasses.replace(info, channel_count=0))[:-1]
    cases.append(_invalid("truncated: device-info channel_count 0 and cut short",
                          _raw_frame(0x02, short)) | {"error": "truncated"})  # fmt: skip
    return cases, [_valid(name, m) for name, m in edges]

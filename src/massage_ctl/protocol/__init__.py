"""The wire codec: COBS framing, CRC-16/CCITT-FALSE, typed messages, a streaming decoder.

The full specification is ``firmware_protocol/PROTOCOL.md``; the message set is defined once in
``firmware_protocol/messages.toml`` and this package is tested to match it exactly.

Frame (before COBS; on the wire ``cobs(frame) + b"\\x00"``, at most MAX_FRAME_BYTES = 256)::

    version u8 | type u8 | seq u16 LE | payload (LE fields) | CRC-16/CCITT-FALSE u16 BE

Public API
----------
Constants
    ``PROTOCOL_VERSION`` (2, offered first), ``PROTOCOL_V1`` (1, still served),
    ``SUPPORTED_VERSIONS``, ``SCHEMA_HASH`` (u32, PROTOCOL.md §9; ``SCHEMA_HASHES`` per
    version, ``SCHEMA_HASH_V1`` = 0xDEAE8B4B), ``MAX_FRAME_BYTES``
    (encoded, delimiter included), ``MAX_DECODED_BYTES``, ``MAX_PAYLOAD_BYTES``,
    ``RAW_FULL_SCALE`` (0xFFFF), ``NO_CHANNEL`` (255).
Messages (frozen dataclasses, base :class:`Message`; ``TYPE``/``NAME`` class attributes)
    ``Hello(protocol_version, schema_hash)`` · ``DeviceInfo(...)`` · ``ChannelInfo(...)`` ·
    ``SessionStart(watchdog_ms, limits=())`` with ``SessionLimit(channel, max_target,
    max_ramp_milli_per_s)`` (version 2) · ``SessionEnd()`` · ``Setpoint(entries)`` with
    ``SetpointEntry(channel, target, ramp_ms, pattern, rate_chz)`` · ``Heartbeat(stop_requested)``
    · ``Stop(reason)`` · ``Clear()`` · ``Status(state, fault_bits, last_seq, values)`` ·
    ``Ack(acked_seq, acked_type, result, detail)`` · ``Fault(code, channel, detail)`` ·
    ``Temperature(readings)`` with ``TemperatureReading(channel, temp_milli)`` (version 2).
    ``Frame(seq, message)`` is a decoded frame.
Enums
    ``DeviceState``, ``AckResult``, ``FaultCode``, ``FaultBits`` (IntFlag), ``PatternCode``,
    ``ChannelKindCode``, ``ZoneCode``, ``SideCode``, ``StopReason``.
Encoding and decoding
    Every encoder/decoder takes ``version`` (default ``PROTOCOL_VERSION``): the link's
    negotiated protocol version; a frame of another version is a ``version`` error.
    ``encode_frame(message, seq) -> bytes`` — COBS bytes plus trailing 0x00; raises
    ``FieldRangeError`` if a value does not fit.
    ``decode_frame(data) -> Frame`` — one frame, trailing 0x00 optional; raises one
    ``FrameError`` subclass (``.kind``: ``cobs``, ``truncated``, ``oversized``, ``crc``,
    ``version``, ``unknown-type``, ``malformed``).
    ``FrameDecoder().feed(data) -> list[Frame | FrameError]`` — streaming, any chunking; never
    raises for bad input, resynchronises at the next 0x00, buffers at most MAX_FRAME_BYTES - 1.
    ``cobs_encode``, ``cobs_decode``, ``crc16`` — the primitives.
    ``FrameDecoder().feed_with(data, shortcut)`` with ``protocol.shortcuts.read_status`` /
    ``read_heartbeat``: the 10 Hz frames as their fields (STATUS as the named tuple
    ``shortcuts.StatusFields``), everything else as by ``feed``;
    ``shortcuts.encode_status`` / ``encode_heartbeat`` — the same bytes as ``encode_frame``.
Units
    ``value_to_raw(value, range_max) -> int`` / ``raw_to_value(raw, range_max) -> float`` —
    envelope ↔ u16 fraction of the channel's range max (clamped into the range);
    ``hz_to_chz`` / ``chz_to_hz``.
Handshake
    ``handshake_messages_for(profile) -> (DeviceInfo, (ChannelInfo, ...))``,
    ``handshake_frames_for(profile, first_seq=0) -> [bytes, ...]`` (what a device answers to
    HELLO, before its ACK), ``device_profile_from_handshake(info, channels) -> DeviceProfile``,
    ``check_device_info(info)`` (``LinkError`` on version/schema mismatch),
    ``setpoint_entry_for(index, spec, value, ramp_ms=, pattern=, rate_hz=)``.
BLE
    ``BLE_SERVICE_UUID``, ``BLE_RX_CHAR_UUID`` (write without response, controller → device),
    ``BLE_TX_CHAR_UUID`` (notify, device → controller).
JSON form
    ``message_to_fields(message) -> dict`` / ``message_from_fields(name, fields)``.

Example::

    >>> from massage_ctl.protocol import Heartbeat, encode_frame, decode_frame
    >>> wire = encode_frame(Heartbeat(stop_requested=True), seq=7)
    >>> decode_frame(wire).message
    Heartbeat(stop_requested=True)
"""

from massage_ctl.protocol.ble import BLE_RX_CHAR_UUID, BLE_SERVICE_UUID, BLE_TX_CHAR_UUID
from massage_ctl.protocol.cobs import cobs_decode, cobs_encode, crc16
from massage_ctl.protocol.codec import decode_frame, decode_raw, encode_frame, encode_payload
from massage_ctl.protocol.enums import (
    AckResult,
    ChannelKindCode,
    DeviceState,
    FaultBits,
    FaultCode,
    PatternCode,
    SideCode,
    StopReason,
    ZoneCode,
)
from massage_ctl.protocol.errors import (
    FRAME_ERRORS,
    CobsError,
    CrcError,
    FieldRangeError,
    FrameError,
    MalformedFrameError,
    OversizedFrameError,
    TruncatedFrameError,
    UnknownTypeError,
    VersionError,
)
from massage_ctl.protocol.fields import MESSAGES_BY_NAME, message_from_fields, message_to_fields
from massage_ctl.protocol.handshake import (
    channel_info_for,
    channel_spec_from_info,
    check_device_info,
    device_profile_from_handshake,
    handshake_frames_for,
    handshake_messages_for,
    pattern_mask,
    setpoint_entry_for,
)
from massage_ctl.protocol.messages import (
    MESSAGE_CLASSES,
    MESSAGES_BY_TYPE,
    NO_CHANNEL,
    Ack,
    ChannelInfo,
    Clear,
    DeviceInfo,
    Fault,
    Frame,
    Heartbeat,
    Hello,
    Message,
    SessionEnd,
    SessionLimit,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
    Stop,
    Temperature,
    TemperatureReading,
)
from massage_ctl.protocol.schema import (
    MAX_DECODED_BYTES,
    MAX_FRAME_BYTES,
    MAX_PAYLOAD_BYTES,
    PROTOCOL_V1,
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    SCHEMA_HASH_V1,
    SCHEMA_HASHES,
    SUPPORTED_VERSIONS,
)
from massage_ctl.protocol.stream import FrameDecoder
from massage_ctl.protocol.units import (
    RAW_FULL_SCALE,
    chz_to_hz,
    hz_to_chz,
    raw_to_value,
    value_to_raw,
)

__all__ = [
    "BLE_RX_CHAR_UUID",
    "BLE_SERVICE_UUID",
    "BLE_TX_CHAR_UUID",
    "FRAME_ERRORS",
    "MAX_DECODED_BYTES",
    "MAX_FRAME_BYTES",
    "MAX_PAYLOAD_BYTES",
    "MESSAGES_BY_NAME",
    "MESSAGES_BY_TYPE",
    "MESSAGE_CLASSES",
    "NO_CHANNEL",
    "PROTOCOL_V1",
    "PROTOCOL_VERSION",
    "RAW_FULL_SCALE",
    "SCHEMA_HASH",
    "SCHEMA_HASHES",
    "SCHEMA_HASH_V1",
    "SUPPORTED_VERSIONS",
    "Ack",
    "AckResult",
    "ChannelInfo",
    "ChannelKindCode",
    "Clear",
    "CobsError",
    "CrcError",
    "DeviceInfo",
    "DeviceState",
    "Fault",
    "FaultBits",
    "FaultCode",
    "FieldRangeError",
    "Frame",
    "FrameDecoder",
    "FrameError",
    "Heartbeat",
    "Hello",
    "MalformedFrameError",
    "Message",
    "OversizedFrameError",
    "PatternCode",
    "SessionEnd",
    "SessionLimit",
    "SessionStart",
    "Setpoint",
    "SetpointEntry",
    "SideCode",
    "Status",
    "Stop",
    "StopReason",
    "Temperature",
    "TemperatureReading",
    "TruncatedFrameError",
    "UnknownTypeError",
    "VersionError",
    "ZoneCode",
    "channel_info_for",
    "channel_spec_from_info",
    "check_device_info",
    "chz_to_hz",
    "cobs_decode",
    "cobs_encode",
    "crc16",
    "decode_frame",
    "decode_raw",
    "device_profile_from_handshake",
    "encode_frame",
    "encode_payload",
    "handshake_frames_for",
    "handshake_messages_for",
    "hz_to_chz",
    "message_from_fields",
    "message_to_fields",
    "pattern_mask",
    "raw_to_value",
    "setpoint_entry_for",
    "value_to_raw",
]

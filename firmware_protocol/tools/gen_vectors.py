#!/usr/bin/env python3
"""Generate the test vectors in firmware_protocol/vectors/ from the Python codec.

    python firmware_protocol/tools/gen_vectors.py          # rewrite the vector files
    python firmware_protocol/tools/gen_vectors.py --check  # exit 1 if they are out of date

The files are generated: never edit them by hand (vectors/README.md says so too). A test
(tests/protocol/test_vectors.py) checks the committed files equal a fresh generation and that
decoding each vector gives its stated fields or verdict.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Ack,
    AckResult,
    Clear,
    DeviceState,
    Fault,
    FaultBits,
    FaultCode,
    Heartbeat,
    Hello,
    Message,
    PatternCode,
    SessionEnd,
    SessionLimit,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Status,
    Stop,
    StopReason,
    Temperature,
    TemperatureReading,
    cobs_encode,
    crc16,
    encode_frame,
    handshake_messages_for,
    message_to_fields,
)
from massage_ctl.protocol.codec import encode_payload

# The sibling files of this script: the constraint vectors and the scripted exchanges.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from constraint_vectors import constraint_cases
from exchanges import exchanges

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
#: The version byte of every hand-built frame (the newest version; vectors/v1/ keeps the
#: frozen version-1 vectors, which this script no longer writes).
V = PROTOCOL_VERSION


def _valid(name: str, message: Message, seq: int) -> dict[str, Any]:
    return {
        "name": name,
        "message": message.NAME,
        "seq": seq,
        "fields": message_to_fields(message),
        "wire": encode_frame(message, seq).hex(),
    }


def _raw_frame(version: int, type_code: int, seq: int, payload: bytes) -> bytes:
    """A frame built by hand (correct CRC and COBS) so only the intended defect remains."""
    body = bytes([version, type_code, seq & 0xFF, seq >> 8]) + payload
    return cobs_encode(body + crc16(body).to_bytes(2, "big")) + b"\x00"


def _invalid(name: str, wire: bytes, error: str) -> dict[str, Any]:
    return {"name": name, "wire": wire.hex(), "error": error}


def messages_cases() -> list[dict[str, Any]]:
    """At least one valid frame of every message type."""
    pad = load_device_profile("pad")
    info, channels = handshake_messages_for(pad, firmware_version="pad-1.0.0")
    chair_info, chair_channels = handshake_messages_for(
        load_device_profile("chair"), firmware_version="chair-2.1"
    )
    knead = next(c for c in chair_channels if c.channel_id == "roller.knead")
    heat = next(c for c in chair_channels if c.channel_id == "heat.lower-back")
    return [
        _valid("hello", Hello(PROTOCOL_VERSION, SCHEMA_HASH), 0),
        _valid("device-info pad", info, 0),
        _valid("channel-info pad 0", channels[0], 1),
        _valid("channel-info pad 3", channels[3], 4),
        _valid("device-info chair", chair_info, 0),
        _valid("channel-info chair roller (reach, 4 patterns)", knead, 14),
        _valid("channel-info chair heat (degC)", heat, 16),
        _valid("session-start 500 ms", SessionStart(500), 1),
        _valid("session-start 1000 ms", SessionStart(1000), 2),
        _valid(
            "session-start gentle limits",
            SessionStart(500, (SessionLimit(0, 22937, 50), SessionLimit(3, 22937, 50))),
            3,
        ),
        _valid(
            "session-start heat ceiling",
            SessionStart(500, (SessionLimit(9, 55705, 100),)),
            4,
        ),
        _valid("session-end", SessionEnd(), 900),
        _valid(
            "setpoint single steady",
            Setpoint((SetpointEntry(0, 32768, 2000, PatternCode.STEADY, 0),)),
            3,
        ),
        _valid(
            "setpoint single pulse 2.5 Hz long ramp",
            Setpoint((SetpointEntry(3, 0xFFFF, 400_000, PatternCode.PULSE, 250),)),
            4,
        ),
        _valid(
            "setpoint three channels",
            Setpoint(
                (
                    SetpointEntry(0, 0, 0, PatternCode.STEADY, 0),
                    SetpointEntry(1, 21845, 1500, PatternCode.WAVE, 50),
                    SetpointEntry(2, 52428, 3000, PatternCode.KNEAD, 120),
                )
            ),
            5,
        ),
        _valid(
            "setpoint 24 channels (maximum)",
            Setpoint(
                tuple(SetpointEntry(i, i * 2000, 100 * i, PatternCode.STEADY, 0) for i in range(24))
            ),
            6,
        ),
        _valid("heartbeat", Heartbeat(False), 7),
        _valid("heartbeat with stop requested", Heartbeat(True), 8),
        _valid("heartbeat seq wraps 0xFFFF", Heartbeat(False), 0xFFFF),
        _valid("stop user", Stop(StopReason.USER), 9),
        _valid("stop shutdown", Stop(StopReason.SHUTDOWN), 10),
        _valid("clear", Clear(), 11),
        _valid(
            "status running pad",
            Status(DeviceState.RUNNING, FaultBits(0), 5, (32768, 0, 65535, 100)),
            12,
        ),
        _valid("status idle no channels listed", Status(DeviceState.IDLE, FaultBits(0), 0, ()), 0),
        _valid(
            "status fault over-temperature",
            Status(DeviceState.FAULT, FaultBits.OVER_TEMPERATURE, 42, (0, 0, 0, 0)),
            13,
        ),
        _valid(
            "status link-lost watchdog",
            Status(DeviceState.LINK_LOST, FaultBits.WATCHDOG, 99, (0, 0, 0, 0)),
            14,
        ),
        _valid("status stopped", Status(DeviceState.STOPPED, FaultBits(0), 9, (0, 0, 0, 0)), 15),
        _valid("ack ok session-start", Ack(1, SessionStart.TYPE, AckResult.OK, 500), 16),
        _valid("ack clamped watchdog", Ack(2, SessionStart.TYPE, AckResult.CLAMPED, 2000), 17),
        _valid("ack bad-channel setpoint", Ack(5, Setpoint.TYPE, AckResult.BAD_CHANNEL, 7), 18),
        _valid("ack latched", Ack(6, SessionStart.TYPE, AckResult.LATCHED, 0), 19),
        _valid("ack version-mismatch", Ack(0, Hello.TYPE, AckResult.VERSION_MISMATCH, 0), 20),
        _valid("fault over-temperature", Fault(FaultCode.OVER_TEMPERATURE, 15, 44_500), 21),
        _valid("fault watchdog", Fault(FaultCode.WATCHDOG, 255, 0), 22),
        _valid("fault stuck channel", Fault(FaultCode.STUCK_CHANNEL, 2, -1), 23),
        _valid("temperature one pad", Temperature((TemperatureReading(9, 36512),)), 24),
        _valid(
            "temperature two pads",
            Temperature((TemperatureReading(1, 25000), TemperatureReading(2, -1500))),
            25,
        ),
    ]


def invalid_cases() -> list[dict[str, Any]]:
    """One or more bad frames of every error kind."""
    hb = bytearray(encode_frame(Heartbeat(False), 7))
    hb_bad_crc = bytes(hb[:-2]) + bytes([hb[-2] ^ 0x01]) + b"\x00"
    sp = encode_payload(Setpoint((SetpointEntry(0, 1000, 0, PatternCode.STEADY, 0),)))
    return [
        _invalid("crc: last CRC byte flipped", hb_bad_crc, "crc"),
        _invalid(
            "crc: payload byte changed",
            cobs_encode(
                bytes([V, 0x21, 7, 0, 1]) + crc16(bytes([V, 0x21, 7, 0, 0])).to_bytes(2, "big")
            )
            + b"\x00",
            "crc",
        ),
        _invalid("truncated: empty frame", b"\x00", "truncated"),
        _invalid("truncated: 3 bytes", cobs_encode(bytes([V, 0x21, 7])) + b"\x00", "truncated"),
        _invalid(
            "truncated: setpoint entry cut short", _raw_frame(V, 0x20, 3, sp[:-3]), "truncated"
        ),
        _invalid(
            "truncated: session-start without payload", _raw_frame(V, 0x10, 1, b""), "truncated"
        ),
        _invalid(
            "truncated: session-start (v2) without its limits count",
            _raw_frame(V, 0x10, 1, b"\xf4\x01"),
            "truncated",
        ),
        _invalid(
            "malformed: session-start with 33 limits",
            _raw_frame(V, 0x10, 1, b"\xf4\x01" + bytes([33]) + bytes(7 * 33)),
            "malformed",
        ),
        _invalid(
            "malformed: temperature with no readings", _raw_frame(V, 0x43, 1, b"\x00"), "malformed"
        ),
        _invalid(
            "oversized: 257 bytes on the wire",
            cobs_encode(bytes(range(1, 256)) + b"\x01") + b"\x00",
            "oversized",
        ),
        _invalid("unknown-type: 0x7F", _raw_frame(V, 0x7F, 1, b""), "unknown-type"),
        _invalid("unknown-type: 0x00", _raw_frame(V, 0x00, 1, b""), "unknown-type"),
        _invalid("version: 1", _raw_frame(1, 0x21, 0, b"\x00"), "version"),
        _invalid("version: 3", _raw_frame(3, 0x01, 0, b"\x03\x00\x00\x00\x00"), "version"),
        _invalid("version: 0", _raw_frame(0, 0x21, 0, b"\x00"), "version"),
        _invalid("cobs: code byte points past the end", bytes.fromhex("0501020300"), "cobs"),
        _invalid("cobs: 0x00 inside the frame", bytes.fromhex("0301000200"), "cobs"),
        _invalid(
            "malformed: heartbeat with an extra byte",
            _raw_frame(V, 0x21, 1, b"\x00\x00"),
            "malformed",
        ),
        _invalid("malformed: heartbeat flag 2", _raw_frame(V, 0x21, 1, b"\x02"), "malformed"),
        _invalid(
            "malformed: status with state 9",
            _raw_frame(V, 0x40, 1, b"\x09\x00\x00\x00\x00\x00"),
            "malformed",
        ),
        _invalid(
            "malformed: setpoint with no entries", _raw_frame(V, 0x20, 1, b"\x00"), "malformed"
        ),
        # §3.4: a message of fixed-size fields is checked for length as a whole first ...
        _invalid(
            "truncated: ack with result 99 and one byte short",
            _raw_frame(V, 0x41, 1, b"\x01\x00\x20\x63\x00"),
            "truncated",
        ),
        # ... a message with a str or array field field by field, the first problem deciding.
        _invalid(
            "malformed: channel-info zone 9, then cut short",
            _raw_frame(V, 0x03, 1, b"\x00\x01a\x09\x00\x00"),
            "malformed",
        ),
        _invalid(
            "malformed: setpoint count 25 (over 24)",
            _raw_frame(V, 0x20, 1, b"\x19" + sp[1:] * 2),
            "malformed",
        ),
        _invalid(
            "malformed: setpoint pattern 9",
            _raw_frame(V, 0x20, 1, sp[:-3] + b"\x09" + sp[-2:]),
            "malformed",
        ),
        _invalid(
            "malformed: device name not UTF-8",
            _raw_frame(
                V,
                0x02,
                0,
                bytes([V]) + b"\x00" * 8 + b"\x01" + b"\x01p" + b"\x02\xff\xfe" + b"\x00",
            ),
            "malformed",
        ),
    ]


def cobs_cases() -> list[dict[str, Any]]:
    """COBS alone (no delimiter in ``encoded``), including the block-boundary edge cases."""
    data = {
        "empty": b"",
        "one zero": b"\x00",
        "two zeros": b"\x00\x00",
        "all zeros (8)": bytes(8),
        "zero in the middle": b"\x11\x22\x00\x33",
        "no zeros": b"\x11\x22\x33\x44",
        "trailing zero": b"\x11\x00",
        "253 non-zero bytes": bytes((i % 255) + 1 for i in range(253)),
        "254 non-zero bytes": bytes((i % 255) + 1 for i in range(254)),
        "255 non-zero bytes": bytes((i % 255) + 1 for i in range(255)),
        "254 non-zero bytes then a zero": bytes((i % 255) + 1 for i in range(254)) + b"\x00",
        "zero then 254 non-zero bytes": b"\x00" + bytes((i % 255) + 1 for i in range(254)),
    }
    return [
        {"name": n, "decoded": d.hex(), "encoded": cobs_encode(d).hex()} for n, d in data.items()
    ]


def crc_cases() -> list[dict[str, Any]]:
    """CRC-16/CCITT-FALSE over sample inputs; the first is the catalogue check value 0x29B1."""
    data = {
        "check value '123456789'": b"123456789",
        "empty": b"",
        "one zero byte": b"\x00",
        "0xFF x4": b"\xff" * 4,
        "heartbeat header + payload": bytes([V, 0x21, 7, 0, 0]),
    }
    return [{"name": n, "data": d.hex(), "crc": f"0x{crc16(d):04X}"} for n, d in data.items()]


def stream_cases() -> list[dict[str, Any]]:
    """Byte streams for a streaming decoder: garbage, empty frames, oversize runs, then frames."""
    hb = encode_frame(Heartbeat(False), 1)
    stop = encode_frame(Stop(StopReason.USER), 2)
    garbage = bytes([0x13, 0x37, 0xFF, 0x42])
    return [
        {
            "name": "two frames back to back",
            "wire": (hb + stop).hex(),
            "expect": ["HEARTBEAT", "STOP"],
        },
        {
            "name": "leading 0x00 and empty frames are skipped",
            "wire": (b"\x00\x00" + hb).hex(),
            "expect": ["HEARTBEAT"],
        },
        {
            "name": "garbage then resync",
            "wire": (garbage + b"\x00" + stop).hex(),
            "expect": ["error:cobs", "STOP"],
        },
        {
            "name": "300 bytes without delimiter, then a frame",
            "wire": (b"\x01" * 300 + b"\x00" + hb).hex(),
            "expect": ["error:oversized", "HEARTBEAT"],
        },
    ]


def generate() -> dict[str, str]:
    """File name → exact file text of every vector file."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_exchanges import exchanges_cases

    files = {
        "version_exchanges.json": exchanges_cases(),
        "messages.json": messages_cases() + constraint_cases()[1],
        "invalid.json": invalid_cases() + constraint_cases()[0],
        "cobs.json": cobs_cases(),
        "crc.json": crc_cases(),
        "stream.json": stream_cases(),
        "exchanges.json": exchanges(),
    }
    return {
        name: json.dumps(cases, indent=1, ensure_ascii=False) + "\n"
        for name, cases in files.items()
    }


def main() -> int:
    """Write the vector files, or with ``--check`` report whether they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, do not write")
    args = parser.parse_args()
    stale = []
    for name, text in generate().items():
        path = VECTORS / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    print(("rewrote: " + ", ".join(stale)) if stale else "vectors up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The scripted version exchanges of PROTOCOL.md §9 / §9.1 (part of ``gen_vectors.py``).

Each exchange is played against a fresh device speaking ``device_version`` (the pad profile):
for every step, the controller's frame ``send`` (hex, with its delimiter), then ``expect``: the
frames the device answers, in order, each as ``version`` (its version byte), ``message`` and a
subset of its ``fields`` (numbers as integers, enum fields by member name; CHANNEL_INFO by index
only). STATUS and TEMPERATURE frames may come in between at any time and are not listed;
``state`` (when given) is the state the device's next STATUS shows after the step.
``answers_foreign_hello`` false is a version-1 device as it shipped (foreign HELLO dropped).
"""

from __future__ import annotations

from typing import Any

from massage_ctl.devices import load_device_profile
from massage_ctl.protocol import (
    PROTOCOL_V1,
    PROTOCOL_VERSION,
    SCHEMA_HASH_V1,
    SCHEMA_HASHES,
    Clear,
    Hello,
    Message,
    SessionStart,
    cobs_encode,
    crc16,
    encode_frame,
)

PAD_CHANNELS = len(load_device_profile("pad").channels)
V2 = PROTOCOL_VERSION


def _send(message: Message, seq: int, version: int) -> str:
    return encode_frame(message, seq, version).hex()


def _info(version: int) -> dict[str, Any]:
    return {
        "version": version,
        "message": "DEVICE_INFO",
        "fields": {"protocol_version": version, "schema_hash": SCHEMA_HASHES[version]},
    }


def _channels(version: int) -> list[dict[str, Any]]:
    return [
        {"version": version, "message": "CHANNEL_INFO", "fields": {"index": i}}
        for i in range(PAD_CHANNELS)
    ]


def _ack(version: int, seq: int, acked_type: int, result: str) -> dict[str, Any]:
    return {
        "version": version,
        "message": "ACK",
        "fields": {"acked_seq": seq, "acked_type": acked_type, "result": result},
    }


def _hello(version: int, seq: int) -> str:
    return _send(Hello(version, SCHEMA_HASHES[version]), seq, version)


def _long_foreign_hello(seq: int) -> str:
    """A HELLO of a future version 3, longer than the frozen five bytes (§9)."""
    body = bytes([3, Hello.TYPE, seq & 0xFF, seq >> 8, 3]) + (0x1234ABCD).to_bytes(4, "little")
    body += b"\x07\x07"  # fields a later version may add
    return (cobs_encode(body + crc16(body).to_bytes(2, "big")) + b"\x00").hex()


def exchanges_cases() -> list[dict[str, Any]]:
    """The fallback of §9.1 and the foreign-HELLO rules of §9, frame by frame."""
    hello_ok_v1 = [_info(PROTOCOL_V1), *_channels(PROTOCOL_V1)]
    return [
        {
            "name": "version 2 offered to a version-2 device",
            "device_version": V2,
            "answers_foreign_hello": True,
            "steps": [
                {"send": _hello(V2, 1),
                 "expect": [_info(V2), *_channels(V2), _ack(V2, 1, Hello.TYPE, "OK")]},
            ],
        },
        {
            "name": "version-1 device as shipped: silent to version 2, served in version 1",
            "device_version": PROTOCOL_V1,
            "answers_foreign_hello": False,
            "steps": [
                {"send": _hello(V2, 1), "expect": []},
                {"send": _hello(V2, 1), "expect": []},  # the retries go unanswered too
                {"send": _hello(PROTOCOL_V1, 2),
                 "expect": [*hello_ok_v1, _ack(PROTOCOL_V1, 2, Hello.TYPE, "OK")]},
                {"send": _send(Clear(), 3, PROTOCOL_V1),
                 "expect": [_ack(PROTOCOL_V1, 3, Clear.TYPE, "OK")]},
                {"send": _send(SessionStart(500), 4, PROTOCOL_V1),
                 "expect": [_ack(PROTOCOL_V1, 4, SessionStart.TYPE, "OK")], "state": "RUNNING"},
            ],
        },
        {
            "name": "version-1 device answering a foreign HELLO, served in version 1",
            "device_version": PROTOCOL_V1,
            "answers_foreign_hello": True,
            "steps": [
                {"send": _hello(V2, 1),
                 "expect": [_info(PROTOCOL_V1),
                            _ack(PROTOCOL_V1, 1, Hello.TYPE, "VERSION_MISMATCH")]},
                {"send": _hello(PROTOCOL_V1, 2),
                 "expect": [*hello_ok_v1, _ack(PROTOCOL_V1, 2, Hello.TYPE, "OK")]},
            ],
        },
        {
            "name": "version-2 device greeted in version 1 (it was slow): answers, then version 2",
            "device_version": V2,
            "answers_foreign_hello": True,
            "steps": [
                {"send": _hello(PROTOCOL_V1, 1),
                 "expect": [_info(V2), _ack(V2, 1, Hello.TYPE, "VERSION_MISMATCH")]},
                {"send": _hello(V2, 2),
                 "expect": [_info(V2), *_channels(V2), _ack(V2, 2, Hello.TYPE, "OK")]},
            ],
        },
        {
            "name": "a foreign HELLO (longer than 5 bytes) ends a running session",
            "device_version": V2,
            "answers_foreign_hello": True,
            "steps": [
                {"send": _hello(V2, 1),
                 "expect": [_info(V2), *_channels(V2), _ack(V2, 1, Hello.TYPE, "OK")]},
                {"send": _send(Clear(), 2, V2), "expect": [_ack(V2, 2, Clear.TYPE, "OK")]},
                {"send": _send(SessionStart(500), 3, V2),
                 "expect": [_ack(V2, 3, SessionStart.TYPE, "OK")], "state": "RUNNING"},
                {"send": _long_foreign_hello(4),
                 "expect": [_info(V2), _ack(V2, 4, Hello.TYPE, "VERSION_MISMATCH")],
                 "state": "IDLE"},
                # The handshake is revoked: no session until a matching HELLO.
                {"send": _send(SessionStart(500), 5, V2),
                 "expect": [_ack(V2, 5, SessionStart.TYPE, "BAD_STATE")], "state": "IDLE"},
            ],
        },
    ]


assert SCHEMA_HASH_V1 == 0xDEAE8B4B  # frozen (PROTOCOL.md §9)

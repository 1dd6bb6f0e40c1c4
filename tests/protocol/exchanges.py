"""Playing ``firmware_protocol/vectors/version_exchanges.json`` (PROTOCOL.md §9, §9.1) to a device:
the simulator (tests/sim) and the C core (tests/interop) share this checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from massage_ctl.protocol import (
    SUPPORTED_VERSIONS,
    Frame,
    FrameError,
    Status,
    Temperature,
    decode_frame,
    message_to_fields,
)

VECTORS = Path(__file__).resolve().parents[2] / "firmware_protocol" / "vectors"
EXCHANGES = VECTORS / "version_exchanges.json"


def load_exchanges() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(EXCHANGES.read_text(encoding="utf-8"))
    return cases


def decode_any(wire: bytes) -> tuple[int, Frame]:
    """A frame of any version we speak: (its version, the frame)."""
    for version in SUPPORTED_VERSIONS:
        try:
            return version, decode_frame(wire, version)
        except FrameError:
            continue
    raise AssertionError(f"the device sent a frame of no known version: {wire.hex()}")


def split_frames(data: bytes) -> list[bytes]:
    return [piece + b"\x00" for piece in data.split(b"\x00") if piece]


def check_step(step: dict[str, Any], received: bytes) -> None:
    """Assert the frames in ``received`` (all the device sent after the step) match it."""
    seen: list[dict[str, Any]] = []
    states: list[str] = []
    for wire in split_frames(received):
        version, frame = decode_any(wire)
        msg = frame.message
        if isinstance(msg, Status):
            states.append(msg.state.name)
            continue
        if isinstance(msg, Temperature):
            continue
        seen.append({"version": version, "message": msg.NAME, "fields": message_to_fields(msg)})
    expect = step["expect"]
    assert len(seen) == len(expect), (
        [f"v{s['version']} {s['message']}" for s in seen],
        [f"v{e['version']} {e['message']}" for e in expect],
    )
    for got, want in zip(seen, expect, strict=True):
        assert (got["version"], got["message"]) == (want["version"], want["message"]), got
        for name, value in want["fields"].items():
            assert got["fields"][name] == value, (got["message"], name, got["fields"][name])
    if "state" in step:
        assert states and states[-1] == step["state"], states

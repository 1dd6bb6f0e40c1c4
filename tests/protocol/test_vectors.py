"""The committed vectors are fresh and the codec agrees with every one of them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from massage_ctl.protocol import (
    FrameDecoder,
    FrameError,
    cobs_decode,
    cobs_encode,
    crc16,
    decode_frame,
    encode_frame,
    message_from_fields,
    message_to_fields,
)

FP = Path(__file__).resolve().parents[2] / "firmware_protocol"
VECTORS = FP / "vectors"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_vectors", FP / "tools" / "gen_vectors.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return cases


def test_committed_vectors_equal_a_fresh_generation() -> None:
    fresh: dict[str, str] = _generator().generate()
    committed = {p.name for p in VECTORS.glob("*.json")}
    assert committed == set(fresh), (
        "vector files differ; run firmware_protocol/tools/gen_vectors.py"
    )
    for name, text in fresh.items():
        assert (VECTORS / name).read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize("case", _load("messages.json"), ids=lambda c: c["name"])
def test_valid_vector_decodes_to_its_fields(case: dict[str, Any]) -> None:
    frame = decode_frame(bytes.fromhex(case["wire"]))
    assert frame.seq == case["seq"]
    assert case["message"] == frame.message.NAME
    assert message_to_fields(frame.message) == case["fields"]
    # ... and encoding the stated fields gives exactly the stated bytes.
    message = message_from_fields(case["message"], case["fields"])
    assert encode_frame(message, case["seq"]).hex() == case["wire"]


def test_every_message_type_has_a_valid_vector() -> None:
    from massage_ctl.protocol import MESSAGE_CLASSES

    covered = {c["message"] for c in _load("messages.json")}
    assert covered == {cls.NAME for cls in MESSAGE_CLASSES}


@pytest.mark.parametrize("case", _load("invalid.json"), ids=lambda c: c["name"])
def test_invalid_vector_gets_its_verdict(case: dict[str, Any]) -> None:
    with pytest.raises(FrameError) as exc:
        decode_frame(bytes.fromhex(case["wire"]))
    assert exc.value.kind == case["error"]


def test_every_error_kind_has_an_invalid_vector() -> None:
    kinds = {c["error"] for c in _load("invalid.json")}
    assert kinds >= {
        "crc",
        "truncated",
        "oversized",
        "unknown-type",
        "version",
        "cobs",
        "malformed",
    }


@pytest.mark.parametrize("case", _load("cobs.json"), ids=lambda c: c["name"])
def test_cobs_vector(case: dict[str, Any]) -> None:
    assert cobs_encode(bytes.fromhex(case["decoded"])).hex() == case["encoded"]
    assert cobs_decode(bytes.fromhex(case["encoded"])).hex() == case["decoded"]


@pytest.mark.parametrize("case", _load("crc.json"), ids=lambda c: c["name"])
def test_crc_vector(case: dict[str, Any]) -> None:
    assert f"0x{crc16(bytes.fromhex(case['data'])):04X}" == case["crc"]


def test_crc_vectors_include_the_check_value() -> None:
    assert {"data": b"123456789".hex(), "crc": "0x29B1"}.items() <= _load("crc.json")[0].items()


@pytest.mark.parametrize("case", _load("stream.json"), ids=lambda c: c["name"])
def test_stream_vector(case: dict[str, Any]) -> None:
    wire = bytes.fromhex(case["wire"])
    for chunk in (len(wire), 1, 7):  # the verdicts do not depend on how bytes arrive
        decoder = FrameDecoder()
        out = []
        for i in range(0, len(wire), chunk):
            out += decoder.feed(wire[i : i + chunk])
        got = [f"error:{r.kind}" if isinstance(r, FrameError) else r.message.NAME for r in out]
        assert got == case["expect"]

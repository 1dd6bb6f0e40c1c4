"""Value constraints (PROTOCOL.md §3.4 check 9): defined once in messages.toml, followed by the
codec on both directions, and outside the version-1 schema hash."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from massage_ctl.devices import BUILTIN_PROFILES, load_device_profile
from massage_ctl.protocol import (
    SCHEMA_HASH,
    SCHEMA_HASH_V1,
    FieldRangeError,
    FrameError,
    ZoneCode,
    decode_frame,
    encode_frame,
    handshake_messages_for,
)
from massage_ctl.protocol.constraints import (
    CONSTRAINT_KEYS,
    CONSTRAINTS,
    constraints_from_toml,
)
from massage_ctl.protocol.schema import canonical_text, schema_from_toml, schema_hash

TOML_PATH = Path(__file__).resolve().parents[2] / "firmware_protocol" / "messages.toml"
TOML = TOML_PATH.read_text(encoding="utf-8")


def test_the_codec_follows_exactly_the_constraints_of_messages_toml() -> None:
    assert constraints_from_toml(TOML) == CONSTRAINTS


def test_constraints_leave_the_schema_hash_alone() -> None:
    # The hashes PROTOCOL.md §9 states: version 2 (this file) and version 1 (frozen).
    assert (SCHEMA_HASH, SCHEMA_HASH_V1) == (0xEB568BD1, 0xDEAE8B4B)
    assert not any(key in canonical_text(schema_from_toml(TOML)) for key in CONSTRAINT_KEYS)
    # Without any constraint attribute the file hashes the same.
    pattern = r",\s*(" + "|".join(CONSTRAINT_KEYS) + r")\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|\d+)"
    stripped = re.sub(pattern, "", TOML)
    assert stripped != TOML
    assert constraints_from_toml(stripped) == {}
    assert schema_hash(schema_from_toml(stripped)) == SCHEMA_HASH


def _pad_handshake() -> tuple[object, object]:
    info, channels = handshake_messages_for(load_device_profile("pad"), firmware_version="1.0")
    return info, channels[0]


BREACHES: list[tuple[str, dict[str, object], str]] = [
    ("info", {"channel_count": 0}, "channel_count"),
    ("info", {"channel_count": 33}, "channel_count"),
    ("info", {"profile_id": "Pad"}, "profile_id"),
    ("info", {"profile_id": ""}, "profile_id"),
    ("channel", {"index": 32}, "index"),
    ("channel", {"channel_id": "vib back"}, "channel_id"),
    ("channel", {"zone": ZoneCode.NONE}, "zone"),
    ("channel", {"min_milli": 0, "range_max_milli": 0, "hard_max_milli": 0}, "range_max_milli"),
    ("channel", {"min_milli": 100, "hard_max_milli": 50}, "hard_max_milli"),
    ("channel", {"hard_max_milli": 1001}, "hard_max_milli"),
    ("channel", {"max_ramp_milli_per_s": 0}, "max_ramp_milli_per_s"),
    ("channel", {"patterns": 0b110}, "patterns"),
    ("channel", {"rate_min_chz": 500, "rate_max_chz": 100}, "rate_max_chz"),
]


@pytest.mark.parametrize(("which", "change", "field"), BREACHES)
def test_a_frame_breaking_a_constraint_is_never_built(
    which: str, change: dict[str, object], field: str
) -> None:
    info, channel = _pad_handshake()
    message = dataclasses.replace(info if which == "info" else channel, **change)  # type: ignore[type-var]
    with pytest.raises(FieldRangeError, match=rf"\.{field}: "):
        encode_frame(message, 3)  # type: ignore[arg-type]


def test_every_constraint_breach_in_the_vectors_is_malformed_for_the_codec() -> None:
    import json

    cases = json.loads((TOML_PATH.parent / "vectors" / "invalid.json").read_text())
    breaches = [c for c in cases if c["name"].startswith("malformed: device-info")
                or c["name"].startswith("malformed: channel-info")]  # fmt: skip
    assert len(breaches) >= len(BREACHES)
    for case in breaches:
        with pytest.raises(FrameError) as err:
            decode_frame(bytes.fromhex(case["wire"]))
        assert err.value.kind == "malformed", case["name"]


@pytest.mark.parametrize("profile", sorted(BUILTIN_PROFILES))
def test_every_shipped_profile_announces_itself_within_the_constraints(profile: str) -> None:
    info, channels = handshake_messages_for(load_device_profile(profile), firmware_version="1")
    for message in (info, *channels):
        assert decode_frame(encode_frame(message, 1)).message == message

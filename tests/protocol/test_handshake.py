"""A device describes itself completely: profiles survive the handshake; mismatches are clear."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.devices import BUILTIN_PROFILES, load_device_profile
from massage_ctl.errors import LinkError
from massage_ctl.protocol import (
    RAW_FULL_SCALE,
    SCHEMA_HASH,
    FieldRangeError,
    PatternCode,
    ZoneCode,
    decode_frame,
    device_profile_from_handshake,
    handshake_frames_for,
    handshake_messages_for,
    raw_to_value,
    setpoint_entry_for,
    value_to_raw,
)
from massage_ctl.protocol.messages import ChannelInfo, DeviceInfo


@pytest.mark.parametrize("name", BUILTIN_PROFILES)
def test_shipped_profiles_survive_the_wire(name: str) -> None:
    profile = load_device_profile(name)
    frames = [decode_frame(w).message for w in handshake_frames_for(profile)]
    info, channels = frames[0], frames[1:]
    assert isinstance(info, DeviceInfo)
    assert all(isinstance(c, ChannelInfo) for c in channels)
    rebuilt = device_profile_from_handshake(info, channels)  # type: ignore[arg-type]
    assert rebuilt == profile.model_copy(update={"description": ""})


def test_channel_order_on_the_wire_does_not_matter() -> None:
    profile = load_device_profile("chair")
    info, channels = handshake_messages_for(profile)
    assert device_profile_from_handshake(info, channels[::-1]).channels == profile.channels


def test_schema_mismatch_is_a_clear_link_error() -> None:
    info, channels = handshake_messages_for(load_device_profile("pad"))
    other = dataclasses.replace(info, schema_hash=SCHEMA_HASH ^ 1)
    with pytest.raises(LinkError, match="schema") as exc:
        device_profile_from_handshake(other, channels)
    assert exc.value.hint


def test_version_mismatch_is_a_clear_link_error() -> None:
    info, channels = handshake_messages_for(load_device_profile("pad"))
    with pytest.raises(LinkError, match="protocol version 3"):
        device_profile_from_handshake(dataclasses.replace(info, protocol_version=3), channels)
    # A version-1 device with the version-1 schema is served; with version 2's hash it is not.
    v1 = dataclasses.replace(info, protocol_version=1)
    with pytest.raises(LinkError, match="schema"):
        device_profile_from_handshake(v1, channels)
    v1_info, _ = handshake_messages_for(load_device_profile("pad"), version=1)
    assert device_profile_from_handshake(v1_info, channels).id == "pad"


def test_missing_channel_is_a_link_error() -> None:
    info, channels = handshake_messages_for(load_device_profile("pad"))
    with pytest.raises(LinkError, match="announced 4 channels"):
        device_profile_from_handshake(info, channels[:3])


@pytest.mark.parametrize(
    "change",
    [
        {"hard_max_milli": 2000},  # hard max above range max
        {"zone": ZoneCode.NONE},
        {"patterns": 0b10},  # no steady
        {"patterns": 0xC1},  # unknown pattern bits
        {"reach_first": ZoneCode.NECK},  # half a reach
        {"channel_id": "Bad Id"},
    ],
)
def test_an_invalid_channel_description_is_a_link_error(change: dict[str, object]) -> None:
    info, channels = handshake_messages_for(load_device_profile("pad"))
    bad = dataclasses.replace(channels[0], **change)  # type: ignore[arg-type]
    with pytest.raises(LinkError):
        device_profile_from_handshake(info, (bad, *channels[1:]))


@settings(max_examples=200)
@given(st.floats(0, 45), st.sampled_from([1.0, 45.0]))
def test_value_raw_round_trip_is_within_one_step(value: float, range_max: float) -> None:
    raw = value_to_raw(min(value, range_max), range_max)
    assert 0 <= raw <= RAW_FULL_SCALE
    assert abs(raw_to_value(raw, range_max) - min(value, range_max)) <= range_max / RAW_FULL_SCALE


@settings(max_examples=100)
@given(st.floats(allow_nan=False), st.sampled_from([1.0, 45.0]))
def test_value_to_raw_never_exceeds_the_range(value: float, range_max: float) -> None:
    assert 0 <= value_to_raw(value, range_max) <= RAW_FULL_SCALE


def test_nan_and_bad_ranges_are_refused() -> None:
    for value, range_max in [(float("nan"), 1.0), (0.5, 0.0), (0.5, -1.0), (0.5, float("inf"))]:
        with pytest.raises(FieldRangeError):
            value_to_raw(value, range_max)


def test_setpoint_entry_for_a_heat_channel_uses_degrees() -> None:
    profile = load_device_profile("chair")
    index = next(i for i, c in enumerate(profile.channels) if c.id == "heat.lower-back")
    spec = profile.channels[index]
    entry = setpoint_entry_for(index, spec, 40.0, ramp_ms=60_000)
    assert entry.channel == index
    assert abs(raw_to_value(entry.target, spec.max) - 40.0) < 0.001
    knead = setpoint_entry_for(
        0, profile.channel("roller.knead"), 0.5, pattern="knead", rate_hz=1.25
    )
    assert (knead.pattern, knead.rate_chz) == (PatternCode.KNEAD, 125)

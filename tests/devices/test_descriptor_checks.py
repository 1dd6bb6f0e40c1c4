"""Device descriptions must describe hardware that can exist and may be driven.

The same rules (``devices/plausibility.py::validate_channel``) judge descriptor files and what a
device announces in its handshake; a file's error names the file, the line and the channel.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from massage_ctl.devices import ChannelSpec, load_device_profile
from massage_ctl.devices.plausibility import (
    HEAT_HARD_MAX_C,
    HEAT_RANGE_MAX_C,
    KIND_PATTERNS,
    MAX_RAMP_PER_S,
    MAX_RATE_HZ,
    REACH_KINDS,
    validate_channel,
)
from massage_ctl.errors import DeviceProfileError
from massage_ctl.vocabulary import CHANNEL_KINDS, PATTERNS
from massage_ctl.zones import ZONES

BED = resources.files("massage_ctl.devices").joinpath("profiles/bed.toml").read_text("utf-8")
# Channel 3 of the bed is "heat.upper-back", channel 7 a leg vibration motor.
HEAT_BLOCK = 3

awkward = st.sampled_from([math.inf, -math.inf, math.nan, 0.0, -0.0, -1.0, 1e300, -273.16,
                           1000.0, 1.5, 45.0, 50.0, 0.1])
numbers = awkward | st.floats(-100, 100, allow_nan=False)


@st.composite
def channel_fields(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(CHANNEL_KINDS))
    patterns = ("steady", *draw(st.lists(st.sampled_from(PATTERNS[1:]), max_size=3)))
    return {
        "id": "ch",
        "zone": draw(st.sampled_from(ZONES)),
        "kind": kind,
        "min": draw(st.just(0.0) | numbers),
        "max": draw(st.sampled_from([1.0, 45.0]) | numbers),
        "hard_max": draw(st.sampled_from([0.9, 42.0]) | numbers),
        "max_ramp_per_s": draw(st.sampled_from([0.1, 1.0]) | numbers),
        "patterns": patterns,
        "rate_hz": (draw(st.just(0.5) | numbers), draw(st.just(5.0) | numbers)),
        "reach": draw(st.none() | st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES))),
    }


def _sound(spec: ChannelSpec) -> None:
    """What every accepted channel satisfies (docs/DEVICE_PROFILES.md)."""
    values = (spec.min, spec.max, spec.hard_max, spec.max_ramp_per_s, *spec.rate_hz)
    assert all(math.isfinite(v) for v in values)
    top = HEAT_RANGE_MAX_C if spec.kind == "heat" else 1.0
    assert spec.min == 0 <= spec.hard_max <= spec.max <= top and spec.max > spec.min
    if spec.kind == "heat":
        assert spec.hard_max <= HEAT_HARD_MAX_C
    assert 0 < spec.max_ramp_per_s <= MAX_RAMP_PER_S[spec.kind]
    assert set(spec.patterns) <= KIND_PATTERNS[spec.kind] and "steady" in spec.patterns
    assert 0 <= spec.rate_hz[0] <= spec.rate_hz[1] <= MAX_RATE_HZ
    assert spec.reach is None or spec.kind in REACH_KINDS


@settings(max_examples=500, deadline=None)
@given(fields=channel_fields())
def test_the_validator_passes_only_sound_channels(fields: dict[str, Any]) -> None:
    unchecked = ChannelSpec.model_construct(**fields)  # as a handshake layer could build it
    problems = validate_channel(unchecked)
    try:
        spec = ChannelSpec.model_validate(fields)
    except ValidationError as err:
        assert problems or err.errors()[0]["type"] != "implausible_channel"
        return
    assert problems == []
    _sound(spec)


@pytest.mark.parametrize(
    ("kind", "field", "value", "says"),
    [
        ("heat", "max", "1000.0", "at most 50 °C"),
        ("heat", "hard_max", "48.0", "between min (0) and max (45)"),
        ("heat", "max", "-300.0", "above 0"),
        ("heat", "min", "-274.0", "must be 0"),
        ("vibration", "max", "1.5", "at most 1"),
        ("vibration", "max", "inf", "finite"),
        ("vibration", "hard_max", "nan", "finite"),
        ("vibration", "min", "-0.5", "must be 0"),
        ("vibration", "max_ramp_per_s", "inf", "finite"),
        ("vibration", "max_ramp_per_s", "nan", "finite"),
        ("vibration", "max_ramp_per_s", "-1.0", "above 0"),
        ("vibration", "rate_hz", "[0.5, inf]", "finite"),
        ("vibration", "rate_hz", "[5.0, 1.0]", "low <= high"),
        ("vibration", "reach", '["neck", "hips"]', "no reach"),
        ("heat", "patterns", '["steady", "knead"]', "cannot run 'knead'"),
        ("vibration", "max", "true", "must be a number (without quotes), not true"),
        ("vibration", "hard_max", '"0.5"', "must be a number (without quotes), not '0.5'"),
        ("vibration", "id", '"Vib Calves"', "must be lower-case letters"),
    ],
)
def test_impossible_hardware_is_refused_naming_file_line_and_channel(
    tmp_path: Path, kind: str, field: str, value: str, says: str
) -> None:
    blocks = BED.split("[[channels]]")
    index = HEAT_BLOCK if kind == "heat" else len(blocks) - 1
    block = blocks[index]
    assert f'kind = "{kind}"' in block
    if re.search(rf"^{field} = ", block, re.M):
        block = re.sub(rf"^{field} = .*$", f"{field} = {value}", block, count=1, flags=re.M)
    else:
        block = block.rstrip("\n") + f"\n{field} = {value}\n\n"
    blocks[index] = block
    text = "[[channels]]".join(blocks)
    path = tmp_path / "my-bed.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeviceProfileError) as info:
        load_device_profile(path)
    at = text.index(f"\n{field} = {value}", len("[[channels]]".join(blocks[:index])))
    line = text[: at + 1].count("\n") + 1
    channel_id = re.search(r'^id = "(.*)"$', block, re.M).group(1)  # type: ignore[union-attr]
    prefix = f"{path}:{line}: channel {index} ({channel_id!r}).{field}: "
    assert str(info.value).startswith(prefix), str(info.value)
    assert says in str(info.value)


bed_slots = st.sampled_from(["min", "max", "hard_max", "max_ramp_per_s", "rate_hz", "reach",
                             "patterns", "zone", "side", "kind"])
toml_values = st.sampled_from([
    "0.0", "1.0", "-1.0", "0.5", "45.0", "60.0", "inf", "-inf", "nan", "1e308", "true", '"x"',
    '"neck"', '"left"', '"heat"', '"vibration"', "[0.0, 0.0]", "[1.0, 0.5]", "[0.2, 5.0]",
    '["neck", "hips"]', '["steady"]', '["steady", "tap"]', "[]", "{}",
])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(block=st.integers(1, BED.count("[[channels]]")), field=bed_slots, value=toml_values)
def test_any_change_to_a_descriptor_loads_soundly_or_names_where(
    tmp_path: Path, block: int, field: str, value: str
) -> None:
    blocks = BED.split("[[channels]]")
    blocks[block] = re.sub(rf"^{field} = .*$", "", blocks[block], flags=re.M).rstrip("\n")
    blocks[block] += f"\n{field} = {value}\n\n"
    text = "[[channels]]".join(blocks)
    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        profile = load_device_profile(path)
    except DeviceProfileError as err:
        assert re.match(rf"{re.escape(str(path))}:\d+: (channel {block} |channels|descriptor)",
                        str(err)), str(err)
        assert "\n" not in str(err)
        return
    for spec in profile.channels:
        _sound(spec)


def test_no_heat_channel_may_allow_skin_burning_temperatures() -> None:
    heat = {"id": "h", "zone": "hips", "kind": "heat", "max": 50.0, "max_ramp_per_s": 0.1}
    assert validate_channel(ChannelSpec.model_construct(**heat, hard_max=45.0)) == []
    with pytest.raises(ValidationError, match="hard_max: must be at most 45 °C"):
        ChannelSpec.model_validate({**heat, "hard_max": 46.0})


def test_a_descriptor_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BED.encode())
    assert load_device_profile(path).id == "bed"


def test_deeply_nested_values_are_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(BED + "\nx = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(DeviceProfileError, match=r"deep\.toml:\d+: values are nested too deep"):
        load_device_profile(path)


def test_the_shipped_profiles_are_sound() -> None:
    for name in ("chair", "bed", "pad"):
        for spec in load_device_profile(name).channels:
            assert validate_channel(spec) == []


def test_a_compile_error_about_a_descriptor_device_names_its_file(tmp_path: Path) -> None:
    from massage_ctl.compiler import compile_program
    from massage_ctl.errors import CompileError
    from massage_ctl.program import load_program
    from massage_ctl.safety import STANDARD

    pad = resources.files("massage_ctl.devices").joinpath("profiles/pad.toml").read_text()
    path = tmp_path / "slow-pad.toml"
    path.write_text(pad.replace("max_frame_rate_hz = 20", "max_frame_rate_hz = 11"), "utf-8")
    device = load_device_profile(path)
    assert device == load_device_profile("pad").model_copy(update={"max_frame_rate_hz": 11.0})
    with pytest.raises(CompileError) as info:
        compile_program(load_program("quick-10-minute"), device, STANDARD)
    assert str(info.value).endswith(f"(device described in {path})")
    assert "the pad device accepts 11 frames/s" in str(info.value)

"""The shipped profiles: found from their files, sound, and as docs/DEVICE_PROFILES.md says."""

from __future__ import annotations

from importlib import resources

import pytest

from massage_ctl.devices import BUILTIN_PROFILES, DeviceProfile, load_device_profile
from massage_ctl.devices.registry import DEFAULT_PROFILE
from massage_ctl.transports.url import parse_device_url
from massage_ctl.zones import ZONES


def _files() -> set[str]:
    folder = resources.files("massage_ctl.devices").joinpath("profiles")
    return {e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")}


def test_every_profile_file_is_a_shipped_profile_the_default_first() -> None:
    assert set(BUILTIN_PROFILES) == _files()
    assert BUILTIN_PROFILES[0] == DEFAULT_PROFILE == "chair"
    assert list(BUILTIN_PROFILES[1:]) == sorted(BUILTIN_PROFILES[1:])


@pytest.mark.parametrize("name", BUILTIN_PROFILES)
def test_each_shipped_profile_validates_and_is_reachable_by_url(name: str) -> None:
    profile = load_device_profile(name)
    assert profile.id == name  # the file's name is the profile's id
    assert parse_device_url(f"sim://{name}").target == name
    for ch in profile.channels:
        assert ch.zone in ZONES and ch.side in (None, "left", "right")


def _layout(p: DeviceProfile) -> dict[str, set[tuple[str, str | None]]]:
    out: dict[str, set[tuple[str, str | None]]] = {}
    for ch in p.channels:
        out.setdefault(ch.kind, set()).add((ch.zone, ch.side))
    return out


def test_the_chair_is_as_documented() -> None:
    chair = _layout(load_device_profile("chair"))
    sided = {"shoulders", "lower-back", "hips"}
    cells = {(z, s) for z in ZONES for s in (("left", "right") if z in sided else (None,))}
    assert chair["pressure"] == cells  # neck to feet, left/right at shoulders, lower back, hips
    assert set(chair) == {"pressure", "position", "roller", "vibration", "heat"}
    assert chair["vibration"] == {("hips", None)} and chair["heat"] == {("lower-back", None)}
    assert load_device_profile("chair").max_frame_rate_hz == 50


def test_the_bed_is_as_documented() -> None:
    bed = _layout(load_device_profile("bed"))
    assert set(bed) == {"position", "roller", "heat", "vibration"}
    assert bed["heat"] == {(z, None) for z in ("upper-back", "mid-back", "lower-back", "hips")}
    assert bed["vibration"] == {("thighs", None), ("calves", None)}
    assert load_device_profile("bed").max_frame_rate_hz == 50


def test_the_pad_is_as_documented() -> None:
    pad = _layout(load_device_profile("pad"))
    assert pad == {"vibration": {(z, None) for z in ("upper-back", "mid-back", "lower-back",
                                                   "hips")}}
    assert load_device_profile("pad").max_frame_rate_hz == 20

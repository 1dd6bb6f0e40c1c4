"""Device options a user types: simulator speeds and device URLs are refused cleanly.

``sim://chair?speed=1e-300`` used to overflow the warped clock, ``massage-sim serve --speed``
likewise, and ``serve --speed N`` above 1 tripped the device's watchdog as soon as a real-time
controller connected; ``usb://chair`` was reported as a device one cannot compile for offline.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import DeviceURLError
from massage_ctl.transports.url import SCHEMES, SPEED_RANGE, parse_device_url
from massage_sim.cli import main as sim_main


@settings(max_examples=200, deadline=None)
@given(speed=st.floats(min_value=0, exclude_min=True, allow_infinity=True))
def test_any_sim_speed_is_accepted_in_range_or_refused_by_name(speed: float) -> None:
    text = f"sim://chair?speed={speed!r}"
    try:
        url = parse_device_url(text)
    except DeviceURLError as err:
        assert not SPEED_RANGE[0] <= speed <= SPEED_RANGE[1]
        assert "speed=" in str(err)
        return
    assert url.speed is not None and SPEED_RANGE[0] <= url.speed <= SPEED_RANGE[1]


@pytest.mark.parametrize("speed", ["1e-300", "5e-324", "0.001", "1e6"])
def test_compile_refuses_absurd_speeds_in_one_message(
    speed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from massage_ctl.cli.main import main

    assert main(["compile", "quick-10-minute", "--device", f"sim://chair?speed={speed}"]) == 1
    err = capsys.readouterr().err
    assert f"speed='{speed}' is outside" in err and "Traceback" not in err


@pytest.mark.parametrize("speed", ["2", "1000", "1.0001"])
def test_serve_refuses_faster_than_real_time(
    speed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        sim_main(["serve", "--tcp", "0", "--speed", speed])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "cannot run faster than real time" in err and "sim://NAME?speed=N" in err


@pytest.mark.parametrize("speed", ["1e-300", "0", "-1", "nan", "inf", "0.001"])
def test_serve_refuses_speeds_it_cannot_keep(
    speed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        sim_main(["serve", "--tcp", "0", "--speed", speed])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_serve_refuses_an_impossible_descriptor_in_one_message(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources
    from pathlib import Path

    pad = resources.files("massage_ctl.devices").joinpath("profiles/pad.toml").read_text()
    path = Path(str(tmp_path)) / "inf.toml"
    path.write_text(pad.replace("max = 1.0", "max = inf", 1), encoding="utf-8")
    assert sim_main(["serve", "--tcp", "0", "--profile", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and ".max: must be a finite number" in err


@pytest.mark.parametrize("scheme", ["usb", "http", "bluetooth"])
def test_an_unknown_scheme_is_named_with_the_known_ones(
    scheme: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from massage_ctl.cli.main import main

    assert main(["compile", "quick-10-minute", "--device", f"{scheme}://chair"]) == 1
    err = capsys.readouterr().err
    assert f"unknown device URL scheme {scheme!r}" in err
    assert ", ".join(SCHEMES) in err and "without connecting" not in err

"""Device URLs (docs/CONFIG.md): every accepted form, and a clear error for each bad one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_ctl.errors import DeviceURLError
from massage_ctl.transports.url import DeviceURL, parse_device_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sim://chair", DeviceURL("sim", "chair")),
        ("sim://bed", DeviceURL("sim", "bed")),
        ("sim://pad?speed=10", DeviceURL("sim", "pad", speed=10.0)),
        ("sim://pad?speed=0.5", DeviceURL("sim", "pad", speed=0.5)),
        ("sim://chair?speed=max", DeviceURL("sim", "chair", speed=None)),
        ("SIM://chair?speed=MAX", DeviceURL("sim", "chair", speed=None)),
        (
            "sim://chair?speed=max&faults=drop=0.02,disconnect@30s",
            DeviceURL("sim", "chair", speed=None, faults="drop=0.02,disconnect@30s"),
        ),
        ("sim:///home/ann/mypad.toml", DeviceURL("sim", "/home/ann/mypad.toml")),
        ("serial:///dev/ttyUSB0?baud=115200", DeviceURL("serial", "/dev/ttyUSB0")),
        ("serial:///dev/ttyACM1?baud=9600", DeviceURL("serial", "/dev/ttyACM1", baud=9600)),
        ("serial://dev/ttyUSB0", DeviceURL("serial", "/dev/ttyUSB0")),
        ("serial://COM4?baud=57600", DeviceURL("serial", "COM4", baud=57600)),
        ("/dev/ttyUSB0", DeviceURL("serial", "/dev/ttyUSB0")),
        ("COM3", DeviceURL("serial", "COM3")),
        ("/dev/pts/3?baud=57600", DeviceURL("serial", "/dev/pts/3", baud=57600)),
        ("COM3?baud=9600", DeviceURL("serial", "COM3", baud=9600)),
        ("com12", DeviceURL("serial", "com12")),
        (
            "socket://localhost:7777",
            DeviceURL("socket", "localhost:7777", host="localhost", port=7777),
        ),
        ("socket://127.0.0.1:9", DeviceURL("socket", "127.0.0.1:9", host="127.0.0.1", port=9)),
        ("socket://[::1]:7777", DeviceURL("socket", "[::1]:7777", host="::1", port=7777)),
        ("ble://aa:bb:cc:dd:ee:ff", DeviceURL("ble", "AA:BB:CC:DD:EE:FF")),
        ("ble://MassagePad", DeviceURL("ble", "MassagePad")),
        ("ble://My%20Pad", DeviceURL("ble", "My Pad")),
    ],
)
def test_good_urls_parse_to_what_they_say(text: str, expected: DeviceURL) -> None:
    assert parse_device_url(text) == expected


def test_sim_url_names_its_profile_and_ble_knows_address_from_name() -> None:
    assert parse_device_url("sim://bed?speed=4").profile == "bed"
    assert parse_device_url("serial:///dev/ttyUSB0").profile is None
    assert parse_device_url("ble://AA:BB:CC:DD:EE:FF").is_ble_address
    assert parse_device_url("ble://0A1B2C3D-0000-4000-8000-00000000ABCD").is_ble_address
    assert not parse_device_url("ble://MassagePad").is_ble_address


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("chair", "no scheme"),
        ("http://example.com", "unknown device URL scheme 'http'"),
        ("sim://", "no device profile"),
        ("sim://sofa", "unknown simulator profile 'sofa'"),
        ("sim://chair?speed=0", "speed='0'"),
        ("sim://chair?speed=-2", "speed='-2'"),
        ("sim://chair?speed=fast", "speed='fast'"),
        ("sim://chair?speed=inf", "speed='inf'"),
        ("sim://chair?speed=nan", "speed='nan'"),
        ("sim://chair?speed=2&speed=3", "given twice"),
        ("sim://chair?faults=", "faults= is empty"),
        ("sim://chair?baud=9600", "unknown option 'baud'"),
        ("serial://", "no port named"),
        ("serial:///dev/ttyUSB0?baud=fast", "baud='fast'"),
        ("serial:///dev/ttyUSB0?baud=0", "baud='0'"),
        ("serial:///dev/ttyUSB0?speed=max", "unknown option 'speed'"),
        ("socket://localhost", "socket://HOST:PORT"),
        ("socket://:7777", "socket://HOST:PORT"),
        ("socket://localhost:0", "socket://HOST:PORT"),
        ("socket://localhost:99999", "port"),
        ("socket://localhost:http", "port"),
        ("ble://", "no BLE address or name"),
        ("ble://pad?faults=drop=1", "unknown option 'faults'"),
    ],
)
def test_bad_urls_get_a_one_line_error_with_a_hint(text: str, says: str) -> None:
    with pytest.raises(DeviceURLError) as info:
        parse_device_url(text)
    message = str(info.value)
    assert says in message
    assert "\n" not in message
    assert info.value.hint


@settings(max_examples=150)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_device_url_error(text: str) -> None:
    # Outside input: never a traceback of some other kind.
    try:
        url = parse_device_url(text)
    except DeviceURLError:
        return
    assert url.scheme in ("sim", "serial", "socket", "ble")


@settings(max_examples=100)
@given(
    profile=st.sampled_from(["chair", "bed", "pad"]),
    speed=st.one_of(st.none(), st.floats(min_value=0.01, max_value=1000)),
    baud=st.integers(min_value=50, max_value=4_000_000),
)
def test_canonical_text_parses_back_to_the_same_url(
    profile: str, speed: float | None, baud: int
) -> None:
    for url in (
        DeviceURL("sim", profile, speed=speed),
        DeviceURL("serial", "/dev/ttyUSB0", baud=baud),
        DeviceURL("socket", "localhost:7777", host="localhost", port=7777),
        DeviceURL("ble", "AA:BB:CC:DD:EE:FF"),
    ):
        again = parse_device_url(str(url))
        if url.scheme == "sim" and speed is not None:
            # str() prints 6 significant digits; the round trip keeps that precision.
            assert again.speed == pytest.approx(speed, rel=1e-5)
        else:
            assert again == url

"""The lazy transport registry: drivers load only for the URL that needs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from massage_ctl.errors import DeviceURLError, TransportError
from massage_ctl.transports import TRANSPORT_BACKENDS, open_transport, transport_class

_PROBE = """
import sys
import massage_ctl
import massage_ctl.transports as t
t.open_transport("sim://pad")
t.parse_device_url("ble://AA:BB:CC:DD:EE:FF")
t.parse_device_url("/dev/ttyUSB0")
import massage_ctl.cli.main
loaded = sorted(m for m in ("serial", "serial_asyncio_fast", "bleak") if m in sys.modules)
print(",".join(loaded) or "none")
"""


def test_importing_massage_ctl_loads_neither_pyserial_nor_bleak() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "none"


@pytest.mark.parametrize(
    ("url", "kind", "watchdog_ms"),
    [
        ("sim://chair", "sim", 500),
        ("/dev/ttyUSB0", "serial", 500),
        ("socket://localhost:7777", "socket", 500),
        ("ble://AA:BB:CC:DD:EE:FF", "ble", 1000),
    ],
)
def test_each_scheme_builds_its_transport(url: str, kind: str, watchdog_ms: int) -> None:
    transport = open_transport(url)
    assert transport.kind == kind
    assert transport.watchdog_ms == watchdog_ms
    assert not transport.is_open


def test_ble_transport_starts_at_the_default_att_payload() -> None:
    assert open_transport("ble://MassagePad").max_write == 20


def test_unknown_scheme_is_a_url_error() -> None:
    with pytest.raises(DeviceURLError):
        open_transport("can://vcan0")


def test_a_missing_driver_is_a_transport_error_with_a_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(TRANSPORT_BACKENDS, "ble", ("massage_ctl.transports.nope", "X"))
    with pytest.raises(TransportError) as info:
        transport_class("ble")
    assert "ble transport cannot be loaded" in str(info.value)
    assert info.value.hint

"""``massage-ctl devices``: serial ports with VID:PID, BLE devices (simulated radio), sims."""

from __future__ import annotations

import json

import pytest
from serial.tools import list_ports, list_ports_common

from massage_ctl.cli import cmd_devices
from massage_ctl.cli.main import main
from massage_ctl.testing import EchoDevice
from massage_ctl.transports.ble import BleOptions
from massage_sim.ble_backend import SimBleRadio


@pytest.fixture
def fake_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OS reports one USB-serial adapter and one built-in UART."""
    usb = list_ports_common.ListPortInfo("/dev/ttyUSB0", skip_link_detection=True)
    usb.vid, usb.pid, usb.description = 0x1A86, 0x7523, "USB Serial (CH340)"
    uart = list_ports_common.ListPortInfo("/dev/ttyS0", skip_link_detection=True)
    monkeypatch.setattr(list_ports, "comports", lambda: [uart, usb])


def test_text_listing_shows_ports_sims_and_that_ble_was_skipped(
    fake_ports: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["devices", "--no-ble"]) == 0
    out = capsys.readouterr().out
    usb_line = next(line for line in out.splitlines() if "ttyUSB0" in line)
    assert "serial:///dev/ttyUSB0" in usb_line
    assert "1A86:7523" in usb_line
    assert "USB Serial (CH340)" in usb_line
    assert "serial:///dev/ttyS0" in out
    assert "not scanned (--no-ble)" in out
    for name in ("chair", "bed", "pad"):
        assert f"sim://{name}" in out
    assert "4-zone vibration pad" in out


def test_json_listing_is_one_object_with_urls(
    fake_ports: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["devices", "--no-ble", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["serial"][1] == {
        "port": "/dev/ttyUSB0",
        "url": "serial:///dev/ttyUSB0",
        "vid_pid": "1A86:7523",
        "description": "USB Serial (CH340)",
    }
    assert data["ble"]["scanned"] is False
    assert [s["url"] for s in data["sim"]] == ["sim://chair", "sim://bed", "sim://pad"]


async def test_ble_devices_found_through_bleak_with_the_simulated_radio(fake_ports: None) -> None:
    radio = SimBleRadio()
    radio.add_peripheral(EchoDevice(), address="C0:FF:EE:00:00:01", name="MassagePad", rssi=-48)
    radio.add_peripheral(
        EchoDevice(), address="C0:FF:EE:00:00:07", name="Toothbrush", advertise_service=False
    )
    options = BleOptions(scanner_backend=radio.scanner_backend)
    report = await cmd_devices.gather_devices(scan_seconds=0.3, ble_options=options)
    text = cmd_devices.render_text(report)
    assert "ble://C0:FF:EE:00:00:01" in text
    assert "MassagePad" in text
    assert "-48 dBm" in text
    assert "Toothbrush" not in text
    assert report.to_json_dict()["ble"]["devices"][0]["url"] == "ble://C0:FF:EE:00:00:01"


async def test_no_bluetooth_adapter_is_one_line_not_a_failure(fake_ports: None) -> None:
    radio = SimBleRadio(adapter_present=False)
    options = BleOptions(scanner_backend=radio.scanner_backend)
    report = await cmd_devices.gather_devices(scan_seconds=0.3, ble_options=options)
    text = cmd_devices.render_text(report)
    ble_lines = [line for line in text.splitlines() if "Bluetooth is not available" in line]
    assert len(ble_lines) == 1
    assert "sim://chair" in text  # the rest of the listing is still there
    assert report.to_json_dict()["ble"]["error"].startswith("Bluetooth is not available")


def test_scan_seconds_must_be_a_sensible_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["devices", "--scan-seconds", "abc"])
    assert info.value.code == 2
    assert "--scan-seconds" in capsys.readouterr().err

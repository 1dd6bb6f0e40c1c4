"""``massage-ctl devices`` — what can be connected: serial ports, BLE devices, simulators.

Each line ends with the device URL to pass to ``--device``; the listing itself is
:mod:`massage_ctl.views.device_list` (the terminal UI's device screen shows the same).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from massage_ctl.views.device_list import (
    DEFAULT_SCAN_SECONDS,
    BleDeviceInfo,
    DevicesReport,
    SerialPortInfo,
    SimProfileInfo,
    gather_devices,
    list_serial_ports,
    list_sim_profiles,
    render_text,
    scan_ble,
)

__all__ = [
    "BleDeviceInfo",
    "DevicesReport",
    "SerialPortInfo",
    "SimProfileInfo",
    "gather_devices",
    "list_serial_ports",
    "list_sim_profiles",
    "register",
    "render_text",
    "run",
    "scan_ble",
]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds in 0..60")
    return value


def register(subparsers: Any) -> None:
    """Add the ``devices`` subcommand."""
    parser = subparsers.add_parser(
        "devices",
        help="list serial ports, BLE massage devices and simulators",
        description="List what --device can connect to: serial ports (with USB VID:PID), "
        "BLE devices advertising the massage service, and the built-in simulators.",
    )
    parser.add_argument("--no-ble", action="store_true", help="do not scan for BLE devices")
    parser.add_argument(
        "--scan-seconds", type=_seconds, default=DEFAULT_SCAN_SECONDS, metavar="N",
        help=f"how long to scan for BLE devices (default {DEFAULT_SCAN_SECONDS:g})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``massage-ctl devices``."""
    report = asyncio.run(gather_devices(ble=not args.no_ble, scan_seconds=args.scan_seconds))
    print(json.dumps(report.to_json_dict(), indent=2) if args.json else render_text(report))
    return 0

"""What can be connected: serial ports, BLE massage devices, simulators.

Shared by ``massage-ctl devices`` (``cli/cmd_devices.py``) and the terminal UI's device screen.
No Bluetooth adapter (or no BlueZ) is a line in the listing, not a failure: serial ports and
simulators are still useful. pyserial and bleak are imported only when a listing is made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from massage_ctl.devices import BUILTIN_PROFILES, load_device_profile
from massage_ctl.errors import TransportError

if TYPE_CHECKING:  # bleak is imported only when a scan runs
    from massage_ctl.transports.ble import BleOptions

#: Default BLE scan length: long enough for devices advertising every ~1 s to be heard.
DEFAULT_SCAN_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class SerialPortInfo:
    """One serial port the OS knows about."""

    port: str
    url: str
    vid_pid: str | None
    description: str


@dataclass(frozen=True, slots=True)
class BleDeviceInfo:
    """One BLE device heard advertising our service."""

    address: str
    name: str | None
    rssi: int
    url: str


@dataclass(frozen=True, slots=True)
class SimProfileInfo:
    """One built-in simulator profile."""

    url: str
    name: str
    description: str


@dataclass
class DevicesReport:
    """Everything ``devices`` found; ``ble_error`` says why BLE could not be scanned."""

    serial: list[SerialPortInfo] = field(default_factory=list)
    ble: list[BleDeviceInfo] | None = None  # None: not scanned (--no-ble or unavailable)
    ble_error: str | None = None
    scan_seconds: float = DEFAULT_SCAN_SECONDS
    sim: list[SimProfileInfo] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The ``--json`` output."""
        return {
            "serial": [asdict(p) for p in self.serial],
            "ble": {
                "scanned": self.ble is not None,
                "scan_seconds": self.scan_seconds,
                "error": self.ble_error,
                "devices": [asdict(d) for d in self.ble or []],
            },
            "sim": [asdict(s) for s in self.sim],
        }


def list_serial_ports() -> list[SerialPortInfo]:
    """Serial ports with USB VID:PID and description, sorted by port name."""
    # Deferred: pyserial is a driver, imported only when ports are listed (docs/ARCHITECTURE.md).
    from serial.tools import list_ports

    ports = []
    for info in sorted(list_ports.comports(), key=lambda p: p.device):
        vid_pid = f"{info.vid:04X}:{info.pid:04X}" if info.vid is not None else None
        description = info.description if info.description not in (None, "n/a") else ""
        ports.append(SerialPortInfo(info.device, f"serial://{info.device}", vid_pid, description))
    return ports


def list_sim_profiles() -> list[SimProfileInfo]:
    """The simulator profiles (``sim://chair`` ...) with their one-line names."""
    out = []
    for name in BUILTIN_PROFILES:
        profile = load_device_profile(name)
        out.append(SimProfileInfo(f"sim://{name}", profile.name, profile.description))
    return out


async def scan_ble(seconds: float, options: BleOptions | None = None) -> list[BleDeviceInfo]:
    """BLE devices advertising the massage service; :class:`TransportError` if BLE is absent.

    ``options`` may name another bleak backend (e.g. the simulated radio in tests).
    """
    try:
        # Deferred: bleak is imported only when a scan runs; without it BLE is "unavailable".
        from massage_ctl.transports.ble import scan_for_devices
    except ImportError as err:
        raise TransportError(
            f"Bluetooth is not available: its driver (bleak) is not installed ({err})"
        ) from err
    found = await scan_for_devices(seconds, options)
    return [BleDeviceInfo(d.address, d.name, d.rssi, d.url) for d in found]


async def gather_devices(
    *,
    ble: bool = True,
    scan_seconds: float = DEFAULT_SCAN_SECONDS,
    ble_options: BleOptions | None = None,
) -> DevicesReport:
    """Collect serial ports, (optionally) BLE devices and simulator profiles."""
    report = DevicesReport(serial=list_serial_ports(), sim=list_sim_profiles())
    report.scan_seconds = scan_seconds
    if ble:
        try:
            report.ble = await scan_ble(scan_seconds, ble_options)
        except TransportError as err:
            report.ble_error = str(err)
    return report


def render_text(report: DevicesReport) -> str:
    """The human-readable listing, one device per line, each with its URL."""
    lines = ["Serial ports:"]
    for p in report.serial:
        usb = f"  USB {p.vid_pid}" if p.vid_pid else ""
        desc = f"  {p.description}" if p.description else ""
        lines.append(f"  {p.url:<32}{usb}{desc}".rstrip())
    if not report.serial:
        lines.append("  (none found)")
    lines.append("")
    lines.append(f"Bluetooth LE (massage service, {report.scan_seconds:g} s scan):")
    if report.ble_error:
        lines.append(f"  {report.ble_error}")
    elif report.ble is None:
        lines.append("  not scanned (--no-ble)")
    else:
        for d in report.ble:
            lines.append(f"  {d.url:<32}  {d.name or '(no name)'}  {d.rssi} dBm")
        if not report.ble:
            lines.append("  (none found; is the device switched on and not connected elsewhere?)")
    lines.append("")
    lines.append("Simulator:")
    for s in report.sim:
        lines.append(f"  {s.url:<32}  {s.name}")
    return "\n".join(lines)

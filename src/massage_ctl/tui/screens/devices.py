"""Devices: simulator profiles, serial ports and BLE scan results; connect to one.

Connecting to a real device opens the link once to read its self-description (its channel
table), then closes it; sessions reconnect when they start. Errors are shown in plain words.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import MassageCtlError
from massage_ctl.session.device import describe_device
from massage_ctl.tui.widgets.stop_bar import StopBar
from massage_ctl.views.device_list import gather_devices


class DevicesScreen(Screen[None]):
    """Choose the device sessions run on."""

    class DeviceChosen(Message):
        """The device at ``url`` described itself as ``profile``: sessions should use it."""

        def __init__(self, url: str, profile: DeviceProfile) -> None:
            super().__init__()
            self.url = url
            self.profile = profile

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.pop_screen", "Back"),
        Binding("r", "rescan", "Rescan"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Scanning…", id="device-status")
        table: DataTable[str] = DataTable(id="device-table", cursor_type="row")
        yield table
        yield Input(
            placeholder="or type a device URL and press Enter (e.g. /dev/ttyUSB0)", id="url"
        )
        yield StopBar()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#device-table", DataTable)
        table.add_columns("Kind", "Device URL", "Description")
        self.action_rescan()
        table.focus()

    def action_rescan(self) -> None:
        self.query_one("#device-status", Static).update("Scanning serial ports and Bluetooth…")
        self.scan()

    @work(exclusive=True, group="scan")
    async def scan(self) -> None:
        """Worker: gather devices (BLE scan takes a few seconds) and fill the table."""
        report = await gather_devices(ble=True, scan_seconds=3.0)
        table = self.query_one("#device-table", DataTable)
        table.clear()
        for sim in report.sim:
            table.add_row("simulator", sim.url, sim.name, key=sim.url)
        for port in report.serial:
            desc = " ".join(x for x in (port.description, port.vid_pid or "") if x)
            table.add_row("serial", port.url, desc, key=port.url)
        for dev in report.ble or []:
            table.add_row("bluetooth", dev.url, f"{dev.name or '?'} ({dev.rssi} dBm)", key=dev.url)
        status = (
            f"{len(report.serial)} serial port(s), "
            + (f"{len(report.ble)} Bluetooth device(s)" if report.ble is not None else
               f"{report.ble_error}")  # already says "Bluetooth is not available: …"
            + ". Enter connects; r rescans."
        )
        self.query_one("#device-status", Static).update(status)

    @on(DataTable.RowSelected, "#device-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.connect(event.row_key.value)

    @on(Input.Submitted, "#url")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.connect(event.value.strip())

    @work(exclusive=True, group="connect")
    async def connect(self, url: str) -> None:
        """Worker: read the device's description, then ask the app to use it."""
        status = self.query_one("#device-status", Static)
        status.update(f"Connecting to {url}…")
        try:
            profile = await describe_device(url)
        except MassageCtlError as err:
            hint = f"\n{err.hint}" if err.hint else ""
            status.update(f"Could not use {url}: {err}{hint}")
            return
        self.post_message(self.DeviceChosen(url, profile))
        status.update(f"Connected: {profile.name} ({len(profile.channels)} channels) at {url}")

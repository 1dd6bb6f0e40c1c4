"""Bluetooth LE via bleak (``ble://AA:BB:CC:DD:EE:FF`` or ``ble://NAME``).

The device offers our service (:mod:`massage_ctl.transports.ble_uuids`): we write the COBS byte
stream to one characteristic (write without response, at most the negotiated
``max_write_without_response_size`` per write — 20 bytes at the default MTU) and receive the
device's stream as notifications of the other, which :class:`ChunkQueue` joins back together.

bleak chooses the OS backend itself; :class:`BleOptions` can name another one (bleak's
``backend=`` mechanism), which is how the tests run this very code through bleak's real
``BleakClient``/``BleakScanner`` against ``massage_sim.ble_backend``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.exc import BleakError

from massage_ctl.errors import DisconnectedError, TransportError
from massage_ctl.transports.base import Transport
from massage_ctl.transports.ble_uuids import (
    DEFAULT_ATT_PAYLOAD,
    NOTIFY_CHAR_UUID,
    SERVICE_UUID,
    WRITE_CHAR_UUID,
)
from massage_ctl.transports.chunks import ChunkQueue
from massage_ctl.transports.url import DeviceURL

_NO_BLUETOOTH_HINT = (
    "switch Bluetooth on; on Linux the BlueZ service (bluetoothd) must be running and an "
    "adapter present (check with `bluetoothctl show`)"
)
_NOT_FOUND_HINT = (
    "switch the device on and bring it closer; `massage-ctl devices` lists devices "
    "advertising the massage service"
)


@dataclass(frozen=True, slots=True)
class BleOptions:
    """How to find and connect to a BLE device.

    ``client_backend``/``scanner_backend`` are bleak backend classes (``None``: the OS's own).
    """

    client_backend: type[BaseBleakClient] | None = None
    scanner_backend: type[BaseBleakScanner] | None = None
    scan_timeout_s: float = 10.0
    connect_timeout_s: float = 15.0
    connect_attempts: int = 3
    retry_delay_s: float = 1.0


@dataclass(frozen=True, slots=True)
class FoundBleDevice:
    """A device seen advertising during a scan."""

    address: str
    name: str | None
    rssi: int

    @property
    def url(self) -> str:
        """The device URL to connect to it."""
        return f"ble://{self.address}"


def bluetooth_unavailable(err: Exception) -> TransportError:
    """The error to show when scanning or connecting fails before reaching any device."""
    reason = str(err) or type(err).__name__
    if isinstance(err, FileNotFoundError):
        reason = "the system D-Bus / BlueZ is not reachable"
    return TransportError(f"Bluetooth is not available: {reason}", hint=_NO_BLUETOOTH_HINT)


async def scan_for_devices(
    seconds: float, options: BleOptions | None = None
) -> list[FoundBleDevice]:
    """Devices advertising our service during ``seconds`` of scanning, strongest first.

    No adapter or no BlueZ is a :class:`TransportError` (see :func:`bluetooth_unavailable`).
    """
    options = options or BleOptions()
    try:
        if options.scanner_backend is None:
            found = await BleakScanner.discover(
                seconds, return_adv=True, service_uuids=[SERVICE_UUID]
            )
        else:
            found = await BleakScanner.discover(
                seconds, return_adv=True, service_uuids=[SERVICE_UUID],
                backend=options.scanner_backend,
            )
    except (BleakError, OSError) as err:
        raise bluetooth_unavailable(err) from err
    devices = [
        FoundBleDevice(dev.address, adv.local_name or dev.name, adv.rssi)
        for dev, adv in found.values()
    ]
    return sorted(devices, key=lambda d: -d.rssi)


class BleTransport(Transport):
    """A BLE peripheral offering the massage service, found by address or advertised name."""

    kind = "ble"
    watchdog_ms = 1000
    max_write = DEFAULT_ATT_PAYLOAD

    def __init__(self, target: str, *, options: BleOptions | None = None) -> None:
        super().__init__(f"BLE device {target}")
        self.target = target
        self.options = options or BleOptions()
        self._client: BleakClient | None = None
        self._write_char: BleakGATTCharacteristic | None = None
        self._received = ChunkQueue()
        self._closing = False

    @classmethod
    def from_url(cls, url: DeviceURL) -> BleTransport:
        """A transport for ``ble://ADDRESS`` or ``ble://NAME``."""
        return cls(url.target)

    def _matches(self, device: BLEDevice, adv: AdvertisementData) -> bool:
        wanted = self.target
        if device.address.upper() == wanted.upper():
            return True
        return wanted in (adv.local_name, device.name)

    async def _find(self) -> BLEDevice:
        opts = self.options
        try:
            if opts.scanner_backend is None:
                device = await BleakScanner.find_device_by_filter(
                    self._matches, timeout=opts.scan_timeout_s
                )
            else:
                device = await BleakScanner.find_device_by_filter(
                    self._matches, timeout=opts.scan_timeout_s, backend=opts.scanner_backend
                )
        except (BleakError, OSError) as err:
            raise bluetooth_unavailable(err) from err
        if device is None:
            raise TransportError(
                f"{self.description} not found within {opts.scan_timeout_s:g} s of scanning",
                hint=_NOT_FOUND_HINT,
            )
        return device

    async def _connect(self, device: BLEDevice) -> BleakClient:
        opts = self.options
        last: Exception | None = None
        for attempt in range(max(1, opts.connect_attempts)):
            if attempt:
                await asyncio.sleep(opts.retry_delay_s)
            if opts.client_backend is None:
                client = BleakClient(
                    device, self._on_disconnect, timeout=opts.connect_timeout_s
                )
            else:
                client = BleakClient(
                    device, self._on_disconnect, timeout=opts.connect_timeout_s,
                    backend=opts.client_backend,
                )
            try:
                await asyncio.wait_for(client.connect(), opts.connect_timeout_s)
            except (BleakError, OSError, TimeoutError) as err:
                last = err
                continue
            return client
        raise TransportError(
            f"cannot connect to {self.description} after {max(1, opts.connect_attempts)} "
            f"attempts: {last or 'timed out'}",
            hint="bring the device closer, make sure no phone app is connected to it, retry",
        ) from last

    async def _open(self) -> None:
        self._received = ChunkQueue()
        self._closing = False
        client = await self._connect(await self._find())
        self._client = client
        try:
            write_char = client.services.get_characteristic(WRITE_CHAR_UUID)
            notify_char = client.services.get_characteristic(NOTIFY_CHAR_UUID)
            if write_char is None or notify_char is None:
                raise TransportError(
                    f"{self.description} is not a massage_ctl device (no massage service)",
                    hint=f"the firmware must offer service {SERVICE_UUID} (see PROTOCOL.md)",
                )
            self._write_char = write_char
            # The negotiated ATT payload: 20 at the default MTU, more after an MTU exchange.
            self.max_write = max(1, write_char.max_write_without_response_size)
            await client.start_notify(notify_char, self._on_notify)
        except BaseException as err:
            await self._close()
            if isinstance(err, BleakError):
                raise TransportError(f"{self.description}: {err}") from err
            raise

    def _on_notify(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        self._received.push(data)

    def _on_disconnect(self, _client: BleakClient) -> None:
        self._received.end()

    async def _write(self, data: bytes) -> None:
        client, char = self._client, self._write_char
        if client is None or char is None or self._received.ended:
            raise DisconnectedError(f"{self.description}: the device dropped the link")
        try:
            await client.write_gatt_char(char, data, response=False)
        except BleakError as err:
            if not client.is_connected:
                self._received.end()
                raise DisconnectedError(f"{self.description}: {err}") from err
            raise TransportError(f"{self.description}: write failed: {err}") from err

    async def _read(self) -> bytes:
        return await self._received.read(self.description)

    async def _close(self) -> None:
        client, self._client, self._write_char = self._client, None, None
        self._received.end()
        if client is None:
            return
        # Best effort: the link may already be gone, and close must never raise.
        with contextlib.suppress(Exception):
            if client.is_connected:
                await client.disconnect()

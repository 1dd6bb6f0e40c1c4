"""A simulated Bluetooth LE radio as a bleak backend.

bleak lets callers pass their own backend classes (``BleakClient(addr, backend=...)``,
``BleakScanner(backend=...)``). :class:`SimBleRadio` makes such classes, bound to a set of
simulated peripherals, each backed by a simulated device (``massage_sim.SimDevice`` or anything
with its ``receive``/``set_output``/``set_disconnect_handler`` contract). The production BLE
transport then runs unchanged through bleak's real ``BleakClient`` and ``BleakScanner``::

    radio = SimBleRadio()
    radio.add_peripheral(device, address="C0:FF:EE:00:00:01", name="MassagePad")
    options = BleOptions(client_backend=radio.client_backend,
                         scanner_backend=radio.scanner_backend)

What is modelled, because the controller must cope with it on real hardware:

* the default ATT MTU of 23: a write without response carries at most 20 bytes, larger writes
  are refused; the device's output is sent as notifications of at most 20 bytes, cut anywhere;
* pacing: packets move once per connection interval (7.5–30 ms), a few per interval each way;
  a full transmit buffer makes ``write_gatt_char`` wait (write-without-response flow control);
* disconnects: :meth:`SimBleRadio.drop_link` or the device's own disconnect fault cut the link
  and bleak's ``disconnected_callback`` fires; a missing adapter and flaky connection set-up
  (:attr:`SimBleRadio.connect_failures`) can be simulated too.

The caller owns the simulated devices (``await device.start()`` / ``close()``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError

from massage_ctl.transports.ble_uuids import NOTIFY_CHAR_UUID, SERVICE_UUID, WRITE_CHAR_UUID
from massage_ctl.transports.sim import SimDeviceLike

#: Advertising interval of the simulated peripherals.
ADVERTISING_INTERVAL_S = 0.1
#: Packets a full transmit buffer holds before writes wait (a typical controller's few buffers).
TX_BUFFER_PACKETS = 8


@dataclass(eq=False)
class SimPeripheral:
    """One simulated BLE device: its advertisement and the device behind it."""

    device: SimDeviceLike
    address: str
    name: str
    advertise_service: bool = True
    rssi: int = -55
    client: SimBleakClient | None = field(default=None, repr=False)

    def advertisement(self) -> AdvertisementData:
        """What a scanner receives from this peripheral."""
        uuids = [SERVICE_UUID] if self.advertise_service else []
        return AdvertisementData(self.name, {}, {}, uuids, None, self.rssi, ())


class SimBleRadio:
    """The simulated air: peripherals, link parameters, and backend classes bound to them."""

    def __init__(
        self,
        *,
        att_mtu: int = 23,
        interval_ms: float = 15.0,
        packets_per_interval: int = 4,
        adapter_present: bool = True,
    ) -> None:
        if not 7.5 <= interval_ms <= 4000:
            raise ValueError("a BLE connection interval is 7.5 ms .. 4 s")
        if not 23 <= att_mtu <= 517 or packets_per_interval < 1:
            raise ValueError("ATT MTU is 23..517 and at least one packet moves per interval")
        self.att_mtu = att_mtu
        self.interval_s = interval_ms / 1000.0
        self.packets_per_interval = packets_per_interval
        self.adapter_present = adapter_present
        #: The next this many connection attempts fail (a flaky radio), then they succeed.
        self.connect_failures = 0
        self.peripherals: dict[str, SimPeripheral] = {}

    @property
    def payload(self) -> int:
        """Bytes per write without response / per notification (ATT MTU minus 3)."""
        return self.att_mtu - 3

    def add_peripheral(
        self,
        device: SimDeviceLike,
        *,
        address: str,
        name: str,
        advertise_service: bool = True,
        rssi: int = -55,
    ) -> SimPeripheral:
        """Put a device on the air under ``address`` and advertised ``name``."""
        peripheral = SimPeripheral(device, address.upper(), name, advertise_service, rssi)
        self.peripherals[peripheral.address] = peripheral
        return peripheral

    def drop_link(self, address: str) -> None:
        """Cut the connection to ``address`` as if the device went out of range."""
        peripheral = self.peripherals[address.upper()]
        if peripheral.client is not None:
            peripheral.client.link_lost()

    def _check_adapter(self) -> None:
        if not self.adapter_present:
            raise BleakError("No Bluetooth adapters found.")

    @property
    def scanner_backend(self) -> type[BaseBleakScanner]:
        """A ``BleakScanner(backend=...)`` class that hears this radio's peripherals."""
        radio = self

        class BoundScanner(SimBleakScanner):
            _radio = radio

        return BoundScanner

    @property
    def client_backend(self) -> type[BaseBleakClient]:
        """A ``BleakClient(backend=...)`` class that connects to this radio's peripherals."""
        radio = self

        class BoundClient(SimBleakClient):
            _radio = radio

        return BoundClient


class SimBleakScanner(BaseBleakScanner):
    """bleak scanner backend: hears the advertisements of a :class:`SimBleRadio`."""

    _radio: SimBleRadio

    def __init__(
        self,
        detection_callback: Any,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **_platform_args: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start hearing advertisements."""
        self._radio._check_adapter()
        self.seen_devices = {}
        self._task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        """Stop scanning."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _listen(self) -> None:
        while True:
            await asyncio.sleep(ADVERTISING_INTERVAL_S / 10)
            for p in list(self._radio.peripherals.values()):
                if p.client is not None:
                    continue  # a connected peripheral stops advertising, as most firmware does
                adv = p.advertisement()
                if self.is_allowed_uuid(adv.service_uuids):
                    found = self.create_or_update_device(p.address, p.address, p.name, p, adv)
                    self.call_detection_callbacks(found, adv)
            await asyncio.sleep(ADVERTISING_INTERVAL_S * 0.9)


class SimBleakClient(BaseBleakClient):
    """bleak client backend: a connection to one peripheral of a :class:`SimBleRadio`."""

    _radio: SimBleRadio

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        super().__init__(
            address_or_ble_device,
            disconnected_callback=kwargs.get("disconnected_callback"),
            timeout=kwargs.get("timeout", 10.0),
        )
        self.address = self.address.upper()
        self._peripheral: SimPeripheral | None = None
        self._notify: NotifyCallback | None = None
        self._tx: deque[bytes] = deque()  # controller → device packets
        self._rx = bytearray()  # device output not yet notified
        self._tx_space = asyncio.Event()
        self._pacer: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        """The advertised name of the peripheral."""
        p = self._radio.peripherals.get(self.address)
        return p.name if p else self.address.replace(":", "-")

    @property
    def mtu_size(self) -> int:
        """The ATT MTU of the connection."""
        return self._radio.att_mtu

    @property
    def is_connected(self) -> bool:
        """True while the link is up."""
        return self._peripheral is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        """Connect after a couple of connection intervals; may fail as the radio says."""
        radio = self._radio
        radio._check_adapter()
        peripheral = radio.peripherals.get(self.address)
        if peripheral is None:
            raise BleakDeviceNotFoundError(self.address, f"Device {self.address} was not found")
        await asyncio.sleep(2 * radio.interval_s)
        if radio.connect_failures > 0:
            radio.connect_failures -= 1
            raise BleakError("simulated connection failure (le-connection-abort-by-local)")
        if peripheral.client is not None:
            raise BleakError(f"{self.address} is already connected to another central")
        self.services = self._gatt_table()
        self._tx.clear()
        self._rx.clear()
        self._tx_space.set()
        peripheral.client = self
        self._peripheral = peripheral
        peripheral.device.set_output(self._device_output)
        peripheral.device.set_disconnect_handler(self.link_lost)
        self._pacer = asyncio.get_running_loop().create_task(self._pace())

    def _gatt_table(self) -> BleakGATTServiceCollection:
        payload = self._radio.payload
        table = BleakGATTServiceCollection()
        service = BleakGATTService(None, 1, SERVICE_UUID)
        table.add_service(service)
        for handle, uuid, props in (
            (2, WRITE_CHAR_UUID, ["write-without-response"]),
            (4, NOTIFY_CHAR_UUID, ["notify"]),
        ):
            table.add_characteristic(
                BleakGATTCharacteristic(None, handle, uuid, props, lambda: payload, service)  # type: ignore[arg-type]
            )
        return table

    def _device_output(self, data: bytes) -> None:
        self._rx += data

    async def _pace(self) -> None:
        # Once per connection interval, a few packets move each way.
        radio = self._radio
        while self._peripheral is not None:
            await asyncio.sleep(radio.interval_s)
            peripheral = self._peripheral
            if peripheral is None:
                return
            for _ in range(radio.packets_per_interval):
                if not self._tx:
                    break
                peripheral.device.receive(self._tx.popleft())
            self._tx_space.set()
            for _ in range(radio.packets_per_interval):
                if not self._rx:
                    break
                packet = bytes(self._rx[: radio.payload])
                del self._rx[: radio.payload]
                if self._notify is not None:
                    self._notify(bytearray(packet))

    def _tear_down(self) -> None:
        peripheral, self._peripheral = self._peripheral, None
        if peripheral is not None:
            peripheral.client = None
            peripheral.device.set_output(lambda _data: None)  # bytes sent into the void
            peripheral.device.set_disconnect_handler(lambda: None)
        pacer, self._pacer = self._pacer, None
        if pacer is not None and pacer is not asyncio.current_task():
            pacer.cancel()
        self._notify = None
        self._tx_space.set()  # release writers waiting for buffer space

    def link_lost(self) -> None:
        """The link dropped on its own: tear down and tell bleak (unsolicited disconnect)."""
        if self._peripheral is None:
            return
        self._tear_down()
        if self._disconnected_callback is not None:
            asyncio.get_running_loop().call_soon(self._disconnected_callback)

    async def disconnect(self) -> None:
        """Disconnect on request (bleak calls no disconnected_callback for this)."""
        self._tear_down()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """Pairing is not needed by the simulated peripheral."""

    async def unpair(self) -> None:
        """Nothing to unpair."""

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        """Our characteristics are not readable."""
        raise BleakError(f"characteristic {characteristic.uuid} does not support read")

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        """The simulated GATT table has no descriptors."""
        raise BleakError("no descriptors in the simulated GATT table")

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        """Queue one packet for the device; waits while the transmit buffer is full."""
        if self._peripheral is None:
            raise BleakError("Not connected")
        if characteristic.uuid != WRITE_CHAR_UUID or response:
            raise BleakError(f"{characteristic.uuid}: only write-without-response is supported")
        packet = bytes(data)
        if len(packet) > self._radio.payload:
            raise BleakError(
                f"write of {len(packet)} bytes exceeds max_write_without_response_size "
                f"({self._radio.payload})"
            )
        while len(self._tx) >= TX_BUFFER_PACKETS:
            self._tx_space.clear()
            await self._tx_space.wait()
            if self._peripheral is None:
                raise BleakError("Not connected")
        self._tx.append(packet)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        """The simulated GATT table has no descriptors."""
        raise BleakError("no descriptors in the simulated GATT table")

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        """Deliver the device's output to ``callback``, at most one payload per packet."""
        if characteristic.uuid != NOTIFY_CHAR_UUID:
            raise BleakError(f"{characteristic.uuid} does not support notify")
        self._notify = callback

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        """Stop delivering notifications."""
        self._notify = None

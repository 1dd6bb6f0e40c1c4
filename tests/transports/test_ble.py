"""The BLE transport through bleak's real BleakClient/BleakScanner and the simulated radio."""

from __future__ import annotations

import asyncio

import pytest
from bleak import BleakClient
from bleak.exc import BleakError

from massage_ctl.errors import DisconnectedError, TransportError
from massage_ctl.testing import EchoDevice, read_n
from massage_ctl.transports.ble import BleOptions, BleTransport, scan_for_devices
from massage_ctl.transports.ble_uuids import WRITE_CHAR_UUID
from massage_sim.ble_backend import SimBleRadio

ADDRESS = "C0:FF:EE:00:00:01"


class RecordingDevice(EchoDevice):
    """Echo device that also keeps each packet it received, to see the write sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.packets: list[bytes] = []

    def receive(self, data: bytes) -> None:
        self.packets.append(bytes(data))
        super().receive(data)


def options(radio: SimBleRadio, **kw: float) -> BleOptions:
    return BleOptions(
        client_backend=radio.client_backend,
        scanner_backend=radio.scanner_backend,
        scan_timeout_s=kw.get("scan_timeout_s", 2.0),
        retry_delay_s=0.01,
    )


@pytest.fixture
def radio() -> SimBleRadio:
    return SimBleRadio(interval_ms=7.5)


async def test_found_by_address_and_writes_split_to_the_negotiated_size(radio: SimBleRadio) -> None:
    device = RecordingDevice()
    radio.add_peripheral(device, address=ADDRESS, name="MassagePad")
    transport = BleTransport(ADDRESS.lower(), options=options(radio))
    async with transport:
        assert transport.max_write == 20
        frame = bytes(range(1, 71))  # 70 bytes: 20 + 20 + 20 + 10
        await transport.write(frame)
        assert await read_n(transport, 70) == frame
    assert [len(p) for p in device.packets] == [20, 20, 20, 10]


async def test_found_by_advertised_name(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address="C0:FF:EE:00:00:09", name="OtherThing")
    device = EchoDevice()
    radio.add_peripheral(device, address=ADDRESS, name="MassagePad")
    async with BleTransport("MassagePad", options=options(radio)) as transport:
        await transport.write(b"ping")
        assert await read_n(transport, 4) == b"ping"
    assert bytes(device.received) == b"ping"


async def test_a_larger_mtu_raises_the_write_size() -> None:
    radio = SimBleRadio(att_mtu=247, interval_ms=7.5)
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    async with BleTransport(ADDRESS, options=options(radio)) as transport:
        assert transport.max_write == 244


async def test_notifications_are_reassembled_into_the_byte_stream(radio: SimBleRadio) -> None:
    device = EchoDevice()
    radio.add_peripheral(device, address=ADDRESS, name="MassagePad")
    async with BleTransport(ADDRESS, options=options(radio)) as transport:
        status = bytes(range(100, 145))  # 45 bytes: needs three notifications
        device.send(status[:30])
        device.send(status[30:])
        assert await read_n(transport, 45) == status


async def test_link_loss_is_reported_as_disconnected(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    transport = BleTransport(ADDRESS, options=options(radio))
    await transport.open()
    radio.drop_link(ADDRESS)
    with pytest.raises(DisconnectedError):
        await asyncio.wait_for(transport.read(), 5)
    with pytest.raises(DisconnectedError):
        await transport.write(b"x")
    await transport.close()
    await transport.close()


async def test_device_side_disconnect_fault_is_reported(radio: SimBleRadio) -> None:
    device = EchoDevice()
    radio.add_peripheral(device, address=ADDRESS, name="MassagePad")
    async with BleTransport(ADDRESS, options=options(radio)) as transport:
        device.drop_link()
        with pytest.raises(DisconnectedError):
            await asyncio.wait_for(transport.read(), 5)


async def test_connect_is_retried_after_a_failed_attempt(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    radio.connect_failures = 2
    async with BleTransport(ADDRESS, options=options(radio)) as transport:
        await transport.write(b"ok")
        assert await read_n(transport, 2) == b"ok"
    assert radio.connect_failures == 0


async def test_giving_up_after_the_last_attempt_says_so(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    radio.connect_failures = 5
    with pytest.raises(TransportError) as info:
        await BleTransport(ADDRESS, options=options(radio)).open()
    assert "after 3 attempts" in str(info.value)
    assert info.value.hint


async def test_no_such_device_is_a_clear_error(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    transport = BleTransport("KitchenScale", options=options(radio, scan_timeout_s=0.3))
    with pytest.raises(TransportError) as info:
        await transport.open()
    assert "not found" in str(info.value)
    assert "massage-ctl devices" in (info.value.hint or "")


async def test_no_adapter_is_one_clear_error() -> None:
    radio = SimBleRadio(adapter_present=False)
    with pytest.raises(TransportError) as info:
        await BleTransport(ADDRESS, options=options(radio)).open()
    assert "Bluetooth is not available" in str(info.value)
    assert "bluetoothd" in (info.value.hint or "")


async def test_scan_lists_only_devices_advertising_our_service(radio: SimBleRadio) -> None:
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad", rssi=-40)
    radio.add_peripheral(EchoDevice(), address="C0:FF:EE:00:00:02", name="Chair", rssi=-70)
    radio.add_peripheral(
        EchoDevice(), address="C0:FF:EE:00:00:03", name="Headphones", advertise_service=False
    )
    found = await scan_for_devices(0.3, options(radio))
    assert [(d.name, d.url) for d in found] == [
        ("MassagePad", f"ble://{ADDRESS}"),
        ("Chair", "ble://C0:FF:EE:00:00:02"),
    ]


async def test_sim_radio_refuses_writes_above_the_att_payload(radio: SimBleRadio) -> None:
    # The backend itself enforces the negotiated size, so a transport that forgot to split
    # would fail loudly instead of passing the test by accident.
    radio.add_peripheral(EchoDevice(), address=ADDRESS, name="MassagePad")
    async with BleakClient(ADDRESS, backend=radio.client_backend) as client:
        with pytest.raises(BleakError, match="exceeds max_write_without_response_size"):
            await client.write_gatt_char(WRITE_CHAR_UUID, bytes(21), response=False)

"""The in-process simulator transport: bytes both ways, the device exposed, drops reported."""

from __future__ import annotations

import asyncio

import pytest

from massage_ctl.errors import DeviceURLError, DisconnectedError
from massage_ctl.testing import EchoDevice, read_n
from massage_ctl.transports import open_transport
from massage_ctl.transports.sim import SimTransport


async def test_bytes_travel_to_the_device_and_back() -> None:
    device = EchoDevice()
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        assert device.started
        assert transport.device is device
        await transport.write(b"\x01\x02\x03")
        assert await read_n(transport, 3) == b"\x01\x02\x03"
        assert bytes(device.received) == b"\x01\x02\x03"
    assert device.closed


async def test_device_initiated_bytes_arrive_joined_in_order() -> None:
    device = EchoDevice()
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        for chunk in (b"ab", b"cd", b"ef"):
            device.send(chunk)
        assert await transport.read() == b"abcdef"


async def test_bytes_written_right_before_close_still_reach_the_device() -> None:
    # A STOP is typically the last thing written before the transport closes.
    device = EchoDevice()
    transport = SimTransport("pad", device_factory=lambda: device)
    await transport.open()
    await transport.write(b"STOP")
    await transport.close()
    assert bytes(device.received) == b"STOP"


async def test_a_device_drop_delivers_earlier_bytes_then_disconnected_error() -> None:
    device = EchoDevice()
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        device.send(b"last words")
        device.drop_link()
        assert await transport.read() == b"last words"
        with pytest.raises(DisconnectedError):
            await transport.read()
        assert not transport.is_open
        with pytest.raises(DisconnectedError):
            await transport.write(b"x")


async def test_close_wakes_a_blocked_reader() -> None:
    device = EchoDevice()
    transport = SimTransport("pad", device_factory=lambda: device)
    await transport.open()
    reader = asyncio.create_task(transport.read())
    await asyncio.sleep(0)
    await transport.close()
    with pytest.raises(DisconnectedError):
        await reader


def test_sim_url_builds_a_sim_transport_with_its_profile() -> None:
    transport = open_transport("sim://bed?speed=max")
    assert isinstance(transport, SimTransport)
    assert transport.kind == "sim"
    assert transport.profile == "bed"


def test_a_bad_fault_spec_is_a_url_error_before_anything_opens() -> None:
    with pytest.raises(DeviceURLError) as info:
        open_transport("sim://chair?faults=explode@3s")
    assert "explode" in str(info.value)
    assert info.value.hint


async def test_a_receiver_gets_waiting_bytes_first_then_every_later_chunk_directly() -> None:
    # The link attaches a receiver (no reader-task wake-up per chunk); nothing may be lost or
    # reordered across the switch.
    device = EchoDevice()
    got: list[bytes] = []
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        device.send(b"early")
        transport.set_receiver(got.append)
        device.send(b"late")
        assert got == [b"early", b"late"]
        transport.set_receiver(None)
        device.send(b"read again")
        assert await transport.read() == b"read again"


async def test_with_a_receiver_read_only_returns_at_the_end_of_the_stream() -> None:
    device = EchoDevice()
    got: list[bytes] = []
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        transport.set_receiver(got.append)
        reader = asyncio.create_task(transport.read())
        device.send(b"status")
        await asyncio.sleep(0)
        assert not reader.done()
        device.drop_link()
        with pytest.raises(DisconnectedError):
            await reader
        assert got == [b"status"]


class _CrashingDevice(EchoDevice):
    def receive(self, data: bytes) -> None:
        raise ZeroDivisionError("simulated bug")


async def test_a_crashing_simulator_is_a_lost_link_not_a_hang() -> None:
    device = _CrashingDevice()
    async with SimTransport("pad", device_factory=lambda: device) as transport:
        with pytest.raises(DisconnectedError, match="simulator failed") as info:
            await transport.write(b"x")
        assert info.value.hint
        with pytest.raises(DisconnectedError):
            await transport.read()

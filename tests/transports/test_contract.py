"""One contract every transport keeps, run against each kind with an echoing peer.

The link engineer extends this suite; add a rig below for a new transport kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from massage_ctl.errors import DisconnectedError
from massage_ctl.transports import open_transport
from massage_ctl.transports.ble import BleOptions, BleTransport
from massage_ctl.transports.sim import SimTransport
from massage_sim.ble_backend import SimBleRadio

from .helpers import EchoDevice, EchoServer, PtyPeer, Rig, read_n

KINDS = ("sim", "serial", "socket", "ble")


@pytest.fixture(params=KINDS)
async def rig(request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    kind = request.param
    if kind == "sim":
        device = EchoDevice()

        async def drop_sim() -> None:
            device.drop_link()

        yield Rig(SimTransport("pad", device_factory=lambda: device), drop_sim)
    elif kind == "serial":
        peer = PtyPeer()
        peer.echo()

        async def drop_pty() -> None:
            peer.hang_up()

        yield Rig(open_transport(peer.port), drop_pty)
        peer.hang_up()
    elif kind == "socket":
        server = await EchoServer.start()
        yield Rig(open_transport(f"socket://127.0.0.1:{server.port}"), server.hang_up)
        await server.stop()
    else:  # ble
        radio = SimBleRadio(interval_ms=7.5)
        radio.add_peripheral(EchoDevice(), address="C0:FF:EE:00:00:01", name="MassagePad")
        options = BleOptions(
            client_backend=radio.client_backend, scanner_backend=radio.scanner_backend
        )

        async def drop_ble() -> None:
            radio.drop_link("C0:FF:EE:00:00:01")

        yield Rig(BleTransport("MassagePad", options=options), drop_ble)


async def test_open_makes_it_usable_and_kind_is_set(rig: Rig) -> None:
    assert not rig.transport.is_open
    await rig.transport.open()
    assert rig.transport.is_open
    assert rig.transport.kind in KINDS
    assert rig.transport.watchdog_ms in (500, 1000)
    await rig.transport.close()


async def test_round_trip_keeps_every_byte_in_order(rig: Rig) -> None:
    payload = bytes(range(256)) + b"\x00" * 10 + bytes(range(255, -1, -1))
    async with rig.transport as transport:
        await transport.write(payload)
        assert await read_n(transport, len(payload)) == payload


async def test_close_twice_is_safe_and_leaves_it_closed(rig: Rig) -> None:
    await rig.transport.open()
    await rig.transport.close()
    await rig.transport.close()
    assert not rig.transport.is_open
    with pytest.raises(DisconnectedError):
        await rig.transport.write(b"x")
    with pytest.raises(DisconnectedError):
        await rig.transport.read()


async def test_close_without_open_is_safe(rig: Rig) -> None:
    await rig.transport.close()


async def test_read_after_peer_disconnect_raises_disconnected(rig: Rig) -> None:
    async with rig.transport as transport:
        await transport.write(b"hello")
        assert await read_n(transport, 5) == b"hello"
        await rig.disconnect_peer()
        with pytest.raises(DisconnectedError):
            await asyncio.wait_for(read_n(transport, 1), 5)
        assert not transport.is_open

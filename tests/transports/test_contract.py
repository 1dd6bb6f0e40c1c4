"""One contract every transport keeps, run against each kind with an echoing peer.

The checks are shipped (:mod:`massage_ctl.testing.transports`) so a third-party transport runs
the same ones; add a rig below for a new transport kind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from massage_ctl.errors import DisconnectedError
from massage_ctl.testing import TRANSPORT_CONTRACT, EchoDevice, TransportRig
from massage_ctl.transports import open_transport
from massage_ctl.transports.base import Transport
from massage_ctl.transports.ble import BleOptions, BleTransport
from massage_ctl.transports.sim import SimTransport
from massage_sim.ble_backend import SimBleRadio

from .helpers import EchoServer, PtyPeer

KINDS = ("sim", "serial", "socket", "ble")


@pytest.fixture(params=KINDS)
async def rig(request: pytest.FixtureRequest) -> AsyncIterator[TransportRig]:
    kind = request.param
    if kind == "sim":
        device = EchoDevice()

        async def drop_sim() -> None:
            device.drop_link()

        yield TransportRig(SimTransport("pad", device_factory=lambda: device), drop_sim)
    elif kind == "serial":
        peer = PtyPeer()
        peer.echo()

        async def drop_pty() -> None:
            peer.hang_up()

        yield TransportRig(open_transport(peer.port), drop_pty)
        peer.hang_up()
    elif kind == "socket":
        server = await EchoServer.start()
        yield TransportRig(open_transport(f"socket://127.0.0.1:{server.port}"), server.hang_up)
        await server.stop()
    else:  # ble
        radio = SimBleRadio(interval_ms=7.5)
        radio.add_peripheral(EchoDevice(), address="C0:FF:EE:00:00:01", name="MassagePad")
        options = BleOptions(
            client_backend=radio.client_backend, scanner_backend=radio.scanner_backend
        )

        async def drop_ble() -> None:
            radio.drop_link("C0:FF:EE:00:00:01")

        yield TransportRig(BleTransport("MassagePad", options=options), drop_ble)


@pytest.mark.parametrize("check", TRANSPORT_CONTRACT, ids=lambda c: c.__name__)
async def test_the_transport_keeps_the_contract(
    rig: TransportRig, check: Callable[[TransportRig], Awaitable[None]]
) -> None:
    await check(rig)


class _Loopback(Transport):
    """A third-party-style backend: only the four hooks, no fast paths (base defaults)."""

    kind = "socket"

    def __init__(self) -> None:
        super().__init__("loopback")
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def _open(self) -> None:
        self._queue = asyncio.Queue()

    async def _write(self, data: bytes) -> None:
        self._queue.put_nowait(bytes(data))

    async def _read(self) -> bytes:
        data = await self._queue.get()
        if data is None:
            raise DisconnectedError("loopback: peer gone")
        return data

    async def _close(self) -> None:
        self._queue.put_nowait(None)


@pytest.mark.parametrize("check", TRANSPORT_CONTRACT, ids=lambda c: c.__name__)
async def test_a_backend_with_only_the_four_hooks_keeps_the_contract(
    check: Callable[[TransportRig], Awaitable[None]],
) -> None:
    transport = _Loopback()

    async def vanish() -> None:
        transport._queue.put_nowait(None)

    await check(TransportRig(transport, vanish))

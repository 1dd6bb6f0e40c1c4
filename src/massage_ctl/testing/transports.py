"""The transport contract: what every :class:`~massage_ctl.transports.base.Transport` keeps.

Each check takes a fresh :class:`TransportRig` whose peer echoes every byte back, and raises
``AssertionError`` naming what broke. :data:`TRANSPORT_CONTRACT` lists them all; our own tests
run it for ``sim``, ``serial``, ``socket`` and ``ble`` (``tests/transports/test_contract.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from massage_ctl.errors import DisconnectedError
from massage_ctl.transports.base import Transport

#: Kinds a transport may report (``Transport.kind``).
KINDS = ("sim", "serial", "socket", "ble")
#: Watchdog periods a transport may ask for (PROTOCOL.md: serial 500 ms, BLE 1000 ms).
WATCHDOG_MS = (500, 1000)
#: How long a check waits for echoed bytes before it fails (a hang is a failure, not a wait).
TIMEOUT_S = 5.0


@dataclass
class TransportRig:
    """A transport (not yet open) whose peer echoes, and a way to make that peer vanish."""

    transport: Transport
    disconnect_peer: Callable[[], Awaitable[None]]


class EchoDevice:
    """An in-process device that sends back whatever it receives.

    It has the shape the ``sim`` transport drives (``massage_sim.SimDevice``'s), so
    ``SimTransport("pad", device_factory=lambda: device)`` is a transport with an echoing peer.
    """

    def __init__(self) -> None:
        self.received = bytearray()
        self.started = False
        self.closed = False
        self._output: Callable[[bytes], None] = lambda _data: None
        self._on_disconnect: Callable[[], None] = lambda: None

    def receive(self, data: bytes) -> None:
        """Take bytes from the controller; they come back on the next loop turn."""
        self.received += data
        asyncio.get_running_loop().call_soon(self._output, bytes(data))

    def send(self, data: bytes) -> None:
        """Emit bytes on the device's own initiative (e.g. a status frame)."""
        self._output(data)

    def set_output(self, cb: Callable[[bytes], None]) -> None:
        """Where the device's bytes go."""
        self._output = cb

    def set_disconnect_handler(self, cb: Callable[[], None]) -> None:
        """What to call when the device drops the link."""
        self._on_disconnect = cb

    def drop_link(self) -> None:
        """The device side cuts the link (the simulator's disconnect fault)."""
        self._on_disconnect()

    async def start(self) -> None:
        """Power on."""
        self.started = True

    async def close(self) -> None:
        """Power off."""
        self.closed = True


async def read_n(transport: Transport, n: int) -> bytes:
    """Read until ``n`` bytes arrived (reads may return any split of the stream)."""
    data = b""
    while len(data) < n:
        data += await asyncio.wait_for(transport.read(), TIMEOUT_S)
    return data


async def open_makes_it_usable_and_kind_is_set(rig: TransportRig) -> None:
    """``open()`` makes it open; ``kind`` and ``watchdog_ms`` say what link it is."""
    assert not rig.transport.is_open
    await rig.transport.open()
    assert rig.transport.is_open
    assert rig.transport.kind in KINDS
    assert rig.transport.watchdog_ms in WATCHDOG_MS
    await rig.transport.close()


async def round_trip_keeps_every_byte_in_order(rig: TransportRig) -> None:
    """Every byte value, zeros included, comes back in order (any split into reads)."""
    payload = bytes(range(256)) + b"\x00" * 10 + bytes(range(255, -1, -1))
    async with rig.transport as transport:
        await transport.write(payload)
        assert await read_n(transport, len(payload)) == payload


async def close_twice_is_safe_and_leaves_it_closed(rig: TransportRig) -> None:
    """A second ``close()`` is harmless; reads and writes after close are disconnections."""
    await rig.transport.open()
    await rig.transport.close()
    await rig.transport.close()
    assert not rig.transport.is_open
    for attempt in (rig.transport.write(b"x"), rig.transport.read()):
        try:
            await attempt
        except DisconnectedError:
            continue
        raise AssertionError("a closed transport must raise DisconnectedError")


async def close_without_open_is_safe(rig: TransportRig) -> None:
    """``close()`` before ``open()`` changes nothing: still closed, and still usable later."""
    await rig.transport.close()
    assert not rig.transport.is_open
    assert not rig.transport.can_write_now()
    try:
        await rig.transport.write(b"x")
    except DisconnectedError:
        pass
    else:
        raise AssertionError("writing before open must raise DisconnectedError")
    async with rig.transport as transport:
        await transport.write(b"after")
        assert await read_n(transport, 5) == b"after"


async def read_after_peer_disconnect_raises_disconnected(rig: TransportRig) -> None:
    """A vanished peer ends ``read()`` with :class:`DisconnectedError` (never ``b""``, never a
    hang) and leaves the transport closed."""
    async with rig.transport as transport:
        await transport.write(b"hello")
        assert await read_n(transport, 5) == b"hello"
        await rig.disconnect_peer()
        try:
            await asyncio.wait_for(read_n(transport, 1), TIMEOUT_S)
        except DisconnectedError:
            pass
        else:
            raise AssertionError("read after the peer vanished must raise DisconnectedError")
        assert not transport.is_open


async def write_now_hands_bytes_over_only_when_it_says_it_can(rig: TransportRig) -> None:
    """``can_write_now()`` is False while closed; when it is True, ``write_now()`` sends at once
    (the link's direct sends rely on it)."""
    assert not rig.transport.can_write_now()
    async with rig.transport as transport:
        sent = b""
        for chunk in (b"direct", b"-", b"sends"):
            if transport.can_write_now():
                transport.write_now(chunk)
            else:
                await transport.write(chunk)
            sent += chunk
        assert await read_n(transport, len(sent)) == sent
    assert not rig.transport.can_write_now()


async def a_receiver_gets_the_bytes_when_the_backend_takes_one(rig: TransportRig) -> None:
    """``set_receiver(cb)`` returns True when the backend now calls ``cb`` with what it receives
    (``read()`` then only reports the end of the stream), False when ``read()`` keeps
    delivering; ``set_receiver(None)`` switches back."""
    got = bytearray()
    arrived = asyncio.Event()

    def receiver(data: bytes) -> None:
        got.extend(data)
        if len(got) >= 4:
            arrived.set()

    async with rig.transport as transport:
        takes = transport.set_receiver(receiver)
        assert takes in (True, False)
        await transport.write(b"ping")
        if takes:
            await asyncio.wait_for(arrived.wait(), TIMEOUT_S)
            assert bytes(got) == b"ping"
        else:
            assert await read_n(transport, 4) == b"ping"
        transport.set_receiver(None)
        await transport.write(b"pong")
        assert await read_n(transport, 4) == b"pong"


#: Every check of the transport contract, in the order a reader meets the interface.
TRANSPORT_CONTRACT: tuple[Callable[[TransportRig], Awaitable[None]], ...] = (
    open_makes_it_usable_and_kind_is_set,
    round_trip_keeps_every_byte_in_order,
    close_twice_is_safe_and_leaves_it_closed,
    close_without_open_is_safe,
    read_after_peer_disconnect_raises_disconnected,
    write_now_hands_bytes_over_only_when_it_says_it_can,
    a_receiver_gets_the_bytes_when_the_backend_takes_one,
)

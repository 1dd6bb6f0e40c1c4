"""Serial ports over a real pseudo terminal pair; the errors a user meets when opening one."""

from __future__ import annotations

import errno

import pytest
import serial

from massage_ctl.errors import DisconnectedError, TransportError
from massage_ctl.testing import read_n
from massage_ctl.transports import open_transport
from massage_ctl.transports.serial_port import SerialTransport

from .helpers import PtyPeer


async def test_bytes_both_ways_over_a_pty(pty_peer: PtyPeer) -> None:
    async with open_transport(f"serial://{pty_peer.port}?baud=115200") as transport:
        await transport.write(bytes(range(256)))
        assert await pty_peer.read_exactly(256) == bytes(range(256))
        pty_peer.write(b"\x00status\x00")
        assert await read_n(transport, 8) == b"\x00status\x00"


async def test_bare_port_path_opens_the_port(pty_peer: PtyPeer) -> None:
    async with open_transport(pty_peer.port) as transport:
        assert isinstance(transport, SerialTransport)
        await transport.write(b"hi")
        assert await pty_peer.read_exactly(2) == b"hi"


async def test_cable_pulled_makes_read_raise_disconnected(pty_peer: PtyPeer) -> None:
    transport = open_transport(pty_peer.port)
    await transport.open()
    pty_peer.hang_up()
    with pytest.raises(DisconnectedError):
        await read_n(transport, 1)
    assert not transport.is_open
    await transport.close()
    await transport.close()


async def test_a_port_in_use_is_reported_busy(pty_peer: PtyPeer) -> None:
    async with open_transport(pty_peer.port):
        second = open_transport(pty_peer.port)
        with pytest.raises(TransportError) as info:
            await second.open()
        assert "busy" in str(info.value)
        assert "other program" in (info.value.hint or "")
        await second.close()  # safe after a failed open


async def test_a_missing_port_says_so_and_points_to_devices() -> None:
    transport = open_transport("/dev/ttyMASSAGE_NOPE0")
    with pytest.raises(TransportError) as info:
        await transport.open()
    assert "does not exist" in str(info.value)
    assert "massage-ctl devices" in (info.value.hint or "")


async def test_no_permission_hints_at_the_dialout_group(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, so the OS refusal is replayed exactly as pyserial raises it.
    def refuse(url: str, *args: object, **kwargs: object) -> serial.Serial:
        raise serial.SerialException(
            errno.EACCES, f"could not open port {url}: [Errno 13] Permission denied: {url!r}"
        )

    monkeypatch.setattr(serial, "serial_for_url", refuse)
    monkeypatch.setattr("sys.platform", "linux")
    with pytest.raises(TransportError) as info:
        await open_transport("/dev/ttyUSB0").open()
    assert "no permission" in str(info.value)
    assert "dialout" in (info.value.hint or "")

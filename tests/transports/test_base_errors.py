"""The checks every transport shares (``Transport`` base class): an OS error while reading or
writing — also a direct write — is a lost connection with a plain message, never a raw
``OSError`` reaching the link."""

from __future__ import annotations

import asyncio

import pytest

from massage_ctl.errors import DisconnectedError
from massage_ctl.transports.base import Transport


class _BrokenCable(Transport):
    """Opens fine; every read and write then fails as a pulled USB cable does (EIO)."""

    kind = "serial"

    async def _open(self) -> None:
        pass

    async def _write(self, data: bytes) -> None:
        raise OSError(5, "Input/output error")

    def _write_now(self, data: bytes) -> None:
        raise OSError(5, "Input/output error")

    async def _read(self) -> bytes:
        raise OSError(5, "Input/output error")

    async def _close(self) -> None:
        pass


@pytest.mark.parametrize("how", ["write", "write_now", "read"])
def test_an_os_error_is_a_lost_connection_and_closes_the_transport(how: str) -> None:
    async def go() -> None:
        transport = _BrokenCable("serial port /dev/ttyUSB0")
        await transport.open()
        with pytest.raises(DisconnectedError, match=r"ttyUSB0: .*Input/output error"):
            if how == "write":
                await transport.write(b"\x01\x00")
            elif how == "write_now":
                transport.write_now(b"\x01\x00")
            else:
                await transport.read()
        assert not transport.is_open
        with pytest.raises(DisconnectedError, match="not connected"):
            await transport.write(b"\x01\x00")

    asyncio.run(go())

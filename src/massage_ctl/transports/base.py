"""The one small async transport interface: a byte stream to a device.

A transport knows nothing of frames or messages; the link (``massage_ctl.link``) does the
framing. Backends implement the four ``_``-hooks; the public methods add the checks every
backend must share (open before use, errors wrapped into :class:`TransportError`).

Implementers read this as the reference:

* ``_open()`` connects. Raise :class:`TransportError` (or a subclass) with a message a user
  understands: missing port, busy port, no permission, no BLE adapter...
* ``_write(data)`` sends bytes. ``data`` is never longer than :attr:`max_write`; the base class
  splits longer writes. On BLE one call is one write-without-response.
* ``_read()`` waits for and returns at least one received byte. When the peer is gone it raises
  :class:`DisconnectedError`; it never returns ``b""``.
* ``_close()`` releases the port. It must be safe to call twice and after a failed open.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Self

from massage_ctl.errors import DisconnectedError, TransportError

if TYPE_CHECKING:
    from massage_ctl.transports.url import DeviceURL


class Transport(abc.ABC):
    """A byte stream to one device."""

    #: ``sim``, ``serial``, ``socket`` or ``ble``.
    kind: str = "abstract"
    #: Largest single write in bytes (BLE: negotiated ATT payload; others: effectively unbounded).
    max_write: int = 4096
    #: Watchdog period to negotiate for this kind of link (DESIGN §5: serial 500 ms, BLE 1000 ms).
    watchdog_ms: int = 500

    def __init__(self, description: str) -> None:
        self.description = description
        self._is_open = False

    @classmethod
    def from_url(cls, url: DeviceURL) -> Self:
        """A transport for a parsed device URL (not yet open). Backends override this."""
        raise TransportError(f"{cls.__name__} cannot be opened from a device URL ({url})")

    @property
    def max_frame_bytes(self) -> int:
        """Longest frame the link should put on the wire in one piece (default :attr:`max_write`).

        A frame on the wire cannot be overtaken by STOP, so slow links keep frames short: a
        backend whose bytes take long to leave (a serial UART) overrides this with what fits a
        few milliseconds. The link packs setpoints into ``min(max_write, max_frame_bytes)``
        bytes, but always at least one setpoint per frame.
        """
        return self.max_write

    @property
    def is_open(self) -> bool:
        """True between a successful :meth:`open` and :meth:`close` or a disconnect."""
        return self._is_open

    async def open(self) -> None:
        """Connect to the device."""
        if self._is_open:
            return
        await self._open()
        self._is_open = True

    async def write(self, data: bytes) -> None:
        """Send ``data``, split into writes of at most :attr:`max_write` bytes."""
        if not self._is_open:
            raise DisconnectedError(f"{self.description}: not connected")
        try:
            for i in range(0, len(data), self.max_write):
                await self._write(data[i : i + self.max_write])
        except DisconnectedError:
            self._is_open = False
            raise
        except TransportError:
            raise
        except OSError as err:
            self._is_open = False
            raise DisconnectedError(f"{self.description}: {err}") from err

    async def read(self) -> bytes:
        """Wait for received bytes (at least one); :class:`DisconnectedError` when gone."""
        if not self._is_open:
            raise DisconnectedError(f"{self.description}: not connected")
        try:
            data = await self._read()
        except DisconnectedError:
            self._is_open = False
            raise
        except TransportError:
            raise
        except OSError as err:
            self._is_open = False
            raise DisconnectedError(f"{self.description}: {err}") from err
        return data

    async def close(self) -> None:
        """Release the device; safe to call more than once."""
        self._is_open = False
        await self._close()

    async def __aenter__(self) -> Transport:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abc.abstractmethod
    async def _open(self) -> None: ...

    @abc.abstractmethod
    async def _write(self, data: bytes) -> None: ...

    @abc.abstractmethod
    async def _read(self) -> bytes: ...

    @abc.abstractmethod
    async def _close(self) -> None: ...

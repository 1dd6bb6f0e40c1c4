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

Two fast paths, declared here with safe defaults (the link calls them on every transport; a
backend overrides them when it can do better):

* :meth:`can_write_now` + ``_write_now(data)``: a backend that can take bytes without waiting
  (a stream whose OS buffer has room, the in-process simulator) says so; the link then hands
  frames over from timers and ``submit`` directly, without waking a writer task (docs/LINK.md,
  "Direct sends"). Default: never.
* :meth:`set_receiver`: a backend that can call the link with received bytes (the in-process
  simulator) does so instead of waking a reader task per chunk. Default: not taken.

The contract every backend keeps is :mod:`massage_ctl.testing.transports`, shipped so that a
third-party backend runs the same checks as ours.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    #: Watchdog period to negotiate for this kind of link (PROTOCOL.md: serial 500 ms, BLE 1000 ms).
    watchdog_ms: int = 500

    def __init__(self, description: str) -> None:
        self.description = description
        self._is_open = False

    @classmethod
    def from_url(cls, url: DeviceURL) -> Self:
        """A transport for a parsed device URL (not yet open). Backends override this."""
        raise TransportError(f"{cls.__name__} cannot be opened from a device URL ({url})")

    def can_write_now(self) -> bool:
        """True when :meth:`write_now` would hand bytes over at once (default: never)."""
        return False

    def write_now(self, data: bytes) -> None:
        """Hand ``data`` over without waiting; only right after :meth:`can_write_now` said True.

        Raises :class:`DisconnectedError` like :meth:`write`.
        """
        # The same checks as _io(), spelled out: every direct-sent frame passes here, and a
        # generator context manager per frame showed at ?speed=max (≈5 %).
        if not self._is_open:
            raise DisconnectedError(f"{self.description}: not connected")
        try:
            self._write_now(data)
        except DisconnectedError:
            self._is_open = False
            raise
        except OSError as err:
            self._is_open = False
            raise DisconnectedError(f"{self.description}: {err}") from err

    def _write_now(self, data: bytes) -> None:
        """Backend hook of :meth:`write_now` (only for backends whose :meth:`can_write_now`
        can be True)."""
        raise TransportError(f"{self.description}: cannot write without waiting")

    def set_receiver(self, receiver: Callable[[bytes], None] | None) -> bool:
        """Ask the backend to call ``receiver`` with received bytes instead of returning them
        from :meth:`read`; ``None`` switches back.

        Returns True when the backend takes the receiver: from then on :meth:`read` only waits
        for the end of the stream (and raises :class:`DisconnectedError` when the device is
        gone). Returns False (the default) when :meth:`read` keeps delivering the bytes.
        """
        del receiver
        return False

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
        with self._io():
            for i in range(0, len(data), self.max_write):
                await self._write(data[i : i + self.max_write])

    async def read(self) -> bytes:
        """Wait for received bytes (at least one); :class:`DisconnectedError` when gone."""
        with self._io():
            return await self._read()

    @contextmanager
    def _io(self) -> Iterator[None]:
        """The checks every read and write shares: open first; a lost connection (or an OS
        error, which is one) marks the transport closed and is a :class:`DisconnectedError`."""
        if not self._is_open:
            raise DisconnectedError(f"{self.description}: not connected")
        try:
            yield
        except DisconnectedError:
            self._is_open = False
            raise
        except TransportError:
            raise
        except OSError as err:
            self._is_open = False
            raise DisconnectedError(f"{self.description}: {err}") from err

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

"""Streaming decoder: bytes in any chunking → frames and per-frame errors, bounded memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from massage_ctl.protocol.codec import decode_undelimited
from massage_ctl.protocol.errors import FrameError, OversizedFrameError
from massage_ctl.protocol.messages import Frame
from massage_ctl.protocol.schema import MAX_FRAME_BYTES, PROTOCOL_VERSION

_MAX_BUFFER = MAX_FRAME_BYTES - 1  # the delimiter is never buffered
_S = TypeVar("_S")


class FrameDecoder:
    """Splits a received byte stream at 0x00 delimiters and decodes each frame.

    :meth:`feed` never raises for bad input: each bad frame comes back as its
    :class:`~massage_ctl.protocol.errors.FrameError` in the result list, so the caller can
    count it and go on. Empty frames (``00 00``) are skipped silently — a sender may send a
    lone 0x00 to flush a receiver. If more than ``MAX_FRAME_BYTES - 1`` bytes arrive without a
    delimiter, they are reported once as ``oversized`` and everything up to the next 0x00 is
    dropped: the buffer never holds more than that, whatever a peer sends. This is also how the
    decoder resynchronises after garbage: the next 0x00 starts a fresh frame.
    """

    def __init__(self, version: int = PROTOCOL_VERSION) -> None:
        #: The protocol version of the frames accepted (others: ``version`` errors); a link
        #: sets it to the version it negotiated.
        self.version = version
        self._buf = bytearray()
        self._discarding = False
        #: Count of errors seen, by ``kind``.
        self.errors_by_kind: dict[str, int] = {}
        #: Count of frames decoded.
        self.frames = 0

    @property
    def buffered(self) -> int:
        """Bytes held of a frame not yet delimited (never above ``MAX_FRAME_BYTES - 1``)."""
        return len(self._buf)

    def reset(self) -> None:
        """Forget any partial frame (e.g. after a reconnect)."""
        self._buf.clear()
        self._discarding = False

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        """Take received bytes; return the frames and errors they complete, in order."""
        return self._feed(data, None)

    def feed_with(
        self, data: bytes, shortcut: Callable[[bytes], _S | None]
    ) -> list[Frame | FrameError | _S]:
        """:meth:`feed`, except that a frame ``shortcut`` answers (not ``None``) comes back as
        that answer instead of a :class:`Frame` — e.g. the fields of a STATUS from
        :func:`~massage_ctl.protocol.shortcuts.read_status`, without the objects in between.
        Frames it declines are decoded as by :meth:`feed` (errors included)."""
        return self._feed(data, shortcut)

    def _feed(self, data: bytes, shortcut: Callable[[bytes], Any] | None) -> list[Any]:
        # Split at the delimiters in C; every piece but the last is a complete frame.
        pieces = bytes(data).split(b"\x00")
        tail = pieces.pop()
        results: list[Any] = []
        if pieces:
            if self._discarding:
                pieces[0] = b""  # the rest of an oversized frame: dropped
                self._discarding = False
            elif self._buf:
                pieces[0] = bytes(self._buf) + pieces[0]
                self._buf.clear()
            for piece in pieces:
                if not piece:
                    continue  # an empty frame (00 00): a sender's flush, not an error
                if len(piece) > _MAX_BUFFER:
                    self._error(results, self._oversized())
                    continue
                if shortcut is not None:
                    answer = shortcut(piece)
                    if answer is not None:
                        results.append(answer)
                        self.frames += 1
                        continue
                try:
                    results.append(decode_undelimited(piece, self.version))
                    self.frames += 1
                except FrameError as err:
                    self._error(results, err)
        if tail and not self._discarding:
            if len(self._buf) + len(tail) > _MAX_BUFFER:
                self._buf.clear()
                self._discarding = True
                self._error(results, self._oversized())
            else:
                self._buf += tail
        return results

    @staticmethod
    def _oversized() -> OversizedFrameError:
        return OversizedFrameError(
            f"more than {_MAX_BUFFER} bytes without a frame delimiter; dropped up to the next 0x00"
        )

    def _error(self, results: list[Any], err: FrameError) -> None:
        self.errors_by_kind[err.kind] = self.errors_by_kind.get(err.kind, 0) + 1
        results.append(err)

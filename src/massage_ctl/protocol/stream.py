"""Streaming decoder: bytes in any chunking → frames and per-frame errors, bounded memory."""

from __future__ import annotations

from massage_ctl.protocol.codec import decode_frame
from massage_ctl.protocol.errors import FrameError, OversizedFrameError
from massage_ctl.protocol.messages import Frame
from massage_ctl.protocol.schema import MAX_FRAME_BYTES

_MAX_BUFFER = MAX_FRAME_BYTES - 1  # the delimiter is never buffered


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

    def __init__(self) -> None:
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
        results: list[Frame | FrameError] = []
        start = 0
        n = len(data)
        while start < n:
            end = data.find(0, start)
            stop = n if end < 0 else end
            if not self._discarding:
                if len(self._buf) + (stop - start) > _MAX_BUFFER:
                    self._buf.clear()
                    self._discarding = True
                    self._error(
                        results,
                        OversizedFrameError(
                            f"more than {_MAX_BUFFER} bytes without a frame delimiter; "
                            "dropped up to the next 0x00"
                        ),
                    )
                else:
                    self._buf += data[start:stop]
            if end < 0:
                break
            if self._discarding:
                self._discarding = False
            elif self._buf:
                try:
                    results.append(decode_frame(bytes(self._buf)))
                    self.frames += 1
                except FrameError as err:
                    self._error(results, err)
                self._buf.clear()
            start = end + 1
        return results

    def _error(self, results: list[Frame | FrameError], err: FrameError) -> None:
        self.errors_by_kind[err.kind] = self.errors_by_kind.get(err.kind, 0) + 1
        results.append(err)

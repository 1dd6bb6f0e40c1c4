"""Errors of the wire codec: one class per kind of bad frame.

Each class has a stable ``kind`` string; the test vectors (``firmware_protocol/vectors``) name
their verdicts with it, and the C reference uses the same words::

    ProtocolError (massage_ctl.errors)
    ├── CobsError            "cobs"          COBS stuffing is broken (bad code byte, stray 0x00)
    ├── TruncatedFrameError  "truncated"     shorter than a header + CRC, or than its payload needs
    ├── OversizedFrameError  "oversized"     longer than MAX_FRAME_BYTES on the wire
    ├── CrcError             "crc"           CRC-16/CCITT-FALSE does not match
    ├── VersionError         "version"       the version byte is not PROTOCOL_VERSION
    ├── UnknownTypeError     "unknown-type"  no message has that type code
    ├── MalformedFrameError  "malformed"     payload has extra bytes or a field value is invalid
    └── FieldRangeError      "field-range"   (encoding) a field value does not fit its wire type
"""

from __future__ import annotations

from massage_ctl.errors import ProtocolError

_HINT = "check the cable/baud rate, or that the device runs firmware for this protocol version"


class FrameError(ProtocolError):
    """A received frame is bad. Subclasses set ``kind``; ``hint`` tells the user what to check."""

    kind: str = "frame"

    def __init__(self, message: str, *, hint: str | None = _HINT) -> None:
        super().__init__(message, hint=hint)


class CobsError(FrameError):
    """The COBS stuffing is broken: a code byte points past the end, or a 0x00 inside a frame."""

    kind = "cobs"


class TruncatedFrameError(FrameError):
    """The frame is shorter than a header plus CRC, or than its message's payload needs."""

    kind = "truncated"


class OversizedFrameError(FrameError):
    """More than ``MAX_FRAME_BYTES`` arrived without a delimiter; the bytes were discarded."""

    kind = "oversized"


class CrcError(FrameError):
    """The CRC-16/CCITT-FALSE at the end of the frame does not match its contents."""

    kind = "crc"


class VersionError(FrameError):
    """The frame's version byte is not ours. ``version`` and ``message_type`` say what came;
    ``raw`` is the whole COBS-decoded frame (CRC checked), so a device can still read the
    frozen first fields of a foreign HELLO and answer it (PROTOCOL.md §9)."""

    kind = "version"

    def __init__(
        self, message: str, *, version: int, message_type: int, raw: bytes = b""
    ) -> None:
        super().__init__(
            message, hint="update the firmware or massage_ctl so both speak the same version"
        )
        self.version = version
        self.message_type = message_type
        self.raw = raw


class UnknownTypeError(FrameError):
    """No message of this protocol version has the frame's type code."""

    kind = "unknown-type"


class MalformedFrameError(FrameError):
    """The payload has trailing bytes or a field holds an invalid value (enum, UTF-8, count)."""

    kind = "malformed"


class FieldRangeError(ProtocolError):
    """A message could not be encoded: a field value does not fit its wire type.

    This is raised on the sending side and means a bug or an unchecked value in the caller.
    """

    kind = "field-range"


#: Every error class the decoder raises, by kind (for the vectors and the link's statistics).
FRAME_ERRORS: dict[str, type[FrameError]] = {
    cls.kind: cls
    for cls in (
        CobsError,
        TruncatedFrameError,
        OversizedFrameError,
        CrcError,
        VersionError,
        UnknownTypeError,
        MalformedFrameError,
    )
}

"""COBS (Consistent Overhead Byte Stuffing) encode/decode, and the CRC used by the frames.

Our own 30 lines rather than the ``cobs`` package: the C reference must match it byte for byte,
the decoder has to raise our :class:`CobsError` (not a foreign exception), and it avoids a
compiled dependency. Convention (the common one, Cheshire & Baker): a block of 254 non-zero
bytes is written as 0xFF + the 254 bytes, and no extra code byte follows a final full block.
"""

from __future__ import annotations

import binascii

from massage_ctl.protocol.errors import CobsError


def cobs_encode(data: bytes) -> bytes:
    """COBS-encode ``data`` (the result contains no 0x00; the delimiter is not appended)."""
    out = bytearray()
    start = 0
    n = len(data)
    while True:
        # A block is the bytes up to the next zero, at most 254 of them.
        limit = min(start + 254, n)
        end = data.find(0, start, limit)
        if end < 0:
            out.append(limit - start + 1)
            out += data[start:limit]
            if limit == n:
                return bytes(out)
            start = limit  # a full 254-byte block: no zero consumed
        else:
            out.append(end - start + 1)
            out += data[start:end]
            start = end + 1  # the zero is implied by the code byte


def cobs_decode(data: bytes) -> bytes:
    """Decode one COBS block sequence (without delimiter); :class:`CobsError` if broken."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        code = data[i]
        if code == 0:
            raise CobsError("COBS: 0x00 inside a frame")
        end = i + code
        if end > n:
            raise CobsError("COBS: a code byte points past the end of the frame")
        block = data[i + 1 : end]
        if 0 in block:
            raise CobsError("COBS: 0x00 inside a frame")
        out += block
        i = end
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF); ``crc16(b"123456789") == 0x29B1``."""
    return binascii.crc_hqx(data, 0xFFFF)

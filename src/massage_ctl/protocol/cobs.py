"""COBS (Consistent Overhead Byte Stuffing) encode/decode, and the CRC used by the frames.

Our own code rather than the ``cobs`` package: the C reference must match it byte for byte,
the decoder has to raise our :class:`CobsError` (not a foreign exception), and it avoids a
compiled dependency. Convention (the common one, Cheshire & Baker): a block of 254 non-zero
bytes is written as 0xFF + the 254 bytes, and no extra code byte follows a final full block.

Two implementations: the block-walking ``*_reference`` functions state the algorithm plainly
and handle every length; :func:`cobs_encode` / :func:`cobs_decode` are what the codec runs per
frame and leave the per-byte work to C (``bytes.split``, ``in``, integer OR/XOR over the whole
frame with the code bytes remembered from the last frame of the same shape), handing the rare
254-byte runs to the reference. Tests check that both agree on arbitrary data.
"""

from __future__ import annotations

import binascii

from massage_ctl.protocol.errors import CobsError

#: ``_CODE[n]`` is the one-byte ``bytes`` of code ``n`` (avoids building it per block).
_CODE = tuple(bytes((i,)) for i in range(256))
#: Below this input length no run of 254 non-zero bytes can occur, so every block is short.
_SHORT = 254
#: ``data.translate(_ZERO_PATTERN)``: 0x00 stays, every other byte becomes 0x01.
_ZERO_PATTERN = bytes([0] + [1] * 255)
#: Zero pattern → the encoding's code bytes at their places (an int), for :func:`cobs_encode`.
_ENCODE_CODES: dict[bytes, int] = {}
#: Encoded length → (0xFF at each code byte's place, the code bytes there), for cobs_decode.
_DECODE_CHAINS: dict[int, tuple[int, int]] = {}
#: Entries each cache may hold before it starts over (a few hundred frame shapes in practice).
_CACHE_SIZE = 512


def cobs_encode(data: bytes) -> bytes:
    """COBS-encode ``data`` (the result contains no 0x00; the delimiter is not appended)."""
    if len(data) >= _SHORT:
        return cobs_encode_reference(data)
    # COBS only replaces each zero by a code byte (and prepends one), and the code bytes depend
    # only on where the zeros are. Frames of one kind mostly repeat that pattern (a STATUS
    # whose values move keeps its zero bytes), so the code bytes are remembered per pattern
    # as one integer and ORed into the data: a few C calls instead of a loop over the zeros.
    pattern = data.translate(_ZERO_PATTERN)
    codes = _ENCODE_CODES.get(pattern)
    if codes is None:
        codes = int.from_bytes(_encode_short(data), "big") ^ int.from_bytes(data, "big")
        if len(_ENCODE_CODES) >= _CACHE_SIZE:
            _ENCODE_CODES.clear()
        _ENCODE_CODES[pattern] = codes
    # int.from_bytes(data) is also the value of b"\x00" + data: the leading code's place.
    return (int.from_bytes(data, "big") | codes).to_bytes(len(data) + 1, "big")


def _encode_short(data: bytes) -> bytes:
    """COBS of ``data`` shorter than 254 bytes (every block is short)."""
    # Each zero-free piece becomes (length + 1) + piece; the zeros are implied by the codes.
    out: list[bytes] = []
    code = _CODE
    for piece in data.split(b"\x00"):
        out.append(code[len(piece) + 1])
        out.append(piece)
    return b"".join(out)


def cobs_decode(data: bytes) -> bytes:
    """Decode one COBS block sequence (without delimiter); :class:`CobsError` if broken."""
    if 0 in data:
        raise CobsError("COBS: 0x00 inside a frame")
    if not data:
        return b""
    n = len(data)
    # Fast path (see cobs_encode): if the bytes where the last frame of this length had its
    # codes hold the same codes, the chain of codes is the same, and decoding is zeroing them.
    known = _DECODE_CHAINS.get(n)
    if known is not None:
        where, codes = known
        value = int.from_bytes(data, "big")
        if value & where == codes:
            return (value ^ codes).to_bytes(n, "big")[1:]
    # Decoding turns every code byte after the first into the 0x00 it stands for (unless the
    # previous block was a full 0xFF one, which implies no zero): walk the chain of codes.
    buf = bytearray(data)
    where_bytes = bytearray(n)
    i = 0
    while i < n:
        code = buf[i]
        if code == 0xFF:
            return cobs_decode_reference(data)
        buf[i] = 0
        where_bytes[i] = 0xFF
        i += code
    if i != n:
        raise CobsError("COBS: a code byte points past the end of the frame")
    if len(_DECODE_CHAINS) >= _CACHE_SIZE:
        _DECODE_CHAINS.clear()
    _DECODE_CHAINS[n] = (
        int.from_bytes(where_bytes, "big"),
        int.from_bytes(data, "big") ^ int.from_bytes(buf, "big"),
    )
    del buf[0]
    return bytes(buf)


def cobs_encode_reference(data: bytes) -> bytes:
    """COBS-encode ``data`` block by block (the plain statement of :func:`cobs_encode`)."""
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


def cobs_decode_reference(data: bytes) -> bytes:
    """Decode block by block (the plain statement of :func:`cobs_decode`)."""
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

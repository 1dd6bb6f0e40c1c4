"""What every message shares, written by hand: the generated classes of
:mod:`massage_ctl.protocol.messages` build on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from massage_ctl.protocol.layout import FieldDef

NO_CHANNEL = 255
"""``Fault.channel`` when a fault is not about one channel."""


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every message. ``TYPE`` is the wire type code, ``NAME`` as in messages.toml."""

    TYPE: ClassVar[int] = -1
    NAME: ClassVar[str] = ""
    LAYOUT: ClassVar[tuple[FieldDef, ...]] = ()


@dataclass(frozen=True, slots=True)
class Frame:
    """A decoded frame: the sender's sequence number and the message."""

    seq: int
    message: Message

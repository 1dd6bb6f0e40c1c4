"""Words every layer shares: the kinds of device channel and the rhythms a channel can run.

Their own module, below everything else, so a device descriptor, a technique, the timeline and
the wire protocol name a channel kind or a pattern without importing one another
(docs/ARCHITECTURE.md). The wire codes for them are in ``firmware_protocol/messages.toml``.
"""

from __future__ import annotations

from typing import Literal

#: What a channel drives: a motor (vibration), an air cell (pressure), a roller's intensity or
#: its position along the back, or a heat pad (°C).
ChannelKind = Literal["vibration", "pressure", "roller", "position", "heat"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("vibration", "pressure", "roller", "position", "heat")

#: The rhythm a device runs on a channel's envelope; ``steady`` is none (every channel has it).
Pattern = Literal["steady", "pulse", "wave", "knead", "roll", "tap"]
PATTERNS: tuple[Pattern, ...] = ("steady", "pulse", "wave", "knead", "roll", "tap")

__all__ = ["CHANNEL_KINDS", "PATTERNS", "ChannelKind", "Pattern"]

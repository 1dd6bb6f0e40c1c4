"""Acknowledged requests: what an ACK's result code means, and the error for a dropped retry.

HELLO, SESSION_START, SESSION_END and CLEAR are acknowledged and retried with the same
sequence number (PROTOCOL §7.3). Sending STOP drops every pending retry: the waiting request
then fails with :class:`RequestDroppedError`, so a late re-sent CLEAR or SESSION_START can
never undo the STOP.
"""

from __future__ import annotations

from massage_ctl.errors import LinkError
from massage_ctl.protocol.enums import AckResult
from massage_ctl.protocol.messages import Ack, Message
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASH


class RequestDroppedError(LinkError):
    """An acknowledged request was abandoned because STOP was sent while it waited."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} was not completed: STOP was pressed",
            hint="start the session again when you are ready",
        )


def check_ack(msg: Message, ack: Ack) -> Ack:
    """Return ``ack`` when it accepts ``msg``; a :class:`LinkError` naming the refusal if not."""
    if ack.result in (AckResult.OK, AckResult.CLAMPED):
        return ack
    if ack.result == AckResult.VERSION_MISMATCH:
        raise LinkError(
            f"the device refused protocol version {PROTOCOL_VERSION} / schema "
            f"{SCHEMA_HASH:08x}",
            hint="update the firmware or massage_ctl so both use the same protocol",
        )
    hint = "press STOP, then start again" if ack.result == AckResult.LATCHED else None
    raise LinkError(f"the device refused {msg.NAME}: {ack.result.name.lower()}", hint=hint)

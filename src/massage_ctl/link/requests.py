"""Acknowledged requests: what an ACK's result code means, and the error for a dropped retry.

HELLO, SESSION_START, SESSION_END and CLEAR are acknowledged and retried with the same
sequence number (PROTOCOL.md §7.3). A CLEAR answered ``LATCHED`` before a start means a fault
is still present: :func:`start_refused` says which, in words, and what to do. Sending STOP
drops every pending retry: the waiting request then fails with :class:`RequestDroppedError`,
so a late re-sent CLEAR or SESSION_START can never undo the STOP.
"""

from __future__ import annotations

from massage_ctl.errors import DeviceFaultError, LinkError
from massage_ctl.protocol.enums import AckResult, FaultBits
from massage_ctl.protocol.messages import Ack, Message
from massage_ctl.protocol.schema import PROTOCOL_VERSION, SCHEMA_HASH


class RequestDroppedError(LinkError):
    """An acknowledged request was abandoned because STOP was sent while it waited."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} was not completed: STOP was pressed",
            hint="start the session again when you are ready",
        )


class VersionMismatchError(LinkError):
    """The device acknowledged HELLO with VERSION_MISMATCH (the handshake names both sides)."""


class NoAnswerError(LinkError):
    """The device did not describe itself in answer to HELLO (of the version tried)."""


def check_ack(msg: Message, ack: Ack) -> Ack:
    """Return ``ack`` when it accepts ``msg``; a :class:`LinkError` naming the refusal if not."""
    if ack.result in (AckResult.OK, AckResult.CLAMPED):
        return ack
    if ack.result == AckResult.VERSION_MISMATCH:
        raise VersionMismatchError(
            f"the device refused protocol version {PROTOCOL_VERSION} / schema "
            f"{SCHEMA_HASH:08x}",
            hint="update the firmware or massage_ctl so both use the same protocol",
        )
    hint = "press STOP, then start again" if ack.result == AckResult.LATCHED else None
    raise LinkError(f"the device refused {msg.NAME}: {ack.result.name.lower()}", hint=hint)


#: What a fault still present means for the user, and what to do about it (per fault bit).
_FAULT_WORDS: dict[FaultBits, tuple[str, str]] = {
    FaultBits.OVER_TEMPERATURE: (
        "a heater is still too hot (over-temperature)",
        "let the heat pad cool down for a few minutes, then start again",
    ),
    FaultBits.STUCK_CHANNEL: (
        "an output does not follow its setting (stuck channel)",
        "check the channel's motor or air cell and its wiring, then switch the device off "
        "and on",
    ),
    FaultBits.HARDWARE: (
        "the device reports a hardware fault",
        "switch the device off, check it, and contact its maker if the fault stays",
    ),
    FaultBits.POWER: (
        "the device reports a power-supply fault",
        "check the power supply and its plug, then switch the device off and on",
    ),
    FaultBits.INTERNAL: (
        "the device reports an internal error",
        "switch the device off and on; if it stays, update or reflash its firmware",
    ),
    FaultBits.WATCHDOG: (
        "the device still holds a lost-link latch",
        "reconnect; if that does not help, switch the device off and on",
    ),
}


class StartRefusedError(DeviceFaultError):
    """The device refused to start a session: a fault whose cause is still present (CLEAR was
    answered LATCHED), or SESSION_START was refused. Nothing was driven."""


def start_refused(device: str, fault_bits: int) -> StartRefusedError:
    """The error for a CLEAR answered ``LATCHED``: which fault is still present, in words, and
    what to do (``fault_bits`` from the newest STATUS; 0 when none arrived)."""
    present = [words for bit, words in _FAULT_WORDS.items() if fault_bits & bit]
    if not present:
        return StartRefusedError(
            f"{device}: the session was not started: the device still reports a fault",
            hint="look at the device's display or lights; let it cool down or check it, then "
            "start again",
        )
    what = "; ".join(w for w, _ in present)
    hint = "; ".join(h for _, h in present)
    return StartRefusedError(
        f"{device}: the session was not started: {what}", hint=hint
    )

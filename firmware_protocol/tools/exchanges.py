"""The scripted exchanges of vectors/exchanges.json: device behaviour, frame by frame.

Each exchange is what a controller sends and what every conforming device must answer: the
ACKs a frame gets (exactly these, none if the list is empty) and the state and fault bits the
device reports once it has processed the frame. gen_vectors.py writes them to JSON;
tests/interop/test_session_exchanges.py plays them against the C core and the simulator.

How a player checks a step (PROTOCOL.md §5.10, §5.11): it sends the frame, then reads until it
has seen two STATUS frames whose ``last_seq`` is the frame's ``seq``. A device sends a frame's
ACKs before its next periodic STATUS, so by then every ACK of that frame has arrived; the state
and fault bits are those of the second STATUS. A ``silence_ms`` step sends nothing for that
long and checks the last STATUS seen.
"""

from __future__ import annotations

import itertools
from typing import Any

from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    AckResult,
    Clear,
    DeviceState,
    FaultBits,
    Heartbeat,
    Hello,
    Message,
    PatternCode,
    SessionEnd,
    SessionStart,
    Setpoint,
    SetpointEntry,
    Stop,
    StopReason,
    message_to_fields,
)

OK, CLAMPED, BAD_STATE, LATCHED = (
    AckResult.OK,
    AckResult.CLAMPED,
    AckResult.BAD_STATE,
    AckResult.LATCHED,
)
IDLE, RUNNING, STOPPED, LINK_LOST = (
    DeviceState.IDLE,
    DeviceState.RUNNING,
    DeviceState.STOPPED,
    DeviceState.LINK_LOST,
)
HELLO = Hello(PROTOCOL_VERSION, SCHEMA_HASH)
FOREIGN_HELLO = Hello(PROTOCOL_VERSION, SCHEMA_HASH ^ 0xFFFFFFFF)
STOP = Stop(StopReason.USER)
HB = Heartbeat(stop_requested=False)
WATCHDOG = int(FaultBits.WATCHDOG)
#: A session's watchdog far above one step's time, so a slow test machine never trips it.
LONG = SessionStart(2000)
#: One ACK: its result, and its detail when the exchange pins it.
Answer = tuple[AckResult, int | None]


def _step(
    message: Message,
    seq: int,
    acks: list[Answer] | AckResult | None,
    state: DeviceState,
    fault_bits: int | None = None,
) -> dict[str, Any]:
    if acks is None:
        answers: list[Answer] = []
    elif isinstance(acks, AckResult):
        answers = [(acks, None)]
    else:
        answers = acks
    step: dict[str, Any] = {
        "send": message.NAME,
        "fields": message_to_fields(message),
        "seq": seq,
        "acks": [{"result": r.name} | ({} if d is None else {"detail": d}) for r, d in answers],
        "state": state.name,
    }
    if fault_bits is not None:
        step["fault_bits"] = fault_bits
    return step


def _silence(ms: int, state: DeviceState, fault_bits: int) -> dict[str, Any]:
    return {"silence_ms": ms, "state": state.name, "fault_bits": fault_bits}


def _start(watchdog: SessionStart = LONG) -> list[dict[str, Any]]:
    """Every user-started session: HELLO → CLEAR → SESSION_START (PROTOCOL.md §6.1)."""
    return [
        _step(HELLO, 1, OK, IDLE),
        _step(Clear(), 2, OK, IDLE),
        _step(watchdog, 3, [(OK, watchdog.watchdog_ms)], RUNNING),
    ]


def _entry(
    channel: int, target: int, pattern: PatternCode = PatternCode.STEADY, rate: int = 0
) -> SetpointEntry:
    return SetpointEntry(channel, target, 0, pattern, rate)


def _sp(*entries: SetpointEntry) -> Setpoint:
    return Setpoint(tuple(entries))


def exchanges() -> list[dict[str, Any]]:
    """Every scripted exchange, in the JSON form of vectors/exchanges.json."""
    out = [
        {
            "name": "sessions in a row, a second controller numbering from 1 again",
            "sections": ["5.1", "5.8", "5.9", "6.1", "7.3"],
            "profile": "pad",
            "steps": [
                *_start(),
                _step(STOP, 4, OK, STOPPED),
                _step(HELLO, 1, OK, STOPPED),  # a new controller; HELLO clears no latch
                _step(Clear(), 2, OK, IDLE),  # not the old CLEAR 2's remembered answer
                _step(LONG, 3, [(OK, 2000)], RUNNING),
                _step(STOP, 4, OK, STOPPED),
                _step(HB, 5, None, STOPPED),
                _step(STOP, 4, OK, STOPPED),  # every STOP copy is acted on and answered
                _step(SessionEnd(), 6, LATCHED, STOPPED),  # SESSION_END never frees a STOP
                _step(Clear(), 7, OK, IDLE),
                _step(HB, 8, None, IDLE),
                _step(Clear(), 7, OK, IDLE),  # a retry: the remembered answer
                _step(LONG, 9, [(OK, 2000)], RUNNING),
                _step(SessionEnd(), 10, OK, IDLE),  # the program's own end
                _step(Clear(), 11, OK, IDLE),
                _step(LONG, 12, [(OK, 2000)], RUNNING),  # the next session starts at once
                _step(STOP, 13, OK, STOPPED),
            ],
        },
        {
            "name": "a lost link needs a new HELLO, then CLEAR",
            "sections": ["5.9", "5.12", "6.1", "7.1"],
            "profile": "pad",
            "steps": [
                *_start(SessionStart(500)),
                _silence(1500, LINK_LOST, WATCHDOG),
                _step(Clear(), 20, BAD_STATE, LINK_LOST, WATCHDOG),  # no HELLO yet
                _step(LONG, 21, LATCHED, LINK_LOST, WATCHDOG),
                _step(HELLO, 1, OK, LINK_LOST, WATCHDOG),  # HELLO alone clears nothing
                _step(Clear(), 2, OK, IDLE, 0),  # the CLEAR leaving the latch clears the bit
                _step(LONG, 3, [(OK, 2000)], RUNNING, 0),
                _step(STOP, 4, OK, STOPPED, 0),
            ],
        },
        {
            "name": "STOP after a lost link does not bypass the new handshake",
            "sections": ["5.9", "6.1", "7.1"],
            "profile": "pad",
            "steps": [
                *_start(SessionStart(500)),
                _silence(1500, LINK_LOST, WATCHDOG),
                _step(STOP, 4, OK, STOPPED, WATCHDOG),
                _step(Clear(), 5, OK, IDLE, 0),
                _step(LONG, 6, BAD_STATE, IDLE, 0),  # still no HELLO since the watchdog
                _step(HELLO, 1, OK, IDLE),
                _step(Clear(), 2, OK, IDLE),
                _step(LONG, 3, [(OK, 2000)], RUNNING),
                _step(STOP, 4, OK, STOPPED),
            ],
        },
        {
            "name": "a latch answers LATCHED before a missing handshake answers BAD_STATE",
            "sections": ["5.4", "5.6", "6"],
            "profile": "pad",
            "steps": [
                *_start(),
                _step(STOP, 4, OK, STOPPED),
                _step(FOREIGN_HELLO, 5, AckResult.VERSION_MISMATCH, STOPPED),
                _step(LONG, 6, LATCHED, STOPPED),
                _step(_sp(_entry(0, 1000)), 7, LATCHED, STOPPED),
                _step(Clear(), 8, OK, IDLE),
                _step(LONG, 9, BAD_STATE, IDLE),  # the foreign HELLO revoked the handshake
                *_start(),
                _step(STOP, 4, OK, STOPPED),
            ],
        },
        {
            "name": "setpoint answers: hard max in raw units, a reject beats a clamp",
            "sections": ["5.6"],
            "profile": "chair",  # channel 0: hard max 0.9 of 1.0 = raw 58982; 15: heat, STEADY
            "steps": [
                *_start(),
                _step(_sp(_entry(0, 58982)), 4, None, RUNNING),  # exactly the hard max
                _step(_sp(_entry(0, 58983)), 5, [(CLAMPED, 0)], RUNNING),
                _step(
                    _sp(_entry(0, 65535), _entry(99, 0)), 6, [(AckResult.BAD_CHANNEL, 99)], RUNNING
                ),
                _step(
                    _sp(_entry(15, 100, PatternCode.PULSE, 100), _entry(98, 0)),
                    7,
                    [(AckResult.UNSUPPORTED_PATTERN, 15)],  # the first reject, in entry order
                    RUNNING,
                ),
                _step(_sp(_entry(1, 20000, PatternCode.STEADY, 0)), 8, None, RUNNING),
                _step(_sp(_entry(1, 20000, PatternCode.PULSE, 0)), 9, None, RUNNING),
                _step(STOP, 10, OK, STOPPED),
                _step(_sp(_entry(1, 20000)), 11, LATCHED, STOPPED),
            ],
        },
        {
            "name": "duplicates and late commands are processed (last_seq) but not applied",
            "sections": ["5.10", "7.3"],
            "profile": "pad",
            "steps": [
                *_start(),
                _step(HB, 4, None, RUNNING),
                _step(SessionEnd(), 10, OK, IDLE),
                _step(HB, 11, None, IDLE),
                _step(SessionEnd(), 10, OK, IDLE),  # a retry: the remembered answer
                _step(STOP, 12, OK, STOPPED),
                _step(Clear(), 8, None, STOPPED),  # older than the STOP: ignored, unanswered
                _step(Clear(), 13, OK, IDLE),
            ],
        },
    ]
    for exchange in out:
        steps = exchange["steps"]
        for a, b in itertools.pairwise(steps):
            # A player tells steps apart by STATUS.last_seq, so neighbours differ in seq.
            assert a.get("seq") is None or a.get("seq") != b.get("seq"), exchange["name"]
    return out

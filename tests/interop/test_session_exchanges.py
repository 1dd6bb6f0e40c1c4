"""Scripted exchanges both devices must pass byte for byte on the wire: the C core (its host
program on a pty) and the Python simulator (``massage-sim serve --pty``).

They pin PROTOCOL.md §5.1, §5.8, §5.9 and §6.1 — which frames clear which latch — and issue 11:
a second controller, numbering from 1 again, must not be taken for retries of the first one's
frames; HELLO clears no latch; STOP is acted on at every copy; SESSION_END never frees a STOP;
LINK_LOST needs a new HELLO, then CLEAR.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    AckResult,
    Clear,
    DeviceState,
    Hello,
    Message,
    SessionEnd,
    SessionStart,
    Status,
    Stop,
    StopReason,
)

from .conftest import CDevice

OK, LATCHED, BAD_STATE = AckResult.OK, AckResult.LATCHED, AckResult.BAD_STATE
IDLE, RUNNING, STOPPED, LINK_LOST = (
    DeviceState.IDLE, DeviceState.RUNNING, DeviceState.STOPPED, DeviceState.LINK_LOST,
)
HELLO = Hello(PROTOCOL_VERSION, SCHEMA_HASH)
STOP = Stop(StopReason.USER)

#: (frame, its seq, the ACK result it must get, the device state after it)
Step = tuple[Message, int, AckResult, DeviceState]

TWO_CONTROLLERS: list[Step] = [
    (HELLO, 1, OK, IDLE),
    (Clear(), 2, OK, IDLE),                     # every start: CLEAR (a no-op OK when idle)
    (SessionStart(500), 3, OK, RUNNING),
    (STOP, 4, OK, STOPPED),
    # A new controller process: seq 1 again. HELLO forgets the remembered commands ...
    (HELLO, 1, OK, STOPPED),                    # ... and clears no latch
    (Clear(), 2, OK, IDLE),                     # not the old CLEAR 2's remembered answer
    (SessionStart(500), 3, OK, RUNNING),        # not the old SESSION_START 3's
    (STOP, 4, OK, STOPPED),
    (STOP, 4, OK, STOPPED),                     # every copy acted on and answered
    (SessionEnd(), 5, LATCHED, STOPPED),        # SESSION_END never frees a STOP
    (Clear(), 6, OK, IDLE),
    (Clear(), 6, OK, IDLE),                     # a retry: the same answer
    (SessionStart(500), 7, OK, RUNNING),
    (SessionEnd(), 8, OK, IDLE),                # the program's own end
    (Clear(), 9, OK, IDLE),
    (SessionStart(500), 10, OK, RUNNING),       # and the next session starts at once
    (STOP, 11, OK, STOPPED),
]

AFTER_THE_WATCHDOG: list[Step] = [
    (Clear(), 20, BAD_STATE, LINK_LOST),        # only a new handshake clears a lost link
    (SessionStart(500), 21, LATCHED, LINK_LOST),
    (HELLO, 1, OK, LINK_LOST),                  # HELLO alone does not
    (Clear(), 2, OK, IDLE),
    (SessionStart(500), 3, OK, RUNNING),
    (STOP, 4, OK, STOPPED),
]


@pytest.fixture(params=["c-core", "python-sim"])
def device(
    request: pytest.FixtureRequest, c_device_factory: Callable[..., CDevice], tmp_path: Path
) -> Iterator[CDevice]:
    """The pad on the C host program or on ``massage-sim serve --pty``, reached the same way."""
    if request.param == "c-core":
        yield c_device_factory("pad")
        return
    trace = tmp_path / "sim.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "massage_sim.cli", "serve", "--pty", "--profile", "pad",
         "--trace", str(trace)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    assert port.startswith("/dev/"), port
    dev = CDevice(proc, port, trace)
    try:
        yield dev
    finally:
        dev.close()


def _state_after(device: CDevice, seq: int) -> DeviceState:
    """The state in the first STATUS that has processed our frame ``seq``."""
    msg = device.wait_for(
        f"STATUS after seq {seq}", lambda m: isinstance(m, Status) and m.last_seq == seq
    )
    assert isinstance(msg, Status)
    return DeviceState(msg.state)


def _play(device: CDevice, steps: list[Step]) -> None:
    for i, (msg, seq, result, state) in enumerate(steps):
        device._unseen.clear()
        device.send(msg, seq)
        ack = device.wait_ack(seq)
        where = f"step {i}: {msg.NAME} seq {seq}"
        assert ack.result == result, f"{where}: ACK {ack.result.name}, expected {result.name}"
        assert _state_after(device, seq) == state, where


def test_a_second_controller_starts_again_after_the_first_ones_stop(device: CDevice) -> None:
    _play(device, TWO_CONTROLLERS)


def test_a_lost_link_needs_hello_then_clear(device: CDevice) -> None:
    _play(device, TWO_CONTROLLERS[:3])  # running, watchdog 500 ms
    device.listen(1.0)  # the controller falls silent
    device._unseen.clear()  # from now on
    assert _state_after(device, 3) == LINK_LOST
    _play(device, AFTER_THE_WATCHDOG)

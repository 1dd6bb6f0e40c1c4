"""Scenarios run on every emulated board (``test_emulated_*.py``): what a user does with
``massage-ctl run`` and what the board must do. Each starts a fresh board, as if just powered on.
"""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

import serial

from massage_ctl.protocol import (
    PROTOCOL_VERSION,
    SCHEMA_HASH,
    Ack,
    DeviceState,
    FrameDecoder,
    FrameError,
    Hello,
    Status,
    encode_frame,
)

from .emulated_boards import Board, Target, finish, start_controller, wait_until

INVALID_VECTORS = (
    Path(__file__).resolve().parents[2] / "firmware_protocol" / "vectors" / "invalid.json"
)

# About 30 s of envelope (27 s on the pad, 33 s on the chair): strokes over zones both tables
# have, then vibration. Short enough for CI; long enough that STOP and the watchdog meet a
# board with its outputs up (from about 3 s on the pad and 7 s on the chair).
TEST_PROGRAM = """\
id = "emulated-board-check"
name = "Emulated board check"
description = "Strokes, then vibration, for the emulated-firmware tests."

[[phases]]
name = "strokes"
technique = "swedish"
stroke = "effleurage"
zones = ["upper-back", "mid-back", "lower-back", "hips"]
intensity = 0.4
tempo = "medium"
duration = "12s"

[[phases]]
name = "vibration"
technique = "relaxation"
mode = "vibration"
zones = ["lower-back", "hips"]
intensity = 0.4
duration = "12s"
"""


def whole_programs_in_a_row(target: Target, workdir: Path, sessions: int = 3) -> None:
    """Handshake and a whole program, ``sessions`` times on one board without a power cycle."""
    program = workdir / "emulated-board-check.toml"
    program.write_text(TEST_PROGRAM, encoding="utf-8")
    board = Board(target, workdir)
    try:
        for session in range(1, sessions + 1):
            seen = len(board.statuses())
            code, output = finish(start_controller(board, program), timeout_s=90)
            assert code == 0 and "Session completed" in output, (
                f"session {session} of {sessions} on {target.name}: exit {code}\n{output}"
            )
            # The firmware itself describes the board (its own version string, its table)...
            info = board.device_infos()[-1]
            assert (info.profile_id, info.firmware_version) == (
                target.profile,
                target.firmware_version,
            )
            # ...and the program moved its outputs, then left every one at zero.
            during = board.statuses()[seen:]
            assert any(s.state == DeviceState.RUNNING and board.outputs_up(s) for s in during), (
                f"session {session}: the board never reported an output above zero"
            )
            wait_until(
                f"session {session}: every output back at zero",
                lambda: board.outputs_zero(board.statuses()[-1]),
                timeout_s=3,
            )
            board.wait_motors_still(f"session {session}")
        if target.has_motor_probe:  # the pins really drove the motors, not just the reports
            assert any(any(duties) for duties in board.motor_duties())
    finally:
        board.close()


def ctrl_c_stops_the_board(target: Target, workdir: Path) -> None:
    """SIGINT to ``massage-ctl run`` mid-program: STOP, every output zero, no link loss."""
    program = workdir / "emulated-board-check.toml"
    program.write_text(TEST_PROGRAM, encoding="utf-8")
    board = Board(target, workdir)
    try:
        run = start_controller(board, program)
        board.wait_running(after=0)
        stop_from = len(board.statuses())
        run.send_signal(signal.SIGINT)  # the user presses Ctrl-C
        code, output = finish(run, timeout_s=15)
        assert code == 130, f"exit {code}\n{output}"
        wait_until(
            "the board reporting STOPPED with every output at zero",
            lambda: (
                board.statuses()[-1].state == DeviceState.STOPPED
                and board.outputs_zero(board.statuses()[-1])
            ),
            timeout_s=3,
        )
        board.wait_motors_still("after Ctrl-C")
        motors_from = len(board.motor_duties()) - 1
        time.sleep(1.0)  # a second of reports with nobody connected: the latch must hold
        assert not any(any(duties) for duties in board.motor_duties()[motors_from:])
        after = board.statuses()[stop_from:]
        first_stopped = next(i for i, s in enumerate(after) if s.state == DeviceState.STOPPED)
        assert all(
            s.state == DeviceState.STOPPED and board.outputs_zero(s) for s in after[first_stopped:]
        ), "after STOP the board left STOPPED or moved an output by itself"
        # A STOP, not a lost link: the controller stopped the board before it let go.
        assert DeviceState.LINK_LOST not in {s.state for s in after}
    finally:
        board.close()


def killed_controller_trips_the_watchdog(target: Target, workdir: Path) -> None:
    """kill -9 mid-program: the board fades to zero on its own, latches LINK_LOST, says so
    to the next controller, and serves that controller's session."""
    program = workdir / "emulated-board-check.toml"
    program.write_text(TEST_PROGRAM, encoding="utf-8")
    board = Board(target, workdir)
    try:
        run = start_controller(board, program)
        board.wait_running(after=0)
        run.kill()  # SIGKILL: no STOP, no goodbye; only the board's watchdog is left
        run.communicate()
        board.wait_motors_still("after kill -9, on the board's own watchdog")
        heard = board.probe(seconds=3.0)  # the next controller, listening before HELLO
        assert heard, "the board sent no STATUS to the next controller"
        last = heard[-1]
        assert last.state == DeviceState.LINK_LOST, last
        assert board.outputs_zero(last), last
        # The latch holds until a controller starts anew: that one gets a working session.
        seen = len(board.statuses())
        again = start_controller(board, program)
        board.wait_running(after=seen)
        again.send_signal(signal.SIGINT)
        code, output = finish(again, timeout_s=15)
        assert code == 130, f"exit {code}\n{output}"
    finally:
        board.close()


def line_noise_is_ignored(target: Target, workdir: Path) -> None:
    """Every bad frame of the shared vectors and 4 KB of random bytes, compiled for this chip:
    nothing moves, the board neither crashes nor resets, and the next HELLO gets its ACK."""
    board = Board(target, workdir)
    try:
        noise = b"".join(
            bytes.fromhex(case["wire"])
            for case in json.loads(INVALID_VECTORS.read_text(encoding="utf-8"))
        )
        noise += random.Random(15).randbytes(4096)  # fixed seed: the same bytes every run
        decoder = FrameDecoder()
        heard: list[Status] = []
        acked = False
        with serial.Serial(board.port, 115200, timeout=0.05) as port:
            port.write(encode_frame(Hello(PROTOCOL_VERSION, SCHEMA_HASH), 1))
            port.write(noise + b"\x00")  # the delimiter ends whatever frame the noise left open
            port.write(encode_frame(Hello(PROTOCOL_VERSION, SCHEMA_HASH), 2))
            deadline = time.monotonic() + 5.0
            # Wait for the ACK and for a STATUS (one comes every 100 ms; the ACK may be first).
            while time.monotonic() < deadline and not (acked and heard):
                for item in decoder.feed(port.read(4096)):
                    if isinstance(item, FrameError):
                        continue
                    if isinstance(item.message, Status):
                        heard.append(item.message)
                    acked |= isinstance(item.message, Ack) and item.message.acked_seq == 2
        assert acked, "no ACK for the HELLO sent after the noise"
        assert board.proc.poll() is None, f"the emulator stopped: {board.stderr()}"
        assert heard and all(board.outputs_zero(s) for s in heard)
        assert DeviceState.RUNNING not in {s.state for s in heard}
        if target.has_motor_probe:
            assert not any(any(duties) for duties in board.motor_duties())
    finally:
        board.close()

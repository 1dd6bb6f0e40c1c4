"""The conformance suite against the reference firmware on both emulated microcontrollers
(tests/interop/emulated_boards.py): the Arduino Mega 2560 under simavr and the Cortex-M3 under
QEMU, each reached on its UART's pty. One run per board, in real time (~20 s each plus the
build); skipped only without the cross toolchain, failed instead on CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_ctl.conformance import Verdict, run_conformance

from ..interop.emulated_boards import AVR, CORTEX_M3, Board, Target, build


@pytest.mark.parametrize("target", [AVR, CORTEX_M3], ids=lambda t: t.name)
def test_the_emulated_board_conforms(target: Target, tmp_path: Path) -> None:
    build(target)
    board = Board(target, tmp_path)
    try:
        report = run_conformance(f"serial://{board.port}")
    finally:
        board.close()
    failed = [(r.id, r.reason, r.seen) for r in report.results if r.verdict is Verdict.FAIL]
    assert failed == []
    assert report.ok and report.device["firmware_version"] == target.firmware_version
    # The suite left the board stopped: its last STATUS says so, every output at zero.
    last = board.statuses()[-1]
    assert last.state.name == "STOPPED" and board.outputs_zero(last)

"""The Cortex-M3 firmware (reference core + LM3S6965 board code) under QEMU, run by massage-ctl.

Builds ``firmware_protocol/targets/cortex-m3`` (arm-none-eabi-gcc, newlib) and runs it on
``qemu-system-arm -M lm3s6965evb``; skipped only when that toolchain is not installed (the
reason names the packages).
Real time: about 110 s in all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .emulated_boards import CORTEX_M3, Target, build
from .emulated_scenarios import (
    ctrl_c_stops_the_board,
    killed_controller_trips_the_watchdog,
    line_noise_is_ignored,
    whole_programs_in_a_row,
)


@pytest.fixture(scope="module")
def target() -> Target:
    build(CORTEX_M3)
    return CORTEX_M3


@pytest.mark.timeout(300)
def test_three_whole_programs_in_a_row(target: Target, tmp_path: Path) -> None:
    whole_programs_in_a_row(target, tmp_path, sessions=3)


def test_ctrl_c_stops_the_board(target: Target, tmp_path: Path) -> None:
    ctrl_c_stops_the_board(target, tmp_path)


def test_killed_controller_trips_the_watchdog(target: Target, tmp_path: Path) -> None:
    killed_controller_trips_the_watchdog(target, tmp_path)


def test_line_noise_is_ignored(target: Target, tmp_path: Path) -> None:
    line_noise_is_ignored(target, tmp_path)

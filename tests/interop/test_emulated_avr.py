"""The Arduino Mega 2560 firmware (reference core + sketch) under simavr, run by massage-ctl.

Builds ``firmware_protocol/targets/avr-mega2560`` (arduino-builder, avr-gcc) and its simavr
runner; skipped only when that toolchain is not installed (the reason names the packages).
Real time: about 110 s in all.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from .emulated_boards import AVR, Target, build
from .emulated_scenarios import (
    ctrl_c_stops_the_board,
    killed_controller_trips_the_watchdog,
    line_noise_is_ignored,
    whole_programs_in_a_row,
)


@pytest.fixture(scope="module")
def target() -> Target:
    build(AVR)
    return AVR


@pytest.mark.timeout(300)
def test_three_whole_programs_in_a_row(target: Target, tmp_path: Path) -> None:
    whole_programs_in_a_row(target, tmp_path, sessions=3)


def test_ctrl_c_stops_the_board(target: Target, tmp_path: Path) -> None:
    ctrl_c_stops_the_board(target, tmp_path)


def test_killed_controller_trips_the_watchdog(target: Target, tmp_path: Path) -> None:
    killed_controller_trips_the_watchdog(target, tmp_path)


def test_line_noise_is_ignored(target: Target, tmp_path: Path) -> None:
    line_noise_is_ignored(target, tmp_path)


def test_a_missing_toolchain_skips_and_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MASSAGE_CTL_REQUIRE_TOOLS", raising=False)
    # CI installs every package, so a skip there means the install line is wrong: the reason
    # must say what to install.
    absent = dataclasses.replace(AVR, needs=(("no-such-tool-for-this-test", "some-package"),))
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install .*some-package"):
        build(absent)


def test_a_missing_toolchain_fails_where_nothing_may_be_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASSAGE_CTL_REQUIRE_TOOLS", "1")  # as .ci/run sets it
    absent = dataclasses.replace(AVR, needs=(("no-such-tool-for-this-test", "some-package"),))
    with pytest.raises(pytest.fail.Exception, match=r"some-package"):
        build(absent)

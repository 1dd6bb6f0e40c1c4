"""The reference firmware on emulated microcontrollers, driven by the real ``massage-ctl run``.

Two boards (``firmware_protocol/targets/``): the Arduino Mega 2560 sketch under simavr
(``simavr-runner``), and the Cortex-M3 port on QEMU's ``lm3s6965evb``. Each exposes its UART
as a pseudo terminal that ``massage-ctl run --device /dev/pts/N`` opens like a USB serial
port. A *tap* records every byte the firmware sends (simavr-runner ``--tap``, QEMU's chardev
``logfile``), so a test reads the board's own STATUS reports while the controller owns the port.
On the Mega, simavr-runner also reports the duty driven on the four motor pins (``--motors``):
what the motors would really do, read from the AVR's timer and port registers.

Everything runs in real time: the emulated millisecond clocks follow the host's, because the
controller's heartbeat and the device watchdog are wall-clock periods.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import serial

from massage_ctl.devices.registry import load_device_profile
from massage_ctl.protocol import (
    DeviceInfo,
    DeviceState,
    FrameDecoder,
    FrameError,
    Status,
)

TARGETS_DIR = Path(__file__).resolve().parents[2] / "firmware_protocol" / "targets"


@dataclass(frozen=True)
class Target:
    """One emulated board: where it builds, what it runs, and what it needs installed."""

    name: str
    directory: Path
    firmware: Path
    profile: str  # the channel table the firmware reports
    firmware_version: str
    has_motor_probe: bool  # the emulator reports the motor pins' duty (simavr-runner)
    # (executable or file that must exist, Debian package that provides it)
    needs: tuple[tuple[str, str], ...]

    def command(self, tap: Path, motors: Path) -> list[str]:
        """The emulator command line; the board's UART appears on a new pty."""
        if self.name == "avr-mega2560":
            runner = self.directory / "build" / "simavr-runner"
            return [str(runner), "--tap", str(tap), "--motors", str(motors), str(self.firmware)]
        return [
            "qemu-system-arm", "-M", "lm3s6965evb", "-display", "none", "-monitor", "none",
            "-chardev", f"pty,id=uart0,logfile={tap}", "-serial", "chardev:uart0",
            "-kernel", str(self.firmware),
        ]  # fmt: skip


AVR = Target(
    name="avr-mega2560",
    directory=TARGETS_DIR / "avr-mega2560",
    firmware=TARGETS_DIR / "avr-mega2560" / "build" / "mega2560-pad.elf",
    profile="pad",
    firmware_version="mega2560-pad 1.0",
    has_motor_probe=True,
    needs=(
        ("arduino-builder", "arduino-builder"),
        ("/usr/share/arduino/hardware/arduino/avr/boards.txt", "arduino-core-avr"),
        ("avr-gcc", "gcc-avr"),
        ("/usr/include/simavr/sim_avr.h", "libsimavr-dev"),
    ),
)

CORTEX_M3 = Target(
    name="cortex-m3",
    directory=TARGETS_DIR / "cortex-m3",
    firmware=TARGETS_DIR / "cortex-m3" / "build" / "lm3s6965-chair.elf",
    profile="chair",
    firmware_version="lm3s6965-chair 1.0",
    has_motor_probe=False,  # the evaluation board has no motors (see targets/README.md)
    needs=(
        ("arm-none-eabi-gcc", "gcc-arm-none-eabi"),
        ("/usr/lib/arm-none-eabi/newlib/nano.specs", "libnewlib-arm-none-eabi"),
        ("qemu-system-arm", "qemu-system-arm"),
    ),
)


def _present(thing: str) -> bool:
    return Path(thing).exists() if thing.startswith("/") else shutil.which(thing) is not None


def build(target: Target) -> None:
    """``make -C`` the target; skip only when its cross toolchain or emulator is absent."""
    missing = sorted({package for thing, package in target.needs if not _present(thing)})
    if missing:
        reason = (f"{target.name}: toolchain not installed; "
                  f"apt-get install --no-install-recommends {' '.join(missing)}")
        if os.environ.get("MASSAGE_CTL_REQUIRE_TOOLS"):  # .ci/run: nothing may be skipped
            pytest.fail(f"{reason} (MASSAGE_CTL_REQUIRE_TOOLS is set)", pytrace=False)
        pytest.skip(reason)
    for tool in ("make", "gcc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found (apt-get install make gcc)", pytrace=False)
    result = subprocess.run(
        ["make", "-C", str(target.directory)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"building {target.name} failed:\n{result.stdout}{result.stderr}", pytrace=False
        )


def wait_until(what: str, check: Callable[[], bool], timeout_s: float) -> None:
    """Poll ``check`` until it holds; fail the test naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout_s} s waiting for: {what}", pytrace=False)


class Board:
    """A running emulator: its UART's pty path and the decoded tap of what it sent."""

    def __init__(self, target: Target, workdir: Path) -> None:
        self.target = target
        self.tap = workdir / f"{target.name}-uart0.bin"
        self.motors = workdir / f"{target.name}-motors.txt"
        self.proc = subprocess.Popen(
            target.command(self.tap, self.motors),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.port = self._read_port()
        self._moving = [
            i
            for i, channel in enumerate(load_device_profile(target.profile).channels)
            if channel.kind != "position"  # a roller halts where it is (docs/SAFETY.md)
        ]

    def _read_port(self) -> str:
        assert self.proc.stdout is not None
        # simavr-runner prints the path alone; QEMU says "char device redirected to …".
        for _ in range(5):
            line = self.proc.stdout.readline()
            found = re.search(r"/dev/pts/\d+", line)
            if found:
                return found.group(0)
            if not line:
                break
        self.close()
        pytest.fail(f"{self.target.name} printed no pty path: {self.stderr()}", pytrace=False)

    def statuses(self) -> list[Status]:
        """Every STATUS the firmware has sent so far, in order."""
        data = self.tap.read_bytes() if self.tap.exists() else b""
        return [
            item.message
            for item in FrameDecoder().feed(data)
            if not isinstance(item, FrameError) and isinstance(item.message, Status)
        ]

    def device_infos(self) -> list[DeviceInfo]:
        """Every DEVICE_INFO (one per handshake) the firmware has sent so far."""
        data = self.tap.read_bytes() if self.tap.exists() else b""
        return [
            item.message
            for item in FrameDecoder().feed(data)
            if not isinstance(item, FrameError) and isinstance(item.message, DeviceInfo)
        ]

    def motor_duties(self) -> list[tuple[int, ...]]:
        """The motor pins' duties (0..255) over time; empty for a board without motors."""
        if not self.motors.exists():
            return []
        lines = self.motors.read_text(encoding="ascii").splitlines()
        return [tuple(int(d) for d in line.split()[1:]) for line in lines if line.strip()]

    def wait_motors_still(self, what: str, timeout_s: float = 3) -> None:
        """On a board with motors: wait until every motor pin is at duty 0."""
        if self.target.has_motor_probe:
            wait_until(
                f"{what}: every motor pin at duty 0",
                lambda: bool(self.motor_duties()) and not any(self.motor_duties()[-1]),
                timeout_s,
            )

    def outputs_up(self, status: Status) -> bool:
        """Some output (not a position) is above zero in this report."""
        return any(status.values[i] > 0 for i in self._moving)

    def outputs_zero(self, status: Status) -> bool:
        """Every output (not a position) is zero in this report."""
        return all(status.values[i] == 0 for i in self._moving)

    def wait_running(self, after: int, timeout_s: float = 30) -> None:
        """Wait until a STATUS after index ``after`` says RUNNING with an output up."""
        wait_until(
            f"{self.target.name} reporting RUNNING with an output above zero",
            lambda: any(
                s.state == DeviceState.RUNNING and self.outputs_up(s)
                for s in self.statuses()[after:]
            ),
            timeout_s,
        )

    def probe(self, seconds: float) -> list[Status]:
        """Open the UART as the next controller would and only listen: the STATUS reports."""
        decoder = FrameDecoder()
        got: list[Status] = []
        with serial.Serial(self.port, 115200, timeout=0.05) as port:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for item in decoder.feed(port.read(4096)):
                    if not isinstance(item, FrameError) and isinstance(item.message, Status):
                        got.append(item.message)
        return got

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def start_controller(board: Board, program: Path) -> subprocess.Popen[str]:
    """``massage-ctl run PROGRAM --device /dev/pts/N``, as a user would type it."""
    return subprocess.Popen(
        [sys.executable, "-m", "massage_ctl", "run", str(program), "--device", board.port],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(run: subprocess.Popen[str], timeout_s: float) -> tuple[int, str]:
    """Wait for ``massage-ctl`` to exit; its status and everything it printed."""
    try:
        output, _ = run.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        run.kill()
        output, _ = run.communicate()
        pytest.fail(f"massage-ctl run did not exit within {timeout_s} s:\n{output}")
    return run.returncode, output

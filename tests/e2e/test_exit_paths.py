"""Every way out stops the device (docs/SAFETY.md, issue 4): SIGTERM and a lost terminal, for
``massage-ctl run`` and for the terminal UI, against ``massage-sim serve --pty`` — the device
is a separate process, so its trace shows what really reached it. The state must be
``stopped`` (a STOP arrived), not ``link-lost`` (the device's watchdog would only have caught
a controller that vanished without one), and the controller process must end."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent


@contextmanager
def served_pty(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``massage-sim serve --pty --profile pad`` with a trace: (port, trace path)."""
    trace = tmp_path / "trace.jsonl"
    sim = subprocess.Popen(
        [str(BIN / "massage-sim"), "serve", "--pty", "--profile", "pad", "--trace", str(trace)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert sim.stdout is not None
        port = sim.stdout.readline().strip()
        assert port.startswith("/dev/"), port
        yield port, trace
        time.sleep(0.3)  # a few more status ticks into the trace
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def samples(trace: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in trace.read_text().splitlines()]
    return [r for r in rows if "state" in r]


def wait_driven(trace: Path, timeout_s: float = 20.0) -> None:
    """Until the device's trace shows an output above zero (the session is playing)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if trace.exists() and any(any(s["channels"].values()) for s in samples(trace)):
            return
        time.sleep(0.1)
    raise AssertionError("the device was never driven")


def assert_stopped_by_the_controller(trace: Path) -> None:
    last = samples(trace)[-1]
    assert last["state"] == "stopped", last
    assert all(v == 0 for v in last["channels"].values()), last


def wait_exit(pid: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError(f"the controller (pid {pid}) was still running {timeout_s:g} s later")


def test_sigterm_stops_the_device_and_ends_run(tmp_path: Path) -> None:
    with served_pty(tmp_path) as (port, trace):
        run = subprocess.Popen(
            [str(BIN / "massage-ctl"), "run", "quick-10-minute",
             "--device", f"serial://{port}?baud=115200"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )
        wait_driven(trace)
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=20)
        assert run.returncode == 128 + signal.SIGTERM, err  # 143, as a shell reports it
        assert "STOP sent — device confirmed all off" in out
    assert_stopped_by_the_controller(trace)


# -- a lost terminal: the controller runs in a tmux pane, and the pane goes away (SIGHUP) ---
def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


@pytest.fixture
def tmux_installed(require_tools: Callable[..., None]) -> None:
    """Skip (CI: fail) when tmux is missing, naming how to install it."""
    require_tools("tmux")


@contextmanager
def pane(command: list[str], home: Path) -> Iterator[tuple[str, int]]:
    """``command`` exec'd in a new 80×24 tmux pane: (session name, its pid). Tests using it
    ask for the ``tmux`` fixture (skipped, naming the install command, without tmux)."""
    session = f"massage-exit-{uuid.uuid4().hex[:8]}"
    line = " ".join(["exec env", f"MASSAGE_CTL_HOME={shlex.quote(str(home))}",
                     *map(shlex.quote, command)])
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", line)
    try:
        yield session, int(tmux("display-message", "-p", "-t", session, "#{pane_pid}"))
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)


def wait_screen(session: str, text: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in tmux("capture-pane", "-p", "-t", session):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared")
        time.sleep(0.1)


def start_first_program(session: str) -> None:
    """In the UI's library: open the highlighted program, Go, answer the pain question."""
    for screen_text, key in (("Acupressure, lower back", "Enter"), ("Go (start)", "g"),
                             ("How is your pain right now?", "5")):
        wait_screen(session, screen_text)
        tmux("send-keys", "-t", session, key)


@pytest.mark.usefixtures("tmux_installed")
def test_a_lost_terminal_stops_the_device_and_ends_run(
    tmp_path: Path, isolated_home: Path
) -> None:
    with served_pty(tmp_path) as (port, trace):
        command = [str(BIN / "massage-ctl"), "run", "quick-10-minute",
                   "--device", f"serial://{port}?baud=115200", "--pain-after", "3"]
        with pane(command, isolated_home) as (session, pid):
            wait_driven(trace)
            tmux("kill-session", "-t", session)  # the terminal window is closed
            wait_exit(pid)
    assert_stopped_by_the_controller(trace)


@pytest.mark.usefixtures("tmux_installed")
def test_a_lost_terminal_stops_the_device_and_ends_the_terminal_ui(
    tmp_path: Path, isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text(
        "acknowledged_medical_note = true\n", encoding="utf-8"
    )
    with served_pty(tmp_path) as (port, trace):
        command = [sys.executable, "-m", "massage_ctl",
                   "--device", f"serial://{port}?baud=115200"]
        with pane(command, isolated_home) as (session, pid):
            start_first_program(session)
            wait_driven(trace)
            tmux("kill-session", "-t", session)  # the terminal window is closed
            wait_exit(pid)
    assert_stopped_by_the_controller(trace)


HANGING_UI = """\
import sys, threading
from textual.drivers import _writer_thread

# What was seen once the pane went away: textual's output thread had died, and stopping it
# blocked for ever on its full queue. Reproduce that hang for certain.
_writer_thread.WriterThread.stop = lambda self: threading.Event().wait()
from massage_ctl.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.usefixtures("tmux_installed")
def test_the_terminal_ui_ends_even_when_its_shutdown_hangs_after_a_lost_terminal(
    tmp_path: Path, isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text(
        "acknowledged_medical_note = true\n", encoding="utf-8"
    )
    launcher = tmp_path / "hanging_ui.py"
    launcher.write_text(HANGING_UI, encoding="utf-8")
    with served_pty(tmp_path) as (port, trace):
        command = [sys.executable, str(launcher), "--device", f"serial://{port}?baud=115200"]
        with pane(command, isolated_home) as (session, pid):
            start_first_program(session)
            wait_driven(trace)
            tmux("kill-session", "-t", session)
            wait_exit(pid)
    assert_stopped_by_the_controller(trace)


@pytest.mark.usefixtures("tmux_installed")
def test_run_failing_before_playback_gives_the_terminal_back_its_cursor(
    isolated_home: Path,
) -> None:
    # The live view hides the cursor while it draws; an error before playback (nothing
    # listening here) must still close it, or the user's shell is left without a cursor.
    command = ["sh", "-c", f"{shlex.quote(str(BIN / 'massage-ctl'))} run quick-10-minute "
               "--device socket://127.0.0.1:1; echo EXIT=$?; sleep 30"]
    with pane(command, isolated_home) as (session, _pid):
        wait_screen(session, "EXIT=1")
        screen = tmux("capture-pane", "-p", "-t", session)
        assert "massage-ctl: error: nothing is listening at 127.0.0.1:1" in screen
        assert tmux("display-message", "-p", "-t", session, "#{cursor_flag}").strip() == "1"

"""Smoke test of the real ``massage-ctl`` in a real terminal (tmux, 80×24): start a session,
STOP it, and find the STOP in the history database."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore

from .helpers import WATCH_SPEED


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def _wait_screen(session: str, text: str, timeout_s: float = 30.0) -> str:
    """Poll the pane until ``text`` shows (the timeout only stops a hang)."""
    deadline = time.monotonic() + timeout_s
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")


def _wait_gone(session: str, text: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while text in _tmux("capture-pane", "-p", "-t", session):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never went away")
        time.sleep(0.1)


def test_massage_ctl_in_tmux_starts_and_stops(
    isolated_home: Path, require_tools: Callable[..., None]
) -> None:
    require_tools("tmux")
    session = f"massage-smoke-{uuid.uuid4().hex[:8]}"
    command = " ".join([
        f"MASSAGE_CTL_HOME={shlex.quote(str(isolated_home))}",
        shlex.quote(sys.executable), "-m", "massage_ctl",
        "--device", shlex.quote(f"sim://chair?speed={WATCH_SPEED}"),
    ])
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        _wait_screen(session, "Before you start")  # the first-run medical note
        _tmux("send-keys", "-t", session, "Enter")
        _wait_gone(session, "Before you start")
        _wait_screen(session, "Acupressure, lower back")
        _tmux("send-keys", "-t", session, "Enter")  # open the highlighted program
        _wait_screen(session, "Go (start)")
        _tmux("send-keys", "-t", session, "g")
        _wait_screen(session, "How is your pain right now?")
        _tmux("send-keys", "-t", session, "5")
        _wait_screen(session, "Playing")
        _tmux("send-keys", "-t", session, "s")
        _wait_screen(session, "after the session")  # the pain-after question comes up
        _tmux("send-keys", "-t", session, "n")
        screen = _wait_screen(session, "The device confirmed: all off")
        assert "STOPPED" in screen
        _tmux("send-keys", "-t", session, "C-q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)
    store = HistoryStore(AppPaths.from_env().history_db)
    [record] = store.sessions()
    assert record.outcome == "stop" and record.pain_before == 5

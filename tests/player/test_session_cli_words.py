"""What ``massage-ctl run`` says and returns at the end of a session: only the device's word.

"device confirmed all off" only when a STATUS showed it; otherwise "NOT confirmed stopped" and
never exit status 0 (issue 12 #2); Ctrl-C 130, SIGTERM 143; no pain question after a start the
device refused (it is not a session)."""

from __future__ import annotations

import argparse

import pytest

from massage_ctl.cli.cmd_run import _finish
from massage_ctl.player.session import SessionResult


def _args() -> argparse.Namespace:
    return argparse.Namespace(pain_after=None)


@pytest.mark.parametrize(
    ("result", "interrupted", "status", "words"),
    [
        (SessionResult("completed", stop_confirmed=True, started=True), None, 0,
         "Session completed — device confirmed all off."),
        (SessionResult("completed", stop_confirmed=False, started=True), None, 1,
         "device NOT confirmed stopped"),
        (SessionResult("disconnect", "lost the connection", started=True), None, 1,
         "device NOT confirmed stopped"),
        (SessionResult("stop", stop_confirmed=True, started=True), 130, 130,
         "STOP sent — device confirmed all off"),
        (SessionResult("interrupted", stop_confirmed=False, started=True), 143, 143,
         "NOT confirmed stopped"),
    ],
)
def test_the_last_line_and_exit_status_follow_the_devices_word(
    capsys: pytest.CaptureFixture[str], result: SessionResult, interrupted: int | None,
    status: int, words: str,
) -> None:
    assert _finish(_args(), result, interrupted, None) == status
    out = capsys.readouterr()
    assert words in out.out + out.err
    if not result.stop_confirmed:
        assert "confirmed all off" not in out.out + out.err


class _Recorder:
    """The part of HistoryRecorder `_finish` uses: a session the history keeps."""

    session_id = 1
    error = None
    recording = True

    def __init__(self) -> None:
        self.asked = False

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        self.asked = True

    def settle(self, timeout_s: float | None = None) -> None:
        pass


def test_no_pain_question_after_a_start_that_never_reached_the_device(
    capsys: pytest.CaptureFixture[str],
) -> None:
    recorder = _Recorder()
    args = argparse.Namespace(pain_after=4)
    _finish(args, SessionResult("stop", started=False, stop_confirmed=True), 130,
            recorder)  # type: ignore[arg-type]
    assert not recorder.asked
    _finish(args, SessionResult("completed", started=True, stop_confirmed=True), None,
            recorder)  # type: ignore[arg-type]
    assert recorder.asked

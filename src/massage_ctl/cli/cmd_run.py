"""``massage-ctl run PROGRAM``: play a program on a device, with a live view and a STOP that works.

The session runs on its own thread (:class:`~massage_ctl.player.SessionRunner`); this thread
only draws and listens for Ctrl-C. Ctrl-C sends STOP at once and says so; SIGTERM and a lost
terminal (SIGHUP) stop the device too. The session is recorded in the history whatever happens.

Exit status: 0 completed, 1 fault or error, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from massage_ctl.cli.run_view import RunView, make_view
from massage_ctl.config import AppPaths, effective_options, load_config
from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError, MassageCtlError
from massage_ctl.player import Session, SessionRunner
from massage_ctl.safety import SafetyProfile, load_safety_profile
from massage_ctl.timeline import Timeline

if TYPE_CHECKING:
    from massage_ctl.history import HistoryStore
    from massage_ctl.history.recorder import HistoryRecorder
    from massage_ctl.player.session import SessionResult

DEFAULT_DEVICE = "sim://chair"
EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: The live view redraws at most 4×/s, and only when something changed: a progress bar needs no
#: more, and rich rendering was most of the controller's CPU at real time.
DRAW_PERIOD_S = 0.25


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    from massage_ctl.cli.options import add_target_options
    from massage_ctl.history import pain_rating_arg

    parser = subparsers.add_parser(
        "run",
        help="play a program on a device",
        description="Play PROGRAM (a built-in id or a .toml file) on the device. Ctrl-C sends "
        "STOP at once. Exit status: 0 completed, 1 fault/error, 130 interrupted.",
    )
    parser.add_argument("program", metavar="PROGRAM", help="built-in program id or .toml file")
    add_target_options(parser)
    parser.add_argument("--pain-before", type=pain_rating_arg, metavar="N",
                        help="your pain now, 0–10 (recorded in the diary)")
    parser.add_argument("--pain-after", type=pain_rating_arg, metavar="N",
                        help="your pain after the session, 0–10 (else asked when interactive)")
    parser.set_defaults(func=run_command)


def _open_history() -> HistoryStore | None:
    """The history database, or None (and a warning) when it cannot be opened: a broken
    diary must not keep anyone from their massage."""
    from massage_ctl.history import HistoryStore

    try:
        return HistoryStore(AppPaths.from_env().history_db)
    except HistoryError as err:
        _warn_unrecorded(err)
        return None


def _warn_unrecorded(err: HistoryError) -> None:
    print(f"massage-ctl: warning: this session is not recorded in the history: {err}",
          file=sys.stderr)
    if err.hint:
        print(f"  hint: {err.hint}", file=sys.stderr)


def _compiler(program: Any, safety: SafetyProfile, args: argparse.Namespace,
              intensity: float, exclude: tuple[str, ...],
              view: RunView) -> Callable[[DeviceProfile], Timeline]:
    from massage_ctl.compiler import compile_program

    def build(profile: DeviceProfile) -> Timeline:
        timeline: Timeline = compile_program(
            program, profile, safety, intensity=intensity, minutes=args.minutes, exclude=exclude
        )
        # Its warnings (length fitted, heat skipped, zones remapped) are printed before it
        # plays: the session compiles for the device that answered, so only now are they known.
        view.compiled(timeline)
        return timeline

    return build


def run_command(args: argparse.Namespace) -> int:
    """Run the session; returns the exit status."""
    from massage_ctl.program import load_program
    from massage_ctl.transports import parse_device_url

    if getattr(args, "profile", None):
        raise MassageCtlError(
            "run plays on a device; --profile only names one for offline compiling",
            hint="use --device URL (e.g. sim://pad) instead",
        )
    opts = effective_options(load_config(), args)
    device_text = opts.device or DEFAULT_DEVICE
    url = parse_device_url(device_text)  # a malformed URL fails here, before anything runs
    program = load_program(args.program)
    safety = load_safety_profile(opts.safety)
    # Draws nothing until the first frame: an early error leaves the terminal as it was.
    view = make_view(sys.stdout.isatty())
    build = _compiler(program, safety, args, opts.intensity, opts.exclude, view)
    from massage_ctl.history.recorder import HistoryRecorder

    store = _open_history()
    recorder = (
        HistoryRecorder(store, device_text, pain_before=args.pain_before) if store else None
    )
    try:
        session = Session(device_text, build, safety, recorder=recorder)
        runner = SessionRunner(session, speed=url.speed)
        try:
            runner.subscribe(view.push)
            with _signals_stop(runner) as signalled:
                runner.start()
                interrupted = _wait(runner, view)
                result = runner.wait()  # re-raises an error from before playback (exit 1)
                view.finish(result.stop_confirmed)  # the last frame: what the device reports
        finally:
            # Also when that error comes: the live view hides the cursor until it is closed.
            view.close()
        return _finish(args, result, interrupted or signalled.is_set(), recorder)
    finally:
        if store is not None:
            store.close()


def _finish(
    args: argparse.Namespace, result: SessionResult, interrupted: bool,
    recorder: HistoryRecorder | None,
) -> int:
    """Say how the session ended, ask for the pain rating, and give the exit status."""
    if interrupted:
        if result.stop_confirmed:
            print("STOP sent — device stopped")
        else:
            print("STOP sent — the device did not confirm; switch it off at the mains switch",
                  file=sys.stderr)
    else:
        print(_summary(result.outcome, result.message))
    for w in result.warnings:
        print(f"  guard: {w}", file=sys.stderr)
    if recorder is not None:
        _ask_pain_after(args, recorder)
        recorder.settle()  # a busy history: wait a bounded time, else keep it aside
        if recorder.error is not None:
            _warn_unrecorded(recorder.error)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.outcome == "completed" else EXIT_ERROR


def _wait(runner: SessionRunner, view: RunView) -> bool:
    """Draw until the session ends; Ctrl-C sends STOP (True when that happened)."""
    interrupted = False
    while not runner.done:
        try:
            view.draw()
            runner.wait_done(DRAW_PERIOD_S)  # Ctrl-C interrupts this wait at once
        except KeyboardInterrupt:
            runner.stop("stop")  # a second Ctrl-C just repeats the (idempotent) STOP
            interrupted = True
    view.draw()
    return interrupted


class _signals_stop:  # a context manager, named for what it does
    """SIGTERM and SIGHUP (lost terminal) stop the device; outcome ``interrupted``."""

    def __init__(self, runner: SessionRunner) -> None:
        self.runner = runner
        self.fired = threading.Event()
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.fired.set()
        self.runner.stop("interrupted")

    def __enter__(self) -> threading.Event:
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None:
                self._old[sig] = signal.signal(sig, self._handler)
        return self.fired

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _summary(outcome: str, message: str) -> str:
    if outcome == "completed":
        return "Session completed — device stopped."
    return f"Session ended ({outcome}): {message}".rstrip(": ")


def _ask_pain_after(args: argparse.Namespace, recorder: HistoryRecorder) -> None:
    from massage_ctl.history import ask_pain, is_interactive

    if not recorder.recording:
        return  # no pain question for a session the history could not keep
    rating, note = args.pain_after, None
    if rating is None and is_interactive():
        answer = ask_pain("Pain now, after the session")
        if answer is not None:
            rating, note = answer.rating, answer.note
    if rating is not None:
        recorder.add_pain_after(rating, note)

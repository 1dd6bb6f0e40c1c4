"""``massage-ctl run PROGRAM``: play a program on a device, with a live view and a STOP that works.

The session runs on its own thread (:class:`~massage_ctl.player.SessionRunner`); this thread
only draws and listens for Ctrl-C. Ctrl-C sends STOP at once and says so; SIGTERM and a lost
terminal (SIGHUP) stop the device too. A session the device started is recorded in the history
whatever happens; a start the device refused is not a session (not recorded, no pain question).

Exit status (docs/SAFETY.md, "Exit paths"): 0 completed and the device confirmed all off;
1 fault, error, refused start, or the device did not confirm it is off; 130 Ctrl-C;
143 SIGTERM; 129 SIGHUP (128 + the signal's number, as a shell reports it).
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType
from typing import Any

from massage_ctl.cli.history_args import pain_rating_arg, session_id_arg
from massage_ctl.cli.run_again import LATEST, again_options, describe
from massage_ctl.cli.run_view import RunView, make_view
from massage_ctl.cli.target_args import add_target_options
from massage_ctl.config import AppPaths, effective_options, load_config
from massage_ctl.errors import HistoryError, MassageCtlError
from massage_ctl.history import HistoryStore, ask_pain, is_interactive
from massage_ctl.player import SessionRunner
from massage_ctl.player.session import SessionResult
from massage_ctl.program import load_program
from massage_ctl.safety import load_safety_profile
from massage_ctl.session import LiveSession, RatingRecorder, SessionOptions, asks_pain_after
from massage_ctl.transports import parse_device_url

DEFAULT_DEVICE = "sim://chair"
EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
#: Confirmed off: said only when a STATUS from the device showed it.
CONFIRMED_OFF = "device confirmed all off"
NOT_CONFIRMED = (
    "device NOT confirmed stopped — check the device, and unplug it if it still runs"
)
#: The live view redraws at most 4×/s, and only when something changed: a progress bar needs no
#: more, and rich rendering was most of the controller's CPU at real time.
DRAW_PERIOD_S = 0.25


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="play a program on a device",
        description="Play PROGRAM (a built-in id or a .toml file) on the device. Ctrl-C sends "
        "STOP at once. Exit status: 0 completed and confirmed off, 1 fault/error/refused start/"
        "not confirmed off, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.",
    )
    parser.add_argument("program", metavar="PROGRAM", nargs="?",
                        help="built-in program id or .toml file")
    parser.add_argument(
        "--again", nargs="?", const=LATEST, type=session_id_arg, metavar="SESSION_ID",
        help="play a past session's program again with its set-up (device, safety, strength, "
        "length, zones avoided; options given here win); the latest session when no id",
    )
    add_target_options(parser)
    parser.add_argument("--pain-before", type=pain_rating_arg, metavar="N",
                        help="your pain now, 0–10 (recorded in the diary)")
    parser.add_argument("--pain-after", type=pain_rating_arg, metavar="N",
                        help="your pain after the session, 0–10 (else asked when interactive)")
    parser.set_defaults(func=run_command, run_parser=parser)


def _open_history() -> HistoryStore | None:
    """The history database, or None (and a warning) when it cannot be opened: a broken
    diary must not keep anyone from their massage."""
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


def run_command(args: argparse.Namespace) -> int:
    """Run the session; returns the exit status."""
    if getattr(args, "profile", None):
        raise MassageCtlError(
            "run plays on a device; --profile only names one for offline compiling",
            hint="use --device URL (e.g. sim://pad) instead",
        )
    if (args.program is None) == (args.again is None):
        args.run_parser.error("give a PROGRAM, or --again [SESSION_ID] to repeat a session")
    if args.again is not None:
        # The history is where the set-up comes from: here it must open (else exit 1).
        history = HistoryStore(AppPaths.from_env().history_db)
        try:
            options = again_options(args, history)
        except BaseException:
            history.close()
            raise
        print(describe(options, args.again))
        store: HistoryStore | None = history
    else:
        options = _options(args)
        store = None
    parse_device_url(options.device_url)  # a malformed URL fails here, before anything runs
    # Draws nothing until the first frame: an early error leaves the terminal as it was.
    view = make_view(sys.stdout.isatty())
    if store is None:
        store = _open_history()
    try:
        # The timeline's warnings (length fitted, heat skipped, zones remapped) are printed
        # before it plays: it is compiled for the device that answered, so only then known.
        live = LiveSession(options, store=store, pain_before=args.pain_before,
                           on_compiled=view.compiled)
        runner = live.runner
        try:
            with _signals_stop(runner) as signalled:
                live.start(view.push)
                interrupted = _wait(runner, view)
                result = runner.wait()  # re-raises an error from before playback (exit 1)
                view.finish(result.stop_confirmed)  # the last frame: what the device reports
        finally:
            # Also when that error comes: the live view hides the cursor until it is closed.
            view.close()
        if signalled.signum is not None:
            return _finish(args, result, 128 + signalled.signum, live.recorder)
        return _finish(args, result, EXIT_INTERRUPTED if interrupted else None, live.recorder)
    finally:
        if store is not None:
            store.close()


def _options(args: argparse.Namespace) -> SessionOptions:
    """The options ``run PROGRAM`` plays with: the command line over the user's config."""
    opts = effective_options(load_config(), args)
    return SessionOptions(
        program=load_program(args.program),
        device_url=opts.device or DEFAULT_DEVICE,
        device=None,  # the device describes itself on connect; compiled for what answers
        safety=load_safety_profile(opts.safety),
        intensity=opts.intensity,
        minutes=args.minutes,
        exclude=opts.exclude,
    )


def _finish(
    args: argparse.Namespace, result: SessionResult, interrupted: int | None,
    recorder: RatingRecorder | None,
) -> int:
    """Say how the session ended, ask for the pain rating, and give the exit status
    (``interrupted``: the status of the Ctrl-C / signal that ended it, else None)."""
    if interrupted is not None:
        if result.stop_confirmed:
            print(f"STOP sent — {CONFIRMED_OFF}")
        else:
            print(f"STOP sent — {NOT_CONFIRMED}", file=sys.stderr)
    else:
        line = _summary(result.outcome, result.message, result.stop_confirmed)
        print(line, file=sys.stdout if result.stop_confirmed else sys.stderr)
    for w in result.warnings:
        print(f"  guard: {w}", file=sys.stderr)
    if recorder is not None and result.started:
        if asks_pain_after(recorder, result.started):
            _ask_pain_after(args, recorder)
        recorder.settle()  # a busy history: wait a bounded time, else keep it aside
        if recorder.error is not None:
            _warn_unrecorded(recorder.error)
    if interrupted is not None:
        return interrupted
    ok = result.outcome == "completed" and result.stop_confirmed
    return EXIT_OK if ok else EXIT_ERROR


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


class _Signalled:
    """Which signal (SIGTERM, SIGHUP) ended the session, if one did."""

    def __init__(self) -> None:
        self.signum: int | None = None


class _signals_stop:  # a context manager, named for what it does
    """SIGTERM and SIGHUP (lost terminal) stop the device (STOP reason SHUTDOWN); outcome
    ``interrupted``; the exit status is then 128 + the signal's number."""

    def __init__(self, runner: SessionRunner) -> None:
        self.runner = runner
        self.fired = _Signalled()
        self._old: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.fired.signum is None:
            self.fired.signum = signum
        self.runner.stop("interrupted")

    def __enter__(self) -> _Signalled:
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None:
                self._old[sig] = signal.signal(sig, self._handler)
        return self.fired

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _summary(outcome: str, message: str, confirmed: bool) -> str:
    """The last line: how it ended, and what is known of the device (only its own word)."""
    off = CONFIRMED_OFF if confirmed else NOT_CONFIRMED
    if outcome == "completed":
        return f"Session completed — {off}."
    return f"Session ended ({outcome}): {message}".rstrip(": ") + f" — {off}."


def _ask_pain_after(args: argparse.Namespace, recorder: RatingRecorder) -> None:
    """The rating from ``--pain-after``, else asked when interactive (Enter skips)."""
    rating, note = args.pain_after, None
    if rating is None and is_interactive():
        answer = ask_pain("Pain now, after the session")
        if answer is not None:
            rating, note = answer.rating, answer.note
    if rating is not None:
        recorder.add_pain_after(rating, note)

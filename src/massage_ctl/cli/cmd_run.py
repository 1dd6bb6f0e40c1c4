"""``massage-ctl run PROGRAM``: play a program on a device, with a live view and a STOP that works.

The session runs on its own thread (:class:`~massage_ctl.player.SessionRunner`); this thread
only draws and listens for Ctrl-C. Ctrl-C sends STOP at once and says so; SIGTERM and a lost
terminal (SIGHUP) stop the device too. The session is recorded in the history whatever happens.

Exit status: 0 completed, 1 fault or error, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import abc
import argparse
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from massage_ctl.config import AppPaths, effective_options, load_config
from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import HistoryError, MassageCtlError
from massage_ctl.player import ProgressEvent, Session, SessionRunner
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
              intensity: float, exclude: tuple[str, ...]) -> Callable[[DeviceProfile], Timeline]:
    from massage_ctl.compiler import compile_program

    def build(profile: DeviceProfile) -> Timeline:
        timeline: Timeline = compile_program(
            program, profile, safety, intensity=intensity, minutes=args.minutes, exclude=exclude
        )
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
    build = _compiler(program, safety, args, opts.intensity, opts.exclude)
    from massage_ctl.history.recorder import HistoryRecorder

    store = _open_history()
    recorder = (
        HistoryRecorder(store, device_text, pain_before=args.pain_before) if store else None
    )
    try:
        session = Session(device_text, build, safety, recorder=recorder)
        runner = SessionRunner(session, speed=url.speed)
        view = _make_view(sys.stdout.isatty())
        try:
            runner.subscribe(view.push)
            with _signals_stop(runner) as signalled:
                runner.start()
                interrupted = _wait(runner, view)
                result = runner.wait()  # re-raises an error from before playback (exit 1)
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


def _wait(runner: SessionRunner, view: _View) -> bool:
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


# -- display ----------------------------------------------------------------------------------
class _View(abc.ABC):
    """Holds the newest event (pushed from the runner thread); draws on the main thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event: ProgressEvent | None = None
        self._messages: list[str] = []

    def push(self, event: ProgressEvent) -> None:
        with self._lock:
            self._event = event
            if event.kind in ("state", "warning", "fault") and event.message:
                self._messages.append(event.message)

    def take(self) -> tuple[ProgressEvent | None, list[str]]:
        with self._lock:
            msgs, self._messages = self._messages, []
            return self._event, msgs

    @abc.abstractmethod
    def draw(self) -> None:
        """Show what changed since the last call."""

    def close(self) -> None:  # noqa: B027 - optional hook; plain output has nothing to close
        """Finish drawing."""


def _clock(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60:d}:{s % 60:02d}"


class _PlainView(_View):
    """Not a terminal: a progress line at most every 10 % and every message."""

    def __init__(self) -> None:
        super().__init__()
        self._last_decile = -1

    def draw(self) -> None:
        event, msgs = self.take()
        for m in msgs:
            print(f"  {m}", flush=True)
        if event is None or event.duration_ms <= 0:
            return
        decile = min(10, event.elapsed_ms * 10 // event.duration_ms)
        if decile != self._last_decile:
            self._last_decile = decile
            print(f"{decile * 10:3d}%  {_clock(event.elapsed_ms)} / {_clock(event.duration_ms)}"
                  f"  {event.phase or ''}", flush=True)


class _LiveView(_View):
    """A terminal: rich Live with a progress bar, the phase and a bar per channel."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        super().__init__()
        self._console = Console()
        # No auto-refresh thread: draw() refreshes when a new event came in.
        self._live = Live(console=self._console, auto_refresh=False, transient=False)
        self._live.start()
        self._drawn: ProgressEvent | None = None

    def draw(self) -> None:
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.text import Text

        event, msgs = self.take()
        for m in msgs:
            self._console.print(f"  {m}")
        if event is None or event is self._drawn:
            return
        self._drawn = event
        head = Text.assemble(
            (f"{event.state:<10}", "bold"),
            f" {_clock(event.elapsed_ms)} elapsed · {_clock(event.remaining_ms)} left · ",
            (event.phase or "", "cyan"),
            f" · intensity {event.intensity:.1f}",
        )
        bar = ProgressBar(total=max(1, event.duration_ms), completed=event.elapsed_ms, width=60)
        # One plain Text for all channels: a table of per-channel progress bars cost ~10 ms
        # per redraw, most of the controller's CPU at real time.
        width = max((len(cid) for cid in event.actual), default=0)
        zones = Text()
        for cid, value in event.actual.items():
            unit = " °C" if cid.startswith("heat") else ""
            frac = min(1.0, max(0.0, value / 45.0 if unit else value))
            cells = round(frac * 20)
            zones.append(f"{cid:<{width}} ")
            zones.append("━" * cells, style="green")
            zones.append("━" * (20 - cells), style="grey23")
            zones.append(f" {value:.2f}{unit}\n")
        self._live.update(Group(head, bar, zones, Text("Ctrl-C = STOP", style="dim")),
                          refresh=True)

    def close(self) -> None:
        self._live.stop()


def _make_view(tty: bool) -> _View:
    return _LiveView() if tty else _PlainView()

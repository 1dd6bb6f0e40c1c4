"""The live view of ``massage-ctl run``: what the device reports while a session plays.

The session runs on its own thread; it hands events to :meth:`RunView.push` and the compiled
timeline to :meth:`RunView.compiled`. The main thread calls :meth:`RunView.draw` (at most 4×/s)
and, once the session is over, :meth:`RunView.finish` with whether the device confirmed STOP.

Two views: :class:`LiveView` (a terminal: one frame redrawn in place) and :class:`PlainView`
(a pipe or a file: a progress line every 10 %). Both print the compiler's warnings, one line
each, before the session plays, and every guard warning and fault as it happens.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from massage_ctl.views.heat_status import HeatTargets, heat_words

if TYPE_CHECKING:
    from rich.text import Text

    from massage_ctl.player import ProgressEvent
    from massage_ctl.timeline import Timeline

#: Width of the per-channel bars (cells); the progress bar is as wide as the terminal allows.
CHANNEL_BAR = 20
#: Widest progress bar (cells).
PROGRESS_BAR_MAX = 60


def clock(ms: int) -> str:
    """``m:ss`` for a duration in milliseconds."""
    s = max(0, ms) // 1000
    return f"{s // 60:d}:{s % 60:02d}"


class RunView(abc.ABC):
    """Holds the newest event (pushed from the runner thread); draws on the main thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event: ProgressEvent | None = None
        self._messages: list[str] = []
        self._heat: HeatTargets | None = None
        self._kinds: dict[str, str] = {}
        self._max: dict[str, float] = {}

    def compiled(self, timeline: Timeline) -> None:
        """The timeline the session plays (compiled for the connected device): its warnings
        are printed before anything plays, and it names what each heat pad heads to."""
        with self._lock:
            self._heat = HeatTargets(timeline)
            self._kinds = {ch.id: ch.kind for ch in timeline.channels}
            self._max = {ch.id: ch.max for ch in timeline.channels}
            self._messages.extend(f"! {w}" for w in timeline.warnings)

    def push(self, event: ProgressEvent) -> None:
        """Runner thread: the newest event; guard warnings and faults are kept to print."""
        with self._lock:
            self._event = event
            # "started", "paused" … are in the frame already; only news gets its own line.
            if event.kind in ("warning", "fault") and event.message:
                self._messages.append(event.message)

    def take(self) -> tuple[ProgressEvent | None, list[str]]:
        """The newest event and the messages not printed yet."""
        with self._lock:
            msgs, self._messages = self._messages, []
            return self._event, msgs

    def stopped_values(self, actual: Mapping[str, float]) -> dict[str, float]:
        """What a device that confirmed STOP reports: every output zero at once, heat off; a
        roller *position* stays where the carriage stopped (docs/SAFETY.md)."""
        return {cid: v if self._kinds.get(cid) == "position" else 0.0
                for cid, v in actual.items()}

    def heat_targets(self, event: ProgressEvent) -> dict[str, float]:
        """Where each heat pad is heading at ``event``: nowhere (off) unless playing."""
        if self._heat is None or event.state != "playing":
            return {}
        return self._heat.at(event.elapsed_ms)

    @abc.abstractmethod
    def draw(self) -> None:
        """Show what changed since the last call."""

    def finish(self, stop_confirmed: bool) -> None:  # noqa: B027 - a plain view has no frame
        """The session is over and its final STOP went out; ``stop_confirmed``: the device
        reported it stopped."""

    def close(self) -> None:  # noqa: B027 - optional hook; plain output has nothing to close
        """Finish drawing."""


class PlainView(RunView):
    """Not a terminal: a progress line at most every 10 % and every message."""

    def __init__(self) -> None:
        super().__init__()
        self._last_decile = -1

    def draw(self) -> None:
        """Print the new messages and, at each new 10 %, a progress line."""
        event, msgs = self.take()
        for m in msgs:
            print(f"  {m}", flush=True)
        if event is None or event.duration_ms <= 0:
            return
        decile = min(10, event.elapsed_ms * 10 // event.duration_ms)
        if decile != self._last_decile:
            self._last_decile = decile
            print(f"{decile * 10:3d}%  {clock(event.elapsed_ms)} / {clock(event.duration_ms)}"
                  f"  {event.phase or ''}", flush=True)


class LiveView(RunView):
    """A terminal: one frame redrawn in place (rich Live), every line cut to the width."""

    def __init__(self) -> None:
        from rich.console import Console

        super().__init__()
        self._console = Console()
        self._live: object | None = None  # rich Live, started with the first frame
        self._drawn: ProgressEvent | None = None
        #: None while the session runs; then whether the device confirmed the final STOP.
        self.stop_confirmed: bool | None = None

    def _update(self, frame: Text) -> None:
        from rich.live import Live

        if self._live is None:
            # No auto-refresh thread: draw() refreshes when a new event came in.
            self._live = Live(console=self._console, auto_refresh=False, transient=False)
            self._live.start()
        assert isinstance(self._live, Live)
        self._live.update(frame, refresh=True)

    def draw(self) -> None:
        """Print the new messages above the frame, then redraw the frame if it changed."""
        event, msgs = self.take()
        for m in msgs:
            self._console.print(f"  {m}", markup=False, highlight=False)
        if event is None or (event is self._drawn and self.stop_confirmed is None):
            return
        self._drawn = event
        self._update(self.frame(event, self._console.width))

    def finish(self, stop_confirmed: bool) -> None:
        """Draw the last frame as the device reports it after STOP."""
        self.stop_confirmed = stop_confirmed
        event, msgs = self.take()
        for m in msgs:
            self._console.print(f"  {m}", markup=False, highlight=False)
        if event is not None:
            self._update(self.frame(event, self._console.width))

    def frame(self, event: ProgressEvent, width: int) -> Text:
        """The frame for ``event`` on a ``width``-column terminal: one Text whose lines are
        cut to ``width``."""
        from rich.text import Text

        actual: Mapping[str, float] = event.actual
        state: str = event.state
        if self.stop_confirmed is not None:
            actual = self.stopped_values(actual) if self.stop_confirmed else actual
            state = "stopped" if self.stop_confirmed else "STOP not confirmed"
        text = Text()
        text.append(f"{state:<10}", "bold")
        text.append(f" {clock(event.elapsed_ms)} elapsed · {clock(event.remaining_ms)} left"
                    f" · strength {round(event.intensity * 100)} %\n")
        cells = max(10, min(PROGRESS_BAR_MAX, width - 8))
        done = round(cells * min(1.0, event.elapsed_ms / max(1, event.duration_ms)))
        text.append("━" * done, "magenta")
        text.append("━" * (cells - done), "grey23")
        text.append(f" {round(100 * done / cells):3d} %\n")
        text.append("phase: ")
        text.append(f"{event.phase or '—'}\n", "cyan")
        targets = self.heat_targets(event) if self.stop_confirmed is None else {}
        name_width = max((len(cid) for cid in actual), default=0)
        for cid, value in actual.items():
            # One plain Text for all channels: a table of per-channel progress bars cost
            # ~10 ms per redraw, most of the controller's CPU at real time.
            heat = self._kinds.get(cid, "heat" if cid.startswith("heat") else "") == "heat"
            top = self._max.get(cid, 45.0 if heat else 1.0) or 1.0
            filled = round(CHANNEL_BAR * min(1.0, max(0.0, value / top)))
            text.append(f"{cid:<{name_width}} ")
            text.append("━" * filled, "green")
            text.append("━" * (CHANNEL_BAR - filled), "grey23")
            words = (
                heat_words(value, event.measured_c.get(cid), targets.get(cid, 0.0))
                if heat
                else f"{value:.2f}"
            )
            text.append(f" {words}\n")
        if self.stop_confirmed is False:
            text.append("The device did not confirm STOP: switch it off at its power switch.",
                        "bold red")
        elif self.stop_confirmed:
            text.append("The device confirmed STOP: all outputs off.", "green")
        else:
            text.append("Ctrl-C = STOP", "dim")
        # Cut every line to the width ("…"): a wrapped line would push the frame down.
        lines = text.split("\n")
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n").join(lines)

    def close(self) -> None:
        """Stop redrawing (and give the terminal its cursor back)."""
        from rich.live import Live

        if isinstance(self._live, Live):
            self._live.stop()


def make_view(tty: bool) -> RunView:
    """The live view on a terminal, else the plain one. Nothing is drawn before the first
    frame, so a run that fails early leaves the terminal as it was."""
    return LiveView() if tty else PlainView()


__all__ = ["LiveView", "PlainView", "RunView", "clock", "make_view"]

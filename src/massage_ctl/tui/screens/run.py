"""The run screen: live body map, progress, phase, and the session keys.

space pauses / resumes, ``+``/``-`` adjust strength, ``n`` skips to the next phase; STOP (s, Esc)
is the app's own binding and works here like everywhere. Updates arrive as
:class:`RunScreen.Update` messages carrying the player's progress events.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ProgressBar, Static

from massage_ctl.devices import DeviceProfile
from massage_ctl.player.events import FINAL_STATES, ProgressEvent
from massage_ctl.program import Program
from massage_ctl.timeline import Timeline
from massage_ctl.tui.widgets.body_map import BodyMap
from massage_ctl.tui.widgets.stop_bar import StopBar
from massage_ctl.views.heat_status import HeatTargets

#: What each way of ending means, in plain words.
OUTCOME_TEXT: dict[str, str] = {
    "completed": "Session complete. Well done.",
    "stopped": "Session ended early.",
    "stop": "STOPPED — the device is off.",
    "fault": "The device reported a fault and was stopped.",
    "disconnect": "The connection to the device was lost; the device stops by itself.",
    "interrupted": "The session was interrupted; the device was stopped.",
}


def clock(ms: int) -> str:
    """``m:ss`` for a duration in milliseconds."""
    s = max(0, ms) // 1000
    return f"{s // 60}:{s % 60:02d}"


class RunScreen(Screen[None]):
    """A running (or just finished) session."""

    class Update(Message):
        """A progress event from the session runner (posted on the UI thread)."""

        def __init__(self, event: ProgressEvent) -> None:
            super().__init__()
            self.event = event

    class Pause(Message):
        """The user asks to pause (``pause``) or resume the session."""

        def __init__(self, pause: bool) -> None:
            super().__init__()
            self.pause = pause

    class Adjust(Message):
        """The user asks for a stronger (``delta`` > 0) or softer session."""

        def __init__(self, delta: float) -> None:
            super().__init__()
            self.delta = delta

    class Skip(Message):
        """The user asks to jump to the next phase."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short labels and a hidden Back keep "esc STOP" visible in the footer at 80 columns.
        Binding("space", "toggle_pause", "Pause"),
        Binding("plus,equals_sign", "adjust(0.1)", "Stronger", key_display="+"),
        Binding("minus", "adjust(-0.1)", "Softer", key_display="-"),
        Binding("n", "skip", "Next phase"),
        Binding("b", "leave", "Back", show=False),
    ]

    def __init__(self, program: Program, timeline: Timeline, device: DeviceProfile) -> None:
        super().__init__()
        self.program = program
        self.timeline = timeline
        self.device = device
        self.finished_state: str | None = None
        self.paused = False
        self._shown: dict[str, str] = {}  # label selector → the text it shows
        self._heat: HeatTargets | None = None  # made on mount: only devices with heat need it
        self._told: set[str] = set()  # session notes already shown (each once)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="banner", classes="banner hidden")
        with Horizontal(id="run-body"):
            with Vertical(id="run-left"):
                yield BodyMap(self.device, id="body-map")
                # What the compiler changed (length fitted, heat skipped, zones remapped).
                yield Static(self._notes(), id="run-notes",
                             classes="hidden" if not self.timeline.warnings else "")
            with Vertical(id="run-side"):
                yield Label(self.program.name, classes="title")
                yield Label("Connecting…", id="run-state")
                yield Label("", id="run-phase")
                yield ProgressBar(
                    total=max(1, self.timeline.duration_ms), show_eta=False, id="run-progress"
                )
                yield Label("", id="run-time")
                yield Label("", id="run-intensity")
                yield Label("", id="run-stop-check")
                yield Static(
                    "space pause/resume · + / - strength · n next phase", id="run-keys"
                )
                yield Button("■ STOP", variant="error", id="big-stop")
        yield StopBar()
        yield Footer()

    def _notes(self) -> Text:
        text = Text("Adjusted for this device and profile:", style="bold")
        for warning in self.timeline.warnings:
            text.append(f"\n• {warning}")
        return text

    def on_mount(self) -> None:
        if any(ch.kind == "heat" for ch in self.timeline.channels):
            self._heat = HeatTargets(self.timeline)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "big-stop":
            event.stop()
            self.app.call_later(self.app.run_action, "stop")

    def on_run_screen_update(self, message: Update) -> None:
        ev = message.event
        if self.finished_state is not None:
            return  # the session is over; nothing may make it look alive again
        if ev.kind == "warning" and ev.message and ev.message not in self._told:
            # What the player says during the session (the guard slowed or clamped something;
            # a version-1 device enforces only its hard limits): as `run` prints it, once.
            self._told.add(ev.message)
            self.notify(ev.message, title="Note", severity="warning", timeout=12)
        # Only what visibly changed is redrawn: a changed label re-lays out the screen, which
        # is most of the UI's CPU while a session runs (docs/TUI.md, "CPU").
        # Heat: the temperature the device reports, and where the program takes it now (a
        # paused or ended session takes it nowhere: heater off).
        targets = self._heat.at(ev.elapsed_ms) if self._heat and ev.state == "playing" else {}
        self.query_one(BodyMap).show(ev.actual, targets, ev.measured_c)
        # Whole seconds: the bar and the time label move once a second, not on every event.
        self.query_one("#run-progress", ProgressBar).update(
            progress=ev.elapsed_ms - ev.elapsed_ms % 1000
        )
        self._set("#run-time", f"{clock(ev.elapsed_ms)} elapsed · {clock(ev.remaining_ms)} left")
        self._set("#run-intensity", f"Strength {round(ev.intensity * 100)} %")
        if ev.phase:
            self._set("#run-phase", f"Now: {ev.phase}")
        self.paused = ev.state == "paused"
        if ev.state == "playing":
            self._set("#run-state", "▶ Playing")
        elif ev.state == "paused":
            self._set("#run-state", "⏸ Paused — space to resume")
        if ev.kind == "fault" or (ev.kind == "finished" and ev.state in ("fault", "disconnect")):
            self.show_banner(ev.message or OUTCOME_TEXT.get(ev.state, "Device problem"))
        if ev.kind == "finished" or ev.state in FINAL_STATES:
            self.finished_state = ev.state
            self._set("#run-state", OUTCOME_TEXT.get(ev.state, ev.state) + "  (b: back)")
            self.query_one("#big-stop", Button).disabled = ev.state != "playing"

    def _set(self, selector: str, text: str) -> None:
        """Update the label at ``selector`` only if its text changes."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Label).update(text)

    def session_failed(self, message: str) -> None:
        """The session ended before playback (nothing was driven): say why."""
        if self.finished_state is not None:
            return
        self.finished_state = "fault"
        self.show_banner(f"Could not start: {message.rstrip('.')}.", stopped=False)
        self._set("#run-state", "Not started — the device was not driven.  (b: back)")
        self.query_one("#big-stop", Button).disabled = True

    def session_not_started(self, outcome: str, message: str) -> None:
        """The session ended without playing (no player event came): say why, in words.

        A device that refuses the start (a fault still present, a latch it will not clear) is a
        ``fault`` with the device's reason in ``message``; STOP while connecting is a stop.
        """
        if self.finished_state is not None:
            return
        self.finished_state = outcome
        if outcome in ("fault", "disconnect"):
            reason = (message or OUTCOME_TEXT[outcome]).rstrip(".")
            self.show_banner(f"Could not start: {reason}.", stopped=False)
            self._set("#run-state", "Not started — the device was not driven.  (b: back)")
        else:
            self._set("#run-state", "Stopped before the session started.  (b: back)")
        self.query_one("#big-stop", Button).disabled = True

    def device_stopped(self, confirmed: bool) -> None:
        """The session is over and its final STOP went out: show what the device reported."""
        if confirmed:
            # The last progress event predates the STOP; the device has since reported every
            # output zero and heat off. A roller's position stays where the carriage stopped.
            body = self.query_one(BodyMap)
            kinds = {ch.id: ch.kind for ch in self.device.channels}
            body.show({cid: v if kinds.get(cid) == "position" else 0.0
                       for cid, v in body.actual.items()})
            self._set("#run-stop-check", "✓ The device confirmed: all off.")
        else:
            self._set(
                "#run-stop-check",
                "⚠ The device did not confirm STOP. Switch it off at its power switch.",
            )

    def show_banner(self, text: str, *, stopped: bool = True) -> None:
        """The red banner under the header (device faults, disconnects, a refused start).
        ``stopped``: a session that was playing has stopped (said so); else it never began."""
        banner = self.query_one("#banner", Static)
        tail = " — the session has stopped. You decide what happens next." if stopped else ""
        banner.update(f"⚠ {text}{tail}")
        banner.remove_class("hidden")

    def action_toggle_pause(self) -> None:
        if self.finished_state is None:
            self.post_message(self.Pause(not self.paused))

    def action_adjust(self, delta: float) -> None:
        if self.finished_state is None:
            self.post_message(self.Adjust(delta))

    def action_skip(self) -> None:
        if self.finished_state is None:
            self.post_message(self.Skip())

    def leave_if_over(self, session_active: bool) -> bool:
        """Escape: leave when the session is over and nothing runs (``session_active`` is
        False), so nobody is trapped on a screen whose session never started; False (Escape
        is then STOP) otherwise."""
        if self.finished_state is None or session_active:
            return False
        self.app.pop_screen()
        return True

    def action_leave(self) -> None:
        if self.finished_state is None:
            self.notify("Stop the session first (s or Esc).", severity="warning")
            return
        self.app.pop_screen()

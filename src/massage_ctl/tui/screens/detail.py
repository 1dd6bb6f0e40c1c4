"""Program detail: plain description, who it is for, phases, a live preview, and set-up.

Changing any set-up choice recompiles and redraws the preview; a program the chosen safety
profile forbids says why and cannot be started.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from massage_ctl.devices import DeviceProfile
from massage_ctl.errors import MassageCtlError
from massage_ctl.program import Program
from massage_ctl.safety import BUILTIN_SAFETY
from massage_ctl.timeline import Timeline
from massage_ctl.tui.setup import SAFETY_EXPLAINED, SAFETY_LABELS, SessionSetup, compile_setup
from massage_ctl.tui.widgets.stop_bar import StopBar
from massage_ctl.views.chart import render_chart

INTENSITY_CHOICES = [(f"{round(x * 100)} %", x) for x in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)]


def minutes_text(ms: int) -> str:
    """``21 min 55 s`` — a session length as people say it."""
    s = round(ms / 1000)
    return f"{s // 60} min {s % 60} s" if s % 60 else f"{s // 60} min"


def describe_program(program: Program) -> Text:
    """Description, for / not for, and the phase list as rich Text."""
    text = Text()
    text.append(program.name + "\n", style="bold")
    text.append(program.description.strip() + "\n")
    if program.suitable_for:
        text.append("\nFor: ", style="bold green")
        text.append("; ".join(program.suitable_for) + "\n")
    if program.not_for:
        text.append("Not for: ", style="bold red")
        text.append("; ".join(program.not_for) + "\n")
    text.append("\nPhases:\n", style="bold")
    for i, phase in enumerate(program.phases, 1):
        zones = getattr(phase, "zones", None)
        where = f" — {', '.join(str(z) for z in zones)}" if zones else ""
        length = minutes_text(phase.natural_ms())
        if getattr(phase, "background", False):
            length += ", alongside the next phases"
        # The phase's own name says what it does ("warm-up: very light strokes"); the
        # technique is the fallback for a phase without one.
        text.append(f" {i:2d}. {phase.name or phase.technique}{where} ({length})\n")
    return text


class DetailScreen(Screen[None]):
    """One program: read about it, preview it, set it up, start it."""

    class StartRequested(Message):
        """The user pressed Start: play ``timeline`` (the preview) with ``setup``."""

        def __init__(self, program: Program, timeline: Timeline, setup: SessionSetup) -> None:
            super().__init__()
            self.program = program
            self.timeline = timeline
            self.setup = setup

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.pop_screen", "Back"),
        Binding("backspace", "app.pop_screen", "Back", show=False),
        Binding("g", "start", "Go (start)"),
    ]

    def __init__(self, program: Program, device: DeviceProfile, setup: SessionSetup) -> None:
        super().__init__()
        self.program = program
        self.device = device
        self.setup = setup
        self.timeline: Timeline | None = None
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        # Order: understand the program, set it up, start — then the preview of what the set-up
        # gives, so a change (Gentle) is seen right below the choice that caused it.
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(describe_program(self.program), id="detail-text")
            with Vertical(id="setup"):
                yield Label("Safety profile", classes="title")
                with RadioSet(id="safety"):
                    for name in SAFETY_EXPLAINED:
                        yield RadioButton(
                            SAFETY_LABELS[name], value=name == self.setup.safety.id, name=name
                        )
                yield Static(
                    "\n".join(f"• {sentence}" for sentence in SAFETY_EXPLAINED.values()),
                    id="safety-explained", classes="muted",
                )
                with Horizontal(id="setup-row"):
                    yield Label("Strength ")
                    yield Select(
                        INTENSITY_CHOICES, value=self._closest_intensity(), allow_blank=False,
                        id="intensity",
                    )
                    yield Label("  Length ")
                    minutes = Select(self._length_options(), prompt="as written", id="minutes")
                    if self.setup.minutes is not None:  # remembered, or a session repeated
                        minutes.value = self.setup.minutes
                    yield minutes
                yield Label("Zones to avoid (space ticks a zone)", classes="title")
                yield SelectionList[str](
                    *[(z, z, z in self.setup.exclude) for z in self._device_zones()], id="exclude"
                )
            with Horizontal(id="start-row"):
                yield Button("▶ Start (g)", variant="success", id="start")
                yield Static("", id="start-status")
            yield Static("", id="preview")
        yield StopBar()
        yield Footer()

    def on_mount(self) -> None:
        self.recompile()

    def _device_zones(self) -> tuple[str, ...]:
        return self.device.zones()

    def _closest_intensity(self) -> float:
        return min((x for _, x in INTENSITY_CHOICES), key=lambda x: abs(x - self.setup.intensity))

    def _length_options(self) -> list[tuple[str, int]]:
        lengths = self.setup.lengths()
        chosen = self.setup.minutes
        # A remembered or repeated length that is not one of the usual choices (run from the
        # command line with --minutes 12) is offered as it was, within the profile's limit.
        if chosen is not None and chosen not in lengths \
                and chosen <= self.setup.safety.max_session_min:
            lengths = sorted([*lengths, chosen])
        return [(f"{m} min", m) for m in lengths]

    def recompile(self) -> None:
        """Compile with the current set-up and redraw the preview and warnings."""
        preview = self.query_one("#preview", Static)
        start = self.query_one("#start", Button)
        status = self.query_one("#start-status", Static)
        try:
            self.timeline = compile_setup(self.program, self.device, self.setup)
            self.problem = None
        except MassageCtlError as err:
            self.timeline = None
            self.problem = str(err)
        if self.timeline is None:
            status.update(Text(f"Cannot run with these settings: {self.problem}", style="bold red"))
            preview.update("")
            start.disabled = True
            return
        adjusted = len(self.timeline.warnings)
        status.update(
            f"{minutes_text(self.timeline.duration_ms)} on {self.device.name}, "
            f"{self.setup.safety.id} profile. "
            + (f"{adjusted} adjustment{'s' if adjusted > 1 else ''} and the preview below."
               if adjusted else "The preview is below.")
        )
        # What the compiler changed (length fitted, heat skipped, zones remapped) comes first,
        # right under Start: it changes what will play, and the chart below is long.
        parts: list[Text | Group] = []
        if self.timeline.warnings:
            parts.append(Text("Adjusted for this device and profile:", style="bold yellow"))
            parts.extend(Text(f" • {w}", style="yellow") for w in self.timeline.warnings)
        parts += [
            Text(f"Preview: strength per zone over time on {self.device.name}", style="bold"),
            render_chart(self.timeline, width=max(60, self.app.size.width - 4)),
        ]
        preview.update(Group(*parts))
        start.disabled = False

    @on(RadioSet.Changed, "#safety")
    def _safety_changed(self, event: RadioSet.Changed) -> None:
        self.setup.safety = BUILTIN_SAFETY[event.pressed.name or "standard"]
        minutes = self.query_one("#minutes", Select)
        minutes.set_options(self._length_options())
        if self.setup.minutes not in self.setup.lengths():
            self.setup.minutes = None
        self.recompile()

    @on(Select.Changed, "#intensity")
    def _intensity_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, float):
            self.setup.intensity = event.value
            self.recompile()

    @on(Select.Changed, "#minutes")
    def _minutes_changed(self, event: Select.Changed) -> None:
        self.setup.minutes = event.value if isinstance(event.value, int) else None
        self.recompile()

    @on(SelectionList.SelectedChanged, "#exclude")
    def _exclude_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self.setup.exclude = list(event.selection_list.selected)
        self.recompile()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """Ask the app to start the session with the previewed timeline."""
        if self.timeline is None:
            self.notify(self.problem or "Nothing to start", severity="error")
            return
        self.post_message(self.StartRequested(self.program, self.timeline, self.setup))

"""Small modal dialogs: the first-run medical note and the pain rating question."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

MEDICAL_NOTE = (
    "Before you start\n\n"
    "Massage can ease chronic back pain, but it is not a treatment on its own. If you have a "
    "medical condition — nerve pain or sciatica, a recent injury, osteoporosis, a blood clot, "
    "pregnancy, a heart condition or a pacemaker — check with your healthcare provider before "
    "using massage for it.\n\n"
    "Start gently. Stop at once (press s or Esc) if anything hurts, tingles or feels wrong."
)


class FirstRunNote(ModalScreen[bool]):
    """Shown once, until the user confirms they have read it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "ok", "I understand")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(MEDICAL_NOTE)
            yield Button("I understand (Enter)", variant="primary", id="ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    def action_ok(self) -> None:
        self.dismiss(True)


class PainDialog(ModalScreen[int | None]):
    """Ask for a 0–10 pain rating: a number key (``t`` for 10) or ``n`` to skip."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(i), f"rate({i})", show=False) for i in range(10)],
        Binding("t", "rate(10)", "10", show=False),
        Binding("n", "skip", "Skip"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="title")
            yield Static(
                "0 = no pain, 10 = worst imaginable. Press a number (t for 10), or n to skip.",
                classes="muted",
            )
            with Horizontal(classes="dialog-buttons"):
                for i in range(11):
                    yield Button(str(i), id=f"rate-{i}", compact=True)
            yield Button("Skip (n)", id="skip")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        if button_id.startswith("rate-"):
            self.dismiss(int(button_id.removeprefix("rate-")))
        else:
            self.dismiss(None)

    def action_rate(self, rating: int) -> None:
        self.dismiss(rating)

    def action_skip(self) -> None:
        self.dismiss(None)

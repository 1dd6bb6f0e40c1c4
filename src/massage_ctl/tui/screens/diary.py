"""The history screen's dialogs: today's pain rating with a note, the treatment plan, the
provider report's file, and which session to run again.

Each returns what the user entered (or None for Cancel); the history screen writes it with
the same store functions the CLI uses (``pain``, ``plan set|clear``, ``report``). Escape is
STOP here as everywhere, so each dialog has a Cancel button (Tab reaches it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from massage_ctl.history.pain import PAIN_SCALE_HINT
from massage_ctl.history.plan import Plan, format_days, parse_days
from massage_ctl.history.records import SessionRecord

T = TypeVar("T")


@dataclass(frozen=True)
class DiaryEntry:
    """A pain rating for today and its note."""

    rating: int
    note: str | None


def _buttons(ok: str) -> ComposeResult:
    with Horizontal(classes="form-buttons"):
        yield Button(ok, variant="primary", id="ok", compact=True)
        yield Button("Cancel", id="cancel", compact=True)


class _FormDialog(ModalScreen[T | None]):
    """A dialog of text fields: Enter in the last field or OK submits; Cancel returns None.
    A field that does not read shows why under the fields and keeps the dialog open."""

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)

    def submit(self) -> None:
        """Read the fields; dismiss with the value, or say what is wrong."""
        raise NotImplementedError

    @on(Button.Pressed, "#ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        fields = list(self.query(Input))
        if event.input is fields[-1]:
            self.submit()
        else:
            fields[fields.index(event.input) + 1].focus()


class PainDiaryDialog(_FormDialog[DiaryEntry]):
    """Today's pain rating (0–10) and an optional note."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label("Pain diary: how is your pain today?", classes="title")
            yield Static(PAIN_SCALE_HINT, classes="muted")
            yield Input(compact=True, placeholder="0–10", id="rating", max_length=2)
            yield Input(compact=True, placeholder="note (optional): what hurts, what you did",
                        id="note", max_length=500)
            yield Static("", id="problem", classes="error")
            yield from _buttons("Save")

    def submit(self) -> None:
        text = self.query_one("#rating", Input).value.strip()
        if not (text.isdigit() and 0 <= int(text) <= 10):
            self._problem(f"The rating must be a whole number 0 to 10, not {text!r}.")
            self.query_one("#rating", Input).focus()
            return
        note = self.query_one("#note", Input).value.strip() or None
        self.dismiss(DiaryEntry(int(text), note))


@dataclass(frozen=True)
class PlanChoice:
    """What the plan dialog decided: a new plan, or ``clear`` to remove the plan."""

    plan: Plan | None
    clear: bool = False


class PlanDialog(_FormDialog[PlanChoice]):
    """Set or change the treatment plan (as ``massage-ctl plan set``), or clear it."""

    def __init__(self, current: Plan | None, today: date) -> None:
        super().__init__()
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        plan = self.current
        with Vertical(classes="dialog form"):
            yield Label("Treatment plan", classes="title")
            yield Static(
                "Spans like 7d or 1w. E.g. every 1w for 6w, then every 3w. The plan only "
                "reminds you; it never starts a device.", classes="muted")
            yield Label("Every")
            yield Input(compact=True, value=f"{plan.every_days}d" if plan else "1w",
                        id="every")
            yield Label("For (empty: no end)")
            yield Input(compact=True, value=f"{plan.for_days}d" if plan and plan.for_days
                        else "", id="for")
            yield Label("Then every (needs For)")
            yield Input(compact=True, value=f"{plan.then_every_days}d"
                        if plan and plan.then_every_days else "", id="then")
            if plan is not None:
                yield Static(f"Now: {plan.describe()} (every {format_days(plan.every_days)})",
                             classes="muted")
            yield Static("", id="problem", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", variant="primary", id="ok", compact=True)
                if plan is not None:
                    yield Button("Clear plan", variant="error", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Button.Pressed, "#clear")
    def _clear(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(PlanChoice(None, clear=True))

    def submit(self) -> None:
        spans: dict[str, int | None] = {}
        for field, label in (("every", "Every"), ("for", "For"), ("then", "Then every")):
            text = self.query_one(f"#{field}", Input).value.strip()
            if not text and field != "every":
                spans[field] = None
                continue
            try:
                spans[field] = parse_days(text)
            except ValueError as err:
                self._problem(f"{label}: {err}.")
                self.query_one(f"#{field}", Input).focus()
                return
        if spans["then"] is not None and spans["for"] is None:
            self._problem("Then every needs For (how long the first phase lasts).")
            return
        every = spans["every"]
        assert every is not None
        start = self.current.start_date if self.current is not None else self.today
        program = self.current.program_id if self.current is not None else None
        self.dismiss(PlanChoice(Plan(every_days=every, start_date=start,
                                     for_days=spans["for"], then_every_days=spans["then"],
                                     program_id=program)))


class ReportDialog(_FormDialog[Path]):
    """Where to write the provider report (an HTML file, private to the user)."""

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label("Report for your healthcare provider", classes="title")
            yield Static("A one-page HTML file of your sessions and pain ratings; it opens "
                         "in any browser without a network.", classes="muted")
            yield Input(compact=True, value=str(self.default), id="path")
            yield Static("", id="problem", classes="error")
            yield from _buttons("Write report")

    def submit(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._problem("Give the file to write, e.g. ~/pain-report.html.")
            return
        self.dismiss(Path(text).expanduser())


class SessionPicker(ModalScreen[int | None]):
    """Choose a recent session to run again (the newest is highlighted)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("b", "cancel", "Cancel")]

    def __init__(self, sessions: list[SessionRecord]) -> None:
        super().__init__()
        self.sessions = sessions  # newest first

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Run again — which session? (Enter; b cancels)", classes="title")
            yield OptionList(*[
                Option(f"{s.started_at[:16].replace('T', ' ')}  {s.program_id} · {s.safety} · "
                       f"{round(s.intensity * 100)} %", id=str(s.id))
                for s in self.sessions
            ], id="sessions")
            yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#sessions", OptionList).focus()

    @on(OptionList.OptionSelected, "#sessions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

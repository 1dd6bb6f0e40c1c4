"""History: the sessions table (newest first, scrollable) and the pain-over-time chart, as in
``massage-ctl history`` — and from here: run a session again, today's pain rating, the
treatment plan, and the provider report (the dialogs are in ``diary.py``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from massage_ctl.errors import MassageCtlError
from massage_ctl.history import HistoryStore
from massage_ctl.history.report import export_report
from massage_ctl.history.summary import daily_pain
from massage_ctl.history.terminal_chart import pain_chart
from massage_ctl.tui.home_line import plan_line
from massage_ctl.tui.screens.diary import (
    DiaryEntry,
    PainDiaryDialog,
    PlanChoice,
    PlanDialog,
    ReportDialog,
    SessionPicker,
)
from massage_ctl.tui.widgets.stop_bar import StopBar
from massage_ctl.views.history_table import sessions_table


class HistoryScreen(Screen[None]):
    """Past sessions with pain ratings, the pain trend, and the plan."""

    class RunAgain(Message):
        """Run session ``session_id``'s program again with its set-up (the app opens the
        set-up screen with it, so the user confirms)."""

        def __init__(self, session_id: int) -> None:
            super().__init__()
            self.session_id = session_id

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.pop_screen", "Back"),
        Binding("a", "again", "Run again"),
        Binding("p", "pain", "Pain today"),
        Binding("l", "plan", "Plan"),
        Binding("e", "report", "Report"),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self, store: HistoryStore, report_dir: Path | None = None) -> None:
        super().__init__()
        self.store = store
        #: Where the report is offered to be written (the user's home by default).
        self.report_dir = report_dir if report_dir is not None else Path.home()

    def compose(self) -> ComposeResult:
        yield Header()
        # Focused, so the arrow keys and PageUp/PageDown scroll a long history.
        with VerticalScroll(id="history-scroll"):
            yield Static("", id="history-table")
            yield Static("", id="history-chart")
        yield StopBar()
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one("#history-scroll", VerticalScroll).focus()

    def action_reload(self) -> None:
        """Read the history again and redraw."""
        table = self.query_one("#history-table", Static)
        chart = self.query_one("#history-chart", Static)
        try:
            sessions = self.store.sessions(limit=50)
            pain = self.store.pain_entries()
            status = self.store.plan_status()
        except MassageCtlError as err:
            table.update(f"History unavailable: {err}")
            return
        # Newest first: the sessions someone looks for are the last ones (the store gives
        # them oldest first, as `massage-ctl history` prints them).
        newest_first = list(reversed(sessions))
        table.update(sessions_table(newest_first) if sessions else "No sessions recorded yet.")
        trend = pain_chart(daily_pain(pain), max_columns=60)
        plan = ("Plan: " + plan_line(status) if status is not None
                else "No treatment plan set — press l to set one.")
        chart.update(Group(trend, Text(plan)))

    def _failed(self, what: str, err: MassageCtlError) -> None:
        hint = f" ({err.hint})" if err.hint else ""
        self.notify(f"Could not {what}: {err}{hint}", severity="error", timeout=10)

    def action_again(self) -> None:
        """Choose a recent session; its program opens on the set-up screen with its set-up."""
        try:
            sessions = list(reversed(self.store.sessions(limit=20)))
        except MassageCtlError as err:
            self._failed("read the history", err)
            return
        if not sessions:
            self.notify("No sessions yet to run again.", timeout=4)
            return

        def chosen(session_id: int | None) -> None:
            if session_id is not None:
                self.post_message(self.RunAgain(session_id))

        self.app.push_screen(SessionPicker(sessions), chosen)

    def action_pain(self) -> None:
        """Record today's pain rating with a note (as ``massage-ctl pain N --note``)."""

        def save(entry: DiaryEntry | None) -> None:
            if entry is None:
                return
            try:
                self.store.add_pain(entry.rating, note=entry.note, when="day")
            except MassageCtlError as err:
                self._failed("record the rating", err)
                return
            self.notify(f"Pain {entry.rating}/10 recorded.", timeout=4)
            self.action_reload()

        self.app.push_screen(PainDiaryDialog(), save)

    def action_plan(self) -> None:
        """Set, change or clear the treatment plan (as ``massage-ctl plan set|clear``)."""
        try:
            current = self.store.get_plan()
        except MassageCtlError as err:
            self._failed("read the plan", err)
            return

        def save(choice: PlanChoice | None) -> None:
            if choice is None:
                return
            try:
                if choice.clear:
                    self.store.clear_plan()
                    self.notify("Plan cleared.", timeout=4)
                elif choice.plan is not None:
                    self.store.set_plan(choice.plan)
                    self.notify(f"Plan set: {choice.plan.describe()}.", timeout=6)
            except MassageCtlError as err:
                self._failed("save the plan", err)
                return
            self.action_reload()

        self.app.push_screen(PlanDialog(current, date.today()), save)

    def action_report(self) -> None:
        """Write the provider report (as ``massage-ctl report --out``); the path is shown."""
        dialog = ReportDialog(self.report_dir / "massage-report.html")

        def write(path: Path | None) -> None:
            if path is None:
                return
            try:
                written = export_report(self.store, path)
            except MassageCtlError as err:
                self._failed("write the report", err)
                return
            self.notify(
                f"Report written to {written.path} ({written.sessions} sessions, "
                f"{written.pain} pain ratings).", title="Report", timeout=15,
            )

        self.app.push_screen(dialog, write)

"""History: the sessions table (newest first, scrollable) and the pain-over-time chart, as in
``massage-ctl history``."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from massage_ctl.errors import MassageCtlError
from massage_ctl.history import HistoryStore
from massage_ctl.history.summary import daily_pain
from massage_ctl.history.terminal_chart import pain_chart
from massage_ctl.tui.home_line import plan_line
from massage_ctl.tui.widgets.stop_bar import StopBar
from massage_ctl.views.history_table import sessions_table


class HistoryScreen(Screen[None]):
    """Past sessions with pain ratings, the pain trend, and the plan."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.pop_screen", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, store: HistoryStore) -> None:
        super().__init__()
        self.store = store

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
        plan = "Plan: " + plan_line(status) if status is not None else "No treatment plan set."
        chart.update(Group(trend, Text(plan)))

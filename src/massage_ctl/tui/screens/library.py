"""Home screen: the program library with body-area / condition filters and a name search."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from massage_ctl.program import Program, format_duration
from massage_ctl.tui.filters import BODY_AREAS, CONDITIONS, body_areas_of, matches
from massage_ctl.tui.widgets.stop_bar import StopBar


class LibraryScreen(Screen[None]):
    """Choose a program: a table filtered by body area, condition and search text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "search", "Search"),
        Binding("d", "app.devices", "Devices"),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, programs: list[Program]) -> None:
        super().__init__()
        self.programs = programs
        self.shown: list[Program] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-summary")
        with Horizontal(id="filters"):
            yield Select(
                [(label, label) for label, _ in BODY_AREAS], prompt="Any body area", id="area"
            )
            yield Select(
                [(label, label) for label, _ in CONDITIONS], prompt="Any condition", id="condition"
            )
            yield Input(placeholder="search by name", id="search")
        table: DataTable[str] = DataTable(id="programs", cursor_type="row", zebra_stripes=True)
        yield table
        yield StopBar()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#programs", DataTable)
        table.add_columns("Program", "Length", "Techniques", "Body areas")
        self.refresh_table()
        table.focus()
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Last session and what the treatment plan says is due (from the history)."""
        summary = getattr(self.app, "home_summary", None)
        text = summary() if callable(summary) else ""
        self.query_one("#home-summary", Static).update(text)

    def refresh_table(self) -> None:
        """Re-fill the table from the current filters."""
        area = self.query_one("#area", Select).value
        condition = self.query_one("#condition", Select).value
        text = self.query_one("#search", Input).value
        self.shown = [
            p
            for p in self.programs
            if matches(
                p,
                area=area if isinstance(area, str) else None,
                condition=condition if isinstance(condition, str) else None,
                text=text,
            )
        ]
        table = self.query_one("#programs", DataTable)
        table.clear()
        for p in self.shown:
            length = format_duration(p.duration) if p.duration else "—"
            table.add_row(p.name, length, ", ".join(p.techniques()), body_areas_of(p), key=p.id)

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filters_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#programs", DataTable).focus()

    @on(DataTable.RowSelected, "#programs")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#programs", DataTable)
        if self.shown and table.cursor_row < len(self.shown):
            self._open(self.shown[table.cursor_row].id)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def _open(self, program_id: str | None) -> None:
        from massage_ctl.tui.app import MassageApp

        app = self.app
        assert isinstance(app, MassageApp)
        for p in self.shown:
            if p.id == program_id:
                app.open_program(p)
                return

"""Home screen: the program library with body-area / condition filters and a name search."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from massage_ctl.tui.filters import BODY_AREAS, CONDITIONS, body_areas_of, matches
from massage_ctl.tui.widgets.stop_bar import StopBar

if TYPE_CHECKING:  # the program models load after the first paint (tui/startup.py)
    from massage_ctl.program import Program

#: Shown under the table until the programs have loaded (a fraction of a second).
LOADING_TEXT = "Loading the program library…"

#: Library table columns (label, width in cells); sized so the table fits 80 columns. Long
#: cells end in "…"; the line under the table shows the highlighted program in full.
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Program", 30), ("Length", 6), ("Techniques", 22), ("Body areas", 12),
)


class LibraryScreen(Screen[None]):
    """Choose a program: a table filtered by body area, condition and search text.

    The frame (filters, search, STOP bar) shows at once; the table fills when the app hands
    over the programs (:meth:`show_programs`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "search", "Search"),
        Binding("d", "app.devices", "Devices"),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, programs: list[Program] | None = None) -> None:
        super().__init__()
        self.programs: list[Program] = programs or []
        self.loaded = programs is not None
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
        yield Static(LOADING_TEXT, id="program-info", classes="muted")
        yield StopBar()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#programs", DataTable)
        # Fixed widths with wrapped cells: every column stays visible at 80 columns.
        for label, width in _COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        if self.loaded:
            self.refresh_table()
            self.refresh_summary()

    def show_programs(self, programs: list[Program]) -> None:
        """Fill the table (and the summary line) once the programs have loaded."""
        self.programs, self.loaded = programs, True
        if self.is_mounted:
            self.refresh_table()
            self.refresh_summary()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.refresh_summary()

    def refresh_summary(self) -> None:
        """Last session and what the treatment plan says is due (from the history)."""
        summary = getattr(self.app, "home_summary", None)
        text = summary() if callable(summary) else ""
        self.query_one("#home-summary", Static).update(text)

    def refresh_table(self) -> None:
        """Re-fill the table from the current filters."""
        if not self.loaded:
            return  # filters changed while loading: applied when the programs arrive
        from massage_ctl.program import format_duration

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
            cells = (p.name, length, ", ".join(p.techniques()), body_areas_of(p))
            table.add_row(
                *(Text(c, no_wrap=True, overflow="ellipsis") for c in cells), key=p.id
            )
        self._show_info()

    def _show_info(self) -> None:
        """The line under the table: the highlighted program in full, or why nothing shows."""
        info = self.query_one("#program-info", Static)
        if not self.shown:
            info.update("No program matches — change the filters or the search.")
            return
        row = self.query_one("#programs", DataTable).cursor_row
        p = self.shown[min(max(row, 0), len(self.shown) - 1)]
        info.update(
            f"{len(self.shown)}/{len(self.programs)} · {p.name}: "
            f"{', '.join(p.techniques())} · {body_areas_of(p)}"
        )

    @on(DataTable.RowHighlighted, "#programs")
    def _row_highlighted(self) -> None:
        self._show_info()

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

"""Home screen: the program library with body-area / condition filters and a name search.

Favourites (★) come first, then recently used programs (↺), then the rest (docs/TUI.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from massage_ctl.tui.filters import BODY_AREAS, CONDITIONS, body_areas_of, matches
from massage_ctl.tui.widgets.stop_bar import StopBar

if TYPE_CHECKING:  # the program models load after the first paint (tui/startup.py)
    from massage_ctl.program import Program

#: Shown under the table until the programs have loaded (a fraction of a second).
LOADING_TEXT = "Loading the program library…"

#: Marks in front of a program's name: a favourite, a recently used program.
FAVOURITE_MARK, RECENT_MARK, NO_MARK = "★ ", "↺ ", "  "
#: Said on screen whenever something is listed first.
ORDER_NOTE = "★ favourites, then ↺ recent first"

#: Library table columns (label, minimum width in cells): at 80 columns every column gets its
#: minimum; a wider screen gives the extra to the columns whose text is cut (see
#: :func:`column_widths`). Long cells end in "…"; the line under the table shows the highlighted
#: program in full.
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Program", 30), ("Length", 6), ("Techniques", 22), ("Body areas", 12),
)
#: Cells per column the table spends besides the text (padding both sides), and the vertical
#: scrollbar it may show.
_CELL_PADDING = 2
_SCROLLBAR = 2


def column_widths(available: int, natural: list[int], minimum: list[int]) -> list[int]:
    """Column widths for ``available`` cells of text: each at least its ``minimum``; the rest
    goes first to the first column (the program's name is what people choose by) up to its
    ``natural`` (longest) width, then a cell at a time to the column missing most."""
    widths = list(minimum)
    extra = available - sum(widths)
    first = max(0, min(extra, natural[0] - widths[0]))
    widths[0] += first
    extra -= first
    while extra > 0:
        missing = [n - w for n, w in zip(natural, widths, strict=True)]
        worst = max(range(len(widths)), key=missing.__getitem__)
        if missing[worst] <= 0:
            break  # everything fits whole
        widths[worst] += 1
        extra -= 1
    return widths


class LibraryScreen(Screen[None]):
    """Choose a program: a table filtered by body area, condition and search text.

    The frame (filters, search, STOP bar) shows at once; the table fills when the app hands
    over the programs (:meth:`show_programs`).
    """

    class ProgramChosen(Message):
        """The user opened ``program`` (Enter or a click on its row)."""

        def __init__(self, program: Program) -> None:
            super().__init__()
            self.program = program

    class FavouriteToggled(Message):
        """The user marked or unmarked ``program`` as a favourite (the app stores it and
        hands back the new marks with :meth:`LibraryScreen.set_marks`)."""

        def __init__(self, program: Program) -> None:
            super().__init__()
            self.program = program

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("f", "favourite", "Favourite"),
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
        #: Favourite program ids (in the order marked) and recently used ones (newest first).
        self.favourites: list[str] = []
        self.recent: list[str] = []
        #: The program the cursor follows at the next refill (one just marked a favourite).
        self._follow: str | None = None

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
        self._widths: list[int] = []
        self._set_columns(self.app.size.width)
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

    def set_marks(self, favourites: list[str], recent: list[str]) -> None:
        """Favourites and recently used programs (listed first, marked); refills the table."""
        self.favourites, self.recent = list(favourites), list(recent)
        if self.is_mounted:
            self.refresh_table()

    def _mark(self, p: Program) -> str:
        if not (self.favourites or self.recent):
            return ""  # nothing is listed first: no column of marks
        if p.id in self.favourites:
            return FAVOURITE_MARK
        return RECENT_MARK if p.id in self.recent else NO_MARK

    def _order(self, programs: list[Program]) -> list[Program]:
        """Favourites in the order marked, then recent ones newest first, then the rest as
        the library lists them."""
        def key(item: tuple[int, Program]) -> tuple[int, int]:
            index, p = item
            if p.id in self.favourites:
                return (0, self.favourites.index(p.id))
            if p.id in self.recent:
                return (1, self.recent.index(p.id))
            return (2, index)

        return [p for _, p in sorted(enumerate(programs), key=key)]

    def _cells(self, p: Program) -> tuple[str, str, str, str]:
        # Deferred: massage_ctl.program builds the pydantic models, which load on the start-up
        # worker after the first paint (docs/TUI.md, "Start-up"); programs exist only then.
        from massage_ctl.program import format_duration

        length = format_duration(p.duration) if p.duration else "—"
        return (self._mark(p) + p.name, length, ", ".join(p.techniques()), body_areas_of(p))

    def _set_columns(self, width: int) -> bool:
        """Size the columns for a ``width``-cell table; True when they changed (the table is
        then empty and must be refilled)."""
        labels = [label for label, _ in _COLUMNS]
        natural = [len(label) for label in labels]
        for p in self.programs:  # all programs: the columns must not jump while filtering
            natural = [max(n, len(c)) for n, c in zip(natural, self._cells(p), strict=True)]
        available = width - _SCROLLBAR - _CELL_PADDING * len(_COLUMNS)
        widths = column_widths(available, natural, [w for _, w in _COLUMNS])
        if widths == self._widths:
            return False
        self._widths = widths
        table = self.query_one("#programs", DataTable)
        table.clear(columns=True)
        for label, w in zip(labels, widths, strict=True):
            table.add_column(label, width=w)
        return True

    def on_resize(self) -> None:
        if self.loaded and self._set_columns(self.size.width):
            self.refresh_table()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.refresh_summary()
            # A session just played is now recently used.
            marks = getattr(self.app, "refresh_marks", None)
            if callable(marks):
                marks(self)

    def refresh_summary(self) -> None:
        """Last session and what the treatment plan says is due (from the history)."""
        summary = getattr(self.app, "home_summary", None)
        text = summary() if callable(summary) else ""
        self.query_one("#home-summary", Static).update(text)

    def refresh_table(self) -> None:
        """Re-fill the table from the current filters."""
        if not self.loaded:
            return  # filters changed while loading: applied when the programs arrive
        self._set_columns(self.size.width or self.app.size.width)

        table = self.query_one("#programs", DataTable)
        row = table.cursor_row
        # The highlighted program keeps the cursor (a resize; a favourite just marked, which
        # moves up). A cursor at the top stays at the top (the list filling in at start-up).
        current = self._follow or (self.shown[row].id if 0 < row < len(self.shown) else None)
        self._follow = None
        area = self.query_one("#area", Select).value
        condition = self.query_one("#condition", Select).value
        text = self.query_one("#search", Input).value
        self.shown = self._order([
            p
            for p in self.programs
            if matches(
                p,
                area=area if isinstance(area, str) else None,
                condition=condition if isinstance(condition, str) else None,
                text=text,
            )
        ])
        table.clear()
        for p in self.shown:
            table.add_row(
                *(Text(c, no_wrap=True, overflow="ellipsis") for c in self._cells(p)), key=p.id
            )
        ids = [p.id for p in self.shown]
        if current in ids and ids.index(current) > 0:
            table.move_cursor(row=ids.index(current))
        self._show_info()

    def _show_info(self) -> None:
        """The line under the table: the highlighted program in full, or why nothing shows."""
        info = self.query_one("#program-info", Static)
        if not self.shown:
            info.update("No program matches — change the filters or the search.")
            return
        row = self.query_one("#programs", DataTable).cursor_row
        p = self.shown[min(max(row, 0), len(self.shown) - 1)]
        first = f"{ORDER_NOTE} · " if self.favourites or self.recent else ""
        info.update(
            f"{first}{len(self.shown)}/{len(self.programs)} · {p.name}: "
            f"{', '.join(p.techniques())} · {body_areas_of(p)}"
        )

    @on(DataTable.RowHighlighted, "#programs")
    def _row_highlighted(self) -> None:
        self._show_info()

    @on(Select.Changed)
    def _filter_chosen(self) -> None:
        self.refresh_table()
        # A filter is chosen once; the next thing is a program: the table takes the keys.
        self.query_one("#programs", DataTable).focus()

    @on(Input.Changed, "#search")
    def _search_typed(self) -> None:
        self.refresh_table()  # the search keeps the focus until Enter: the user is typing

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

    def action_favourite(self) -> None:
        """Mark or unmark the highlighted program as a favourite."""
        table = self.query_one("#programs", DataTable)
        if self.shown and table.cursor_row < len(self.shown):
            program = self.shown[table.cursor_row]
            self._follow = program.id
            self.post_message(self.FavouriteToggled(program))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def _open(self, program_id: str | None) -> None:
        for p in self.shown:
            if p.id == program_id:
                self.post_message(self.ProgramChosen(p))
                return

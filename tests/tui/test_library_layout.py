"""The library as a new user meets it (issue 11 §7): the condition filter shows its choice on
one line inside its border, choosing a filter hands the keys to the program table, and the
table's columns use the width of the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from massage_ctl.tui.screens.library import LibraryScreen, column_widths

from .helpers import loaded, make_app, wait_for

URL = "sim://chair?speed=max"
SCIATICA = "Sciatica / nerve pain"


async def _choose_condition(pilot: Pilot[Any]) -> LibraryScreen:
    await loaded(pilot)
    library = pilot.app.screen
    assert isinstance(library, LibraryScreen)
    select = library.query_one("#condition", Select)
    select.focus()
    await pilot.press("enter")  # open the list
    await pilot.pause()
    await pilot.press("down", "enter")  # the first condition: sciatica / nerve pain
    await wait_for(pilot, lambda: select.value == SCIATICA, "the condition chosen")
    await pilot.pause()
    return library


async def test_choosing_a_condition_keeps_its_label_on_one_line_and_focuses_the_table(
    tmp_path: Path,
) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        library = await _choose_condition(pilot)
        label = library.query_one("#condition SelectCurrent #label")
        assert label.size.height == 1 and label.size.width >= len(SCIATICA)
        table = library.query_one("#programs", DataTable)
        assert app.focused is table  # the arrow keys now move through the programs
        assert [p.id for p in library.shown] == ["gentle-sciatica"]


async def test_at_120_columns_program_names_are_whole_and_the_width_is_used(
    tmp_path: Path,
) -> None:
    app = make_app(URL, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        table = library.query_one("#programs", DataTable)
        widths = [c.width for c in table.columns.values()]
        assert widths[0] >= max(len(p.name) for p in library.programs)
        assert sum(widths) + 2 * len(widths) >= 120 - 2  # no empty band on the right
        await pilot.resize_terminal(80, 24)  # back to 80: every column fits again
        await pilot.pause()
        widths = [c.width for c in table.columns.values()]
        assert sum(widths) + 2 * len(widths) <= 80 - 2


def test_column_widths_give_the_name_first_then_the_most_cut_column() -> None:
    assert column_widths(70, [40, 4, 50, 30], [30, 6, 22, 12]) == [30, 6, 22, 12]
    assert column_widths(80, [40, 4, 50, 30], [30, 6, 22, 12]) == [40, 6, 22, 12]
    assert column_widths(90, [40, 4, 50, 30], [30, 6, 22, 12]) == [40, 6, 32, 12]
    wide = column_widths(200, [40, 4, 50, 30], [30, 6, 22, 12])
    assert wide == [40, 6, 50, 30]  # everything whole; the rest stays free


def test_library_at_120x40(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(120, 40), run_before=loaded)


def test_library_with_a_condition_chosen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(URL, tmp_path), terminal_size=(80, 24),
                        run_before=_choose_condition)

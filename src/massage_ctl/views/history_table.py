"""The sessions table of the history, as ``massage-ctl history`` and the UI's history screen
show it (rich, fitted to 80 columns)."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from massage_ctl.history.records import SessionRecord, device_label

_OUTCOME_STYLE = {
    "completed": "green",
    "stopped": "yellow",
    "stop": "bold red",
    "fault": "red",
    "disconnect": "red",
    "interrupted": "magenta",
    "running": "cyan",
}


def _minutes(ms: int | None) -> str:
    return "–" if ms is None else f"{ms / 60000:.0f}"


def _pain_cell(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before} → {'–' if after is None else after}"


#: Widths that keep a date ("2026-11-24") and the safety profile ("standard") on one line.
_MIN_WIDTHS = {"start": 10, "safety": 8}


def _id_width(sessions: list[SessionRecord]) -> int:
    return max([1, *(len(str(s.id)) for s in sessions)])


def sessions_table(sessions: list[SessionRecord]) -> Table:
    """The rich table of sessions (oldest first)."""
    # No vertical rules: nine columns must fit 80 characters.
    table = Table(title="Sessions", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    for name, justify in (("#", "right"), ("start", "left"), ("program", "left"),
                          ("device", "left"), ("safety", "left"), ("int.", "right"),
                          ("min", "right"), ("ended", "left"), ("pain", "left")):
        # At 80 columns wrap the long words rather than cut them ("trigger…" says nothing),
        # and keep the short ones whole.
        whole = name in ("#", "int.", "min", "ended", "pain")
        # An id split over two lines reads as two sessions: ids never wrap.
        table.add_column(name, justify=justify,  # type: ignore[arg-type]
                         no_wrap=whole, overflow="ellipsis" if whole else "fold",
                         min_width=_id_width(sessions) if name == "#" else _MIN_WIDTHS.get(name))
    for s in sessions:
        # Text, not markup: a stored "[/]" must print as it is, not break the table.
        table.add_row(
            str(s.id),
            s.started_at[:16].replace("T", "\n"),  # date over time: narrow
            Text(s.program_id),
            Text(device_label(s.device)),
            Text(s.safety),
            f"{s.intensity:.2f}",
            f"{_minutes(s.actual_ms)}/{_minutes(s.planned_ms)}",
            Text(s.outcome, style=_OUTCOME_STYLE.get(s.outcome, "")),
            _pain_cell(s.pain_before, s.pain_after),
        )
    return table

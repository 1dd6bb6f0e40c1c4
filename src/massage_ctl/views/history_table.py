"""The sessions table of the history, as ``massage-ctl history`` and the UI's history screen
show it (rich, fitted to 80 columns)."""

from __future__ import annotations

import re

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
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


#: Where a program id may go on to the next line: after a hyphen (``trigger-`` / ``point-``).
PROGRAM_JOINTS = re.compile(r"(?<=-)")
#: Where a device label is split: after a space (``chair`` / ``(sim)``) and before a port
#: (``127.0.0.1`` / ``:7812``); a serial port or a Bluetooth address stays whole.
DEVICE_JOINTS = re.compile(r"(?<= )|(?=:\d+$)")
#: A safety profile's id goes on to the next line after a space.
SAFETY_JOINTS = re.compile(r"(?<= )")
#: How narrow the program column may get: it gives way when 80 columns are tight (a cut part
#: of its id still reads as that program; a cut device address names no device).
PROGRAM_SHRINK_TO = 3


class Name:
    """A name (program id, device label) that wraps only at its ``joints``, never mid-word.

    Its parts share a line as far as the column allows; a part longer than its column ends in
    "…" (the exports keep the whole name): ``127.0.0.1:78`` over ``12`` would read as two
    devices. ``shrink_to``: how narrow its column may get (default: its longest part).
    """

    def __init__(self, text: str, joints: re.Pattern[str], *,
                 shrink_to: int | None = None) -> None:
        self.text = text
        self.parts = [part for part in joints.split(text) if part] or [""]
        self.shrink_to = shrink_to

    @property
    def longest(self) -> int:
        """The width of the longest part."""
        return max(len(part.rstrip()) for part in self.parts)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = self.longest
        widest = len(self.text)
        narrowest = longest if self.shrink_to is None else min(longest, self.shrink_to)
        return Measurement(min(narrowest, options.max_width), min(widest, options.max_width))

    def lines(self, width: int) -> list[str]:
        """The name laid out ``width`` cells wide."""
        width = max(1, width)
        lines: list[str] = []
        for part in self.parts:
            if lines and len(lines[-1]) + len(part.rstrip()) <= width:
                lines[-1] += part
            else:
                lines.append(part)
        return [
            line.rstrip() if len(line.rstrip()) <= width else line[: width - 1] + "…"
            for line in lines
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n".join(self.lines(options.max_width)), no_wrap=True)


def _id_width(sessions: list[SessionRecord]) -> int:
    return max([1, *(len(str(s.id)) for s in sessions)])


#: Cells the table spends besides its columns' text: the box's edge on either side, and a
#: divider plus one cell of (collapsed) padding between columns.
_GAPS = 2 + 2 * 8
#: The program column keeps at least this much before device labels go onto two lines.
PROGRAM_ROOM = 9


class SessionsTable:
    """The sessions table, laid out for the width it is drawn at (see :func:`sessions_table`).

    Knowing the width decides one thing rich's table cannot: whether the device labels fit
    whole beside a readable program column, or go host over port (``127.0.0.1`` / ``:7812``).
    """

    def __init__(self, sessions: list[SessionRecord]) -> None:
        self.sessions = sessions

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    def table(self, width: int) -> Table:
        """The rich table for ``width`` cells."""
        sessions = self.sessions
        rows = [_cells(s) for s in sessions]
        devices = [Name(device_label(s.device), DEVICE_JOINTS) for s in sessions]
        # A profile file's id is long ("mine (based on gentle)"): on lines of its words.
        safeties = [Name(s.safety, SAFETY_JOINTS) for s in sessions]
        safety_width = max([_MIN_WIDTHS["safety"], *(n.longest for n in safeties)])
        fixed = sum(
            max([len(header), *(len(str(row[i])) for row in rows)])
            for i, header in enumerate(_HEADERS) if header in _WHOLE
        ) + _MIN_WIDTHS["start"] + safety_width
        whole_device = max([6, *(len(d.text) for d in devices)])
        split_device = max([6, *(d.longest for d in devices)])
        room = width - _GAPS - fixed  # for the program and the device
        device_width = whole_device if room - whole_device >= PROGRAM_ROOM else split_device
        natural_program = max([7, *(len(s.program_id) for s in sessions)])
        program_width = max(PROGRAM_SHRINK_TO, min(natural_program, room - device_width))
        # Very tight (long ids and "interrupted" at 80 columns): a shorter heading, so that
        # nothing else is cut — "10 → 1" would be a wrong rating, not a shorter one.
        headers = ["prog" if h == "program" and program_width < len(h) else h for h in _HEADERS]
        # Every width is decided here, so rich has nothing to guess: the program column
        # (wrapped at its hyphens, see Name) takes what the others leave; the device is whole
        # when that leaves the program PROGRAM_ROOM, else host over port.
        widths = {"#": _id_width(sessions), "start": _MIN_WIDTHS["start"],
                  "device": device_width, "safety": safety_width, "program": program_width,
                  "prog": program_width}
        # No vertical rules: nine columns must fit 80 characters.
        table = Table(title="Sessions", title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False, collapse_padding=True)
        for i, (header, justify) in enumerate(zip(headers, _JUSTIFY, strict=True)):
            natural = max([len(header), *(len(str(row[i])) for row in rows)])
            table.add_column(
                header, justify=justify,  # type: ignore[arg-type]
                no_wrap=True, overflow="ellipsis", width=widths.get(header, natural),
            )
        for row, device, safety in zip(rows, devices, safeties, strict=True):
            table.add_row(row[0], row[1], row[2], device, safety, *row[5:])
        return table


_HEADERS = ("#", "start", "program", "device", "safety", "int.", "min", "ended", "pain")
_JUSTIFY = ("right", "left", "left", "left", "left", "right", "right", "left", "left")
#: Columns always shown whole (their natural width).
_WHOLE = frozenset({"#", "int.", "min", "ended", "pain"})


def _cells(s: SessionRecord) -> tuple[RenderableType, ...]:
    # Text, not markup: a stored "[/]" must print as it is, not break the table.
    return (
        str(s.id),
        s.started_at[:16].replace("T", "\n"),  # date over time: narrow
        Name(s.program_id, PROGRAM_JOINTS, shrink_to=PROGRAM_SHRINK_TO),
        "",  # the device and the safety profile: Names, made with the layout
        "",
        f"{s.intensity:.2f}",
        f"{_minutes(s.actual_ms)}/{_minutes(s.planned_ms)}",
        Text(s.outcome, style=_OUTCOME_STYLE.get(s.outcome, "")),
        _pain_cell(s.pain_before, s.pain_after),
    )


def sessions_table(sessions: list[SessionRecord]) -> SessionsTable:
    """The sessions table (in the order given) as a rich renderable, fitted to the width it
    is printed at."""
    return SessionsTable(sessions)

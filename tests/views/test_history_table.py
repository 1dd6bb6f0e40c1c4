"""The sessions table at 80 columns (issue 11 §7): a device like ``127.0.0.1:7812`` and a
program id wrap at their joints, never mid-word; a part too long for its column ends in "…"."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from massage_ctl.history.records import SessionRecord
from massage_ctl.views.history_table import (
    DEVICE_JOINTS,
    PROGRAM_JOINTS,
    SAFETY_JOINTS,
    Name,
    sessions_table,
)


def _record(session_id: int, device: str, program: str, outcome: str) -> SessionRecord:
    values = {
        "id": session_id, "started_at": "2026-12-08T01:02:03", "ended_at": None,
        "program_id": program, "timeline_hash": "0" * 64, "device": device,
        "safety": "standard", "intensity": 1.0, "planned_ms": 600_000, "actual_ms": 300_000,
        "outcome": outcome, "pid": None, "note": None, "pain_before": 10, "pain_after": 10,
    }
    return SessionRecord(**{f.name: values[f.name] for f in dataclasses.fields(SessionRecord)})


def _render(records: list[SessionRecord], width: int = 80) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(sessions_table(records))
    return console.export_text().splitlines()


def _column(lines: list[str], header: str) -> list[str]:
    """The cells under ``header`` (one per line, the header's line and rule left out)."""
    top = next(i for i, line in enumerate(lines) if f" {header} " in f" {line} ")
    start = lines[top].index(header)
    return [line[start:].split("  ")[0].strip() for line in lines[top + 2:] if line.strip()]


@pytest.mark.parametrize("outcome", ["completed", "interrupted"])
@pytest.mark.parametrize("session_id", [7, 1234])  # up to years of daily sessions
@pytest.mark.parametrize("width", [80, 78])  # 78: the UI's history screen at 80 columns
def test_a_network_device_is_never_cut_mid_word_at_80_columns(
    session_id: int, outcome: str, width: int
) -> None:
    lines = _render([_record(session_id, "socket://127.0.0.1:7812",
                             "tension-headache-neck-shoulders", outcome)], width)
    assert all(len(line) <= width for line in lines)
    assert any(line.rstrip().endswith("10 → 10") for line in lines), lines  # never "10 → 1"
    device = [cell for cell in _column(lines, "device") if cell]
    # Whole, or host over port; a part that cannot fit says so with "…" — never "127.0.0."
    # over "1:7812", which reads as two devices.
    assert all(cell in ("127.0.0.1:7812", "127.0.0.1", ":7812") or cell.endswith("…")
               for cell in device), device
    assert device[-1] in ("127.0.0.1:7812", ":7812"), device
    assert device == ["127.0.0.1", ":7812"], device  # host over port, never cut
    header_line = next(line for line in lines if " start " in line)
    heading = header_line.split()[2]  # "program", or shortened when 80 columns are tight
    assert heading in ("program", "prog", "pr…")
    program = [cell for cell in _column(lines, heading) if cell]
    assert all(cell.endswith(("-", "…")) for cell in program[:-1]), program


def test_names_wrap_at_joints_and_cut_only_a_part_too_long() -> None:
    program = Name("trigger-point-lower-back", PROGRAM_JOINTS)
    assert program.lines(24) == ["trigger-point-lower-back"]
    assert program.lines(14) == ["trigger-point-", "lower-back"]
    assert program.lines(6) == ["trigg…", "point-", "lower-", "back"]
    device = Name("127.0.0.1:7812", DEVICE_JOINTS)
    assert device.lines(14) == ["127.0.0.1:7812"]
    assert device.lines(9) == ["127.0.0.1", ":7812"]
    assert Name("chair (sim)", DEVICE_JOINTS).lines(6) == ["chair", "(sim)"]
    for whole in ("pts/19", "ttyUSB0", "AA:BB:CC:DD:EE:FF", "my-pad"):
        assert Name(whole, DEVICE_JOINTS).lines(5) == [whole[:4] + "…"]  # no joint: cut
    assert Name("mine (based on gentle)", SAFETY_JOINTS).lines(8) == [
        "mine", "(based", "on", "gentle)"]


_LABEL = st.text(alphabet="abc0123456789.-:/ ()", min_size=1, max_size=40)


@given(text=_LABEL, width=st.integers(min_value=1, max_value=50))
def test_a_name_fits_its_column_and_loses_nothing_it_has_room_for(text: str, width: int) -> None:
    for joints in (PROGRAM_JOINTS, DEVICE_JOINTS, SAFETY_JOINTS):
        name = Name(text, joints)
        lines = name.lines(width)
        assert all(len(line) <= width for line in lines)
        if name.longest <= width:
            # Every part fits: nothing is cut, and the lines are the name, split only at its
            # joints (a joint's trailing space may go at a line's end).
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            assert "…" not in "".join(lines)


@given(
    width=st.integers(min_value=78, max_value=200),
    ids=st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=4),
    outcome=st.sampled_from(["completed", "stopped", "interrupted", "disconnect"]),
    device=st.sampled_from(["socket://127.0.0.1:7812", "serial:///dev/ttyUSB0",
                            "sim://chair?speed=max", "serial:///dev/pts/19"]),
)
@settings(deadline=None, max_examples=60)
def test_the_table_fits_its_width_and_keeps_ids_and_ratings_whole(
    width: int, ids: list[int], outcome: str, device: str
) -> None:
    records = [_record(i, device, "tension-headache-neck-shoulders", outcome) for i in ids]
    lines = _render(records, width)
    assert all(len(line) <= width for line in lines)
    text = "\n".join(lines)
    assert text.count("10 → 10") == len(ids)
    assert all(any(line.split()[:1] == [str(i)] for line in lines) for i in ids)

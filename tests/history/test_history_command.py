"""``massage-ctl history``: the table, the pain chart and the plan line a user reads."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from massage_ctl.cli.main import main
from massage_ctl.history import HistoryStore, Outcome, Plan
from massage_ctl.history.records import device_label
from massage_ctl.history.summary import daily_pain
from massage_ctl.history.terminal_chart import pain_chart
from massage_ctl.views.history_table import sessions_table


def test_history_lists_sessions_ratings_chart_and_plan(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        sid = store.start_session("trigger-point-lower-back", "0" * 64, "sim://chair",
                                  "gentle", 0.5, 20 * 60_000)
        store.add_pain(8, session_id=sid, when="before")
        store.finish_session(sid, Outcome.DISCONNECT, 7 * 60_000)
        store.add_pain(6, session_id=sid, when="after")
        store.set_plan(Plan(7, date.today()))
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "trigger-point-lower-back" in out and "disconnect" in out
    assert "8 → 6" in out and "7/20" in out
    assert "chair (sim)" in out  # the device's short name; exports keep the URL
    assert "Pain over time" in out
    assert "Plan: every 1 week" in out and "Sessions done under the plan: 0" in out


def test_history_on_a_new_install(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "No sessions recorded yet." in out and "massage-ctl pain N" in out


def test_terminal_chart_column_heights_follow_the_ratings() -> None:
    base = datetime(2024, 1, 1, 9).astimezone()
    from massage_ctl.history.records import PainEntry

    entries = [
        PainEntry(i, (base + timedelta(days=i)).isoformat(), rating, None, None, "day")
        for i, rating in enumerate([10, 5, 0])
    ]
    lines = pain_chart(daily_pain(entries)).plain.splitlines()
    grid = [line[4:7] for line in lines[1:11]]  # rows for 10 .. 1, three day columns
    assert grid[0] == "█  "  # only the 10 reaches the top row
    assert grid[5] == "██ "  # rating 5 fills up to row 5
    assert grid[9] == "██ "  # rating 0 draws nothing
    assert lines[-1].strip().startswith("2024-01-01") and lines[-1].strip().endswith("2024-01-03")


@pytest.mark.parametrize(
    ("device", "label"),
    [
        ("sim://chair?speed=60", "chair (sim)"),
        ("sim:///home/me/my-pad.toml?speed=max", "my-pad (sim)"),
        ("serial:///dev/ttyUSB0?baud=115200", "ttyUSB0"),
        ("serial:///dev/pts/19", "pts/19"),  # the simulator on a pty: "19" alone said nothing
        ("socket://127.0.0.1:4000", "127.0.0.1:4000"),
        ("ble://MassagePad", "MassagePad"),
        ("chair", "chair"),  # rows written before devices were recorded as URLs
    ],
)
def test_the_history_table_names_devices_briefly(device: str, label: str) -> None:
    assert device_label(device) == label


def test_the_sessions_table_fits_80_columns_with_every_outcome_whole(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        sid = store.start_session("tension-headache-neck-shoulders", "0" * 64,
                                  "serial:///dev/ttyUSB0?baud=115200", "standard", 1.0, 60_000)
        store.add_pain(10, session_id=sid, when="before")
        store.finish_session(sid, Outcome.INTERRUPTED, 30_000)
        store.add_pain(10, session_id=sid, when="after")
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert any("interrupted" in line and "10 → 10" in line for line in lines)


def test_long_ids_never_wrap_at_80_columns(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        sid = store.start_session("tension-headache-neck-shoulders", "0" * 64,
                                  "serial:///dev/pts/19", "standard", 1.0, 60_000)
        store.finish_session(sid, Outcome.COMPLETED, 60_000)
        [record] = store.sessions()
    big = dataclasses.replace(record, id=1234567890123)
    with HistoryStore(isolated_home / "other.sqlite3") as other:
        other.import_records([big], [])
        sessions = other.sessions()
    console = Console(width=80, record=True)
    console.print(sessions_table(sessions))
    lines = console.export_text().splitlines()
    assert any("1234567890123" in line and "pts/19" in line for line in lines), lines

"""The HTML report: contains the data, no external references, parses, renders in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore, Outcome

from .png_pixels import read_rgb_rows

CHROMIUM = "/usr/bin/chromium"
START = datetime(2024, 4, 1, 18, 0).astimezone()  # a Monday evening


@pytest.fixture
def four_weeks(isolated_home: Path) -> Path:
    """Weekly sessions for four weeks with pain easing from 7 to 4, plus day ratings."""
    clock = [START]
    with HistoryStore(AppPaths.from_env().history_db, now=lambda: clock[0]) as store:
        for week in range(4):
            clock[0] = START + timedelta(days=7 * week)
            program = "trigger-point-lower-back" if week != 2 else "gentle-<sciatica>"
            sid = store.start_session(program, "0" * 64, "sim://chair", "standard", 0.8,
                                      20 * 60_000)
            store.add_pain(7 - week, session_id=sid, when="before")
            clock[0] += timedelta(minutes=20)
            store.finish_session(sid, Outcome.COMPLETED if week != 1 else Outcome.STOP,
                                 20 * 60_000 if week != 1 else 5 * 60_000)
            store.add_pain(5 - week, session_id=sid, when="after")
            clock[0] += timedelta(days=2)
            store.add_pain(6 - week, note="<script>alert(1)</script>")
    return isolated_home


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _report(home: Path, *extra: str) -> str:
    out = home / "report.html"
    assert main(["report", "--out", str(out), *extra]) == 0
    return out.read_text(encoding="utf-8")


def test_report_contains_the_data(four_weeks: Path) -> None:
    html = _report(four_weeks)
    parser = _Collector()
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.text).split())
    assert "Avg pain before 5.5" in text and "Avg pain after 3.5" in text
    assert "Change after session -2.0" in text
    assert "trigger-point-lower-back 3" in text and "gentle-<sciatica> 1" in text
    for monday in ("2024-04-01", "2024-04-08", "2024-04-15", "2024-04-22"):
        assert f"week of {monday} 1" in text
    assert "stop: 1" in text and "completed: 3" in text
    assert "svg" in parser.tags and "polyline" in parser.tags
    assert html.count("<circle") >= 4 + 4 + 8


def test_report_has_no_external_references_or_scripts(four_weeks: Path) -> None:
    html = _report(four_weeks)
    parser = _Collector()
    parser.feed(html)
    assert parser.refs == []
    assert "script" not in parser.tags and "link" not in parser.tags
    assert not re.search(r"(https?:)?//[a-z]", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html
    assert "<script" not in html.lower()


def test_report_escapes_user_text(four_weeks: Path) -> None:
    html = _report(four_weeks)
    assert "gentle-&lt;sciatica&gt;" in html and "gentle-<sciatica>" not in html


def test_report_period_filter_and_empty_history(isolated_home: Path, four_weeks: Path) -> None:
    html = _report(four_weeks, "--since", "2024-04-15")
    assert "week of 2024-04-08" not in html and "week of 2024-04-15" in html
    (isolated_home / "history.sqlite3").unlink()
    html = _report(isolated_home)
    assert "No pain ratings recorded in this period" in html


def test_report_to_a_missing_folder_is_a_clear_error(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(isolated_home / "nope" / "r.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("massage-ctl: error: cannot write") and "Traceback" not in err


def test_report_renders_in_headless_chromium(
    four_weeks: Path, tmp_path: Path, require_tools: Callable[..., None]
) -> None:
    binary = shutil.which(CHROMIUM) or shutil.which("chromium")
    if binary is None:
        require_tools("chromium")  # skips, naming the install command (CI: fails)
    assert binary is not None
    html_path = four_weeks / "report.html"
    _report(four_weeks)
    png = tmp_path / "report.png"
    cmd = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}", "--window-size=1000,1400", html_path.as_uri(),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert png.is_file(), f"chromium wrote no screenshot:\n{result.stderr[-2000:]}"
    width, height, rows = read_rgb_rows(png)
    assert (width, height) == (1000, 1400)
    background = rows[0][:3]
    # Ink: pixels that differ from the page background — text, chart lines, bars.
    ink = sum(
        1 for row in rows[::4] for i in range(0, len(row), 12) if row[i:i + 3] != background
    )
    assert ink > 2000, f"screenshot looks blank ({ink} ink samples)"
    # The chart's orange "before" line is drawn (colour #c2410c).
    assert any(b"\xc2\x41\x0c" in row for row in rows), "pain chart not rendered"

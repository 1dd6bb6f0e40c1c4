"""The figures a healthcare provider reads: pain change paired per session, sessions counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_ctl.cli.main import main
from massage_ctl.history import HistoryStore, Outcome
from massage_ctl.history.records import SessionRecord
from massage_ctl.history.summary import describe_change, pain_change, summarize

HASH = "0" * 64


def _session(sid: int, before: int | None, after: int | None, outcome: str = "completed",
             actual_ms: int | None = 600_000) -> SessionRecord:
    return SessionRecord(sid, f"2024-05-0{sid}T18:00:00+02:00", None, "p", HASH, "sim://pad",
                         "standard", 1.0, 600_000, actual_ms, outcome, None, None, before, after)


def test_change_pairs_ratings_per_session() -> None:
    # Two sessions that both went 6 -> 4, and one with only a "before" rating of 9. The old
    # figure, mean(after) - mean(before), said 4 - 7 = -3.0; the truth is -2.0.
    sessions = [_session(1, 6, 4), _session(2, 6, 4), _session(3, 9, None)]
    assert pain_change(sessions) == (-2.0, 2)
    assert describe_change(-2.0, 2) == "-2.0 on average over 2 sessions with both ratings"
    summary = summarize(sessions, [])
    assert (summary.pain_change_avg, summary.pain_change_sessions) == (-2.0, 2)


def test_no_session_with_both_ratings_gives_no_number() -> None:
    assert pain_change([_session(1, 6, None), _session(2, None, 3)]) == (None, 0)
    assert describe_change(None, 0) == "no session has both a before and an after rating"


def test_a_fault_before_any_massage_is_not_a_session() -> None:
    sessions = [_session(1, 5, 3), _session(2, 7, None, "fault", None),
                _session(3, None, None, "fault", 0), _session(4, 6, 6, "fault", 120_000)]
    summary = summarize(sessions, [])
    assert summary.sessions_total == 2  # the fault that did play counts
    assert summary.never_started == 2
    assert summary.outcomes == {"completed": 1, "fault": 1}
    assert (summary.pain_change_avg, summary.pain_change_sessions) == (-1.0, 2)


def _record(store: HistoryStore, before: int | None, after: int | None,
            outcome: Outcome = Outcome.COMPLETED, actual_ms: int = 600_000) -> None:
    sid = store.start_session("p", HASH, "sim://pad", "standard", 1.0, 600_000)
    if before is not None:
        store.add_pain(before, session_id=sid, when="before")
    store.finish_session(sid, outcome, actual_ms)
    if after is not None:
        store.add_pain(after, session_id=sid, when="after")


def test_report_and_history_say_what_the_change_rests_on(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        _record(store, 6, 4)
        _record(store, 6, 4)
        _record(store, 9, None)
        _record(store, 8, None, Outcome.FAULT, 0)  # never reached the device
    out = isolated_home / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    html = " ".join(out.read_text(encoding="utf-8").split())
    assert "Change after session<b>-2.0</b>" in html
    assert "-2.0 on average over 2 sessions with both ratings" in html
    assert "Sessions<b>3</b>" in html
    assert "1 start(s) ended in a device fault before any massage" in html
    capsys.readouterr()
    assert main(["history"]) == 0
    assert ("Pain change after a session: -2.0 on average over 2 sessions with both ratings"
            in capsys.readouterr().out)


def test_report_without_paired_ratings_says_so(isolated_home: Path) -> None:
    with HistoryStore(isolated_home / "history.sqlite3") as store:
        _record(store, 6, None)
    out = isolated_home / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    html = " ".join(out.read_text(encoding="utf-8").split())
    assert "Change after session<b>–</b>" in html
    assert "no session has both a before and an after rating" in html

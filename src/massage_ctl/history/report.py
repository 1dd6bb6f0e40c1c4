"""A one-page HTML report for a healthcare provider.

Self-contained on purpose: inline CSS, the chart as inline SVG, no scripts, no fonts or
images from anywhere — it opens in any browser with no network and can be printed or mailed.
Every value from the database is HTML-escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from massage_ctl import __version__
from massage_ctl.history.output import write_private
from massage_ctl.history.plan import PlanStatus
from massage_ctl.history.records import PainEntry, SessionRecord
from massage_ctl.history.summary import Summary, counts_as_session, describe_change, summarize
from massage_ctl.history.svg_chart import pain_trend_svg

if TYPE_CHECKING:
    from massage_ctl.history.store import HistoryStore

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827;
       max-width: 800px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 6px; border-bottom: 1px solid #d1d5db; }
.meta { color: #4b5563; font-size: 13px; }
.figures { display: flex; gap: 12px; flex-wrap: wrap; }
.figure { border: 1px solid #d1d5db; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.figure b { display: block; font-size: 22px; }
table { border-collapse: collapse; font-size: 13px; }
td, th { padding: 2px 10px 2px 0; text-align: left; vertical-align: middle; }
.bar { background: #1d4ed8; height: 10px; display: inline-block; }
.note { color: #4b5563; font-size: 12px; margin-top: 24px; }
@media print { body { margin: 0; } }
"""


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _figures(s: Summary) -> str:
    change = s.pain_change_avg
    items = [
        ("Sessions", str(s.sessions_total)),
        ("Completed", str(s.sessions_completed)),
        ("Minutes of massage", f"{s.minutes_total:.0f}"),
        ("Avg pain before", _fmt(s.pain_before_avg)),
        ("Avg pain after", _fmt(s.pain_after_avg)),
        ("Change after session", "–" if change is None else f"{change:+.1f}"),
    ]
    cells = "".join(
        f'<div class="figure">{escape(label)}<b>{escape(value)}</b></div>'
        for label, value in items
    )
    return (
        f'<div class="figures">{cells}</div>'
        f'<p class="meta">Change after session: '
        f"{escape(describe_change(s.pain_change_avg, s.pain_change_sessions))} "
        "(after minus before, paired per session).</p>"
    )


def _weeks_table(s: Summary) -> str:
    if not s.sessions_per_week:
        return "<p>No sessions in this period.</p>"
    top = max(n for _, n in s.sessions_per_week) or 1
    rows = "".join(
        f"<tr><td>week of {monday.isoformat()}</td><td>{n}</td>"
        f'<td><span class="bar" style="width:{int(200 * n / top)}px"></span></td></tr>'
        for monday, n in s.sessions_per_week
    )
    return f"<table><tr><th>Week</th><th>Sessions</th><th></th></tr>{rows}</table>"


def _programs_table(s: Summary) -> str:
    if not s.programs:
        return "<p>No sessions in this period.</p>"
    rows = "".join(f"<tr><td>{escape(p)}</td><td>{n}</td></tr>" for p, n in s.programs)
    outcomes = ", ".join(f"{escape(k)}: {v}" for k, v in sorted(s.outcomes.items()))
    return (
        f"<table><tr><th>Program</th><th>Sessions</th></tr>{rows}</table>"
        f'<p class="meta">How sessions ended — {outcomes}</p>'
    )


def _sessions_table(sessions: list[SessionRecord], never_started: int) -> str:
    sessions = [r for r in sessions if counts_as_session(r)]
    skipped = (
        f'<p class="meta">{never_started} start(s) ended in a device fault before any '
        "massage; they are not counted as sessions.</p>"
        if never_started
        else ""
    )
    if not sessions:
        return skipped
    return _sessions_rows(sessions) + skipped


def _sessions_rows(sessions: list[SessionRecord]) -> str:
    if not sessions:
        return ""
    rows = "".join(
        f"<tr><td>{escape(r.started_at[:16].replace('T', ' '))}</td>"
        f"<td>{escape(r.program_id)}</td><td>{escape(r.safety)}</td>"
        f"<td>{(r.actual_ms or 0) / 60000:.0f} / {r.planned_ms / 60000:.0f} min</td>"
        f"<td>{escape(r.outcome)}</td>"
        f"<td>{'–' if r.pain_before is None else r.pain_before} → "
        f"{'–' if r.pain_after is None else r.pain_after}</td></tr>"
        for r in sessions
    )
    return (
        "<h2>Sessions</h2><table><tr><th>Start</th><th>Program</th><th>Safety</th>"
        f"<th>Length</th><th>Ended</th><th>Pain</th></tr>{rows}</table>"
    )


def _plan_line(status: PlanStatus | None) -> str:
    if status is None:
        return ""
    due = status.next_due.isoformat() if status.next_due else "plan finished"
    return (
        f"<h2>Treatment plan</h2><p>{escape(status.plan.describe())}. "
        f"Sessions done under the plan: {status.sessions_done}; on-time streak: "
        f"{status.streak}; next due: {escape(due)}.</p>"
    )


def render_report(
    sessions: list[SessionRecord],
    pain: list[PainEntry],
    *,
    generated_at: datetime,
    plan: PlanStatus | None = None,
    since: date | None = None,
) -> str:
    """The complete HTML document for ``sessions`` and ``pain`` (already filtered)."""
    s = summarize(sessions, pain)
    stamp = generated_at.strftime("%Y-%m-%d %H:%M")
    start = since or s.first_day
    period = (
        f"{start.isoformat()} to {s.last_day.isoformat()}"
        if start and s.last_day
        else "no records yet"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Massage sessions and pain diary</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Massage sessions and pain diary</h1>
<p class="meta">Period: {escape(period)} · generated {escape(stamp)}
by massage-ctl {escape(__version__)} from the user's own records.</p>
{_figures(s)}
<h2>Pain over time (0 = no pain, 10 = worst imaginable)</h2>
{pain_trend_svg(s.daily_pain)}
<p class="meta">{s.pain_count} ratings. Dots are daily means; lines join days with ratings.</p>
<h2>Sessions per week</h2>
{_weeks_table(s)}
<h2>Programs used</h2>
{_programs_table(s)}
{_plan_line(plan)}
{_sessions_table(sessions, s.never_started)}
<p class="note">Self-reported data recorded at home with a consumer massage device; not a
medical measurement. "stop" means the user pressed STOP (emergency stop); "stopped" means the
user ended the session early.</p>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class ReportWritten:
    """What :func:`export_report` wrote: where, and how many sessions and ratings."""

    path: Path
    sessions: int
    pain: int


def export_report(
    store: HistoryStore, out: Path, *, since: date | None = None, until: date | None = None
) -> ReportWritten:
    """Render the provider report from ``store`` and write it, private (0600), to ``out``.

    The one implementation behind ``massage-ctl report`` and the terminal UI's export.
    """
    sessions = store.sessions(since=since, until=until)
    pain = store.pain_entries(since=since, until=until)
    html = render_report(sessions, pain, generated_at=datetime.now().astimezone(),
                         plan=store.plan_status(), since=since)
    write_private(out, html)
    return ReportWritten(out, len(sessions), len(pain))

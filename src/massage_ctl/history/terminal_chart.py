"""The pain-over-time chart for the terminal (rich), one column per day with ratings."""

from __future__ import annotations

from rich.text import Text

from massage_ctl.history.summary import DailyPain

_ROWS = 10  # one row per rating point


def pain_chart(daily: list[DailyPain], max_columns: int = 60) -> Text:
    """Columns of each day's mean rating (0–10), newest right; half blocks for .5 steps."""
    days = daily[-max_columns:]
    text = Text()
    if not days:
        text.append("No pain ratings yet — add one with: massage-ctl pain N\n", style="dim")
        return text
    text.append("Pain over time (daily mean, 0 = none, 10 = worst)\n", style="bold")
    for level in range(_ROWS, 0, -1):
        label = f"{level:>2} │" if level in (10, 5) else "   │"
        text.append(label, style="dim")
        for d in days:
            value = round(d.overall * 2) / 2
            if value >= level:
                cell = "█"
            elif value >= level - 0.5:
                cell = "▄"
            else:
                cell = " "
            text.append(cell, style=_colour(d.overall))
        text.append("\n")
    text.append(" 0 └" + "─" * len(days) + "\n", style="dim")
    first, last = days[0].day.isoformat(), days[-1].day.isoformat()
    gap = max(1, len(days) - len(first) - len(last))
    footer = first + (" " * gap + last if len(days) > 1 else "")
    text.append("    " + footer + "\n", style="dim")
    return text


def _colour(rating: float) -> str:
    if rating >= 7:
        return "red"
    return "yellow" if rating >= 4 else "green"

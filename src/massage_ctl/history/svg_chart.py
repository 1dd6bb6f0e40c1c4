"""The pain trend as an inline SVG (no scripts, no external references)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from massage_ctl.history.summary import DailyPain

WIDTH, HEIGHT = 760, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 16, 16, 52
#: (label, colour, value of a day) for each drawn series.
_SERIES: tuple[tuple[str, str, Callable[[DailyPain], float | None]], ...] = (
    ("before session", "#c2410c", lambda d: d.before),
    ("after session", "#1d4ed8", lambda d: d.after),
    ("all ratings (daily mean)", "#6b7280", lambda d: d.overall),
)


def pain_trend_svg(daily: list[DailyPain]) -> str:
    """A line chart of daily mean pain (0–10) over time, as a standalone ``<svg>`` element."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Pain ratings over time">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]

    def y_of(rating: float) -> float:
        return _TOP + plot_h * (1 - rating / 10)

    for tick in range(0, 11, 2):
        y = y_of(tick)
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
            'stroke="#e5e7eb" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#374151">{tick}</text>'
        )
    if not daily:
        parts.append(
            f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" font-size="16" '
            'text-anchor="middle" fill="#374151">No pain ratings recorded in this period</text>'
        )
        parts.append("</svg>")
        return "\n".join(parts)

    first, last = daily[0].day, daily[-1].day
    span_days = max(1, (last - first).days)

    def x_of(day: date) -> float:
        if first == last:
            return _LEFT + plot_w / 2
        return _LEFT + plot_w * (day - first).days / span_days

    for label_day, anchor in ((first, "start"), (last, "end")):
        if first == last and anchor == "end":
            continue  # one day: a single centred label
        x = x_of(label_day) if first != last else _LEFT + plot_w / 2
        anchor = "middle" if first == last else anchor
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - _BOTTOM + 18}" font-size="12" '
            f'text-anchor="{anchor}" fill="#374151">{label_day.isoformat()}</text>'
        )
    legend_x = _LEFT
    for label, colour, value_of in _SERIES:
        points = [(x_of(d.day), y_of(v)) for d in daily if (v := value_of(d)) is not None]
        dash = ' stroke-dasharray="4 3"' if label.startswith("all") else ""
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in points
        )
        ly = HEIGHT - 12
        parts.append(
            f'<rect x="{legend_x}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 20}" y="{ly - 3}" font-size="12" fill="#374151">'
            f"{escape(label)}</text>"
        )
        legend_x += 60 + 7 * len(label)
    parts.append("</svg>")
    return "\n".join(parts)

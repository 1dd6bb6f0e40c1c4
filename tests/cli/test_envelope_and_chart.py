"""The chart's envelope sampling matches the timeline's command semantics, and the chart shows
every channel at the strength the timeline asks for."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from massage_ctl.timeline import Command, PhaseSpan, Timeline, TimelineChannel, value_at
from massage_ctl.views.chart import BLOCKS, render_chart
from massage_ctl.views.envelope import Envelope

commands_strategy = st.lists(
    st.builds(
        Command,
        t_ms=st.integers(0, 60_000),
        channel=st.just("c"),
        value=st.floats(0, 1),
        ramp_ms=st.integers(0, 20_000),
    ),
    max_size=12,
).map(lambda cs: sorted(cs, key=lambda c: c.t_ms))


@settings(max_examples=150)
@given(commands_strategy, st.lists(st.floats(0, 90_000), min_size=1, max_size=10))
def test_envelope_value_equals_timeline_value_at(
    commands: list[Command], times: list[float]
) -> None:
    env = Envelope.from_commands(commands)
    for t in times:
        assert abs(env.value_at(t) - value_at(commands, t)) < 1e-9


@settings(max_examples=100)
@given(commands_strategy, st.floats(0, 80_000), st.floats(1, 10_000))
def test_window_range_contains_every_sampled_value(
    commands: list[Command], start: float, length: float
) -> None:
    env = Envelope.from_commands(commands)
    lo, hi = env.range_in(start, start + length)
    for k in range(21):
        v = value_at(commands, start + length * k / 20)
        assert lo - 1e-9 <= v <= hi + 1e-9


def _timeline() -> Timeline:
    channels = (
        TimelineChannel("air.lower-back.left", "lower-back", "pressure", 0.8),
        TimelineChannel("roller.position", "mid-back", "position", 1.0),
        TimelineChannel("roller.knead", "mid-back", "roller", 0.8),
        TimelineChannel("heat.lower-back", "lower-back", "heat", 40.0),
    )
    commands = sorted(
        [
            Command(0, "roller.position", 0.1, 0),
            Command(0, "heat.lower-back", 40.0, 60_000),
            Command(10_000, "air.lower-back.left", 0.8, 20_000),
            Command(90_000, "air.lower-back.left", 0.0, 15_000),
            Command(120_000, "roller.knead", 0.5, 5_000, "knead", 0.8),
            Command(120_000, "roller.position", 0.95, 60_000),
            Command(200_000, "roller.knead", 0.0, 5_000),
            Command(280_000, "heat.lower-back", 0.0, 10_000),
        ],
        key=lambda c: c.t_ms,
    )
    phases = (
        PhaseSpan(0, "warm-up", "swedish", 0, 60_000),
        PhaseSpan(1, "hold", "trigger-point", 60_000, 240_000),
        PhaseSpan(2, "cool-down", "rest", 240_000, 300_000),
    )
    return Timeline("demo", "chair", "standard", 300_000, channels, tuple(commands), phases)


def _render(timeline: Timeline, width: int = 120) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(render_chart(timeline, width=width))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def _row(out: str, label: str) -> str:
    line = next(line for line in out.splitlines() if line.startswith(label))
    return line.split("│")[1]


def test_chart_has_a_row_per_channel_and_roller_lanes() -> None:
    out = _render(_timeline())
    for channel in ("air.lower-back.left", "roller.position", "roller.knead", "heat.lower-back"):
        assert any(line.startswith(channel) for line in out.splitlines()), channel
    for zone in ("neck", "shoulders", "upper-back", "mid-back", "lower-back", "hips"):
        assert any(zone in line and "│" in line for line in out.splitlines()), zone
    assert "knead 0.8 Hz" in out
    assert "pad up to 40 °C (set 40)" in out  # the expected pad temperature, and the setpoint
    assert "min" in out.splitlines()[-2]


def test_chart_strength_follows_the_envelope() -> None:
    out = _render(_timeline())
    air = _row(out, "air.lower-back.left")
    # Full block only where the channel reaches 0.8 (block 6 of 8 ≈ 0.75); zero at start and end.
    assert air[0] == " " and air[-1] == " "
    assert max(air, key=BLOCKS.index) == BLOCKS[round(0.8 * 8)]
    knead = _row(out, "roller.knead")
    assert max(knead, key=BLOCKS.index) == BLOCKS[4]
    # Before the roller starts working it is idle at the neck end; it travels towards the hips.
    lanes = [line for line in out.splitlines() if "│" in line][1:7]
    assert "·" in lanes[0].split("│")[1]
    assert "●" in lanes[-1].split("│")[1]


def test_chart_fits_requested_width() -> None:
    for width in (80, 120, 200):
        out = _render(_timeline(), width)
        assert max(len(line) for line in out.splitlines()) <= width

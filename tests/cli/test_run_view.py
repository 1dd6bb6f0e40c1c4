"""``massage-ctl run``'s live view (issue 11 §5, §7): compile warnings before playing, every line
within 80 columns, the temperature the device reports in words, and a last frame after STOP
that shows what the device reports."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import pytest
from rich.console import Console

from massage_ctl.cli.run_view import LiveView, PlainView
from massage_ctl.compiler import compile_program
from massage_ctl.devices.registry import load_device_profile
from massage_ctl.player import ProgressEvent
from massage_ctl.program import load_program
from massage_ctl.safety import load_safety_profile
from massage_ctl.timeline import Timeline
from massage_ctl.views.heat_status import HeatTargets, heat_status

from .conftest import Result

Cli = Callable[..., Result]


def _timeline() -> Timeline:
    chair = load_device_profile("chair")
    return compile_program(load_program("trigger-point-lower-back"), chair,
                           load_safety_profile("standard"))


def _heating_at(timeline: Timeline) -> tuple[int, float]:
    """A moment the lower-back pad is asked to be warm, and that target."""
    targets = HeatTargets(timeline)
    for cmd in timeline.commands_for("heat.lower-back"):
        if cmd.value > 30:
            return cmd.t_ms + 1, targets.at(cmd.t_ms + 1)["heat.lower-back"]
    raise AssertionError("the program has no heat")


def _event(timeline: Timeline, t_ms: int, actual: dict[str, float] | None = None,
           measured: dict[str, float] | None = None) -> ProgressEvent:
    values = {ch.id: 0.0 for ch in timeline.channels} | (actual or {})
    return ProgressEvent("progress", "playing", t_ms, timeline.duration_ms,
                         phase="a phase name long enough to need cutting at eighty columns "
                               "because it goes on and on", actual=values,
                         measured_c=measured or {})


def _lines(view: LiveView, event: ProgressEvent, width: int = 80) -> list[str]:
    return view.frame(event, width).plain.split("\n")


def test_every_line_fits_80_columns_and_the_progress_bar_has_its_own_line() -> None:
    timeline = _timeline()
    view = LiveView()
    view.compiled(timeline)
    lines = _lines(view, _event(timeline, 60_000, {"roller.knead": 0.5}))
    head, bar, phase, first_channel = lines[:4]
    assert "elapsed" in head and "strength 100 %" in head
    assert set(bar.rstrip(" %0123456789")) == {"━"}  # nothing but the bar and its percent
    assert phase.startswith("phase: ")
    assert first_channel.startswith(timeline.channels[0].id)
    frame = view.frame(_event(timeline, 60_000), 80)
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(frame)
    rendered = console.export_text().rstrip("\n").split("\n")
    assert len(rendered) == len(lines)  # nothing wrapped onto an extra line
    assert all(len(line) <= 80 for line in rendered)


def _heat_line(view: LiveView, event: ProgressEvent) -> str:
    [line] = [ln for ln in _lines(view, event) if ln.startswith("heat.lower-back")]
    return line


def test_heat_shows_the_measured_temperature_not_the_ramping_setpoint() -> None:
    # Issue 11 §5: the heater's setpoint may already be at the target while the pad is cold.
    timeline = _timeline()
    t_ms, target = _heating_at(timeline)
    view = LiveView()
    view.compiled(timeline)
    setpoint = {"heat.lower-back": target}
    cold = _heat_line(view, _event(timeline, t_ms, setpoint, {"heat.lower-back": 28.0}))
    assert cold.endswith(f"28 °C, warming to {target:.0f} °C")
    warm = _heat_line(view, _event(timeline, t_ms, setpoint, {"heat.lower-back": target - 0.4}))
    assert warm.endswith(f"at {target - 0.4:.0f} °C")


def test_a_device_that_measures_nothing_shows_the_setpoint_called_a_setpoint() -> None:
    # A version-1 device (or one without a sensor) reports only its heater's setpoint.
    timeline = _timeline()
    t_ms, target = _heating_at(timeline)
    view = LiveView()
    view.compiled(timeline)
    rising = _heat_line(view, _event(timeline, t_ms, {"heat.lower-back": 28.0}))
    assert rising.endswith(f"setpoint 28 °C, rising to {target:.0f} °C")
    held = _heat_line(view, _event(timeline, t_ms, {"heat.lower-back": target}))
    assert held.endswith(f"setpoint {target:.0f} °C")


@pytest.mark.parametrize(
    ("reported", "target", "words"),
    [
        (0.0, 0.0, "off"),
        (31.2, 0.0, "31 °C, heater off"),
        (25.0, 39.0, "25 °C, warming to 39 °C"),
        (38.4, 39.0, "at 38 °C"),
        (41.0, 37.0, "41 °C, cooling to 37 °C"),
    ],
)
def test_heat_words(reported: float, target: float, words: str) -> None:
    assert heat_status(reported, target) == words


def test_after_a_confirmed_stop_the_last_frame_shows_zeros() -> None:
    timeline = _timeline()
    view = LiveView()
    view.compiled(timeline)
    event = _event(timeline, 90_000, {"roller.knead": 0.6, "roller.position": 0.4,
                                     "air.neck": 0.5, "heat.lower-back": 33.0})
    view.push(event)
    view.stop_confirmed = True  # what finish(True) records before drawing
    text = "\n".join(_lines(view, event))
    assert "roller.knead" in text and "0.60" not in text and "0.50" not in text
    assert "0.40" in text  # the carriage stays where it stopped: a place, not a force
    assert "heat.lower-back" in text and "33 °C" not in text
    assert "confirmed STOP" in text and text.startswith("stopped")


def test_an_unconfirmed_stop_keeps_the_reported_values_and_says_switch_off() -> None:
    timeline = _timeline()
    view = LiveView()
    view.compiled(timeline)
    event = _event(timeline, 90_000, {"roller.knead": 0.6})
    view.stop_confirmed = False
    text = "\n".join(_lines(view, event))
    assert "0.60" in text and "power switch" in text


def test_plain_view_prints_warnings_before_progress_and_no_started_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    timeline = _timeline()
    view = PlainView()
    view.push(ProgressEvent("state", "playing", 0, timeline.duration_ms, message="started"))
    view.compiled(dataclasses.replace(timeline, warnings=("heat skipped",)))
    view.draw()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "  ! heat skipped"
    assert not any("started" in line for line in out)


def test_run_prints_compile_warnings_before_playing(cli: Cli) -> None:
    # The example: 45 minutes asked, 30 played; no heat on the pad; thighs remapped.
    result = cli("run", "gentle-sciatica", "--minutes", "45", "--device", "sim://pad?speed=max",
                 "--pain-after", "0")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    first_progress = next(i for i, ln in enumerate(lines) if "%" in ln and "/" in ln)
    warnings = [ln for ln in lines[:first_progress] if ln.startswith("  ! ")]
    assert any("45 min" in w and "30 min" in w for w in warnings)
    assert any("no heat" in w for w in warnings)
    assert any("thighs" in w for w in warnings)
    assert "started" not in result.out

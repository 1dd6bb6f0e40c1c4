"""Compiler behaviour a user would notice, per technique, on chair, bed and pad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import Program, load_program_file
from massage_ctl.safety import GENTLE, STANDARD
from massage_ctl.safety.checks import by_channel
from massage_ctl.timeline import Timeline, value_at

DATA = Path(__file__).parents[1] / "program" / "data"
DEVICES = ("chair", "bed", "pad")


def program(*phases: dict[str, Any], **top: Any) -> Program:
    return Program.model_validate(
        {"id": "t", "name": "T", "description": "test", "phases": list(phases), **top}
    )


def compile_on(prog: Program, device: str, safety: Any = STANDARD, **kw: Any) -> Timeline:
    return compile_program(prog, load_device_profile(device), safety, **kw)


def peak(tl: Timeline, channel: str) -> float:
    return max((c.value for c in tl.commands_for(channel)), default=0.0)


def used(tl: Timeline) -> set[str]:
    return {c.channel for c in tl.commands if c.value > 0}


TP = {"technique": "trigger-point", "zones": ["lower-back.left", "lower-back.right"],
      "intensity": 0.6, "hold": "40s", "repeats": 2}


def test_trigger_point_alternates_sided_air_cells_on_chair() -> None:
    tl = compile_on(program(TP), "chair")
    presses = [c.channel for c in tl.commands if c.channel.startswith("air.lower-back")
               and c.value > 0]
    assert presses == ["air.lower-back.left", "air.lower-back.right"] * 2


def test_trigger_point_moves_roller_to_point_on_bed() -> None:
    tl = compile_on(program({**TP, "zones": ["lower-back"]}), "bed")
    pos = list(tl.commands_for("roller.position"))
    press = next(c for c in tl.commands_for("roller.pressure") if c.value > 0)
    # The roller is at the lower back (4th of 6 spine zones) before it presses.
    assert value_at(pos, press.t_ms) == pytest.approx(4.5 / 6)


def test_trigger_point_uses_vibration_on_pad() -> None:
    tl = compile_on(program(TP), "pad")
    assert "vib.lower-back" in used(tl)


@pytest.mark.parametrize("device", DEVICES)
def test_effleurage_is_continuous(device: str) -> None:
    prog = program({"technique": "swedish", "zones": ["upper-back", "mid-back", "lower-back"],
                    "intensity": 0.6, "duration": "2m", "direction": "both"})
    tl = compile_on(prog, device)
    phase = tl.phases[-2] if tl.phases[-1].name == "cool-down" else tl.phases[-1]
    chans = by_channel(tl)
    if device == "pad":
        wave = ["vib.upper-back", "vib.mid-back", "vib.lower-back"]
    else:
        wave = ["roller.knead" if device == "chair" else "roller.pressure"]
    # Mid-stroke (away from the phase's ramp in/out) the summed envelope never drops to a gap.
    lo = phase.start_ms + 15_000
    hi = phase.end_ms - 15_000
    total = [sum(value_at(chans[c], t) for c in wave) for t in range(lo, hi, 250)]
    assert min(total) > 0.25 * max(total)
    if device != "pad":
        pos = chans["roller.position"]
        assert max(value_at(pos, t) for t in range(lo, hi, 500)) - min(
            value_at(pos, t) for t in range(lo, hi, 500)) > 0.25  # the roller travels


@pytest.mark.parametrize(("stroke", "pattern"), [("petrissage", "knead"), ("tapotement", "tap")])
def test_petrissage_kneads_and_tapotement_taps_on_chair(stroke: str, pattern: str) -> None:
    prog = program({"technique": "swedish", "stroke": stroke, "zones": ["mid-back"],
                    "intensity": 0.5, "duration": "1m"})
    tl = compile_on(prog, "chair")
    assert any(c.pattern == pattern for c in tl.commands_for("roller.knead"))


def test_tapotement_on_pad_is_fast_pulse() -> None:
    prog = program({"technique": "swedish", "stroke": "tapotement", "zones": ["mid-back"],
                    "intensity": 0.5, "duration": "1m"})
    tl = compile_on(prog, "pad")
    rates = {c.rate_hz for c in tl.commands if c.pattern == "pulse"}
    assert rates and min(rates) > GENTLE.percussion_pulse_hz


def test_deep_tissue_under_gentle_names_phase() -> None:
    prog = load_program_file(DATA / "deep-shoulders.toml")
    with pytest.raises(CompileError) as info:
        compile_on(prog, "chair", GENTLE)
    assert info.value.phase == "phase 1 (deep-tissue)"
    assert "phase 1 (deep-tissue)" in str(info.value)


@pytest.mark.parametrize(
    "phase",
    [
        {"technique": "swedish", "stroke": "tapotement", "zones": ["mid-back"],
         "intensity": 0.3, "duration": "1m"},
        {"technique": "relaxation", "mode": "vibration", "rate_hz": 4, "zones": ["hips"],
         "intensity": 0.3, "duration": "1m"},
    ],
)
def test_percussion_under_gentle_names_phase(phase: dict[str, Any]) -> None:
    prog = program({"technique": "rest", "duration": "30s"}, phase)
    with pytest.raises(CompileError) as info:
        compile_on(prog, "pad", GENTLE)
    assert info.value.phase == f"phase 2 ({phase['technique']})"
    assert "percussion" in str(info.value)


def test_gentle_pulses_stay_at_or_below_2hz() -> None:
    prog = program({"technique": "relaxation", "mode": "vibration", "zones": ["hips"],
                    "intensity": 0.3, "duration": "2m", "tempo": "fast"})
    tl = compile_on(prog, "pad", GENTLE)
    assert all(c.rate_hz <= 2.0 for c in tl.commands if c.pattern == "pulse")


def test_missing_zone_maps_to_neighbour_with_warning() -> None:
    prog = program({**TP, "zones": ["shoulders"]})
    tl = compile_on(prog, "pad")
    assert "vib.upper-back" in used(tl)
    assert any("no massage channel at shoulders; using upper-back" in w for w in tl.warnings)


def test_zone_far_from_device_is_refused() -> None:
    with pytest.raises(CompileError) as info:
        compile_on(program({**TP, "zones": ["feet"]}), "pad")
    assert "feet" in str(info.value) and info.value.phase == "phase 1 (trigger-point)"


def test_excluded_zone_is_never_touched() -> None:
    prog = program({"technique": "swedish", "zones": ["upper-back", "mid-back", "lower-back"],
                    "intensity": 0.6, "duration": "2m"},
                   {**TP, "zones": ["mid-back", "lower-back"]})
    tl = compile_on(prog, "pad", exclude=["lower-back"])
    assert "vib.lower-back" not in used(tl)
    assert "vib.mid-back" in used(tl)


def test_phase_with_every_zone_excluded_is_refused() -> None:
    with pytest.raises(CompileError) as info:
        compile_on(program(TP), "chair", exclude=["lower-back"])
    assert "excluded" in str(info.value)


def test_intensity_scale_lowers_caps_and_values() -> None:
    prog = program(TP)
    full = compile_on(prog, "chair")
    half = compile_on(prog, "chair", intensity=0.5)
    assert half.channel("air.lower-back.left").max == pytest.approx(0.4)
    assert peak(half, "air.lower-back.left") == pytest.approx(peak(full, "air.lower-back.left") / 2)
    with pytest.raises(CompileError):
        compile_on(prog, "chair", intensity=0.05)


def test_cap_is_min_of_device_safety_program() -> None:
    prog = program(TP, limits={"max_intensity": 0.5})
    tl = compile_on(prog, "chair")
    assert tl.channel("air.lower-back.left").max == pytest.approx(0.5)
    assert tl.channel("roller.position").max == 1.0
    assert tl.channel("heat.lower-back").max == pytest.approx(41.0)
    assert compile_on(program(TP), "chair", GENTLE).channel("heat.lower-back").max == 38.0


def test_minutes_fits_the_session() -> None:
    prog = program(TP, {"technique": "swedish", "zones": ["mid-back"], "intensity": 0.4,
                        "duration": "10m"})
    tl = compile_on(prog, "chair", minutes=8)
    assert 7.5 * 60_000 <= tl.duration_ms <= 8 * 60_000
    assert any("fit" in w for w in tl.warnings)


def test_too_long_session_is_fitted_to_the_limit() -> None:
    prog = program({"technique": "gentle", "zones": ["lower-back"], "intensity": 0.3,
                    "duration": "40m"})
    tl = compile_on(prog, "pad", GENTLE)
    assert tl.duration_ms <= 20 * 60_000
    assert any("limit of 20 min" in w for w in tl.warnings)


def test_hold_is_shortened_under_gentle() -> None:
    tl = compile_on(program({**TP, "hold": "90s", "intensity": 0.35}), "chair", GENTLE)
    assert any("hold shortened" in w for w in tl.warnings)


def test_warm_up_and_cool_down_added_for_a_firm_program() -> None:
    tl = compile_on(program(TP), "chair")
    assert tl.phases[0].name == "warm-up" and tl.phases[-1].name == "cool-down"
    soft = program({"technique": "gentle", "zones": ["mid-back"], "intensity": 0.2,
                    "duration": "3m"})
    names = [p.name for p in compile_on(soft, "chair").phases]
    assert "warm-up" not in names and "cool-down" not in names


def test_background_heat_runs_alongside_and_respects_ceiling() -> None:
    prog = load_program_file(DATA / "gentle-sciatica.toml")
    tl = compile_on(prog, "chair", GENTLE)
    heat = list(tl.commands_for("heat.lower-back"))
    assert heat and max(c.value for c in heat) <= 37
    assert any(c.t_ms < heat[-1].t_ms and c.channel.startswith("roller") for c in tl.commands)
    pad = compile_on(prog, "pad", GENTLE)
    assert any("no heat" in w for w in pad.warnings)


def test_heat_above_ceiling_is_lowered_with_warning() -> None:
    prog = program({"technique": "heat", "zones": ["lower-back"], "target_c": 44,
                    "duration": "15m"})
    tl = compile_on(prog, "chair", GENTLE)
    assert peak(tl, "heat.lower-back") <= 38.0
    assert any("ceiling" in w for w in tl.warnings)


@pytest.mark.parametrize("technique", ["neuromuscular", "myofascial", "acupressure",
                                       "compression", "deep-tissue"])
@pytest.mark.parametrize("device", DEVICES)
def test_every_press_technique_acts_on_every_device(technique: str, device: str) -> None:
    prog = program({"technique": technique, "zones": ["mid-back"], "intensity": 0.5,
                    "duration": "3m"})
    tl = compile_on(prog, device)
    assert any(c.value > 0 for c in tl.commands if not c.channel.endswith("position"))


@pytest.mark.parametrize("mode", ["rocking", "holding", "vibration", "circular"])
@pytest.mark.parametrize("device", DEVICES)
def test_relaxation_modes(mode: str, device: str) -> None:
    prog = program({"technique": "relaxation", "mode": mode, "zones": ["lower-back", "hips"],
                    "intensity": 0.4, "duration": "3m"})
    tl = compile_on(prog, device, GENTLE)
    assert any(c.value > 0 for c in tl.commands if not c.channel.endswith("position"))


def test_a_phase_too_short_to_play_is_reported_not_skipped_in_silence() -> None:
    short = {"technique": "relaxation", "mode": "vibration", "zones": ["lower-back"],
             "intensity": 0.4, "duration": "2s"}
    tl = compile_on(program(TP, short), "pad")
    assert any("too short to do anything" in w for w in tl.warnings)
    normal = compile_on(program(TP, {**short, "duration": "60s"}), "pad")
    assert not any("too short" in w for w in normal.warnings)


def test_a_program_of_only_background_heat_is_a_clear_compile_error() -> None:
    heat = {"technique": "heat", "zones": ["lower-back"], "target_c": 38, "duration": "5m",
            "background": True}
    for minutes in (None, 10):
        with pytest.raises(CompileError, match="only background"):
            compile_on(program(heat), "chair", minutes=minutes)


@pytest.mark.parametrize(("minutes", "envelope_ms"), [(20, 60_000), (5, 30_000)])
def test_a_firm_session_eases_in_at_0_25_and_out_at_0_2_for_a_tenth_of_it_at_most_a_minute(
    minutes: int, envelope_ms: int
) -> None:
    """docs/SAFETY.md: a firm first or last phase gets a light rocking warm-up (0.25) and
    cool-down (0.2), each 10 % of the session and never longer than 60 s."""
    tl = compile_on(program(TP), "chair", minutes=minutes)
    warm, cool = tl.phases[0], tl.phases[-1]
    assert (warm.name, cool.name) == ("warm-up", "cool-down")
    assert warm.end_ms - warm.start_ms == envelope_ms
    assert cool.end_ms - cool.start_ms == envelope_ms

    def intensities(span: Any) -> set[float]:
        return {
            round(c.value, 6)
            for c in tl.commands
            if span.start_ms <= c.t_ms < span.end_ms
            and c.value > 0
            and not c.channel.startswith(("roller.position", "heat"))
        }

    assert intensities(warm) == {0.25}
    assert intensities(cool) == {0.2}

"""Left and right channels (issue 11 §4): a point with a side drives only that side's channel.

Checked with descriptor files written here (a pad with left/right motors and heat pads) and the
shipped profiles: the chair has sided air cells, the bed one roller, the pad one motor a zone.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.program import Program
from massage_ctl.safety import STANDARD
from massage_ctl.timeline import Timeline, value_at


def channel(cid: str, zone: str, kind: str, side: str | None = None) -> str:
    hard, top, ramp = ("42.0", "45.0", "1.0") if kind == "heat" else ("1.0", "1.0", "1.0")
    side_line = f'side = "{side}"\n' if side else ""
    return (
        f'[[channels]]\nid = "{cid}"\nzone = "{zone}"\n{side_line}kind = "{kind}"\n'
        f"min = 0.0\nmax = {top}\nhard_max = {hard}\nmax_ramp_per_s = {ramp}\n"
    )


@pytest.fixture
def sided_pad(tmp_path: Path) -> DeviceProfile:
    text = 'id = "sided-pad"\nname = "Sided pad"\nmax_frame_rate_hz = 50\n\n' + "\n".join([
        channel("vib.upper-back.left", "upper-back", "vibration", "left"),
        channel("vib.upper-back.right", "upper-back", "vibration", "right"),
        channel("vib.lower-back", "lower-back", "vibration"),
        channel("heat.lower-back.left", "lower-back", "heat", "left"),
        channel("heat.lower-back.right", "lower-back", "heat", "right"),
    ])
    path = tmp_path / "sided-pad.toml"
    path.write_text(text)
    return load_device_profile(path)


def program(*phases: dict[str, object]) -> Program:
    return Program.model_validate(
        {"id": "sides", "name": "Sides", "description": "d", "phases": list(phases)}
    )


# Intensity 0.3 starts and ends gently: no warm-up / cool-down strokes over both motors.
TRIGGER = {"technique": "trigger-point", "zones": ["upper-back.left", "upper-back.right"],
           "intensity": 0.3, "ramp": "10s", "hold": "30s", "release": "10s", "rest": "10s",
           "repeats": 2}


def on_intervals(tl: Timeline, cid: str) -> list[tuple[int, int]]:
    """[start, end) stretches where the channel is above zero (1 s resolution)."""
    cmds = list(tl.commands_for(cid))
    out: list[tuple[int, int]] = []
    start = None
    for t in range(0, tl.duration_ms + 1000, 1000):
        on = value_at(cmds, t) > 1e-9
        if on and start is None:
            start = t
        elif not on and start is not None:
            out.append((start, t))
            start = None
    return out


def test_sided_points_alternate_between_the_left_and_right_motors(
    sided_pad: DeviceProfile,
) -> None:
    tl = compile_program(program(TRIGGER), sided_pad, STANDARD)
    left = on_intervals(tl, "vib.upper-back.left")
    right = on_intervals(tl, "vib.upper-back.right")
    assert len(left) == len(right) == 2
    # Never both at once: the presses alternate L R L R.
    merged = sorted([(a, b, "L") for a, b in left] + [(a, b, "R") for a, b in right])
    assert [s for _, _, s in merged] == ["L", "R", "L", "R"]
    for (_, b, _), (a, _, _) in itertools.pairwise(merged):
        assert b <= a
    assert not any("no left/right" in w for w in tl.warnings)


def test_relaxation_vibration_on_one_side_drives_only_that_motor(
    sided_pad: DeviceProfile,
) -> None:
    tl = compile_program(program({"technique": "relaxation", "mode": "vibration",
                                  "zones": ["upper-back.right"], "intensity": 0.4,
                                  "duration": "2m"}), sided_pad, STANDARD)
    assert on_intervals(tl, "vib.upper-back.right")
    assert not on_intervals(tl, "vib.upper-back.left")


def test_heat_on_one_side_warms_only_that_pad(sided_pad: DeviceProfile) -> None:
    tl = compile_program(program(
        {"technique": "heat", "zones": ["lower-back.left"], "target_c": 38, "duration": "5m"},
        {"technique": "relaxation", "zones": ["lower-back"], "intensity": 0.2,
         "duration": "1m"},
    ), sided_pad, STANDARD)
    assert on_intervals(tl, "heat.lower-back.left")
    assert not on_intervals(tl, "heat.lower-back.right")


def test_a_zone_without_sided_channels_drives_its_channel_and_warns_once(
    sided_pad: DeviceProfile,
) -> None:
    # Intensity 0.3 starts and ends gently: no warm-up / cool-down rocking on the zone.
    tp = dict(TRIGGER, zones=["lower-back.left", "lower-back.right"], intensity=0.3)
    tl = compile_program(program(tp, dict(tp, name="again")), sided_pad, STANDARD)
    assert len(on_intervals(tl, "vib.lower-back")) == 8  # 2 phases x 2 rounds x L+R
    lost = [w for w in tl.warnings if "no left/right channels at lower-back" in w]
    assert len(lost) == 1


@pytest.mark.parametrize(("device", "left", "right"), [
    ("chair", "air.lower-back.left", "air.lower-back.right"),
])
def test_shipped_chair_cells_alternate(device: str, left: str, right: str) -> None:
    tp = dict(TRIGGER, zones=["lower-back.left", "lower-back.right"])
    tl = compile_program(program(tp), load_device_profile(device), STANDARD)
    assert len(on_intervals(tl, left)) == len(on_intervals(tl, right)) == 2
    assert not any("no left/right" in w for w in tl.warnings)


@pytest.mark.parametrize(("device", "zone"), [("pad", "upper-back"), ("bed", "upper-back")])
def test_shipped_devices_without_sides_say_the_alternation_is_lost(
    device: str, zone: str
) -> None:
    tl = compile_program(program(TRIGGER), load_device_profile(device), STANDARD)
    assert sum(f"no left/right channels at {zone}" in w for w in tl.warnings) == 1


@pytest.fixture
def sided_back(tmp_path: Path) -> DeviceProfile:
    """A pad with a left and a right motor at upper-back and at mid-back."""
    text = 'id = "sided-back"\nname = "Sided back pad"\nmax_frame_rate_hz = 50\n\n' + "\n".join(
        channel(f"vib.{zone}.{side}", zone, "vibration", side)
        for zone in ("upper-back", "mid-back") for side in ("left", "right")
    )
    path = tmp_path / "sided-back.toml"
    path.write_text(text)
    return load_device_profile(path)


LEFT = ["vib.upper-back.left", "vib.mid-back.left"]
RIGHT = ["vib.upper-back.right", "vib.mid-back.right"]
STROKES = [
    {"technique": "swedish", "stroke": "effleurage", "direction": "both"},
    {"technique": "swedish", "stroke": "petrissage"},
    {"technique": "gentle"},
    {"technique": "relaxation", "mode": "rocking"},
    {"technique": "relaxation", "mode": "circular"},
]


def side_on(tl: Timeline, cids: list[str]) -> list[tuple[int, int]]:
    return sorted(iv for cid in cids for iv in on_intervals(tl, cid))


@pytest.mark.parametrize("kind", STROKES, ids=lambda k: "-".join(map(str, k.values())))
def test_a_stroke_over_one_side_drives_only_that_side(
    sided_back: DeviceProfile, kind: dict[str, object]
) -> None:
    phase = dict(kind, zones=["upper-back.left", "mid-back.left"], intensity=0.3,
                 duration="3m")
    tl = compile_program(program(phase), sided_back, STANDARD)
    assert {cid for cid in LEFT if on_intervals(tl, cid)} == set(LEFT)
    assert side_on(tl, RIGHT) == []
    assert not any("no left/right" in w for w in tl.warnings)


@pytest.mark.parametrize("kind", STROKES, ids=lambda k: "-".join(map(str, k.values())))
def test_strokes_over_both_sides_take_turns_without_dead_time(
    sided_back: DeviceProfile, kind: dict[str, object]
) -> None:
    zones = ["upper-back.left", "upper-back.right", "mid-back.left", "mid-back.right"]
    phase = dict(kind, zones=zones, intensity=0.3, duration="4m")
    tl = compile_program(program(phase), sided_back, STANDARD)
    left, right = side_on(tl, LEFT), side_on(tl, RIGHT)
    assert left and right
    # Never both sides at once, and each side has more than one turn (they alternate).
    turns: list[str] = []
    for a, b, side in sorted([(a, b, "L") for a, b in left] + [(a, b, "R") for a, b in right]):
        assert not any(a < d and c < b for c, d in (right if side == "L" else left))
        if not turns or turns[-1] != side:
            turns.append(side)
    assert turns[:4] == ["L", "R", "L", "R"]
    # No dead time inside the phase: something is on at every sampled second but the ends.
    everything = sorted(left + right)
    for (_, b), (a, _) in itertools.pairwise(everything):
        assert a - b <= 1000


def test_a_roller_cannot_tell_the_sides_apart_and_says_so() -> None:
    phase = {"technique": "swedish", "zones": ["mid-back.left", "lower-back.left"],
             "intensity": 0.3, "duration": "3m"}
    tl = compile_program(program(phase), load_device_profile("bed"), STANDARD)
    lost = [w for w in tl.warnings if "no left/right channels" in w]
    assert len(lost) == 2 and "mid-back" in lost[0] and "lower-back" in lost[1]

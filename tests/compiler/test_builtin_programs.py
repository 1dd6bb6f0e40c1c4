"""Every built-in program compiles on chair, bed and pad under standard and gentle — or fails
with the documented CompileError (deep-tissue or percussion under gentle, or a phase whose zones
the device cannot reach at all: judged here from the device's channels, so a device that lost a
zone it should serve fails this test)."""

from __future__ import annotations

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import DeviceProfile, load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import Program, builtin_program_ids, load_program
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile
from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.zones import ZONES

IDS = builtin_program_ids()


def reachable_zones(device: DeviceProfile) -> set[str]:
    """Zones something other than heat acts on: cells and motors, and the roller's reach."""
    zones: set[str] = set()
    for ch in device.channels:
        if ch.kind in ("pressure", "vibration"):
            zones.add(ch.zone)
        elif ch.kind in ("position", "roller") and ch.reach:
            a, b = sorted(ZONES.index(z) for z in ch.reach)
            zones.update(ZONES[a : b + 1])
    return zones


def unreachable_phases(prog: Program, device: DeviceProfile) -> set[str]:
    """Labels of the phases none of whose zones the device reaches, even at the next zone."""
    zones = reachable_zones(device)
    out: set[str] = set()
    for i, phase in enumerate(prog.phases):
        if not isinstance(phase, _ActivePhase):
            continue
        near = {ZONES[j] for p in phase.points() for j in (ZONES.index(p.zone) - 1,
                ZONES.index(p.zone), ZONES.index(p.zone) + 1) if 0 <= j < len(ZONES)}
        if phase.technique == "reflexology":
            near = {"feet"}  # the feet themselves: the calves instead would not be reflexology
        if not near & zones:
            out.add(f"phase {i + 1} ({phase.technique})")
    return out


def test_library_is_there() -> None:
    assert len(IDS) >= 20


@pytest.mark.parametrize("safety", [STANDARD, GENTLE], ids=lambda s: s.id)
@pytest.mark.parametrize("device", ["chair", "bed", "pad"])
@pytest.mark.parametrize("program_id", IDS)
def test_builtin_program_compiles(program_id: str, device: str, safety: SafetyProfile) -> None:
    prog = load_program(program_id)
    techniques = prog.techniques()
    try:
        tl = compile_program(prog, load_device_profile(device), safety)
    except CompileError as err:
        msg = str(err)
        gentle_refusal = safety is GENTLE and (
            ("deep-tissue" in techniques and "deep-tissue is not allowed" in msg)
            or "percussion" in msg
        )
        profile = load_device_profile(device)
        zone_refusal = (
            f"the {device} device has no massage channel at" in msg
            and err.phase in unreachable_phases(prog, profile)
        )
        assert gentle_refusal or zone_refusal, msg
        assert err.phase and err.phase.startswith("phase ")
        return
    assert tl.duration_ms <= safety.max_session_min * 60_000
    assert any(c.value > 0 for c in tl.commands)


def test_only_the_pads_neck_and_the_feet_for_reflexology_are_missing() -> None:
    """The refusal above is only accepted where the device's channels really miss a phase:
    the pad's neck, and the feet reflexology needs (only the chair has a feet channel)."""
    missing = {
        (pid, device): unreachable_phases(load_program(pid), load_device_profile(device))
        for pid in IDS for device in ("chair", "bed", "pad")
    }
    assert {k: v for k, v in missing.items() if v} == {
        ("tension-headache-neck-shoulders", "pad"): {"phase 4 (acupressure)"},
        ("reflexology-feet", "bed"): {"phase 2 (reflexology)", "phase 3 (reflexology)"},
        ("reflexology-feet", "pad"): {
            "phase 1 (compression)", "phase 2 (reflexology)", "phase 3 (reflexology)",
            "phase 4 (relaxation)",
        },
    }

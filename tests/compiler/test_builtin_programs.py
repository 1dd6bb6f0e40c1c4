"""Every built-in program compiles on chair, bed and pad under standard and gentle — or fails
with the documented CompileError (deep-tissue or percussion under gentle, or a zone the device
cannot serve)."""

from __future__ import annotations

import pytest

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import CompileError
from massage_ctl.program import builtin_program_ids, load_program
from massage_ctl.safety import GENTLE, STANDARD, SafetyProfile

IDS = builtin_program_ids()


def test_library_is_there() -> None:
    assert len(IDS) >= 12


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
        zone_refusal = "no massage channel at" in msg
        assert gentle_refusal or zone_refusal, msg
        assert err.phase and err.phase.startswith("phase ")
        return
    assert tl.duration_ms <= safety.max_session_min * 60_000
    assert any(c.value > 0 for c in tl.commands)

"""programs/README.md teaches the format: its worked example must really work."""

from __future__ import annotations

import re
from pathlib import Path

from massage_ctl.compiler import compile_program
from massage_ctl.devices import load_device_profile
from massage_ctl.program import TECHNIQUES, load_program_text
from massage_ctl.safety import GENTLE, STANDARD

GUIDE = Path(__file__).resolve().parents[2] / "programs" / "README.md"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_worked_example_loads_and_compiles_under_both_profiles() -> None:
    example = re.search(r"```toml\n(.*?)```", _guide(), re.S)
    assert example is not None
    program = load_program_text(example.group(1), path="programs/README.md")
    assert program.id == "my-lower-back"
    for safety in (STANDARD, GENTLE):
        timeline = compile_program(program, load_device_profile("chair"), safety)
        assert timeline.duration_ms <= 15 * 60_000 + 1_000


def test_guide_documents_every_technique_and_its_parameters() -> None:
    from massage_ctl.program import PHASE_MODELS

    guide = _guide()
    for technique in TECHNIQUES:
        assert f"**`{technique}`**" in guide, technique
        for field in PHASE_MODELS[technique].model_fields:
            assert f"`{field}`" in guide, f"{technique}.{field}"

"""The built-in library: every program loads, is what it claims, and stays in the session limits.

Compile checks on every device and safety profile are in ``test_builtin_compile.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

from massage_ctl.program import builtin_program_dir, builtin_program_ids, load_program
from massage_ctl.safety import GENTLE, STANDARD

PROGRAMS_DIR = Path(__file__).resolve().parents[2] / "programs"

#: Required kinds of program (issue 2) → the built-in id that provides it.
REQUIRED = {
    "trigger-point, lower back": "trigger-point-lower-back",
    "trigger-point, neck and shoulders": "trigger-point-neck-shoulders",
    "swedish full back": "swedish-full-back",
    "gentle nerve-safe for sciatica": "gentle-sciatica",
    "deep tissue upper back": "deep-tissue-upper-back",
    "neuromuscular spasm relief": "neuromuscular-spasm-relief",
    "myofascial release": "myofascial-release",
    "acupressure lower back": "acupressure-lower-back",
    "relaxation / sleep": "relaxation-sleep",
    "tension headache, neck and shoulders": "tension-headache-neck-shoulders",
    "concentrated 10 minutes": "quick-10-minute",
    "post-workout recovery": "post-workout-recovery",
    # issue 16: the rest of the seed techniques and the areas people ask for
    "reflexology, feet": "reflexology-feet",
    "sports massage before activity": "sports-pre-activity",
    "sports massage after activity": "sports-post-activity",
    "hips and glutes": "hips-and-glutes",
    "mid-back stiffness": "mid-back-stiffness",
    "short desk break": "desk-break",
    "evening wind-down": "evening-wind-down",
}
#: The main technique each required program must actually use.
MAIN_TECHNIQUE = {
    "trigger-point-lower-back": "trigger-point",
    "trigger-point-neck-shoulders": "trigger-point",
    "swedish-full-back": "swedish",
    "gentle-sciatica": "gentle",
    "deep-tissue-upper-back": "deep-tissue",
    "neuromuscular-spasm-relief": "neuromuscular",
    "myofascial-release": "myofascial",
    "acupressure-lower-back": "acupressure",
    "relaxation-sleep": "relaxation",
    "tension-headache-neck-shoulders": "trigger-point",
    "post-workout-recovery": "compression",
    "reflexology-feet": "reflexology",
    "sports-pre-activity": "sports",
    "sports-post-activity": "sports",
    "hips-and-glutes": "trigger-point",
    "mid-back-stiffness": "myofascial",
    "evening-wind-down": "relaxation",
}
IDS = builtin_program_ids()


def test_library_is_the_repository_programs_folder() -> None:
    assert builtin_program_dir() == PROGRAMS_DIR
    assert len(IDS) >= 20


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_every_required_kind_exists(kind: str) -> None:
    program = load_program(REQUIRED[kind])
    assert program.id == REQUIRED[kind]
    technique = MAIN_TECHNIQUE.get(program.id)
    if technique:
        assert technique in program.techniques()


@pytest.mark.parametrize("program_id", IDS)
def test_program_metadata_is_complete(program_id: str) -> None:
    program = load_program(program_id)
    assert program.id == program_id, "the id must equal the file stem"
    assert len(program.description.split()) >= 15
    assert program.suitable_for and program.not_for and program.tags
    minutes = (program.duration or program.natural_ms()) / 60_000
    assert 0 < minutes <= STANDARD.max_session_min
    # Written lengths add up to the declared duration, so fitting never squeezes a hold.
    assert program.duration is None or program.duration == program.natural_ms()


@pytest.mark.parametrize("program_id", IDS)
def test_sessions_start_gently_and_end_calm(program_id: str) -> None:
    """Warm-up first (light, not a press or percussion) and a calm cool-down last."""
    body = [p for p in load_program(program_id).phases if p.technique != "heat"]
    first, last = body[0], body[-1]
    assert first.technique in ("swedish", "gentle", "compression", "relaxation")
    assert getattr(first, "stroke", "effleurage") == "effleurage"
    assert first.intensity <= 0.4  # type: ignore[union-attr]
    assert last.technique in ("relaxation", "gentle", "rest")
    assert getattr(last, "intensity", 0) <= 0.25


def test_trigger_point_programs_follow_practice() -> None:
    """docs/CONTRACTS.md §1: slow ramp, 30–90 s hold, slow release, rest, 2–3 repeats,
    alternate sides."""
    for program_id in builtin_program_ids():
        for phase in load_program(program_id).phases:
            if phase.technique != "trigger-point":
                continue
            assert 30_000 <= phase.hold <= 90_000  # type: ignore[union-attr]
            assert phase.ramp >= 10_000 and phase.release >= 10_000  # type: ignore[union-attr]
            assert phase.rest > 0  # type: ignore[union-attr]
            assert phase.repeats in (2, 3)
            sides = {z.partition(".")[2] for z in phase.zones}  # type: ignore[union-attr]
            assert sides == {"left", "right"} and phase.alternate_sides  # type: ignore[union-attr]


def test_gentle_program_is_written_for_the_gentle_profile() -> None:
    program = load_program("gentle-sciatica")
    assert (program.duration or program.natural_ms()) <= GENTLE.max_session_min * 60_000
    for phase in program.phases:
        assert phase.technique in ("gentle", "relaxation", "heat", "rest")
        if phase.technique == "heat":
            assert phase.target_c <= GENTLE.heat_max_c  # type: ignore[union-attr]
            continue
        assert phase.intensity <= GENTLE.max_intensity  # type: ignore[union-attr]
        zones = [z.partition(".")[0] for z in phase.zones]  # type: ignore[union-attr]
        assert len(set(zones)) <= 2  # one or two adjacent zones
        if phase.technique == "relaxation":
            assert phase.mode in ("rocking", "holding")  # type: ignore[union-attr]
            assert phase.intensity <= GENTLE.hold_threshold  # type: ignore[union-attr]


def _minutes(program_id: str) -> float:
    program = load_program(program_id)
    return (program.duration or program.natural_ms()) / 60_000


def test_session_lengths_follow_what_each_kind_of_session_is() -> None:
    # Pre-activity sports massage is short (about 10-15 min), post-activity 10-20 min
    # (programs/README.md, "Where the numbers come from"); a desk break is 5-8 minutes.
    assert 8 <= _minutes("sports-pre-activity") <= 15
    assert 10 <= _minutes("sports-post-activity") <= GENTLE.max_session_min
    assert 5 <= _minutes("desk-break") <= 8
    assert _minutes("evening-wind-down") <= GENTLE.max_session_min


def test_reflexology_presses_are_short_point_presses_on_the_feet() -> None:
    for phase in load_program("reflexology-feet").phases:
        if phase.technique != "reflexology":
            continue
        assert 3_000 <= phase.hold <= 10_000  # type: ignore[union-attr]
        assert phase.walk_hz <= 2  # type: ignore[union-attr]
        assert phase.intensity <= 0.5  # type: ignore[union-attr]  # firm, never painful
        assert {z.partition(".")[0] for z in phase.zones} == {"feet"}  # type: ignore[union-attr]


def test_new_programs_warn_against_what_they_must_not_be_used_for() -> None:
    expected = {
        "reflexology-feet": ("wound", "diabetic", "clots"),
        "sports-pre-activity": ("injury", "nerve pain"),
        "sports-post-activity": ("strain", "clots"),
        "hips-and-glutes": ("sciatica", "hip replacement"),
        "mid-back-stiffness": ("osteoporosis", "chest"),
        "desk-break": ("nerve pain", "neck"),
        "evening-wind-down": ("heat",),
    }
    for program_id, words in expected.items():
        not_for = " ".join(load_program(program_id).not_for).lower()
        for word in words:
            assert word in not_for, (program_id, word)


def test_deep_tissue_program_warns_against_nerve_pain_and_pregnancy() -> None:
    not_for = " ".join(load_program("deep-tissue-upper-back").not_for).lower()
    for word in ("nerve", "pregnan", "injury"):
        assert word in not_for


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """The schema as `massage-ctl schema` prints it (run once, as a real process)."""
    loaded = json.loads(_run_cli("schema"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded)


@pytest.mark.parametrize("program_id", IDS)
def test_builtin_programs_match_the_json_schema(
    program_id: str, validator: jsonschema.Draft202012Validator
) -> None:
    data = tomllib.loads((PROGRAMS_DIR / f"{program_id}.toml").read_text(encoding="utf-8"))
    validator.validate(data)


def _run_cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "massage_ctl", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout

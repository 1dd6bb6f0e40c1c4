"""The technique table: one module per technique (model + expansion), found from its file."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import massage_ctl.techniques as techniques
from massage_ctl.program import TECHNIQUES, load_program_text
from massage_ctl.techniques._table import discover

NEW_MODULE = '''
from typing import Literal

from massage_ctl.techniques._phase import _ActivePhase
from massage_ctl.techniques._table import Technique


class StillnessPhase(_ActivePhase):
    """Hands resting on the zones."""

    technique: Literal["{name}"]


def expand(ctx, phase):
    del ctx, phase


TECHNIQUES = (Technique("{name}", StillnessPhase, expand, rank=99),)
'''


def test_every_technique_has_one_model_and_one_expansion_in_listing_order() -> None:
    assert TECHNIQUES == (
        "trigger-point", "swedish", "gentle", "deep-tissue", "neuromuscular", "myofascial",
        "acupressure", "relaxation", "compression", "heat", "rest", "sports", "reflexology",
    )
    assert list(techniques.TABLE) == list(TECHNIQUES)
    for name, tech in techniques.TABLE.items():
        assert techniques.PHASE_MODELS[name] is tech.model
        assert techniques.EXPANDERS[name] is tech.expand


def _package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, name: str, body: str
) -> Path:
    pkg = tmp_path / package
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / f"{name}.py").write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    return pkg


def test_a_new_technique_is_one_file_found_with_the_shipped_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(tmp_path, monkeypatch, "extra_found", "stillness",
                   NEW_MODULE.format(name="stillness"))
    assert list(discover("extra_found", [str(pkg)])) == ["stillness"]
    # Dropped next to the shipped modules, it is listed with them (last: its rank).
    monkeypatch.setattr(techniques, "__path__", [*techniques.__path__, str(pkg)])
    monkeypatch.setitem(sys.modules, "massage_ctl.techniques.stillness",
                        importlib.import_module("extra_found.stillness"))
    table = discover(techniques.__name__, techniques.__path__)
    assert list(table) == [*TECHNIQUES, "stillness"]


def test_a_clash_or_a_mismatch_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(tmp_path, monkeypatch, "extra_clash", "again", NEW_MODULE.format(name="rest"))
    (pkg / "again2.py").write_text(NEW_MODULE.format(name="rest"))
    with pytest.raises(ValueError, match="'rest' declared twice"):
        discover("extra_clash", [str(pkg)])
    bad = NEW_MODULE.format(name="calm").replace('Technique("calm"', 'Technique("quiet"')
    pkg = _package(tmp_path, monkeypatch, "extra_bad", "calm", bad)
    with pytest.raises(ValueError, match="'quiet': its model's technique differs"):
        discover("extra_bad", [str(pkg)])


def test_a_module_declaring_no_technique_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(tmp_path, monkeypatch, "extra_empty", "helpers", "X = 1\n")
    with pytest.raises(ValueError, match="declares no TECHNIQUES"):
        discover("extra_empty", [str(pkg)])


def test_a_program_file_is_checked_against_the_technique_modules_models() -> None:
    text = ('id = "t"\nname = "T"\ndescription = "d"\n\n[[phases]]\ntechnique = "swedish"\n'
            'zones = ["upper-back"]\nintensity = 0.3\nduration = "2m"\n')
    program = load_program_text(text, path="t.toml")
    assert type(program.phases[0]) is techniques.PHASE_MODELS["swedish"]

"""The technique table: every program technique has one expansion, found from its file."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import massage_ctl.compiler.techniques as techniques
from massage_ctl.compiler.technique import discover
from massage_ctl.program.phases import PHASE_MODELS

NEW_MODULE = '''
from massage_ctl.compiler.technique import Technique
from massage_ctl.program.phases import RestPhase


def expand(ctx, phase):
    del ctx, phase


TECHNIQUES = (Technique("rest", RestPhase, expand),)
'''


def test_every_program_technique_has_exactly_one_expansion() -> None:
    assert set(techniques.TECHNIQUES) == set(PHASE_MODELS)
    for name, tech in techniques.TECHNIQUES.items():
        assert tech.model is PHASE_MODELS[name]
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


def test_a_technique_module_is_found_from_its_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(tmp_path, monkeypatch, "extra_found", "stillness", NEW_MODULE)
    table = discover("extra_found", [str(pkg)])
    assert list(table) == ["rest"]
    # Dropped next to the shipped modules, it is found too (and clashes with the shipped rest).
    monkeypatch.setattr(techniques, "__path__", [*techniques.__path__, str(pkg)])
    monkeypatch.setitem(sys.modules, "massage_ctl.compiler.techniques.stillness",
                        importlib.import_module("extra_found.stillness"))
    with pytest.raises(ValueError, match="'rest' declared twice"):
        discover(techniques.__name__, techniques.__path__)


def test_a_module_declaring_no_technique_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(tmp_path, monkeypatch, "extra_empty", "helpers", "X = 1\n")
    with pytest.raises(ValueError, match="declares no TECHNIQUES"):
        discover("extra_empty", [str(pkg)])

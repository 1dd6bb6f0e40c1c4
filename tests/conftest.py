"""Shared test set-up: every test runs with its own MASSAGE_CTL_HOME (no user files touched)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config and data at a fresh temporary directory for each test."""
    home = tmp_path / "massage-home"
    home.mkdir()
    monkeypatch.setenv("MASSAGE_CTL_HOME", str(home))
    return home

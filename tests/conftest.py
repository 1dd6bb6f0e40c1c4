"""Shared test set-up.

* Every test runs with its own MASSAGE_CTL_HOME (no user files touched).
* Hypothesis profiles, chosen by ``MASSAGE_CTL_HYPOTHESIS`` (default ``dev``):

  - ``dev``: Hypothesis's defaults (random draws, the local example database) for everyday runs;
  - ``ci``: no example database, derandomised (the same draws on every run, so a failure is
    reproducible and a pass means something), and 5× the examples of each test, so the
    safety property tests and the session state machine search further than a developer run;
  - ``mutation``: no example database, derandomised, each test's own example count — the
    mutation-testing runner (``tests/mutation/``) needs every run to test the same cases, so a
    mutant is judged by the code, never by the draw.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

#: ``ci`` runs this many times Hypothesis's default 100 examples. A test that sets its own
#: ``max_examples`` scales it by ``settings.default.max_examples / 100`` to follow the profile.
CI_FACTOR = 5

settings.register_profile("dev")
settings.register_profile(
    "ci", database=None, derandomize=True, max_examples=100 * CI_FACTOR, print_blob=True
)
settings.register_profile("mutation", database=None, derandomize=True)
settings.load_profile(os.environ.get("MASSAGE_CTL_HYPOTHESIS", "dev"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config and data at a fresh temporary directory for each test."""
    home = tmp_path / "massage-home"
    home.mkdir()
    monkeypatch.setenv("MASSAGE_CTL_HOME", str(home))
    return home

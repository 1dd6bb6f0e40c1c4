"""Shared test set-up.

* Every test runs with its own MASSAGE_CTL_HOME (no user files touched).
* ``require_tools`` skips (or, on CI, fails) a test whose system tool is missing.
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
import shutil
from collections.abc import Callable
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


#: How to install each system tool some tests drive for real (Debian/Ubuntu package names).
TOOL_PACKAGES: dict[str, str] = {
    "gcc": "gcc libc6-dev",
    "make": "make",
    "tmux": "tmux",
    "chromium": "chromium",
}
#: Set (as .ci/run does) to make a missing tool fail the run instead of skipping its tests.
REQUIRE_TOOLS_ENV = "MASSAGE_CTL_REQUIRE_TOOLS"


def _require_tools(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    packages = " ".join(dict.fromkeys(TOOL_PACKAGES.get(t, t) for t in missing))
    verb = "is" if len(missing) == 1 else "are"
    reason = (f"needs {' and '.join(missing)}, which {verb} not installed: "
              f"apt-get install {packages}")
    if os.environ.get(REQUIRE_TOOLS_ENV):
        pytest.fail(f"{reason} ({REQUIRE_TOOLS_ENV} is set: nothing may be skipped)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def require_tools() -> Callable[..., None]:
    """``require_tools("tmux")``: skip the test, naming the missing tool and the command that
    installs it — or fail when ``MASSAGE_CTL_REQUIRE_TOOLS`` is set (CI installs every tool,
    so there nothing may be skipped)."""
    return _require_tools

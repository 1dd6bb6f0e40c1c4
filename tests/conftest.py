"""Shared test set-up: every test runs with its own MASSAGE_CTL_HOME (no user files touched);
``require_tools`` skips (or, on CI, fails) a test whose system tool is missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


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

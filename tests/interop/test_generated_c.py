"""The generated C sources follow their sources of truth (messages.toml, device TOML files)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "firmware_protocol" / "c" / "tools"


@pytest.mark.parametrize("script", ["gen_messages.py", "gen_profiles.py"])
def test_generated_c_is_up_to_date(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(TOOLS / script), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        f"{result.stderr.strip()}\nregenerate with: make -C firmware_protocol/c gen"
    )

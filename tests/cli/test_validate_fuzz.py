"""Whatever a file holds, ``validate`` answers OK or one error per file — never a traceback."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main

SAMPLE = (Path(__file__).resolve().parents[2] / "programs" / "quick-10-minute.toml").read_bytes()

# Every example writes the same file name, so sharing one tmp_path between examples is safe.
_TMP_PATH_IS_FINE = [HealthCheck.function_scoped_fixture]


def _validate(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["validate", str(path)])
    return code, out.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=_TMP_PATH_IS_FINE)
@given(st.binary(max_size=400))
def test_random_bytes_are_one_clear_failure(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    code, out = _validate(path)
    assert code == 1
    assert out.startswith("FAIL") and str(path) in out


@settings(max_examples=150, deadline=None, suppress_health_check=_TMP_PATH_IS_FINE)
@given(st.integers(0, len(SAMPLE) - 1), st.integers(1, 40), st.binary(max_size=12))
def test_damaged_programs_pass_or_fail_cleanly(
    tmp_path: Path, start: int, length: int, replacement: bytes
) -> None:
    path = tmp_path / "damaged.toml"
    path.write_bytes(SAMPLE[:start] + replacement + SAMPLE[start + length :])
    code, out = _validate(path)
    assert code in (0, 1)
    assert out.startswith("OK" if code == 0 else "FAIL")

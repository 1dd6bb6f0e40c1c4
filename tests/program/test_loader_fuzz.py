"""Fuzzing the loader: any bytes give a Program or a ProgramError — never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.errors import ProgramError
from massage_ctl.program import load_program_file, load_program_text

GOOD = (Path(__file__).parent / "data" / "trigger-lower-back.toml").read_text()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    try:
        load_program_file(path)
    except ProgramError as err:
        assert err.path == str(path)


@settings(max_examples=150)
@given(pos=st.integers(0, len(GOOD) - 1), junk=st.text(max_size=8))
def test_mutated_program(pos: int, junk: str) -> None:
    """Splicing junk into a valid program: an error names a line inside the file."""
    text = GOOD[:pos] + junk + GOOD[pos + len(junk) :]
    try:
        load_program_text(text, path="p.toml")
    except ProgramError as err:
        assert err.line is None or 1 <= err.line <= text.count("\n") + 1

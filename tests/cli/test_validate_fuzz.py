"""Whatever a file holds, ``validate`` answers OK or one error per file — never a traceback;
and every other file type (safety profile, descriptor, config) gives one named error."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_ctl.cli.main import main
from massage_ctl.config import ConfigError, load_config
from massage_ctl.devices import load_device_profile
from massage_ctl.errors import MassageCtlError
from massage_ctl.safety import load_safety_profile

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


# --- every file type, hostile shapes ------------------------------------------------------------



def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "1" + "]" * depth
    return "{ a = " * depth + "1" + " }" * depth


LOADERS = {
    "program": lambda p: main(["validate", str(p)]),
    "safety": load_safety_profile,
    "descriptor": load_device_profile,
    "config": load_config,
}


@settings(max_examples=80, deadline=None, suppress_health_check=_TMP_PATH_IS_FINE)
@given(
    kind=st.sampled_from(sorted(LOADERS)),
    depth=st.integers(1, 3000),
    shape=st.sampled_from(["array", "table"]),
    bom=st.booleans(),
    extra=st.sampled_from(["", "x = 1" + "0" * 4400 + "\n", 'd = "' + "9" * 300 + 'h"\n',
                           "n = 1e999\n", "b = \xff\n"]),
)
def test_hostile_shapes_in_any_file_type_are_one_clear_error(
    tmp_path: Path, kind: str, depth: int, shape: str, bom: bool, extra: str
) -> None:
    path = tmp_path / "hostile.toml"
    text = f"value = {_nested(depth, shape)}\n{extra}"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            result = LOADERS[kind](path)
    except (MassageCtlError, ConfigError) as err:
        assert str(path) in str(err) and len(str(err)) < 400, str(err)
        return
    if kind == "program":
        assert result == 1 and out.getvalue().startswith("FAIL")

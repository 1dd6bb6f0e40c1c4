"""Helpers for running ``massage-ctl`` in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from massage_ctl.cli.main import main


@dataclass(frozen=True)
class Result:
    """Exit status and captured output of one in-process ``massage-ctl`` run."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run ``massage-ctl ARGS...`` in-process; usage errors (SystemExit) give their code."""
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run

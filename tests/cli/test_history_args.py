"""Argument types of the history-related commands (moved here from ``history/``: parsing the
command line is the CLI's business)."""

from __future__ import annotations

import argparse

import pytest

from massage_ctl.cli.history_args import pain_rating_arg


def test_pain_rating_arg_is_an_argparse_usage_error() -> None:
    assert pain_rating_arg("10") == 10
    with pytest.raises(argparse.ArgumentTypeError, match="0 to 10"):
        pain_rating_arg("-2")

"""Symbolic links at the history's paths are refused, and nothing is changed through them.

A link at the database path (or its folder, its -wal/-shm/-journal files, an --out file) could
point at any file; the history used to chmod whatever it pointed to.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.errors import HistoryError
from massage_ctl.history import HistoryStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A file the user shares with others (0644), which a link will point at."""
    target = tmp_path / "shared.txt"
    target.write_text("family recipes\n", encoding="utf-8")
    target.chmod(0o644)
    return target


def test_a_link_at_the_database_path_is_refused_and_its_target_untouched(
    isolated_home: Path, shared: Path
) -> None:
    db = AppPaths.from_env().history_db
    db.symlink_to(shared)
    with pytest.raises(HistoryError) as info:
        HistoryStore(db)
    assert str(db) in str(info.value) and "symbolic link" in str(info.value)
    assert "MASSAGE_CTL_HOME" in (info.value.hint or "")
    assert _mode(shared) == 0o644
    assert shared.read_text(encoding="utf-8") == "family recipes\n"


def test_a_linked_history_folder_is_refused_and_its_target_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real-folder"
    real.mkdir()
    real.chmod(0o755)
    link = tmp_path / "linked-home"
    link.symlink_to(real)
    with pytest.raises(HistoryError, match="history folder is a symbolic link"):
        HistoryStore(link / "history.sqlite3")
    assert _mode(real) == 0o755
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_link_at_a_companion_file_is_refused(
    isolated_home: Path, shared: Path, suffix: str
) -> None:
    db = AppPaths.from_env().history_db
    Path(f"{db}{suffix}").symlink_to(shared)
    with pytest.raises(HistoryError, match=f"{suffix[1:]} file is a symbolic link"):
        HistoryStore(db)
    assert _mode(shared) == 0o644
    assert shared.read_text(encoding="utf-8") == "family recipes\n"


@pytest.mark.parametrize("command", [["history", "--json"], ["report"]])
def test_out_through_a_link_is_refused_naming_the_path(
    isolated_home: Path, shared: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    link = isolated_home / "export.out"
    link.symlink_to(shared)
    assert main([*command, "--out", str(link)]) == 1
    err = capsys.readouterr().err
    assert f"{link}: the output file is a symbolic link" in err and "Traceback" not in err
    assert _mode(shared) == 0o644
    assert shared.read_text(encoding="utf-8") == "family recipes\n"


def test_an_existing_out_file_is_made_private(isolated_home: Path) -> None:
    out = isolated_home / "old-export.json"
    out.write_text("{}", encoding="utf-8")
    out.chmod(0o644)
    assert main(["history", "--json", "--out", str(out)]) == 0
    assert _mode(out) == 0o600


def test_a_linked_database_does_not_stop_the_massage(
    isolated_home: Path, shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = AppPaths.from_env().history_db
    db.symlink_to(shared)
    assert main(["run", "quick-10-minute", "--device", "sim://pad?speed=max"]) == 0
    err = capsys.readouterr().err
    assert "not recorded in the history" in err and "symbolic link" in err
    assert _mode(shared) == 0o644

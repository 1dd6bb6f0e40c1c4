"""The built-in program library and ``load_program(id_or_path)``.

Built-in programs live in the installed package resource ``massage_ctl/programs`` (the wheel
maps the repository's ``programs/`` there); a source or editable checkout falls back to the
repository's top-level ``programs/`` directory. A program's id is its file stem.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from massage_ctl.errors import ProgramNotFoundError
from massage_ctl.program.definition import Program
from massage_ctl.program.loader import load_program_file


def builtin_program_dir() -> Path | None:
    """The directory holding the built-in ``*.toml`` programs, if there is one."""
    try:
        packaged = Path(str(resources.files("massage_ctl").joinpath("programs")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipped installs
        packaged = None
    if packaged is not None and packaged.is_dir():
        return packaged
    # src/massage_ctl/program/catalog.py → repository root is three levels up from the package.
    checkout = Path(__file__).resolve().parents[3] / "programs"
    return checkout if checkout.is_dir() else None


def builtin_program_ids() -> list[str]:
    """Ids (file stems) of the built-in programs, sorted."""
    directory = builtin_program_dir()
    if directory is None:
        return []
    return sorted(p.stem for p in directory.glob("*.toml"))


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or "\\" in text


def find_program_file(id_or_path: str | Path) -> Path:
    """The file behind a built-in id or a path; :class:`ProgramNotFoundError` if none."""
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or _looks_like_path(text):
        path = Path(text)
        if path.is_file():
            return path
        raise ProgramNotFoundError(
            "no such program file", path=text, hint="check the path, or give a built-in program id"
        )
    directory = builtin_program_dir()
    if directory is not None and (directory / f"{text}.toml").is_file():
        return directory / f"{text}.toml"
    ids = builtin_program_ids()
    close = difflib.get_close_matches(text, ids, n=3, cutoff=0.4)
    hint = ("did you mean: " + ", ".join(close) + "? ") if close else ""
    raise ProgramNotFoundError(
        f"no built-in program {text!r} and no file by that name",
        hint=hint + "`massage-ctl list` shows the built-in programs; a file path must end in .toml",
    )


def load_program(id_or_path: str | Path) -> Program:
    """A built-in program by id (e.g. ``trigger-point-lower-back``) or a ``.toml`` file."""
    return load_program_file(find_program_file(id_or_path))


def list_builtin_programs() -> list[Program]:
    """Every built-in program, sorted by id (raises ProgramError if one is invalid)."""
    directory = builtin_program_dir()
    if directory is None:
        return []
    programs = [load_program_file(p) for p in directory.glob("*.toml")]
    return sorted(programs, key=lambda p: p.id)

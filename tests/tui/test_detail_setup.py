"""The detail screen as a new user meets it (issue 11 §7): a program written for the gentle
profile opens with Gentle, phases are listed by their names, and what the compiler adjusted
is said right under Start."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import RadioSet, Static

from massage_ctl.program import load_program
from massage_ctl.tui.screens.detail import DetailScreen
from massage_ctl.tui.setup import recommended_safety

from .helpers import make_app, open_program


def _text(screen: object, selector: str) -> str:
    widget = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


@pytest.mark.parametrize(("program_id", "profile"),
                         [("gentle-sciatica", "gentle"), ("quick-10-minute", "standard")])
async def test_a_program_opens_with_the_profile_it_was_written_for(
    tmp_path: Path, program_id: str, profile: str
) -> None:
    app = make_app("sim://chair?speed=max", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_program(pilot, program_id)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.setup.safety.id == profile
        pressed = detail.query_one("#safety", RadioSet).pressed_button
        assert pressed is not None and pressed.name == profile
        assert detail.timeline is not None and detail.timeline.safety == profile


@pytest.mark.parametrize(
    ("program_id", "configured", "expected"),
    [
        ("gentle-sciatica", "standard", "gentle"),  # written for gentle (its tags say so)
        ("quick-10-minute", "standard", "standard"),
        ("quick-10-minute", "gentle", "gentle"),  # never looser than the user's choice
        ("quick-10-minute", "/somewhere/custom.toml", "standard"),
    ],
)
def test_recommended_safety(program_id: str, configured: str, expected: str) -> None:
    assert recommended_safety(load_program(program_id), configured) == expected


async def test_phases_are_listed_by_their_names(tmp_path: Path) -> None:
    app = make_app("sim://chair?speed=max", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_program(pilot, "gentle-sciatica")
        text = _text(app.screen, "#detail-text")
        assert "1. mild warmth" in text and "2. warm-up: very light strokes" in text
        assert "2. gentle" not in text


async def test_adjustments_are_said_under_start_before_the_chart(tmp_path: Path) -> None:
    # The pad has no heat and no thighs: the compiler skips the heat and remaps the zone.
    app = make_app("sim://pad?speed=max", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_program(pilot, "gentle-sciatica")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert "adjustments" in _text(detail, "#start-status")
        preview = _text(detail, "#preview")
        assert "no heat" in preview and "thighs" in preview
        assert preview.index("no heat") < preview.index("Preview: strength per zone")


def _with_hint(program_id: str, hint: str | None, tags: list[str] | None = None) -> object:
    program = load_program(program_id)
    update: dict[str, object] = {"recommended_safety": hint}
    if tags is not None:
        update["tags"] = tags
    return program.model_copy(update=update)


@pytest.mark.parametrize(
    ("hint", "tags", "configured", "expected"),
    [
        ("gentle", [], "standard", "gentle"),  # the author's hint, no tags needed
        ("standard", ["sciatica"], "standard", "standard"),  # the hint wins over the tags
        ("standard", [], "gentle", "gentle"),  # still never looser than the user's config
        (None, ["nerve-pain"], "standard", "gentle"),  # an older file: its tags decide
    ],
)
def test_recommended_safety_follows_the_programs_hint(
    hint: str | None, tags: list[str], configured: str, expected: str
) -> None:
    program = _with_hint("quick-10-minute", hint, tags)
    assert recommended_safety(program, configured) == expected  # type: ignore[arg-type]


def test_gentle_sciatica_declares_the_gentle_profile() -> None:
    assert load_program("gentle-sciatica").recommended_safety == "gentle"


def test_a_wrong_hint_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    from massage_ctl.errors import ProgramError

    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nname = "P"\ndescription = "d"\nrecommended_safety = "firm"\n'
                    '[[phases]]\ntechnique = "rest"\nduration = "1m"\n')
    with pytest.raises(ProgramError) as caught:
        load_program(str(path))
    assert caught.value.line == 4 and "recommended_safety" in str(caught.value)
    assert "'standard' or 'gentle'" in str(caught.value)

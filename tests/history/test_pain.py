"""The pain diary: asking for ratings, and ``massage-ctl pain``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from massage_ctl.cli.main import main
from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore, PainAnswer, ask_pain


def scripted(*answers: str) -> tuple[Callable[[str], str], list[str]]:
    prompts: list[str] = []
    queue = list(answers)

    def input_fn(prompt: str) -> str:
        prompts.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    return input_fn, prompts


def test_rating_and_note() -> None:
    input_fn, prompts = scripted("3", "  better than last week ")
    assert ask_pain("Pain after", input_fn) == PainAnswer(3, "better than last week")
    assert prompts[0].startswith("Pain after (0-10")


def test_invalid_answers_are_explained_then_asked_again() -> None:
    input_fn, _ = scripted("eleven", "11", "6", "")
    said: list[str] = []
    assert ask_pain("Pain", input_fn, output_fn=said.append) == PainAnswer(6, None)
    assert len(said) == 2 and all("0 to 10" in s for s in said)


@pytest.mark.parametrize("answers", [("",), (), ("x", "y", "z")])
def test_enter_end_of_input_or_three_bad_answers_skip(answers: tuple[str, ...]) -> None:
    input_fn, _ = scripted(*answers)
    assert ask_pain("Pain", input_fn, output_fn=lambda _: None) is None


def test_end_of_input_at_the_note_keeps_the_rating() -> None:
    input_fn, _ = scripted("2")
    assert ask_pain("Pain", input_fn) == PainAnswer(2, None)


def test_without_note_only_one_question() -> None:
    input_fn, prompts = scripted("5", "not asked")
    assert ask_pain("Pain", input_fn, with_note=False) == PainAnswer(5)
    assert len(prompts) == 1


def test_pain_command_records_a_day_rating(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pain", "4", "--note", "after gardening"]) == 0
    assert "Pain 4/10 recorded." in capsys.readouterr().out
    with HistoryStore(AppPaths.from_env().history_db) as store:
        (entry,) = store.pain_entries()
    assert (entry.rating, entry.note, entry.when, entry.session_id) == (
        4, "after gardening", "day", None)


def test_pain_command_links_to_a_session(capsys: pytest.CaptureFixture[str]) -> None:
    with HistoryStore(AppPaths.from_env().history_db) as store:
        sid = store.start_session("p", "0" * 64, "sim://chair", "standard", 1.0, 1)
    assert main(["pain", "2", "--session", str(sid)]) == 0
    with HistoryStore(AppPaths.from_env().history_db) as store:
        assert store.session(sid).pain_after == 2


def test_pain_command_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["pain", "12"])
    assert info.value.code == 2
    assert "0 to 10" in capsys.readouterr().err
    assert main(["pain", "3", "--session", "77"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("massage-ctl: error: no session with id 77")
    assert "Traceback" not in err

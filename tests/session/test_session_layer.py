"""The session layer both front ends run sessions through (session/): options compile as the
compiler does, the previewed timeline is what plays, and the pain ratings reach the history
the same way from ``massage-ctl run`` and from the terminal UI's session control."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

import pytest

from massage_ctl.cli.main import main
from massage_ctl.compiler import compile_program
from massage_ctl.config import AppPaths
from massage_ctl.devices import load_device_profile
from massage_ctl.history import HistoryStore
from massage_ctl.player.events import ProgressEvent
from massage_ctl.program import load_program
from massage_ctl.safety import BUILTIN_SAFETY, GENTLE
from massage_ctl.session import LiveSession, SessionOptions, asks_pain_after
from massage_ctl.timeline import Timeline
from massage_ctl.tui.controller import SessionController

PROGRAM = "quick-10-minute"
DEVICE = "sim://chair?speed=max"


def _options(**changes: object) -> SessionOptions:
    options = SessionOptions(
        program=load_program(PROGRAM), device_url=DEVICE, device=load_device_profile("chair"),
        safety=BUILTIN_SAFETY["standard"], minutes=10,
    )
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


def test_options_compile_as_the_compiler_does() -> None:
    options = _options(safety=GENTLE, intensity=0.5, exclude=("neck",))
    direct = compile_program(options.program, load_device_profile("chair"), GENTLE,
                             intensity=0.5, minutes=10, exclude=("neck",))
    assert options.compile().to_json_dict() == direct.to_json_dict()
    pad = load_device_profile("pad")
    assert options.compile(pad).device == pad.id  # for the device that answered


def test_options_without_a_device_say_so() -> None:
    with pytest.raises(ValueError, match="described itself"):
        _options(device=None).compile()


def _play(options: SessionOptions, **kwargs: object) -> list[Timeline]:
    compiled: list[Timeline] = []
    live = LiveSession(options, on_compiled=compiled.append, **kwargs)  # type: ignore[arg-type]
    live.start()
    result = live.runner.wait(60)
    assert result.outcome == "completed"
    return compiled


def test_what_plays_on_the_device_it_was_previewed_for_is_the_preview() -> None:
    options = _options()
    preview = options.compile()
    [played] = _play(options, preview=preview)
    assert played.to_json_dict() == preview.to_json_dict()


def test_another_device_answering_gets_its_own_timeline() -> None:
    # Previewed for the bed, but the chair answers: compiled again, for the chair.
    options = _options(device=load_device_profile("bed"))
    preview = options.compile()
    [played] = _play(options, preview=preview)
    assert played is not preview and played.device == "chair"


class _Recorder:
    def __init__(self, recording: bool) -> None:
        self.recording = recording
        self.error = None

    def add_pain_after(self, rating: int, note: str | None = None) -> None:
        raise AssertionError("not asked")

    def settle(self, timeout_s: float | None = None) -> None:
        pass


def test_the_pain_question_comes_only_after_a_session_the_history_keeps() -> None:
    assert asks_pain_after(_Recorder(True), started=True)
    assert not asks_pain_after(_Recorder(True), started=False)  # a refused start
    assert not asks_pain_after(_Recorder(False), started=True)  # the history lost it
    assert not asks_pain_after(None, started=True)  # no history at all


def _through_the_cli(before: int, after: int) -> None:
    code = main(["run", PROGRAM, "--device", DEVICE, "--minutes", "10",
                 "--pain-before", str(before), "--pain-after", str(after)])
    assert code == 0


def _through_the_ui(before: int, after: int) -> None:
    # The UI's session control, without a screen: what the app does on Start, on the
    # "finished" event and on the pain-after answer.
    with HistoryStore(AppPaths.from_env().history_db) as store:
        control = SessionController(store=store)
        finished = threading.Event()

        def heard(event: ProgressEvent) -> None:
            if event.kind == "finished":
                finished.set()

        options = _options()
        control.start(options, options.compile(), before, heard)
        assert control.active and control.runner is not None
        result = control.runner.wait(60)
        assert finished.is_set() and result.outcome == "completed"
        assert control.asks_pain_after()
        control.add_pain_after(after)
        control.settle(5.0)
        assert control.unrecorded is None


@pytest.mark.parametrize("front_end", [_through_the_cli, _through_the_ui],
                         ids=["cli", "ui"])
def test_the_ratings_reach_the_history_from_either_front_end(
    front_end: Callable[[int, int], None],
) -> None:
    front_end(6, 3)
    with HistoryStore(AppPaths.from_env().history_db) as store:
        [record] = store.sessions()
        pain = store.pain_entries()
    assert (record.outcome, record.pain_before, record.pain_after) == ("completed", 6, 3)
    assert record.device == DEVICE
    assert sorted((p.when, p.rating, p.session_id) for p in pain) == [
        ("after", 3, record.id), ("before", 6, record.id)
    ]


def test_the_ui_control_stops_and_says_when_nothing_runs() -> None:
    control = SessionController()
    assert not control.stop() and not control.active and control.last_event is None
    options = _options(device_url="sim://chair?speed=2")
    control.start(options, options.compile(), None, lambda _event: None)
    with pytest.raises(RuntimeError, match="already running"):
        control.start(options, options.compile(), None, lambda _event: None)
    assert control.stop()
    runner = control.runner
    assert runner is not None
    runner.wait(30)
    ending = control.ending(runner)
    assert ending is not None and ending.failed is None and ending.stop_confirmed
    assert not control.active and not control.asks_pain_after()  # no history: no question

"""``massage-ctl favourite add|remove|list [--json]`` and ``massage-ctl run --again [ID]``."""

from __future__ import annotations

import json
from collections.abc import Callable

from massage_ctl.config import AppPaths
from massage_ctl.history import HistoryStore

from .conftest import Result

Cli = Callable[..., Result]
PAD = "sim://pad?speed=max"


def _sessions() -> list[tuple[str, str, float, float | None, str | None, str]]:
    with HistoryStore(AppPaths.from_env().history_db) as store:
        rows = store.connection.read(
            "test", "SELECT program_id, safety, intensity, minutes, exclude, device "
            "FROM sessions ORDER BY id")
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_favourites_are_added_listed_as_json_and_removed(cli: Cli) -> None:
    assert cli("favourite", "add", "gentle-sciatica").out.strip() == (
        "gentle-sciatica is now a favourite.")
    assert "already" in cli("favourite", "add", "gentle-sciatica").out
    cli("favourite", "add", "swedish-full-back")
    listed = json.loads(cli("favourite", "list", "--json").out)
    assert [f["id"] for f in listed["favourites"]] == ["gentle-sciatica", "swedish-full-back"]
    assert listed["favourites"][0]["name"] == "Gentle, nerve-safe (sciatica)"
    assert listed["recent"] == []
    assert "no longer a favourite" in cli("favourite", "remove", "gentle-sciatica").out
    assert "was not a favourite" in cli("favourite", "remove", "gentle-sciatica").out
    text = cli("favourite").out  # list is the default
    assert "★ swedish-full-back" in text and "gentle-sciatica" not in text


def test_an_unknown_program_cannot_be_a_favourite(cli: Cli) -> None:
    result = cli("favourite", "add", "no-such-program")
    assert result.code == 1
    assert "no built-in program 'no-such-program'" in result.err
    assert "Traceback" not in result.err


def test_recently_used_programs_are_listed_after_the_favourites(cli: Cli) -> None:
    assert cli("run", "quick-10-minute", "--device", PAD, "--pain-after", "3").code == 0
    listed = json.loads(cli("favourite", "list", "--json").out)
    assert listed == {"favourites": [], "recent": [
        {"id": "quick-10-minute", "name": listed["recent"][0]["name"]}]}
    assert "↺ quick-10-minute (recently used)" in cli("favourite", "list").out


def test_run_again_repeats_the_latest_session_with_its_whole_set_up(cli: Cli) -> None:
    first = cli("run", "quick-10-minute", "--device", PAD, "--safety", "gentle",
                "--intensity", "0.5", "--minutes", "8", "--exclude", "hips",
                "--pain-after", "3")
    assert first.code == 0, first.err
    again = cli("run", "--again", "--pain-after", "2")
    assert again.code == 0, again.err
    assert again.out.startswith(
        "Running again (the latest session): quick-10-minute on sim://pad?speed=max, gentle "
        "profile, 50 %, 8 min, avoiding hips.")
    one, two = _sessions()
    assert one == two == ("quick-10-minute", "gentle", 0.5, 8.0, '["hips"]', PAD)


def test_run_again_by_id_and_an_option_given_wins(cli: Cli) -> None:
    cli("run", "quick-10-minute", "--device", PAD, "--safety", "gentle", "--pain-after", "3")
    cli("run", "relaxation-sleep", "--device", PAD, "--minutes", "10", "--pain-after", "3")
    again = cli("run", "--again", "1", "--intensity", "0.4", "--pain-after", "2")
    assert again.code == 0, again.err
    assert _sessions()[-1][:3] == ("quick-10-minute", "gentle", 0.4)


def test_run_again_without_sessions_or_with_an_unknown_id_says_so(cli: Cli) -> None:
    none = cli("run", "--again")
    assert none.code == 1 and "no sessions in the history yet" in none.err
    cli("run", "quick-10-minute", "--device", PAD, "--pain-after", "3")
    missing = cli("run", "--again", "7")
    assert missing.code == 1 and "no session with id 7" in missing.err
    assert "massage-ctl history" in missing.err


def test_run_needs_a_program_or_again_not_both(cli: Cli) -> None:
    neither = cli("run")
    assert neither.code == 2 and "give a PROGRAM, or --again" in neither.err
    both = cli("run", "quick-10-minute", "--again")
    assert both.code == 2
    bad = cli("run", "--again", "abc")
    assert bad.code == 2 and "is not a session id" in bad.err

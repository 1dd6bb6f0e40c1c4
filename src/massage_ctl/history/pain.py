"""Asking for a pain rating: helpers for ``massage-ctl run`` and the TUI.

``run`` takes ``--pain-before N`` / ``--pain-after N`` (parsed with :func:`parse_pain_rating`;
the argparse type is in ``cli/history_args.py``) and, only when interactive
(:func:`is_interactive`), asks after the session with :func:`ask_pain`. Input and output
functions are passed in, so tests need no terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from massage_ctl.history.store import MAX_NOTE_CHARS

PAIN_SCALE_HINT = "0 = no pain, 10 = worst pain imaginable"
_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class PainAnswer:
    """A rating 0–10 and an optional short note, as the user typed them."""

    rating: int
    note: str | None = None


def parse_pain_rating(text: str) -> int:
    """``"4"`` → 4. Raises ValueError with a readable message unless a whole number 0–10."""
    value = text.strip()
    if not value.isdigit() or not 0 <= int(value) <= 10:
        raise ValueError(f"pain rating must be a whole number from 0 to 10 ({PAIN_SCALE_HINT})")
    return int(value)


def is_interactive() -> bool:
    """True when both stdin and stdout are terminals (only then may we ask questions)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask_pain(
    prompt: str = "Pain now",
    input_fn: Callable[[str], str] = input,
    *,
    output_fn: Callable[[str], None] = print,
    with_note: bool = True,
) -> PainAnswer | None:
    """Ask for a 0–10 rating (then, if given, an optional short note).

    An empty answer, end of input or Ctrl-C skips (returns None): a diary entry is never
    forced. An invalid answer is explained and asked again, up to three times.
    """
    rating: int | None = None
    try:
        for _ in range(_ATTEMPTS):
            answer = input_fn(f"{prompt} (0-10, Enter to skip): ")
            if not answer.strip():
                return None
            try:
                rating = parse_pain_rating(answer)
                break
            except ValueError as err:
                output_fn(str(err))
        if rating is None:
            return None
        note: str | None = None
        if with_note:
            note = input_fn("Short note (Enter to skip): ").strip()[:MAX_NOTE_CHARS] or None
    except (EOFError, KeyboardInterrupt):
        return None if rating is None else PainAnswer(rating)
    return PainAnswer(rating, note)

"""Library filters: body areas and conditions a home user thinks in, mapped onto program tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massage_ctl.program import Program

#: (label, tags any of which matches). Order is the order shown.
BODY_AREAS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Lower back", frozenset({"lower-back", "hips"})),
    ("Neck & shoulders", frozenset({"neck", "shoulders"})),
    ("Upper & mid back", frozenset({"upper-back", "mid-back"})),
    ("Whole back", frozenset({"full-back"})),
    ("Legs", frozenset({"legs", "thighs", "calves", "feet"})),
)

CONDITIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Sciatica / nerve pain", frozenset({"sciatica", "nerve-pain", "gentle"})),
    ("Stress / sleep", frozenset({"stress", "sleep", "relaxation"})),
    ("Knots & spasms", frozenset({"trigger-points", "spasm", "neuromuscular", "deep-tissue"})),
    ("Stiffness", frozenset({"stiffness", "myofascial", "chronic-pain"})),
    ("Headache", frozenset({"headache"})),
    ("After sport", frozenset({"sport", "recovery"})),
)


def matches(program: Program, *, area: str | None, condition: str | None, text: str) -> bool:
    """True when the program fits the chosen area, condition and search text."""
    tags = set(program.tags)
    if area is not None and not tags & dict(BODY_AREAS)[area]:
        return False
    if condition is not None and not tags & dict(CONDITIONS)[condition]:
        return False
    needle = text.strip().lower()
    if needle:
        haystack = " ".join([program.id, program.name, *program.tags]).lower()
        return all(word in haystack for word in needle.split())
    return True


def body_areas_of(program: Program) -> str:
    """Short body-area summary for the library table."""
    names = [label for label, tags in BODY_AREAS if set(program.tags) & tags]
    return ", ".join(names) if names else "—"

"""What a safety profile file may call itself: never the name of a built-in profile.

The profile's id is recorded in the session history and shown to the user's healthcare
provider, so a file based on ``standard`` that calls itself ``gentle`` would make a deep-tissue
session read as a nerve-safe one. So (docs/SAFETY.md, "Safety profile files"):

* a file's profile id is always ``OWN (based on BASE)`` — e.g. ``my-back (based on standard)``
  — so it says what it is derived from and can never equal ``standard`` or ``gentle``;
* ``OWN`` (the file's ``id``, else its file stem) and the file's ``name`` are refused when they
  *look like* a built-in name: compared after Unicode compatibility folding (NFKC), case
  folding, dropping everything but letters and digits, and mapping look-alike characters
  (digits such as ``1`` for ``l``, Cyrillic and Greek letters that look Latin) to Latin ones.

:func:`skeleton` and :func:`impersonates` are pure, so they are property-tested.
"""

from __future__ import annotations

import unicodedata

#: The built-in profile names no file may take (kept here, not imported, to stay pure).
RESERVED: tuple[str, ...] = ("standard", "gentle")

# Characters people (or attackers) use for Latin letters. Digits and symbols that read as
# letters, and the Cyrillic/Greek letters that render like Latin ones in common fonts.
_LOOKALIKE = str.maketrans(
    {
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
        "|": "l", "!": "l", "@": "a", "$": "s",
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
        "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ⅼ": "l",
        "α": "a", "ε": "e", "ο": "o", "ρ": "p", "τ": "t", "ν": "v", "ι": "i", "κ": "k",
        "η": "n", "т": "t", "н": "h", "к": "k", "м": "m", "в": "b", "г": "r", "ԍ": "g",
    }
)
#: What each built-in profile can be read as: its name, and words of its display name.
_READINGS: dict[str, tuple[str, ...]] = {
    "standard": ("standard",),
    "gentle": ("gentle", "nervesafe"),
}
#: The built-ins' display names, read whole ("Gentle (nerve-safe)").
_DISPLAY_NAMES = {"gentlenervesafe": "gentle", "nervesafegentle": "gentle"}
#: A character the table does not know (Cherokee Ꮐ, …) may stand for any letter, but a reading
#: needs mostly real matches, so names in other scripts are not refused wholesale.
_MAX_UNKNOWN = 2


def skeleton(text: str) -> str:
    """``text`` reduced to what a reader sees: folded, letters/digits only, look-alikes Latin."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKE)
    # Drop combining marks too ("gentlé" reads as gentle), after decomposing.
    decomposed = unicodedata.normalize("NFKD", folded)
    kept = "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))
    return kept.translate(_LOOKALIKE)


def _reads_as(seen: str, word: str) -> bool:
    """True when ``word`` appears in ``seen``, where non-ASCII characters match any letter."""
    for start in range(len(seen) - len(word) + 1):
        unknown = 0
        for offset, want in enumerate(word):
            ch = seen[start + offset]
            if ch == want:
                continue
            if ch.isascii():
                break
            unknown += 1
        else:
            if unknown <= _MAX_UNKNOWN:
                return True
    return False


def impersonates(text: str, *, base: str | None = None) -> str | None:
    """The built-in profile ``text`` could be read as (``"gentle"``), or None.

    Refused: a name that reads as a built-in name outright (``Gentle``, ``g e n t l e``,
    ``gеntle`` with a Cyrillic е, ``ｇｅｎｔｌｅ``), and a name that mentions a built-in other
    than ``base`` (``gentle-neck`` based on ``standard``). Mentioning its own base is truthful
    (``gentle-neck`` based on ``gentle``) and allowed.
    """
    seen = skeleton(text)
    if seen in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[seen]
    for name, readings in _READINGS.items():
        for word in readings:
            if seen == word or (_reads_as(seen, word) and (name != base or len(seen) == len(word))):
                return name
    return None


def derived_id(own: str, base: str) -> str:
    """The id a file profile is recorded under: ``own (based on base)``."""
    return f"{own} (based on {base})"

"""Building blocks the techniques share (not techniques themselves).

* :mod:`.common` — one press, one stroke, the channels that act on a point;
* :mod:`.presses` — a phase filled with whole rounds of presses (fitting, sides, holds);
* :mod:`.strokes` — stroke windows and sides taking turns.
"""

"""How channels move: what the technique modules build their phases from.

* :mod:`.builder` — a channel's track: caps, ramp limits, rhythms, the frame-budget gap;
* :mod:`.devicemap` — a device's channels per body zone (sides, the roller's reach);
* :mod:`.expansion` — the compilation's shared state and the phase being expanded;

* :mod:`.common` — one press, one stroke, the channels that act on a point;
* :mod:`.presses` — a phase filled with whole rounds of presses (fitting, sides, holds);
* :mod:`.strokes` — stroke windows and sides taking turns.
"""

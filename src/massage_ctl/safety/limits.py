"""The fixed numbers of the safety rules that are not a profile's to choose (docs/SAFETY.md).

The profile numbers (caps, ramp limits, hold limits, heat ceiling, session length) live in
:mod:`.profile`; the compiler's hard rules in :mod:`.rules`; the release gate's invariants in
:mod:`.checks`. These are the rest: how a session eases in and out (compiler layer) and what the
player's guard (the second layer, whose loop is ``player/guard.py``) allows and tolerates.
"""

from __future__ import annotations

# --- Compiler: a session starts and ends gently ------------------------------------------------
#: A first/last massage phase at or below this intensity (or gentle/relaxation) needs no
#: warm-up/cool-down.
GENTLE_START_INTENSITY = 0.3
#: Intensity of the light rocking warm-up and cool-down.
WARM_UP_INTENSITY = 0.25
COOL_DOWN_INTENSITY = 0.2
#: Longest warm-up or cool-down (ms); 10 % of the session when that is shorter.
ENVELOPE_MS = 60_000

# --- Player guard -------------------------------------------------------------------------------
#: Kinds whose envelope is an intensity (scaled by the live intensity, capped by the profile).
INTENSITY_KINDS: frozenset[str] = frozenset({"vibration", "pressure", "roller"})
#: Longest ramp the guard lets through (the wire carries u32 ms; an hour is plenty).
MAX_RAMP_MS = 3_600_000
#: Largest live-intensity factor (intensity 1.0 over a timeline compiled at 0.1); caps still hold.
MAX_SCALE = 10.0
#: Telemetry disagreeing with the model by more than this share of the range (plus what the
#: channel can move in REPORT_AGE_S) means the device is not where the guard thinks.
REPORT_TOLERANCE_FRACTION = 0.03
#: Oldest a status report can be when it arrives (10 Hz status plus transit), seconds.
REPORT_AGE_S = 0.25
#: An air cell reports its pressure, which lags its drive (the ramp the device runs) by up to
#: the ramp rate × about this long (seconds; a 0.8 s first-order lag in the simulator).
PRESSURE_LAG_S = 1.0
#: Two reports of a channel closer than this mean it holds still (not rising, not falling).
TREND_EPS = 1e-4
#: A ramp slowed by less than this (ms, or share of the ramp) is not reported as a warning.
WARN_SLOWER_MS = 250
WARN_SLOWER_SHARE = 0.25

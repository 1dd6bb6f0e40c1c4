"""The player guard — safety layer 2 (docs/SAFETY.md): every outgoing setpoint is checked again.

The compiler already produced a safe timeline, but the player changes things at run time (live
intensity, pause/resume ramps, skip) and a timeline may come from elsewhere. The guard sits
between the player and the link and makes sure nothing above the *active limits* is ever sent:

* value cap = device hard max ∩ timeline channel cap ∩ safety profile cap (``max_intensity``
  for vibration/pressure/roller, ``heat_max_c`` for heat; a roller *position* is not an
  intensity and is capped by the device only);
* ramp rate = device ``max_ramp_per_s`` ∩ safety ``max_ramp_per_s`` (intensity channels),
  judged from the value the channel may have *when the setpoint lands*. The guard's own model
  of what it commanded is the first estimate; because setpoints are not acknowledged, it is
  widened by (a) the *delivery slack* — how long the link may hold a setpoint back (frame
  budget, heartbeat slot) while a ramp in progress goes on — and (b) telemetry, always: a
  lost frame leaves the device on an older command while its reports may still look
  plausible to the model, so the start may also be anywhere the device can have moved to
  since its last report (in the direction it was going). The farthest plausible start from
  the new target decides the ramp time, so no plausible start makes the change too fast;
* patterns: unsupported → ``steady``; percussion (``tap``, fast ``pulse``) under a profile
  that forbids it → ``steady`` / slowed pulse; rhythm rate within the channel's range;
* the live intensity scale multiplies intensity channels and can never push past a cap.

The guard never refuses a setpoint (which could leave a channel where it was); it *clamps* and
records a warning. Only a channel the device does not have is an error.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from massage_ctl.devices import ChannelSpec, DeviceProfile
from massage_ctl.errors import SafetyError
from massage_ctl.link.api import ChannelSetpoint
from massage_ctl.safety import SafetyProfile
from massage_ctl.safety.limits import (
    INTENSITY_KINDS,
    MAX_RAMP_MS,
    MAX_SCALE,
    PRESSURE_LAG_S,
    REPORT_AGE_S,
    REPORT_TOLERANCE_FRACTION,
    TREND_EPS,
    WARN_SLOWER_MS,
    WARN_SLOWER_SHARE,
)
from massage_ctl.timeline import Timeline

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """The active limits of one channel (what the guard enforces)."""

    cap: float
    ramp_per_s: float
    scaled: bool  # whether the live intensity scale applies
    patterns: tuple[str, ...]
    rate_hz: tuple[float, float]
    percussion_allowed: bool
    percussion_pulse_hz: float
    lag_s: float = 0.0  # how far (in time at the ramp rate) a report may trail the drive


def channel_limits(
    spec: ChannelSpec, safety: SafetyProfile, timeline_cap: float | None = None
) -> ChannelLimits:
    """Intersect device, safety profile and (optionally) timeline limits for one channel."""
    cap = spec.hard_max
    ramp = spec.max_ramp_per_s
    if spec.kind in INTENSITY_KINDS:
        cap = min(cap, safety.max_intensity)
        ramp = min(ramp, safety.max_ramp_per_s)
    elif spec.kind == "heat":
        cap = min(cap, safety.heat_max_c)
    if timeline_cap is not None:
        cap = min(cap, timeline_cap)
    return ChannelLimits(
        cap=max(0.0, cap),
        ramp_per_s=ramp,
        scaled=spec.kind in INTENSITY_KINDS,
        patterns=tuple(spec.patterns),
        rate_hz=spec.rate_hz,
        percussion_allowed=safety.percussion_allowed,
        percussion_pulse_hz=safety.percussion_pulse_hz,
        lag_s=PRESSURE_LAG_S if spec.kind == "pressure" else 0.0,
    )


def timeline_caps(timeline: Timeline) -> dict[str, float]:
    """The program's own caps per channel, for :class:`Guard`.

    The compiler lists ``TimelineChannel.max`` *after* applying ``--intensity``; the live intensity
    may go back up to 1.0, so intensity channels get that scale divided out again (the safety
    profile and the device still cap them independently).
    """
    scale = timeline.intensity if timeline.intensity > 0 else 1.0
    return {
        c.id: c.max / scale if c.kind in INTENSITY_KINDS else c.max for c in timeline.channels
    }


@dataclass(slots=True)
class _Course:
    """What the guard last commanded on one channel, with what it cannot know.

    The command was sent at ``start_ms`` and lands on the device up to ``slack_ms`` later; at
    that moment the channel was somewhere in ``[lo, hi]``. From there it moves linearly to
    ``target`` over ``ramp_ms``. :meth:`band` gives every value the channel can have at a time.
    """

    lo: float = 0.0
    hi: float = 0.0
    start_ms: float = 0.0
    target: float = 0.0
    ramp_ms: float = 0.0
    slack_ms: float = 0.0

    def _at(self, start: float, arrival_ms: float, t_ms: float) -> float:
        if t_ms < arrival_ms:
            return start
        if self.ramp_ms <= 0:
            return self.target
        frac = min(1.0, (t_ms - arrival_ms) / self.ramp_ms)
        return start + (self.target - start) * frac

    def band(self, t_ms: float) -> tuple[float, float]:
        """Lowest and highest value the channel can have at ``t_ms``."""
        # The extremes over both start values and both arrival times. Called for every channel
        # on every STATUS, so spelled out: a settled channel (lo == hi) needs two of the four.
        at, early, late = self._at, self.start_ms, self.start_ms + self.slack_ms
        ramp, target = self.ramp_ms, self.target
        if t_ms >= late and (ramp <= 0 or t_ms - late >= ramp):
            # Settled (the usual case): both arrivals are done ramping, so each start value
            # gives what _at gives with frac = 1.0 — the same arithmetic, the same floats.
            if ramp <= 0:
                return target, target
            a, b = self.lo + (target - self.lo), self.hi + (target - self.hi)
            return (a, b) if a <= b else (b, a)
        lo_early, lo_late = at(self.lo, early, t_ms), at(self.lo, late, t_ms)
        if self.hi == self.lo:
            return min(lo_early, lo_late), max(lo_early, lo_late)
        hi_early, hi_late = at(self.hi, early, t_ms), at(self.hi, late, t_ms)
        return (
            min(lo_early, lo_late, hi_early, hi_late),
            max(lo_early, lo_late, hi_early, hi_late),
        )

    def span(self, t0_ms: float, t1_ms: float) -> tuple[float, float]:
        """``(min, max)`` of :meth:`band` at ``t0_ms`` and at ``t1_ms`` — the same floats.

        The telemetry check asks this for a ramping channel on every STATUS, so it is one
        straight-line pass over the eight (start value, arrival, time) combinations.
        """
        lo, hi, target, ramp = self.lo, self.hi, self.target, self.ramp_ms
        early = self.start_ms
        late = early + self.slack_ms
        if ramp > 0 and t0_ms <= t1_ms and early <= late:
            # The usual (ramping) case, in four values instead of eight. The fraction of the
            # ramp done grows with the time and shrinks with the arrival (and "not landed" is
            # fraction 0), and a start value's position is monotone in the fraction — float
            # rounding keeps all of that monotone — so the extremes of the eight are among the
            # least fraction (t0, late) and the greatest (t1, early), computed as below.
            if t0_ms < late:
                a0, b0 = lo, hi
            else:
                frac = min(1.0, (t0_ms - late) / ramp)
                a0, b0 = lo + (target - lo) * frac, hi + (target - hi) * frac
            if t1_ms < early:
                a1, b1 = lo, hi
            else:
                frac = min(1.0, (t1_ms - early) / ramp)
                a1, b1 = lo + (target - lo) * frac, hi + (target - hi) * frac
            return min(a0, b0, a1, b1), max(a0, b0, a1, b1)
        low, high = math.inf, -math.inf
        for t_ms in (t0_ms, t1_ms):
            for arrival in (early, late):
                if t_ms < arrival:  # not landed yet: still at its start value
                    a, b = lo, hi
                elif ramp <= 0:
                    a = b = target
                else:
                    frac = min(1.0, (t_ms - arrival) / ramp)
                    a, b = lo + (target - lo) * frac, hi + (target - hi) * frac
                if a > b:
                    a, b = b, a
                if a < low:
                    low = a
                if b > high:
                    high = b
        return low, high

    def value_at(self, t_ms: float) -> float:
        """The middle of :meth:`band` — the guard's best single estimate."""
        low, high = self.band(t_ms)
        return (low + high) / 2.0


class Guard:
    """Re-checks every outgoing setpoint against the active limits; clamps and warns.

    ``timeline_caps`` maps channel id → the timeline's effective cap (``TimelineChannel.max``).
    Call :meth:`apply` for each setpoint about to be sent (it updates the guard's model of the
    channel), :meth:`reset` after a STOP (every output is then zero).
    """

    def __init__(
        self,
        device: DeviceProfile,
        safety: SafetyProfile,
        timeline_caps: Mapping[str, float] | None = None,
    ) -> None:
        caps = timeline_caps or {}
        self.limits: dict[str, ChannelLimits] = {
            spec.id: channel_limits(spec, safety, caps.get(spec.id)) for spec in device.channels
        }
        self._courses: dict[str, _Course] = {cid: _Course() for cid in self.limits}
        self._warnings: Counter[str] = Counter()
        #: How long (ms) the link may hold a setpoint back before the device acts on it.
        self.delivery_slack_ms = 0.0
        self._reported: dict[str, tuple[float, float]] = {}  # channel → (value, t_ms)
        # The last report per channel, kept across commands: whatever the model says, the device
        # had that value then (:meth:`_plausible`). With it the way the device was going by the
        # report before: (value, t_ms, may rise, may fall) — a ramp keeps its direction.
        self._last_report: dict[str, tuple[float, float, bool, bool]] = {}
        # channel → (course, limits, value, settled_ms): the report ``value`` was found
        # plausible for ``course``, which holds still from ``settled_ms`` on; until the course,
        # the limits or the value change, later reports get the same answer (:meth:`disagrees`).
        self._agreed: dict[str, tuple[_Course, ChannelLimits, float, float]] = {}

    # -- model ------------------------------------------------------------------------------
    def value_at(self, channel: str, t_ms: float) -> float:
        """The value the guard believes ``channel`` has at ``t_ms``."""
        return self._courses[channel].value_at(t_ms)

    def target_of(self, channel: str) -> float:
        """The value ``channel`` is heading to (last guarded target)."""
        return self._courses[channel].target

    def reset(self, t_ms: float = 0.0) -> None:
        """Every output is at zero now (after a STOP, a fault or a fresh start)."""
        for cid in self._courses:
            self._courses[cid] = _Course(0.0, 0.0, t_ms, 0.0, 0.0)
        self._reported.clear()
        self._last_report.clear()

    def observe(self, actual: Mapping[str, float], t_ms: float) -> None:
        """Telemetry: the device reported these actual values (received at ``t_ms``)."""
        courses, reported, isfinite = self._courses, self._reported, math.isfinite
        last = self._last_report
        for channel, value in actual.items():  # 10 Hz × every channel: locals, no lookups
            if channel in courses and isfinite(value):
                reported[channel] = (value, t_ms)
                before = last.get(channel)
                if before is None:  # the way it goes is not known yet
                    last[channel] = (value, t_ms, True, True)
                else:
                    last[channel] = (
                        value, t_ms, value > before[0] + TREND_EPS, value < before[0] - TREND_EPS
                    )

    def _tolerance(self, lim: ChannelLimits) -> float:
        # A report is up to one status period plus transit old, and air cells lag their drive.
        return REPORT_TOLERANCE_FRACTION * max(lim.cap, 1.0) + lim.ramp_per_s * REPORT_AGE_S

    def disagrees(self, channel: str, t_ms: float) -> bool:
        """True when the device's last report lies outside every value the guard thinks it can
        have (typically a lost setpoint frame); the player then re-sends that channel's command."""
        rep = self._reported.get(channel)
        lim = self.limits.get(channel)
        if rep is None or lim is None:
            return False
        seen, seen_ms = rep
        course = self._courses[channel]
        since_ms = seen_ms - REPORT_AGE_S * 1000.0
        # Every STATUS asks this for every channel; mostly nothing moved. A settled course has
        # one band for all later times, so the same report value gets the same answer.
        agreed = self._agreed.get(channel)
        if (
            agreed is not None and agreed[0] is course and agreed[1] is lim
            and agreed[2] == seen and since_ms >= agreed[3]
        ):
            return False
        low, high = course.span(since_ms, seen_ms)
        tolerance = self._tolerance(lim)
        if low - tolerance <= seen <= high + tolerance:
            settled_ms = course.start_ms + course.slack_ms + max(course.ramp_ms, 0.0)
            if since_ms >= settled_ms:
                self._agreed[channel] = (course, lim, seen, settled_ms)
            return False
        return True

    def _plausible(self, channel: str, t_ms: float, lim: ChannelLimits) -> tuple[float, float]:
        """Every value ``channel`` may have when a setpoint sent now lands (see module doc)."""
        course = self._courses[channel]
        low, high = course.band(t_ms)
        low2, high2 = course.band(t_ms + self.delivery_slack_ms)
        low, high = min(low, low2), max(high, high2)
        rep = self._last_report.get(channel)
        if rep is not None:
            # The model assumes every frame arrived. A lost one leaves the device on an older
            # command, and its reports may still look plausible for a while (the tolerance, a
            # ramp not landed yet) — so a report *agreeing* with the model proves nothing. What
            # holds either way: the device had the reported value at most REPORT_AGE_S before the
            # report and moves no faster than the limit since, on in the way it was going. The
            # band holds the report itself always; the drift only where the device goes a way
            # the model does not (a channel the model has rising is covered by the model).
            seen, seen_ms, rising, falling = rep
            if self.disagrees(channel, t_ms):  # not following the model: either way, as before
                rising = falling = True
            else:
                rising = rising and not course.target > low
                falling = falling and not course.target < high
            drift = lim.ramp_per_s * (
                max(0.0, t_ms - seen_ms) / 1000.0 + REPORT_AGE_S + self.delivery_slack_ms / 1000.0
            )
            # An air cell's drive runs ahead of the pressure it reports: above it while filling,
            # below it while emptying.
            lag = lim.ramp_per_s * lim.lag_s
            top = max(seen, lim.cap)  # a device never goes above its cap by itself
            low = min(low, max(0.0, seen - drift - lag) if falling else seen)
            high = max(high, min(seen + drift + lag, top) if rising else seen)
        return low, high

    # -- checking ---------------------------------------------------------------------------
    def apply(self, sp: ChannelSetpoint, t_ms: float, scale: float = 1.0) -> ChannelSetpoint:
        """The safe version of ``sp`` sent at ``t_ms`` with live intensity ``scale``.

        Raises :class:`SafetyError` only for a channel the device does not have.
        """
        lim = self.limits.get(sp.channel)
        if lim is None:
            raise SafetyError(
                f"setpoint for unknown channel {sp.channel!r}",
                hint="the timeline was compiled for another device; compile it for this one",
            )
        value = sp.value
        if not math.isfinite(value):
            self._warn(f"{sp.channel}: invalid value {value!r} replaced by 0")
            value = 0.0
        if lim.scaled:
            value *= min(max(scale, 0.0), MAX_SCALE) if math.isfinite(scale) else 0.0
        if value > lim.cap + _EPS:
            self._warn(f"{sp.channel}: {value:.3g} clamped to the cap {lim.cap:.3g}")
            value = lim.cap
        value = max(0.0, min(value, lim.cap))

        modelled = self.value_at(sp.channel, t_ms)
        low, high = self._plausible(sp.channel, t_ms, lim)
        current = low if abs(value - low) >= abs(value - high) else high
        ramp_ms = max(0, int(sp.ramp_ms))
        needed_ms = math.ceil(abs(value - current) / lim.ramp_per_s * 1000.0 - 1e-6)
        # Only a ramp too fast by the guard's own model is worth a word to the user; the extra
        # margin for delivery and telemetry is routine.
        model_needed_ms = math.ceil(abs(value - modelled) / lim.ramp_per_s * 1000.0 - 1e-6)
        if needed_ms > MAX_RAMP_MS:
            # Even the longest ramp would be too fast: go only as far as the limit allows.
            step = lim.ramp_per_s * MAX_RAMP_MS / 1000.0
            value = current + step if value > current else current - step
            value = max(0.0, min(value, lim.cap))
            needed_ms = MAX_RAMP_MS
            self._warn(f"{sp.channel}: change too large for one ramp; target shortened")
        if ramp_ms < needed_ms:
            # Dispatch lateness trims a few percent off a ramp now and then; only a change
            # the user would notice is worth a word.
            if model_needed_ms - ramp_ms > max(WARN_SLOWER_MS, WARN_SLOWER_SHARE * ramp_ms):
                self._warn(f"{sp.channel}: ramp slowed to the safe rate {lim.ramp_per_s:g}/s")
            ramp_ms = needed_ms
        ramp_ms = min(ramp_ms, MAX_RAMP_MS)

        pattern, rate = self._rhythm(sp, lim)
        self._courses[sp.channel] = _Course(
            low, high, t_ms, value, float(ramp_ms), self.delivery_slack_ms
        )
        self._reported.pop(sp.channel, None)
        return ChannelSetpoint(sp.channel, value, ramp_ms, pattern, rate)  # type: ignore[arg-type]

    def _rhythm(self, sp: ChannelSetpoint, lim: ChannelLimits) -> tuple[str, float]:
        pattern: str = sp.pattern
        rate = sp.rate_hz if math.isfinite(sp.rate_hz) else 0.0
        if pattern not in lim.patterns:
            self._warn(f"{sp.channel}: pattern {pattern!r} not supported, using steady")
            pattern = "steady"
        if pattern == "steady":
            return pattern, 0.0
        lo, hi = lim.rate_hz
        rate = min(max(rate, lo), hi)
        if not lim.percussion_allowed:
            if pattern == "tap":
                self._warn(f"{sp.channel}: tapping is not allowed by this profile")
                return "steady", 0.0
            if pattern == "pulse" and rate > lim.percussion_pulse_hz:
                if lo > lim.percussion_pulse_hz:  # the device cannot pulse slowly enough
                    self._warn(f"{sp.channel}: fast pulsing is not allowed, using steady")
                    return "steady", 0.0
                self._warn(f"{sp.channel}: pulse slowed to {lim.percussion_pulse_hz:g} Hz")
                rate = lim.percussion_pulse_hz
        return pattern, rate

    # -- warnings ---------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self._warnings[message] += 1

    @property
    def warnings(self) -> list[str]:
        """Distinct warnings so far, with how often each happened."""
        return [m if n == 1 else f"{m} ({n}×)" for m, n in self._warnings.items()]

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


@dataclass(frozen=True)
class ChannelLimits:
    """The active limits of one channel (what the guard enforces; read-only, so that nothing
    loosens them during a session)."""

    cap: float
    ramp_per_s: float
    scaled: bool  # whether the live intensity scale applies
    patterns: tuple[str, ...]
    rate_hz: tuple[float, float]
    percussion_allowed: bool
    percussion_pulse_hz: float
    lag_s: float  # how far (in time at the ramp rate) a report may trail the drive


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


@dataclass
class _Course:
    """What the guard last commanded on one channel, with what it cannot know.

    The command was sent at ``start_ms`` and lands on the device up to ``slack_ms`` later; at
    that moment the channel was somewhere in ``[lo, hi]``. From there it moves linearly to
    ``target`` over ``ramp_ms``. :meth:`band` gives every value the channel can have at a time.
    """

    lo: float
    hi: float
    start_ms: float
    target: float
    ramp_ms: float
    slack_ms: float  # never negative

    @classmethod
    def resting(cls, value: float, t_ms: float) -> _Course:
        """A channel holding ``value`` from ``t_ms`` on, nothing in flight."""
        return cls(value, value, t_ms, value, 0.0, 0.0)

    def _ends(self, t_ms: float, arrival_ms: float) -> tuple[float, float]:
        """Where each start value (``lo``, ``hi``) is at ``t_ms`` if the command landed at
        ``arrival_ms``."""
        if t_ms < arrival_ms:  # not landed yet: still at its start value
            return self.lo, self.hi
        target, ramp = self.target, self.ramp_ms
        if ramp <= 0:
            return target, target
        frac = min(1.0, (t_ms - arrival_ms) / ramp)
        return self.lo + (target - self.lo) * frac, self.hi + (target - self.hi) * frac

    def band(self, t_ms: float) -> tuple[float, float]:
        """Lowest and highest value the channel can have at ``t_ms``: the extremes over both
        start values and both arrival times (sent, sent + slack)."""
        return self.span(t_ms, t_ms)

    def span(self, t0_ms: float, t1_ms: float) -> tuple[float, float]:
        """``(min, max)`` of :meth:`band` at ``t0_ms`` and at ``t1_ms`` (``t0_ms <= t1_ms``).

        Of the eight (start value, arrival, time) combinations four decide: the fraction of the
        ramp done grows with the time and shrinks with the arrival ("not landed" is fraction
        0), and a start value's position is monotone in the fraction — float rounding keeps
        that monotone — so the extremes are at the least fraction (``t0_ms``, late arrival)
        and the greatest (``t1_ms``, early arrival). Asked for every channel on every STATUS.
        """
        a0, b0 = self._ends(t0_ms, self.start_ms + self.slack_ms)
        a1, b1 = self._ends(t1_ms, self.start_ms)
        return min(a0, b0, a1, b1), max(a0, b0, a1, b1)

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
        self._courses: dict[str, _Course] = {}
        self._warnings: Counter[str] = Counter()
        #: How long (ms) the link may hold a setpoint back before the device acts on it.
        self.delivery_slack_ms = 0.0
        self._reported: dict[str, tuple[float, float]] = {}  # channel → (value, t_ms)
        # The last report per channel, kept across commands: whatever the model says, the device
        # had that value then (:meth:`_plausible`). With it the way the device was going by the
        # report before: (value, t_ms, may rise, may fall) — a ramp keeps its direction.
        self._last_report: dict[str, tuple[float, float, bool, bool]] = {}
        self.reset(0.0)

    # -- model ------------------------------------------------------------------------------
    def value_at(self, channel: str, t_ms: float) -> float:
        """The value the guard believes ``channel`` has at ``t_ms``."""
        return self._courses[channel].value_at(t_ms)

    def target_of(self, channel: str) -> float:
        """The value ``channel`` is heading to (last guarded target)."""
        return self._courses[channel].target

    def reset(self, t_ms: float) -> None:
        """Every output is at zero from ``t_ms`` on (after a STOP, a fault or a fresh start)."""
        for cid in self.limits:
            self._courses[cid] = _Course.resting(0.0, t_ms)
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
        if rep is None:  # no report since the last command (or not a channel of the device)
            return False
        seen, seen_ms = rep
        # The report is up to REPORT_AGE_S old: any value the channel had in that window fits.
        low, high = self._courses[channel].span(seen_ms - REPORT_AGE_S * 1000.0, seen_ms)
        tolerance = self._tolerance(self.limits[channel])
        return not low - tolerance <= seen <= high + tolerance

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
        current = max((low, high), key=lambda start: abs(value - start))  # the farthest start
        ramp_ms = max(0, int(sp.ramp_ms))
        needed_ms = math.ceil(abs(value - current) / lim.ramp_per_s * 1000.0 - 1e-6)
        # Only a ramp too fast by the guard's own model is worth a word to the user; the extra
        # margin for delivery and telemetry is routine.
        model_needed_ms = abs(value - modelled) / lim.ramp_per_s * 1000.0
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

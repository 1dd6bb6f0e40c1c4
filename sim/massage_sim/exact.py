"""Closed-form solutions the channel physics steps with (:mod:`massage_sim.channels`).

An air cell and a heat pad both follow their drive with a first-order lag,
``dy/dt = (drive(t) - y) / tau``. Between two events the drive is piecewise linear, and along a
linear piece the lag has an exact solution, so a channel can be advanced by one long step (to
the next time it is observed) and land where many short steps would have taken it.
"""

from __future__ import annotations

import math


def first_order_follow(y0: float, drive0: float, slope: float, t: float, tau: float) -> float:
    """``y`` after ``t`` s of following ``drive0 + slope * s`` with time constant ``tau``.

    Solution of ``dy/dt = (drive0 + slope * t - y) / tau`` from ``y(0) = y0``: the output ends
    ``slope * tau`` behind the ramp, the initial gap decaying as ``exp(-t / tau)``.
    """
    if t <= 0:
        return y0
    lag = slope * tau
    return drive0 + slope * t - lag + (y0 - drive0 + lag) * math.exp(-t / tau)

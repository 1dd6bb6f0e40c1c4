"""The compact fault specification that URLs and the command line carry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_sim.faults import FaultPlan, FaultSpecError, StuckChannel


def test_the_documented_example_parses() -> None:
    plan = FaultPlan.parse(
        "corrupt=0.01,drop=0.02,delay=50ms,disconnect@30s,reset@60s,stuck=air.neck@10s,"
        "overtemp@20s,seed=7"
    )
    assert plan == FaultPlan(
        corrupt=0.01, drop=0.02, delay_ms=50.0, disconnect_at_s=30.0, reset_at_s=60.0,
        stuck=(StuckChannel("air.neck", 10.0),), overtemp_at_s=20.0, seed=7,
    )


@pytest.mark.parametrize(
    "spec", ["corrupt=2", "drop=x", "delay=50", "reset@soon", "stuck=air.neck", "wobble=1",
             "melt@3s"],
)
def test_bad_specs_raise_one_clear_error_with_an_example(spec: str) -> None:
    with pytest.raises(FaultSpecError) as info:
        FaultPlan.parse(spec)
    assert info.value.hint is not None or "between 0 and 1" in str(info.value)


@settings(max_examples=100)
@given(
    corrupt=st.floats(0, 1), drop=st.floats(0, 1), delay=st.floats(0, 5000),
    reset=st.none() | st.floats(0, 3600), seed=st.integers(0, 2**31),
)
def test_spec_round_trips(
    corrupt: float, drop: float, delay: float, reset: float | None, seed: int
) -> None:
    plan = FaultPlan(corrupt=corrupt, drop=drop, delay_ms=delay, reset_at_s=reset, seed=seed)
    assert FaultPlan.parse(plan.to_spec()) == plan

"""frozen_maker builds exactly what the dataclass's own __init__ builds (hot-path objects)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_ctl.link.api import LinkStatus
from massage_ctl.protocol.enums import DeviceState, FaultBits
from massage_ctl.protocol.messages import Status
from massage_ctl.slots import frozen_maker
from massage_sim.record import Sample

floats = st.floats(allow_nan=False)


@given(
    st.sampled_from(list(DeviceState)),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
    st.lists(st.integers(0, 0xFFFF), max_size=32).map(tuple),
)
def test_status(state: DeviceState, bits: int, seq: int, values: tuple[int, ...]) -> None:
    made = frozen_maker(Status)(state, FaultBits(bits), seq, values)
    assert made == Status(state, FaultBits(bits), seq, values)
    assert type(made) is Status and repr(made) == repr(Status(state, FaultBits(bits), seq, values))


@given(
    st.sampled_from(["idle", "running", "stopped"]),
    st.dictionaries(st.text(max_size=5), floats, max_size=4),
    st.lists(st.text(max_size=5), max_size=3).map(tuple),
    st.integers(0, 0xFFFF),
    floats,
    st.dictionaries(st.text(max_size=5), floats, max_size=2),
)
def test_link_status(
    state: str,
    actual: dict[str, float],
    faults: tuple[str, ...],
    seq: int,
    t: float,
    measured: dict[str, float],
) -> None:
    made = frozen_maker(LinkStatus)(state, actual, faults, seq, t, measured)
    assert made == LinkStatus(state, actual, faults, seq, t, measured)
    assert made.actual is actual and made.measured_c is measured  # the same objects, not copies
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.state = "fault"  # type: ignore[misc]


@given(floats, st.text(max_size=8), st.integers(0, 0xFFFF),
       st.lists(floats, max_size=16).map(tuple), st.lists(floats, max_size=3).map(tuple))
def test_sample(t: float, state: str, faults: int, values: tuple[float, ...],
                temps: tuple[float, ...]) -> None:
    assert frozen_maker(Sample)(t, state, faults, values, temps) == Sample(
        t, state, faults, values, temps
    )


def test_refuses_classes_it_cannot_build_faithfully() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            assert self.x >= 0

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        x: int
        y: int = dataclasses.field(default=0, init=False)

    for cls in (Checked, NoSlots, Derived):
        with pytest.raises(TypeError):
            frozen_maker(cls)

"""Fast construction of frozen, slotted dataclasses on hot paths.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (that is how
it gets past its own frozen ``__setattr__``), which costs about 0.5 µs per field. On the
virtual clock the simulator and the link build a few such objects per simulated 100 ms
(``Status``, ``LinkStatus``, the simulator's ``Sample``), tens of thousands per session.
:func:`frozen_maker` returns a function that builds the same instance by writing its slots
directly — the trick :mod:`massage_ctl.protocol.fastpath` uses for decoded messages.

It is only the same thing as calling the class while the class has no ``__post_init__`` and
every field is an ``__init__`` argument, taken in declaration order with no defaults applied;
:func:`frozen_maker` checks both, so a class that grows either fails at import, not silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def frozen_maker(cls: type[T]) -> Callable[..., T]:
    """``make(*values) -> cls(*values)`` for a frozen, slotted dataclass; every field given."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__; build it with its __init__")
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__} has fields outside __init__")
    ns: dict[str, Any] = {"cls": cls, "new": object.__new__}
    args = [f"a{i}" for i in range(len(fields))]
    lines = [f"def make({', '.join(args)}):", "    o = new(cls)"]
    for i, f in enumerate(fields):
        ns[f"set{i}"] = vars(cls)[f.name].__set__  # the slot's descriptor
        lines.append(f"    set{i}(o, a{i})")
    lines.append("    return o")
    exec("\n".join(lines), ns)  # source built above from the field list only
    make: Callable[..., T] = ns["make"]
    make.__doc__ = f"Same as ``{cls.__name__}(...)`` with every field given positionally."
    return make

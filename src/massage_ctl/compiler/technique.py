"""The technique table: what a technique module declares, and how the modules are found.

A technique module in :mod:`massage_ctl.compiler.techniques` declares ``TECHNIQUES``, a
tuple of :class:`Technique` records (most declare one; :mod:`.techniques.pressing` declares the
five press techniques as data). The package finds its modules itself, so adding a technique's
expansion is one new file there (its program model lives in :mod:`massage_ctl.program.phases`,
which the program loader validates against).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from massage_ctl.compiler.expansion import PhaseCtx
from massage_ctl.program.phases import PHASE_MODELS, _Phase

P = TypeVar("P", bound=_Phase)


@dataclass(frozen=True, slots=True)
class Technique(Generic[P]):
    """One technique: its name (the program's ``technique`` key), its phase model, and the
    function that fills ``[ctx.start_ms, ctx.end_ms)`` with commands for one such phase."""

    name: str
    model: type[P]
    expand: Callable[[PhaseCtx, P], None]


def discover(package: str, path: Iterable[str]) -> dict[str, Technique[Any]]:
    """Import every public module of ``package`` and collect their ``TECHNIQUES``.

    Raises :class:`ValueError` (a programming error, found by the tests) when a module declares
    none, two modules declare one name, or a technique's model is not the program model of that
    name.
    """
    table: dict[str, Technique[Any]] = {}
    for info in sorted(pkgutil.iter_modules(list(path)), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        declared = getattr(module, "TECHNIQUES", None)
        if not declared:
            raise ValueError(f"{module.__name__} declares no TECHNIQUES")
        for tech in declared:
            if tech.name in table:
                raise ValueError(f"technique {tech.name!r} declared twice ({module.__name__})")
            if PHASE_MODELS.get(tech.name) is not tech.model:
                raise ValueError(f"technique {tech.name!r}: model is not the program's")
            table[tech.name] = tech
    return table

"""The technique table: what a technique module declares, and how the modules are found.

A technique module in :mod:`massage_ctl.techniques` declares ``TECHNIQUES``, a tuple of
:class:`Technique` records: the phase model a program file is validated against and the
expansion that turns one such phase into commands (most modules declare one technique;
:mod:`.pressing` declares the five press techniques as data). The package lists its own
modules, so adding a technique is adding one file there.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from massage_ctl.motion.expansion import PhaseCtx
from massage_ctl.techniques._phase import _Phase

P = TypeVar("P", bound=_Phase)


@dataclass(frozen=True, slots=True)
class Technique(Generic[P]):
    """One technique.

    ``name`` is the program's ``technique`` key (the model's ``technique`` literal); ``model``
    the pydantic model of its phases; ``expand`` fills ``[ctx.start_ms, ctx.end_ms)`` with
    commands for one such phase; ``rank`` orders the techniques where they are listed (the
    program schema, ``programs/README.md``).
    """

    name: str
    model: type[P]
    expand: Callable[[PhaseCtx, P], None]
    rank: int


def _literal(model: type[_Phase]) -> object:
    field = model.model_fields.get("technique")
    args: tuple[object, ...] = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if len(args) == 1 else None


def discover(package: str, path: Iterable[str]) -> dict[str, Technique[Any]]:
    """Import every public module of ``package`` and collect their ``TECHNIQUES``, by rank.

    Raises :class:`ValueError` (a programming error, found by the tests) when a module declares
    none, two declare one name, or a record's name is not its model's ``technique`` literal.
    """
    found: dict[str, Technique[Any]] = {}
    for info in sorted(pkgutil.iter_modules(list(path)), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        declared = getattr(module, "TECHNIQUES", None)
        if not declared:
            raise ValueError(f"{module.__name__} declares no TECHNIQUES")
        for tech in declared:
            if tech.name in found:
                raise ValueError(f"technique {tech.name!r} declared twice ({module.__name__})")
            if _literal(tech.model) != tech.name:
                raise ValueError(f"technique {tech.name!r}: its model's technique differs")
            found[tech.name] = tech
    return dict(sorted(found.items(), key=lambda kv: (kv[1].rank, kv[0])))

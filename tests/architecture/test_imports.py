"""The package's import graph: no cycle between modules, and the two front ends apart.

Read from the source with :mod:`ast` (nothing is imported), so an import inside a function
counts like one at the top: a deferred import is still a dependency. Imports under
``if TYPE_CHECKING:`` never run; they count for the front ends' separation (a type from the
CLI in the UI is still a dependency on the CLI) but not as cycles (annotations may name each
other). docs/ARCHITECTURE.md ("Front ends and the session layer") draws the layers kept here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "massage_ctl"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The absolute module names one import statement names."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        yield stem
        # ``from pkg import sub`` imports the module ``pkg.sub`` when there is one.
        for alias in node.names:
            yield f"{stem}.{alias.name}"


def _is_type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST, *, typing_only: bool) -> Iterator[ast.AST]:
    """Every node of ``tree``; without ``typing_only``, none under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        if not typing_only and _is_type_checking(node):
            assert isinstance(node, ast.If)
            children = list(node.orelse)
        stack.extend(children)


def import_graph(*, typing_only: bool = True) -> dict[str, set[str]]:
    """module → the package modules it imports (anywhere in the file; with ``typing_only``
    False, not those only imported for annotations)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _nodes(tree, typing_only=typing_only):
            for target in _imported(node, name, is_package):
                if target in modules and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _is_parent_package(a: str, b: str) -> bool:
    return b.startswith(a + ".")


def test_the_reader_sees_imports_at_the_top_and_inside_functions() -> None:
    graph = import_graph(typing_only=False)
    # The UI imports its screens inside functions (first-paint cost): still edges.
    assert "massage_ctl.tui.screens.detail" in graph["massage_ctl.tui.app"]
    # ``from pkg import module`` counts as the module.
    assert "massage_ctl.tui.screens.dialogs" in graph["massage_ctl.tui.app"]
    assert "massage_ctl.errors" in graph["massage_ctl.cli.main"]


def test_no_import_cycle_between_modules() -> None:
    graph = import_graph(typing_only=False)
    # A package's __init__ re-exporting its own modules is not a cycle a reader trips over
    # (the modules never need the package to load first); every other loop is.
    pruned = {
        module: {t for t in targets if not _is_parent_package(module, t)}
        for module, targets in graph.items()
    }
    cycles = _cycles(pruned)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


#: Loops that exist only through annotations (``if TYPE_CHECKING:``) at the time of writing,
#: each in a package outside the front ends. They never run, but a reader still goes round
#: them; the list may only shrink (a new one fails below).
TYPING_ONLY_CYCLES = [
    ["massage_ctl.conformance.context", "massage_ctl.conformance.model",
     "massage_ctl.conformance.probe"],
]


def test_no_new_cycle_through_annotations() -> None:
    graph = import_graph(typing_only=True)
    pruned = {
        module: {t for t in targets if not _is_parent_package(module, t)}
        for module, targets in graph.items()
    }
    new = [c for c in _cycles(pruned) if c not in TYPING_ONLY_CYCLES]
    assert not new, "new import cycles through annotations:\n" + "\n".join(
        " ↔ ".join(c) for c in new
    )


@pytest.mark.parametrize(("source", "forbidden"), [("tui", "cli"), ("cli", "tui")])
def test_front_ends_do_not_import_each_other(source: str, forbidden: str) -> None:
    graph = import_graph()
    src, bad = f"{PACKAGE}.{source}", f"{PACKAGE}.{forbidden}"
    edges = sorted(
        f"{m} → {t}"
        for m, targets in graph.items() if m == src or m.startswith(src + ".")
        for t in targets if t == bad or t.startswith(bad + ".")
    )
    assert not edges, f"{source}/ imports {forbidden}/:\n" + "\n".join(edges)


def test_the_reader_finds_a_cycle() -> None:
    # The check itself: a loop through a deferred import is found, a typing-only one is not.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\n"
                     "else:\n    import y\ndef f():\n    import z\n")
    names = {a.name for n in _nodes(tree, typing_only=False) if isinstance(n, ast.Import)
             for a in n.names}
    assert names == {"y", "z"}


def test_the_cli_opens_the_ui_only_by_its_one_named_entry() -> None:
    # ``massage-ctl`` with no command opens the UI, named like the subcommands (a lazy
    # registry), not imported. That one name is the whole link between the two front ends.
    modules = _modules()
    names = sorted(
        node.value
        for module, path in modules.items() if module.startswith(f"{PACKAGE}.cli")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and node.value.startswith(f"{PACKAGE}.tui")
    )
    assert names == ["massage_ctl.tui.factory"]
    from massage_ctl.cli.main import UI_ENTRY
    from massage_ctl.tui import factory

    assert UI_ENTRY == ("massage_ctl.tui.factory", "open_ui") and callable(factory.open_ui)

"""Mutation testing of the safety layers: do the tests notice a small change to the safety code?

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python tests/mutation/mutate.py                 # every target (slow: see below)
    .venv/bin/python tests/mutation/mutate.py guard checks    # some targets
    .venv/bin/python tests/mutation/mutate.py --list          # the targets and their tests
    .venv/bin/python tests/mutation/mutate.py c-core --limit 20 --report out.md

Each *mutant* is one small change to one line of a safety module — a comparison turned around
(``<`` → ``<=``), an operator swapped (``*`` → ``/``), a number changed (``90.0`` → ``180.0``),
``and`` ↔ ``or``, ``True`` ↔ ``False``, ``min`` ↔ ``max``. The runner copies the repository to a
temporary directory once, applies one mutant at a time *there* (the checkout is never touched),
and runs the tests that cover that module against it with Hypothesis's example database off and
derandomised (``MASSAGE_CTL_HYPOTHESIS=mutation``, tests/conftest.py). A mutant is *killed* when
a test fails (or times out); a *survivor* is a change no test noticed. The figure per module is
killed / total. docs/MUTATION.md explains the targets and lists the survivors with why each one
changes nothing a user could notice.

Why our own small runner rather than mutmut: mutmut 3 rewrites the package into its own
``mutants/`` tree with trampolines, which does not fit a repository with two source roots
(``src/``, ``sim/``) and ``--import-mode=importlib``, and it cannot mutate the C core. This
runner needs nothing beyond the standard library and treats Python and C alike.

It is not part of CI: a full run takes tens of minutes. Runs are ``nice``d and sequential
unless ``--jobs`` says otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutants import Mutant, mutants_of
from targets import TARGETS, Target

ROOT = Path(__file__).resolve().parents[2]
_COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache", "build",
    ".pytest_cache", "mutants",
)


@dataclass
class Outcome:
    """What happened to one mutant."""

    mutant: Mutant
    killed: bool
    how: str  # "failed", "timeout", "survived"


def _make(copy: Path, goal: str) -> list[str]:
    return ["make", "-s", "-C", str(copy / "firmware_protocol" / "c"), goal]


def _pytest(target: Target) -> list[str]:
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *target.tests]


def _judge(target: Target, copy: Path, timeout_s: float) -> tuple[int | None, str]:
    """Run the target's tests: for C the core's own (``make test``), then any Python tests
    that drive the core (tests/interop)."""
    if target.language == "c":
        code, out = _run(_make(copy, "test"), copy, timeout_s)
        if code != 0 or not target.tests:
            return code, out
    return _run(_pytest(target), copy, timeout_s)


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The copy shadows the editable install: its src/ and sim/ come first on the path.
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src"), str(copy / "sim")])
    env["MASSAGE_CTL_HYPOTHESIS"] = "mutation"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(cmd: list[str], copy: Path, timeout_s: float) -> tuple[int | None, str]:
    try:
        done = subprocess.run(
            ["nice", "-n", "10", *cmd], cwd=copy, env=_env(copy), capture_output=True,
            text=True, timeout=timeout_s, check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return done.returncode, done.stdout[-2000:] + done.stderr[-2000:]


def run_target(
    target: Target, copy: Path, limit: int | None, verbose: bool, lines: set[int] | None = None
) -> list[Outcome]:
    """Run every mutant of ``target`` against its tests in ``copy``."""
    path = copy / target.path
    original = path.read_text(encoding="utf-8")
    t0 = time.monotonic()
    code, out = _judge(target, copy, 900)
    baseline_s = time.monotonic() - t0
    if code != 0:
        raise SystemExit(f"{target.name}: the tests fail without any mutant:\n{out}")
    timeout_s = max(30.0, 3 * baseline_s)
    mutants = mutants_of(original, target)
    if lines is not None:
        mutants = [m for m in mutants if m.line in lines]
    if limit is not None:
        mutants = mutants[:limit]
    print(f"{target.name}: {len(mutants)} mutants, baseline {baseline_s:.1f} s", flush=True)
    outcomes: list[Outcome] = []
    try:
        for i, m in enumerate(mutants, 1):
            path.write_text(m.apply(original), encoding="utf-8")
            if target.language == "c":
                # A C mutant that does not build (-Werror) is no mutant: not counted.
                built, _ = _run(_make(copy, "build/mp_tests"), copy, timeout_s)
                if built != 0:
                    if verbose:
                        print(f"  [{i}/{len(mutants)}] no build {m.describe(target.path)}")
                    continue
            code, _ = _judge(target, copy, timeout_s)
            how = "timeout" if code is None else ("failed" if code != 0 else "survived")
            outcomes.append(Outcome(m, how != "survived", how))
            if verbose or how == "survived":
                print(f"  [{i}/{len(mutants)}] {how:8} {m.describe(target.path)}", flush=True)
    finally:
        path.write_text(original, encoding="utf-8")
    return outcomes


def _report(results: dict[str, list[Outcome]]) -> str:
    lines = ["| target | killed | total | caught |", "|---|---|---|---|"]
    for name, outs in results.items():
        killed = sum(o.killed for o in outs)
        share = f"{100 * killed / len(outs):.0f} %" if outs else "-"
        lines.append(f"| {name} | {killed} | {len(outs)} | {share} |")
    lines.append("")
    for name, outs in results.items():
        survivors = [o for o in outs if not o.killed]
        if survivors:
            lines.append(f"### Survivors in {name}")
            lines += [f"- {o.mutant.describe(TARGETS[name].path)}" for o in survivors]
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--list", action="store_true", help="show the targets and exit")
    parser.add_argument("--limit", type=int, help="only the first N mutants of each target")
    parser.add_argument("--report", type=Path, help="also write the summary (Markdown) here")
    parser.add_argument(
        "--lines", help="only mutants on these lines (e.g. 48,50: re-judge survivors)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    args = parser.parse_args(argv)
    if args.list:
        for t in TARGETS.values():
            where = f" (functions: {', '.join(t.functions)})" if t.functions else ""
            tests = ("make test " if t.language == "c" else "") + " ".join(t.tests)
            print(f"{t.name:12} {t.path}{where}\n{'':12} tests: {tests}")
        return 0
    unknown = [n for n in args.targets if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    names = args.targets or list(TARGETS)
    # A SIGTERM (someone ends a long run) still restores the file and removes the copy.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: dict[str, list[Outcome]] = {}
    with tempfile.TemporaryDirectory(prefix="massage-mutation-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE, symlinks=True)
        for name in names:
            lines = {int(n) for n in args.lines.split(",")} if args.lines else None
            results[name] = run_target(TARGETS[name], copy, args.limit, args.verbose, lines)
    summary = _report(results)
    print(summary)
    if args.report:
        args.report.write_text(summary + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The mutants of one source file: small one-token changes a careless edit could make.

Python files are read with :mod:`tokenize` (so strings, comments and docstrings are never
touched) and C files with a small tokenizer of the same kind. Each mutant replaces one token:

* comparisons turned around: ``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``;
* arithmetic swapped: ``+`` ↔ ``-``, ``*`` ↔ ``/``, ``//`` → ``/``, and the augmented forms;
  bit operations ``&`` ↔ ``|``; in C ``&&`` ↔ ``||``;
* logic: ``and`` ↔ ``or``, ``True`` ↔ ``False`` (C: ``true`` ↔ ``false``), ``not`` dropped
  (``is not`` → ``is``), ``min`` ↔ ``max``, ``continue`` ↔ ``break``;
* numbers: an integer ``n`` → ``n + 1``, a float ``x`` → ``2x`` (``0.0`` → ``1.0``) — the
  "90 s became 180 s" kind of slip.

Only binary ``+ - * /`` are changed (a unary minus or ``*args`` is not an operator); a mutant
that no longer compiles is dropped.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from targets import Target

_SWAPS = {
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==",
    "+": "-", "-": "+", "*": "/", "/": "*", "//": "/",
    "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "&": "|", "|": "&", "&=": "|=", "|=": "&=",
    "&&": "||", "||": "&&",
    "and": "or", "or": "and", "True": "False", "False": "True", "true": "false",
    "false": "true", "min": "max", "max": "min", "not": "", "continue": "break",
    "break": "continue",
}
_ARITH = {"+", "-", "*", "/", "//", "&", "|"}
#: Tokens after which an arithmetic sign is binary (an operand just ended).
_OPERAND_END = {")", "]"}


@dataclass(frozen=True)
class Mutant:
    """Replace ``old`` by ``new`` at (1-based) ``line``, character column ``col``."""

    line: int
    col: int
    old: str
    new: str
    source_line: str

    def apply(self, text: str) -> str:
        """The whole file with this one change."""
        lines = text.splitlines(keepends=True)
        row = lines[self.line - 1]
        assert row[self.col : self.col + len(self.old)] == self.old, (row, self)
        lines[self.line - 1] = row[: self.col] + self.new + row[self.col + len(self.old) :]
        return "".join(lines)

    def describe(self, path: str) -> str:
        """``path:line: `old` → `new` in: <the line>``."""
        new = self.new or "(removed)"
        return f"{path}:{self.line}: `{self.old}` → `{new}` in `{self.source_line.strip()}`"


def _number(text: str) -> str | None:
    body = text.replace("_", "")
    try:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*", body):
            digits = body.rstrip("uUlL")
            value = int(digits, 0)
            return str(value + 1) + body[len(digits) :]
        value_f = float(body.rstrip("fF"))
    except ValueError:
        return None
    return "1.0" if value_f == 0 else repr(value_f * 2)


def _replacement(tok: str, prev: str, prev_kind: str) -> str | None:
    if tok in _ARITH and not (prev_kind in ("NAME", "NUMBER") or prev in _OPERAND_END):
        return None  # unary minus, *args, keyword-only marker: not an operator here
    return _SWAPS.get(tok)


def _in_ranges(line: int, ranges: list[tuple[int, int]] | None) -> bool:
    return ranges is None or any(a <= line <= b for a, b in ranges)


def _python_ranges(text: str, functions: tuple[str, ...]) -> list[tuple[int, int]] | None:
    if not functions:
        return None
    tree = ast.parse(text)
    return [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in functions
    ]


def _annotation_lines(text: str) -> set[int]:
    """Lines that hold only imports or bare annotations (no behaviour)."""
    skip: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            skip.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        elif isinstance(node, ast.AnnAssign) and node.value is None:
            skip.add(node.lineno)
    return skip


def _annotation_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) as (line, character column) of every type annotation: ``str | Path`` in a
    signature is no behaviour to mutate."""
    lines = text.splitlines()

    def col(line: int, byte_col: int) -> int:  # ast counts UTF-8 bytes, tokenize characters
        return len(lines[line - 1].encode()[:byte_col].decode(errors="ignore"))

    spans = []
    for node in ast.walk(ast.parse(text)):
        notes: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            notes.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            notes.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            notes.append(node.annotation)
        for n in notes:
            if n is not None and n.end_lineno is not None and n.end_col_offset is not None:
                spans.append(((n.lineno, col(n.lineno, n.col_offset)),
                              (n.end_lineno, col(n.end_lineno, n.end_col_offset))))
    return spans


def _python_mutants(text: str, target: Target) -> list[Mutant]:
    lines = text.splitlines(keepends=True)
    ranges = _python_ranges(text, target.functions)
    skip = _annotation_lines(text)
    notes = _annotation_spans(text)
    out: list[Mutant] = []
    prev, prev_kind = "", ""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tokenize.tok_name[tok.exact_type if tok.type == tokenize.OP else tok.type]
        kind = "OP" if tok.type == tokenize.OP else kind
        line, col = tok.start
        new: str | None = None
        if tok.type == tokenize.NUMBER:
            new = _number(tok.string)
        elif tok.type in (tokenize.OP, tokenize.NAME):
            new = _replacement(tok.string, prev, prev_kind)
        if (
            new is not None
            and tok.start[0] == tok.end[0]
            and line not in skip
            and _in_ranges(line, ranges)
            and not any(a <= tok.start < b for a, b in notes)
        ):
            if tok.string == "not":
                if not lines[line - 1].startswith("not ", col):
                    new = None
                m = Mutant(line, col, "not ", "", lines[line - 1])
            else:
                m = Mutant(line, col, tok.string, new, lines[line - 1])
            try:
                if new is not None:
                    compile(m.apply(text), target.path, "exec")
                    out.append(m)
            except SyntaxError:
                pass
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
                            tokenize.DEDENT):
            prev = tok.string
            prev_kind = "NAME" if tok.type == tokenize.NAME else (
                "NUMBER" if tok.type == tokenize.NUMBER else "OP")
    return out


_C_TOKEN = re.compile(
    r"""(?P<skip>//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\#[^\n]*)
      |(?P<num>0[xX][0-9a-fA-F]+[uUlL]*|\d+\.\d*(?:[eE][-+]?\d+)?[fF]?|\d+[uUlL]*)
      |(?P<name>[A-Za-z_]\w*)
      |(?P<op><<=|>>=|&&|\|\||<=|>=|==|!=|\+=|-=|\*=|/=|&=|\|=|->|\+\+|--|<<|>>|[-+*/<>&|!=(){}\[\];,.?:~%^])
      |(?P<ws>\s+)""",
    re.VERBOSE | re.DOTALL,
)


def _c_function_spans(text: str, functions: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """Character spans of the bodies of the named C functions (definitions at line start)."""
    if not functions:
        return None
    spans = []
    for name in functions:
        m = re.search(rf"^[\w \t\*]*\b{name}\s*\([^;{{]*\)\s*\{{", text, re.MULTILINE)
        if m is None:
            raise ValueError(f"function {name} not found")
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        spans.append((m.end(), i))
    return spans


def _c_mutants(text: str, target: Target) -> list[Mutant]:
    spans = _c_function_spans(text, target.functions)
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    lines = text.splitlines(keepends=True)
    out: list[Mutant] = []
    prev, prev_kind = "", ""
    for m in _C_TOKEN.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind in ("skip", "ws"):
            continue
        pos = m.start()
        new: str | None = None
        if spans is None or any(a <= pos < b for a, b in spans):
            if kind == "num":
                new = _number(tok)
            elif kind == "name":
                new = _SWAPS.get(tok) if tok in ("true", "false", "break", "continue") else None
            elif tok in _SWAPS and tok not in ("not", "and", "or", "min", "max"):
                new = _replacement(tok, prev, "NAME" if prev_kind in ("name", "num") else "OP")
        if new is not None:
            line = next(i for i in range(len(line_starts) - 1, -1, -1) if line_starts[i] <= pos)
            out.append(Mutant(line + 1, pos - line_starts[line], tok, new, lines[line]))
        prev, prev_kind = tok, kind or ""
    return out


def mutants_of(text: str, target: Target) -> list[Mutant]:
    """Every mutant of ``text`` (the file of ``target``), in file order."""
    if target.language == "c":
        return _c_mutants(text, target)
    return _python_mutants(text, target)

"""C code for the value constraints of messages.toml (PROTOCOL.md §3.4 check 9).

gen_messages.py calls these so the C decoder calls a frame breaking a constraint `malformed`
(as the Python codec does) and the encoder refuses to build one (MP_ERR_FIELD_RANGE). Only the
forms messages.toml documents are accepted; anything else stops the generator with a message.
"""

from __future__ import annotations

import re
from typing import Any

UNSIGNED = {"u8", "u16", "u32", "bool"}
_ID_REGEX = re.compile(r"^\[([^\]]+)\]\[([^\]]+)\]\*$")


def _char_class(spec: str, var: str) -> str:
    """A C condition true when `var` is in the regex character class body `spec`."""
    parts = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            parts.append(f"({var} >= '{spec[i]}' && {var} <= '{spec[i + 2]}')")
            i += 3
        else:
            parts.append(f"{var} == '{spec[i]}'")
            i += 1
    return " || ".join(parts)


def regex_helpers(data: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """C functions checking the `regex` constraints; also regex → function name."""
    names: dict[str, str] = {}
    lines: list[str] = []
    for m in data["messages"]:
        for fd in m["fields"]:
            regex = fd.get("regex")
            if regex is None or regex in names:
                continue
            match = _ID_REGEX.match(regex)
            if match is None:
                raise SystemExit(f"{m['name']}.{fd['name']}: regex must look like [A][B]*")
            name = f"matches_id_{len(names)}"
            names[regex] = name
            first, rest = match.groups()
            lines += [
                f"/* Whether the n bytes at s match {regex} (messages.toml). */",
                f"static int {name}(const char *s, uint8_t n)",
                "{",
                "    uint8_t k;",
                "    char c;",
                "    if (n == 0u) {",
                "        return 0;",
                "    }",
                "    c = s[0];",
                f"    if (!({_char_class(first, 'c')})) {{",
                "        return 0;",
                "    }",
                "    for (k = 1; k < n; k++) {",
                "        c = s[k];",
                f"        if (!({_char_class(rest, 'c')})) {{",
                "            return 0;",
                "        }",
                "    }",
                "    return 1;",
                "}",
                "",
            ]
    return lines, names


def _literal(value: int, wire_type: str) -> str:
    return f"{value}u" if wire_type in UNSIGNED else f"{value}L"


def breaches(
    m: dict[str, Any], enums: dict[str, Any], regex_fns: dict[str, str], ref: str
) -> list[str]:
    """C conditions, one per constraint of message `m`, each true when it is broken."""
    conds: list[str] = []
    for fd in m["fields"]:
        name, t = fd["name"], fd["type"]
        var = f"{ref}{name}"
        if "value_min" in fd:
            conds.append(f"{var} < {_literal(fd['value_min'], t)}")
        if "value_max" in fd:
            conds.append(f"{var} > {_literal(fd['value_max'], t)}")
        if "value_min_field" in fd:
            conds.append(f"{var} < {ref}{fd['value_min_field']}")
        if "value_max_field" in fd:
            conds.append(f"{var} > {ref}{fd['value_max_field']}")
        if "regex" in fd:
            conds.append(f"!{regex_fns[fd['regex']]}({var}, {var}_len)")
        for member in fd.get("exclude", ()):
            conds.append(f"{var} == {enums[fd['enum']]['values'][member]}u")
        if "required_bits" in fd:
            bits = fd["required_bits"]
            conds.append(f"({var} & {bits}u) != {bits}u")
    return conds


def decode_checks(conds: list[str]) -> list[str]:
    """Lines ending a decode function: a broken constraint is malformed, unless the layout walk
    already found a problem (a short frame stays truncated)."""
    if not conds:
        return []
    joined = " ||\n        ".join(f"({c})" for c in conds)
    return [
        "    if (r->err == MP_OK &&",
        f"        ({joined})) {{",
        "        r->err = MP_ERR_MALFORMED; /* a value constraint of messages.toml */",
        "    }",
    ]


def encode_checks(conds: list[str]) -> list[str]:
    """Lines starting an encode function: never build a frame a decoder calls malformed."""
    if not conds:
        return []
    joined = " ||\n        ".join(f"({c})" for c in conds)
    return [f"    if ({joined}) {{", "        return MP_ERR_FIELD_RANGE;", "    }"]

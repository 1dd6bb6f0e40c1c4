#!/usr/bin/env python3
"""Print the schema hash of firmware_protocol/messages.toml (PROTOCOL.md §9).

    python firmware_protocol/tools/schema_hash.py              # 0xDEADBEEF-style hash
    python firmware_protocol/tools/schema_hash.py --canonical  # the text that is hashed
    python firmware_protocol/tools/schema_hash.py --c-define   # #define MP_SCHEMA_HASH ...

Needs massage_ctl importable (``pip install -e .``); it parses the TOML with the same code the
tests use, so the C firmware and the Python codec agree on one number.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from massage_ctl.protocol.schema import canonical_text, schema_from_toml, schema_hash

TOML = Path(__file__).resolve().parent.parent / "messages.toml"


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--canonical", action="store_true", help="print the canonical text")
    parser.add_argument("--c-define", action="store_true", help="print a C #define")
    parser.add_argument("toml", nargs="?", default=str(TOML), help="messages.toml to read")
    args = parser.parse_args()
    schema = schema_from_toml(Path(args.toml).read_text(encoding="utf-8"))
    if args.canonical:
        print(canonical_text(schema), end="")
    elif args.c_define:
        print(f"#define MP_SCHEMA_HASH 0x{schema_hash(schema):08X}u")
    else:
        print(f"0x{schema_hash(schema):08X}")


if __name__ == "__main__":
    main()

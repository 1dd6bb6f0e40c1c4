"""``massage-ctl schema`` — the JSON Schema of the program format, for editors and tools."""

from __future__ import annotations

import argparse
import json
from typing import Any

from massage_ctl.program import program_json_schema


def register(subparsers: Any) -> None:
    """Add the ``schema`` subcommand."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the program format",
        description="Print the JSON Schema (draft 2020-12) of massage program files. Save it and "
        "point your editor's TOML language server at it for completion and checking.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema as JSON; exit status 0."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **program_json_schema()}
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0

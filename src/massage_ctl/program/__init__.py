"""The program language: pydantic model, TOML loader with line numbers, built-in library."""

from massage_ctl.durations import Duration, format_duration, parse_duration_ms
from massage_ctl.program.catalog import (
    builtin_program_dir,
    builtin_program_ids,
    find_program_file,
    list_builtin_programs,
    load_program,
)
from massage_ctl.program.definition import (
    TECHNIQUES,
    Phase,
    Program,
    ProgramLimits,
    program_json_schema,
)
from massage_ctl.program.loader import load_program_file, load_program_text
from massage_ctl.techniques import PHASE_MODELS

__all__ = [
    "PHASE_MODELS",
    "TECHNIQUES",
    "Duration",
    "Phase",
    "Program",
    "ProgramLimits",
    "builtin_program_dir",
    "builtin_program_ids",
    "find_program_file",
    "format_duration",
    "list_builtin_programs",
    "load_program",
    "load_program_file",
    "load_program_text",
    "parse_duration_ms",
    "program_json_schema",
]

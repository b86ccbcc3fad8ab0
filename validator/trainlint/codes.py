"""The codes of the rules whose findings are made outside rules/: one name for each, one place for all.

The readers, the schema layer, the preset catalog, the suppressions, the engine and the fixer
sit below the rules and cannot import their classes; they report these codes by name, and each
of those rules declares its code from the same constant (`code, name = codes.YAML_SYNTAX,
"yaml-syntax"`). A constant is named after its rule: the rule's name in capitals, `_` for `-`.
The tests check that every constant names a registered rule of that name, and that no code is
spelt out as a string anywhere else in the package but in rules/.
"""

from __future__ import annotations

from typing import Final

# reading the file (rules/reading.py, yaml11.py, unused_suppression.py)
YAML_SYNTAX: Final = "TL001"
DUPLICATE_KEY: Final = "TL002"
DISALLOWED_TAG: Final = "TL003"
NON_STRING_KEY: Final = "TL004"
MULTIPLE_DOCUMENTS: Final = "TL005"
NOT_A_CONFIG: Final = "TL006"
ENCODING: Final = "TL007"
BAD_NUMBER: Final = "TL008"
YAML11_AMBIGUITY: Final = "TL010"
UNUSED_SUPPRESSION: Final = "TL020"

# the editor binding: the repository's copy of the schema (rules/editor.py)
STALE_EDITOR_SCHEMA: Final = "TL030"

# the file's own reading failures and the safety limits (rules/reading.py)
UNREADABLE_FILE: Final = "TL090"
FILE_TOO_LARGE: Final = "TL091"
ALIAS_EXPANSION: Final = "TL092"
NESTING_DEPTH: Final = "TL093"
DATASET_SCAN_LIMIT: Final = "TL094"

# the schema layer (rules/schema.py)
UNSUPPORTED_SCHEMA_VERSION: Final = "TL100"
UNKNOWN_KEY: Final = "TL101"
WRONG_TYPE: Final = "TL102"
OUT_OF_RANGE: Final = "TL103"
INVALID_VALUE: Final = "TL104"
MISSING_KEY: Final = "TL105"

# resolving the preset (rules/presets.py)
UNKNOWN_PRESET: Final = "TL201"
PRESET_CYCLE: Final = "TL202"
PRESET_PARENT_MISSING: Final = "TL203"
BASE_MODEL_MISMATCH: Final = "TL204"
INVALID_PRESET_FILE: Final = "TL206"

# What reading the file found (syntax, duplicate keys, tags, keys, documents, not a config, encoding,
# numbers: TL001-TL009) and the file's own reading failures and safety limits (TL090-TL093): always
# reported, whatever `select`, `ignore`, `per-file-ignores` or a suppression comment say, as ruff
# always reports a syntax error. TL094, a dataset folder too big to count, is about a folder, not the
# file, and is selected and suppressed like any rule.


def always_reported(code: str) -> bool:
    """Whether a code (or every code a prefix covers) is one no selection or suppression can hide."""
    return code.startswith(YAML_SYNTAX[:4]) or code in (UNREADABLE_FILE, FILE_TOO_LARGE, ALIAS_EXPANSION, NESTING_DEPTH)

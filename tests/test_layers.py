"""The package's layers only point down: a module imports modules of its own layer or lower ones.

Every import counts, function-level ones included (they hide cycles from Python, not from
readers). docs/design.md draws the same table; a new module must be given a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "validator" / "trainlint"

# lowest first; a module name ending in "." stands for the whole package below it
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("records and errors", ("codes", "diagnostics", "document", "results", "errors", "settings", "reads")),
    ("text primitives and utilities", ("text", "paths", "resources", "parallel", "editor_schema")),
    ("loading: input formats", ("inputs.",)),
    ("repository boundary", ("repository",)),
    ("schema", ("schema_layer",)),
    ("preset catalog", ("catalog",)),
    ("effective config", ("effective",)),
    ("rules", ("rules.", "plugins", "selection")),
    ("engine", ("engine", "suppressions")),
    ("fixer", ("fixer", "replace")),
    (
        "api",
        (
            "api",
            "cache",
            "discovery",
            "dependents",
            "ignore_files",
            "settings_file",
            "reporters.",
            "docs",
            "show",
            "init",
            "vscode_settings",
            "tools.",
            "export",
            "exporters.",
            "importer",
        ),
    ),
    ("language server", ("server.",)),
    ("commands", ("commands.",)),
    ("cli", ("cli", "__main__", "__init__")),
]


def layer_of(module: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if module == member or (member.endswith(".") and (module + ".").startswith(member)):
                return index
    raise LookupError(module)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    """The package modules a file imports (relative and absolute, at any depth of the file)."""
    here = module_name(path).split(".")
    package = ([] if here == ["__init__"] else here) if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.split(".")[0] == "trainlint":
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:  # `from . import engine` imports a module, not a name
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(
                    sub
                    if (PACKAGE / (sub.replace(".", "/") + ".py")).exists()
                    or (PACKAGE / sub.replace(".", "/")).is_dir()
                    else target
                )
        elif isinstance(node, ast.Import):
            found.update(a.name.partition(".")[2] for a in node.names if a.name.startswith("trainlint."))
    return {name for name in found if name}


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    missing = []
    for path in MODULES:
        try:
            layer_of(module_name(path))
        except LookupError:
            missing.append(module_name(path))
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path: Path) -> None:
    mine = layer_of(module_name(path))
    upward = sorted(
        f"{name} ({LAYERS[layer_of(name)][0]})" for name in imported(path) if name and layer_of(name) > mine
    )
    assert not upward, f"{module_name(path)} ({LAYERS[mine][0]}) imports upward: {upward}"


def test_the_checker_sees_function_level_imports() -> None:
    """The test would pass vacuously if it missed imports inside functions: api.py imports the
    fixer only inside `fix_target`, and the top-level package imports its API lazily."""
    assert "fixer" in imported(PACKAGE / "api.py")
    assert {"engine", "fixer", "api"} <= imported(PACKAGE / "__init__.py")

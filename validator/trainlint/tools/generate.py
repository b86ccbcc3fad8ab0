"""Regenerate the artefacts derived from data: schema enums, the trainers' schemas and their
catalog entries, docs/rules.md and the README's example output.

`python -m trainlint.tools.generate` writes them; `--check` only reports drift
(the test suite runs it, so a stale artefact fails CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..catalog import catalog
from ..docs import rules_markdown
from ..resources import TRAINER_SCHEMAS, data_dir, trainer_schema_path


def build_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its catalog-derived parts (enums, per-preset defaults, snippets) regenerated."""
    from .schema_docs import fill

    return fill(schema, catalog())


PRESET_SCHEMA_ID = "https://trainlint.dev/schema/v1/preset.schema.json"


def preset_schema(config: dict[str, Any]) -> dict[str, Any]:
    """The schema of a repository preset file, made from the config's: `extends` takes what `preset`
    takes and `training` is the config's block, so the two never disagree on a key or a bound."""
    preset = config["properties"]["preset"]
    return {
        "$schema": config["$schema"],
        "$id": PRESET_SCHEMA_ID,
        "title": "trainlint repository preset file",
        "description": "A house preset: a built-in preset or another preset file, and the training values that "
        "differ from it. Configs name it with `preset: ./presets/house.yaml`.",
        "markdownDescription": "A house preset: the preset it `extends` (a built-in name or another preset "
        "file) and only the `training` values that differ from it. Configs name it with "
        "`preset: ./presets/house.yaml`; trainlint checks it on its own, too.",
        "type": "object",
        "additionalProperties": False,
        "required": ["extends"],
        "properties": {
            "extends": {
                **{k: v for k, v in preset.items() if k not in ("title", "description", "markdownDescription")},
                "title": "Extends",
                "description": "The preset this file starts from: a built-in name (optionally pinned, "
                "sdxl/style@1) or another preset file, relative to this one.",
            },
            "description": {
                "title": "Description",
                "description": "What this preset is for; `trainlint presets` and `show` print it.",
                "type": "string",
            },
            "version": {
                "title": "Version",
                "description": "This preset's own version, for your records.",
                "type": "integer",
                "minimum": 1,
            },
            "training": config["properties"]["training"],
        },
        "$defs": config["$defs"],
    }


EXAMPLES = "examples/lora-configs"
_BLOCK = re.compile(r"(<!-- example-output:start -->\n).*?(<!-- example-output:end -->)", re.S)


def readme_with_example_output(repo: Path) -> str:
    """The README with its example block replaced by what the real CLI prints for the examples."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    run = subprocess.run(
        [sys.executable, "-m", "trainlint", "check", EXAMPLES],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1) or not run.stdout:
        raise SystemExit(f"trainlint check {EXAMPLES} failed (exit {run.returncode}):\n{run.stderr}")
    block = f"```console\n$ trainlint check {EXAMPLES}\n{run.stdout}```\n"
    readme = (repo / "README.md").read_text(encoding="utf-8")
    return _BLOCK.sub(lambda m: m.group(1) + block + m.group(2), readme)


def targets() -> dict[Path, str]:
    repo = data_dir().parent
    schema_file = data_dir() / "v1" / "config.schema.json"
    schema = build_schema(json.loads(schema_file.read_text(encoding="utf-8")))
    from .trainer_schemas import catalog_with_trainers, render

    catalog_file = data_dir() / "catalog.json"
    return {
        schema_file: json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
        data_dir() / "v1" / "preset.schema.json": json.dumps(preset_schema(schema), indent=2, ensure_ascii=False)
        + "\n",
        **{trainer_schema_path(name): render(name) for name in TRAINER_SCHEMAS},
        catalog_file: catalog_with_trainers(catalog_file.read_text(encoding="utf-8")),
        repo / "docs" / "rules.md": rules_markdown(),
        repo / "README.md": readme_with_example_output(repo),
    }


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, content in targets().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())

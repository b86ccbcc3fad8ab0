"""The floor: the least a Python tool can do to check YAML configs against a JSON Schema.

Read each file, parse it with PyYAML's C loader (compose + construct, so the parser
tracks line marks as trainlint's loader does), validate with a compiled jsonschema-rs
validator, print the failing files. No positions, no messages, no semantic rules: the
time trainlint is measured against.

    python bench/floor.py SCHEMA FILE... [--jobs N]
"""

from __future__ import annotations

import json
import sys


def _check(paths: list[str], schema_file: str) -> list[str]:
    import jsonschema_rs
    import yaml

    with open(schema_file, encoding="utf-8") as handle:
        is_valid = jsonschema_rs.Draft202012Validator(json.load(handle)).is_valid
    failing = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = yaml.load(handle.read(), Loader=yaml.CSafeLoader)
            ok = is_valid(data)
        except (yaml.YAMLError, ValueError):
            ok = False
        if not ok:
            failing.append(path)
    return failing


def main(argv: list[str]) -> int:
    jobs = 1
    if "--jobs" in argv:
        at = argv.index("--jobs")
        jobs = int(argv[at + 1])
        del argv[at : at + 2]
    schema_file, paths = argv[0], argv[1:]
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        size = -(-len(paths) // jobs)
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(jobs) as pool:
            failing = [p for part in pool.map(_check, chunks, [schema_file] * len(chunks)) for p in part]
    else:
        failing = _check(paths, schema_file)
    sys.stdout.write("".join(f"{p}: invalid\n" for p in failing))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

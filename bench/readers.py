"""Measure the positioned JSON and TOML readers against the alternatives, in the same run.

    python bench/readers.py                 # generated and real inputs, 7 rounds
    python bench/readers.py --rounds 15 --real ../shared/real-configs

Candidates, each producing data plus the span of every key and value by path:

JSON
  scanner        trainlint's reader (inputs/readers/json_reader.py): one compiled pattern, one loop
  loads+pass     json.loads for the data, then a position pass over the same tokens that decodes no value
  tree-sitter    json.loads for the data, tree-sitter-json's tree walked for the positions
  json.loads     the data alone: the floor, no positions at all

TOML
  pass           trainlint's reader (inputs/readers/toml_reader.py): tomllib, then a pass over the text
  tree-sitter    tomllib for the data, tree-sitter-toml's tree walked for the positions (same Builder)
  tomlkit        tomlkit.parse + unwrap: the data alone, a lower bound for a tomlkit-based reader, which
                 would still have to recover offsets from the text each item renders to
  tomllib        the data alone: the floor

Every round runs every candidate once on every input set, interleaved, so a machine that slows
down for a while slows them all alike; the fastest round of each is reported (a busy machine only
ever adds time), with its ratio to trainlint's reader and to the floor. Before timing, each positioned candidate's spans are
compared with trainlint's on every input ("same spans"). Import costs are measured in fresh
interpreters: a folder search pays them once, a pre-commit hook on every run.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "validator"))

from trainlint.diagnostics import ConfigPath, Span
from trainlint.document import Document, Limits
from trainlint.inputs.readers import json_reader
from trainlint.inputs.readers.json_reader import line_starts, read_json
from trainlint.inputs.readers.toml_reader import Builder, Part, key_name, read_toml

Spans = dict[ConfigPath, tuple[Span | None, Span]]
# generous limits: the large inputs are measured read in full, not stopped at a limit
LIMITS = Limits(max_file_bytes=1 << 30, max_nodes=10**8, max_depth=64)


# --- inputs ----------------------------------------------------------------------------


def _kohya_like(rng: random.Random, keys: int) -> dict[str, Any]:
    """A flat GUI preset: mostly strings, numbers and booleans, a few lists."""
    out: dict[str, Any] = {}
    for i in range(keys):
        kind = rng.randrange(5)
        name = f"{rng.choice(['train', 'lr', 'save', 'sample', 'cache', 'network'])}_{rng.choice(['dim', 'steps', 'every', 'path', 'ratio'])}_{i}"
        out[name] = [
            rng.random(),
            "x" * rng.randrange(12),
            rng.randrange(10_000),
            rng.random() < 0.5,
            [rng.randrange(100) for _ in range(3)],
        ][kind]
    return out


def _nested(rng: random.Random, depth: int, width: int) -> Any:
    """A OneTrainer-like nested preset: objects of objects with lists of objects."""
    if depth == 0:
        return rng.choice([rng.random(), f"caf\u00e9 {rng.randrange(99)}", rng.randrange(1 << 40), None, True])
    if rng.random() < 0.25:
        return [_nested(rng, depth - 1, width) for _ in range(rng.randrange(1, 4))]
    return {f"k{depth}_{i}": _nested(rng, depth - 1, width) for i in range(width)}


def json_inputs(rng: random.Random) -> dict[str, list[str]]:
    return {
        "JSON generated: 200 kohya-like presets (~5 KB)": [
            json.dumps(_kohya_like(rng, 150), indent=2) for _ in range(200)
        ],
        "JSON generated: 50 nested presets (~40 KB)": [json.dumps(_nested(rng, 5, 5), indent=4) for _ in range(50)],
        "JSON generated: 1 large file (~1 MB, one line)": [json.dumps([_kohya_like(rng, 150) for _ in range(200)])],
    }


def _toml_value(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randrange(10_000)),
            repr(rng.random()),
            "true",
            f'"{"x" * rng.randrange(16)}"',
            f"'/data/{rng.randrange(99)}'",
            "[1, 2, 3]",
            "{ a = 1, b = 'x' }",
            "1e-4",
            "1_000",
        ]
    )


def _toml_dataset_config(rng: random.Random) -> str:
    """A dataset config as sd-scripts documents it: [general], [[datasets]], [[datasets.subsets]]."""
    lines = ["[general]", "shuffle_caption = true", "caption_extension = '.txt'", "keep_tokens = 1", ""]
    for _ in range(rng.randrange(1, 4)):
        lines += ["[[datasets]]", f"resolution = {rng.choice([512, 768, 1024])}", "batch_size = 4", ""]
        for _ in range(rng.randrange(1, 4)):
            lines += [
                "  [[datasets.subsets]]",
                f"  image_dir = 'C:\\train\\{rng.randrange(99)}'",
                f"  num_repeats = {rng.randrange(1, 20)}  # repeats",
                "",
            ]
    return "\n".join(lines) + "\n"


def _toml_training_config(rng: random.Random, keys: int) -> str:
    """A training config written with sections and some dotted keys."""
    lines = []
    for section in range(keys // 20):
        lines.append(f"[section_{section}]")
        for i in range(20):
            key = f"key_{i}" if rng.random() < 0.8 else f"group.key_{i}"
            lines.append(f"{key} = {_toml_value(rng)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def toml_inputs(rng: random.Random) -> dict[str, list[str]]:
    return {
        "TOML generated: 200 dataset configs (~0.5 KB)": [_toml_dataset_config(rng) for _ in range(200)],
        "TOML generated: 100 training configs (~3 KB)": [_toml_training_config(rng, 100) for _ in range(100)],
        "TOML generated: 1 large file (~500 KB)": [_toml_training_config(rng, 20_000)],
    }


def real_inputs(root: Path | None) -> tuple[list[str], list[str]]:
    """The JSON and TOML files under `root` that the readers accept (read here, never copied)."""
    if root is None or not root.is_dir():
        return [], []
    found: dict[str, list[str]] = {".json": [], ".toml": []}
    for path in sorted(root.rglob("*")):
        if path.suffix in found and path.is_file():
            raw = path.read_bytes()
            reader = read_json if path.suffix == ".json" else read_toml
            if reader(raw, path.name).data is not None:
                found[path.suffix].append(raw.decode("utf-8-sig"))
    return found[".json"], found[".toml"]


# --- offsets for tree-sitter (bytes) ---------------------------------------------------


def char_offsets(text: str, raw: bytes) -> Callable[[int], int]:
    """Byte offset -> character offset (identity for ASCII text, the usual config)."""
    if len(raw) == len(text):
        return int
    table = [0] * (len(raw) + 1)
    at = 0
    for index, char in enumerate(text):
        width = len(char.encode("utf-8"))
        for k in range(width):
            table[at + k] = index
        at += width
    table[at] = len(text)
    return table.__getitem__


def _spanner(text: str) -> Callable[[int, int], Span]:
    starts = line_starts(text)

    def span(start: int, end: int) -> Span:
        line = bisect.bisect_right(starts, start) - 1
        end_line = bisect.bisect_right(starts, end) - 1
        return Span(line, start - starts[line], end_line, end - starts[end_line], start, end)

    return span


# --- JSON candidates -------------------------------------------------------------------


def json_scanner(text: str) -> tuple[Any, Spans]:
    doc = read_json(text.encode(), "bench.json", LIMITS)
    return doc.data, doc.spans


def json_loads(text: str) -> tuple[Any, Spans]:
    return json.loads(text), {}


def json_loads_and_pass(text: str) -> tuple[Any, Spans]:
    """json.loads, then the same token pattern walked for positions only: keys named, values not decoded."""
    data = json.loads(text)
    spans: Spans = {}
    span = _spanner(text)
    jr = json_reader
    frames: list[list[Any]] = []  # [path, is_object, next index, key span, start]
    key: Any = None
    key_span: Span | None = None
    expect_key = False
    for match in jr._PATTERN.finditer(text):
        kind = match.lastindex
        start, end = match.span(kind)
        if match.start(1) >= 0:
            expect_key = frames[-1][1]
        if kind == jr._KEY or kind == jr._ESTR and expect_key:
            end = match.end(3) if kind == jr._KEY else end
            key = text[start + 1 : end - 1] if kind == jr._KEY else json.loads(text[start:end])
            key_span, expect_key = span(start, end), False
        elif kind in (jr._LBRACE, jr._LBRACKET):
            at = _next_path(frames, key)
            opened_key = key_span if frames and frames[-1][1] else None
            frames.append([at, kind == jr._LBRACE, 0, opened_key, start])
            expect_key, key_span = kind == jr._LBRACE, None
        elif kind in (jr._RBRACE, jr._RBRACKET):
            at, _, _, key_of, opened = frames.pop()
            spans[at] = (key_of, span(opened, end))
            _advance(frames)
        elif jr._STR <= kind <= jr._CONST:
            spans[_next_path(frames, key)] = (key_span if frames and frames[-1][1] else None, span(start, end))
            _advance(frames)
    return data, spans


def _next_path(frames: list[list[Any]], key: Any) -> ConfigPath:
    if not frames:
        return ()
    top = frames[-1]
    return (*top[0], key if top[1] else top[2])


def _advance(frames: list[list[Any]]) -> None:
    if frames and not frames[-1][1]:
        frames[-1][2] += 1


class TreeSitterJson:
    """json.loads for the data, tree-sitter-json for the positions (a cursor-free walk over named children)."""

    def __init__(self) -> None:
        import tree_sitter
        import tree_sitter_json

        self.parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))

    def __call__(self, text: str) -> tuple[Any, Spans]:
        data = json.loads(text)
        raw = text.encode()
        tree = self.parser.parse(raw)
        offset, span = char_offsets(text, raw), _spanner(text)
        spans: Spans = {}
        root = tree.root_node.named_children[0]
        stack: list[tuple[Any, ConfigPath, Span | None]] = [(root, (), None)]
        while stack:
            node, path, key_span = stack.pop()
            spans[path] = (key_span, span(offset(node.start_byte), offset(node.end_byte)))
            if node.type == "object":
                for pair in node.named_children:
                    key_node, value_node = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    name = json.loads(key_node.text)
                    stack.append(
                        (value_node, (*path, name), span(offset(key_node.start_byte), offset(key_node.end_byte)))
                    )
            elif node.type == "array":
                for index, item in enumerate(node.named_children):
                    stack.append((item, (*path, index), None))
        return data, spans


# --- TOML candidates -------------------------------------------------------------------


def toml_pass(text: str) -> tuple[Any, Spans]:
    doc = read_toml(text.encode(), "bench.toml", LIMITS)
    return doc.data, doc.spans


def toml_tomllib(text: str) -> tuple[Any, Spans]:
    return tomllib.loads(text), {}


class Tomlkit:
    def __init__(self) -> None:
        import tomlkit

        self.parse = tomlkit.parse

    def __call__(self, text: str) -> tuple[Any, Spans]:
        return self.parse(text).unwrap(), {}


class TreeSitterToml:
    """tomllib for the data, tree-sitter-toml's tree for the positions, recorded by the reader's Builder."""

    def __init__(self) -> None:
        import tree_sitter
        import tree_sitter_toml

        self.parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_toml.language()))

    def __call__(self, text: str) -> tuple[Any, Spans]:
        data = tomllib.loads(text)
        raw = text.encode()
        tree = self.parser.parse(raw)
        doc = Document("bench.toml", text)
        walk = _TomlWalk(doc, char_offsets(text, raw))
        for node in tree.root_node.named_children:
            walk.statement(node)
        walk.builder.close_section()
        return data, doc.spans


class _TomlWalk:
    def __init__(self, doc: Document, offset: Callable[[int], int]) -> None:
        self.builder, self.offset, self.table = Builder(doc, LIMITS), offset, ()

    def statement(self, node: Any) -> None:
        kind = node.type
        if kind == "pair":
            self.pair(node, self.table)
        elif kind in ("table", "table_array_element"):
            children = node.children
            close = next(i for i, c in enumerate(children) if c.type in ("]", "]]"))
            key = next(c for c in children[:close] if c.is_named)
            self.table = self.builder.header(
                self.parts(key),
                kind == "table_array_element",
                self.offset(node.start_byte),
                self.offset(children[close].end_byte),
            )
            for child in children[close + 1 :]:
                if child.type == "pair":
                    self.pair(child, self.table)

    def parts(self, key: Any) -> list[Part]:
        if key.type == "dotted_key":
            return [part for child in key.named_children for part in self.parts(child)]
        start, end = self.offset(key.start_byte), self.offset(key.end_byte)
        return [Part(key_name(key.text.decode(), start), start, end)]

    def pair(self, node: Any, table: ConfigPath) -> None:
        key, value = node.named_children[0], node.named_children[1]
        start, end = self.offset(value.start_byte), self.offset(value.end_byte)
        path = self.builder.key(table, self.parts(key), start)
        self.value(value, path)
        self.builder.value(path, start, end)

    def value(self, node: Any, path: ConfigPath) -> None:
        if node.type == "array":
            for index, item in enumerate(c for c in node.named_children if c.type != "comment"):
                at = (*path, index)
                start = self.offset(item.start_byte)
                self.builder.reserve_item(at, start)
                self.value(item, at)
                self.builder.item(at, start, self.offset(item.end_byte))
        elif node.type == "inline_table":
            for pair in node.named_children:
                if pair.type == "pair":
                    self.pair(pair, path)
        elif node.type in ("integer", "float"):
            self.builder.number(path, node.text.decode(), self.offset(node.start_byte), self.offset(node.end_byte))


# --- running ---------------------------------------------------------------------------


def same_spans(
    candidate: Callable[[str], tuple[Any, Spans]], reference: Callable[[str], tuple[Any, Spans]], texts: list[str]
) -> str:
    """'yes' when the candidate gives trainlint's spans on every input, else how many inputs differ."""
    differ = sum(candidate(text)[1] != reference(text)[1] for text in texts)
    return "yes" if not differ else f"no ({differ} of {len(texts)} differ)"


def measure(
    sets: dict[str, list[str]], candidates: dict[str, Callable[[str], tuple[Any, Spans]]], rounds: int
) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {(s, c): [] for s in sets for c in candidates}
    for _ in range(rounds):
        for set_name, texts in sets.items():
            for name, run in candidates.items():
                start = time.perf_counter()
                for text in texts:
                    run(text)
                times[set_name, name].append(time.perf_counter() - start)
    return times


def report(
    title: str,
    sets: dict[str, list[str]],
    candidates: dict[str, Callable[[str], tuple[Any, Spans]]],
    chosen: str,
    floor: str,
    rounds: int,
) -> None:
    reference = candidates[chosen]
    checks = {
        name: same_spans(run, reference, [t for texts in sets.values() for t in texts])
        for name, run in candidates.items()
        if name not in (chosen, floor) and name != "tomlkit"
    }
    times = measure(sets, candidates, rounds)
    print(f"\n## {title} (fastest of {rounds} rounds)\n")
    print(f"{'input':52} {'candidate':13} {'ms':>9} {'per file':>10} {'vs ' + chosen:>12} {'vs ' + floor:>14}")
    for set_name, texts in sets.items():
        base = min(times[set_name, chosen])
        lowest = min(times[set_name, floor])
        for name in candidates:
            best = min(times[set_name, name])
            print(
                f"{set_name[:52]:52} {name:13} {best * 1e3:9.2f} {best / len(texts) * 1e6:8.0f}us "
                f"{best / base:11.2f}x {best / lowest:13.2f}x"
            )
    for name, verdict in checks.items():
        print(f"same spans as {chosen}: {name}: {verdict}")


def import_costs(rounds: int) -> None:
    """Milliseconds a fresh interpreter spends importing each candidate (beyond `python -c pass`): the
    fastest of `rounds` runs from bytecode caches, as after `pip install` (a loaded machine only adds)."""
    statements = {
        "python -c pass": "pass",
        "trainlint.document (every reader's)": "import trainlint.document",
        "json_reader": "import trainlint.inputs.readers.json_reader",
        "toml_reader (with tomllib)": "import trainlint.inputs.readers.toml_reader",
        "tree_sitter + json grammar": "import tree_sitter, tree_sitter_json; "
        "tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))",
        "tree_sitter + toml grammar": "import tree_sitter, tree_sitter_toml; "
        "tree_sitter.Parser(tree_sitter.Language(tree_sitter_toml.language()))",
        "tomlkit": "import tomlkit",
    }
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in statements}
    path = str(HERE.parent / "validator")
    for round_ in range(rounds + 1):
        for name, code in statements.items():
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", f"import sys; sys.path.insert(0, {path!r}); {code}"],
                env=env,
                capture_output=True,
                check=False,
            )
            if round_ and done.returncode == 0:  # the first round writes the bytecode caches
                times[name].append(time.perf_counter() - start)
    baseline = min(times["python -c pass"])
    print(f"\n## Start-up: import in a fresh interpreter (fastest of {rounds}, beyond `python -c pass`)\n")
    for name, values in times.items():
        if name != "python -c pass":
            print(f"{name:36} {(min(values) - baseline) * 1e3:7.1f} ms" if values else f"{name:36} not installed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--real",
        type=Path,
        default=HERE.parent.parent / "shared" / "real-configs",
        help="a folder of real trainer configs to read (default: ../shared/real-configs)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    real_json, real_toml = real_inputs(args.real)
    json_sets = json_inputs(rng)
    toml_sets = toml_inputs(rng)
    if real_json:
        json_sets[f"JSON real: {len(real_json)} trainer configs"] = real_json
    if real_toml:
        toml_sets[f"TOML real: {len(real_toml)} trainer configs"] = real_toml
    print(f"Python {sys.version.split()[0]}")
    report(
        "JSON",
        json_sets,
        {
            "scanner": json_scanner,
            "loads+pass": json_loads_and_pass,
            **optional("tree-sitter", TreeSitterJson, "tree-sitter-json"),
            "json.loads": json_loads,
        },
        "scanner",
        "json.loads",
        args.rounds,
    )
    report(
        "TOML",
        toml_sets,
        {
            "pass": toml_pass,
            **optional("tree-sitter", TreeSitterToml, "tree-sitter-toml"),
            **optional("tomlkit", Tomlkit, "tomlkit"),
            "tomllib": toml_tomllib,
        },
        "pass",
        "tomllib",
        args.rounds,
    )
    import_costs(max(5, args.rounds))


def optional(
    name: str, make: Callable[[], Callable[[str], tuple[Any, Spans]]], package: str
) -> dict[str, Callable[[str], tuple[Any, Spans]]]:
    """A candidate whose package may not be installed (none of them is a dependency of trainlint)."""
    try:
        return {name: make()}
    except ImportError:
        print(f"(not measured: {name}; `pip install {package}` to measure it)")
        return {}


if __name__ == "__main__":
    main()

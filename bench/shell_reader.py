"""Shell parsers for training scripts, measured in one run: tree-sitter's bash grammar, bashlex, shlex.

What the shell reader needs from a parser: the words of each command with their positions,
quotes and `$VAR`s told apart, `\\` continuations and comments understood, and no exception, hang
or blow-up on hostile input. Each parser is asked to produce the words of every command of each
input (the part all three can do); times are the best of several runs, ratios are against
tree-sitter in the same run. Import times are measured in fresh interpreters.

    python bench/shell_reader.py [--repeat N]

shlex (standard library) is the floor: it splits words but knows no commands, `$VAR`s or
positions. The trainlint column is the whole reader (parse, expansion, spans).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

TYPICAL = b"""#!/usr/bin/env bash
# SDXL LoRA on a folder of photos
set -euo pipefail
export MODEL_NAME="stabilityai/stable-diffusion-xl-base-1.0"
export INSTANCE_DIR="./data/subject"
OUTPUT_DIR=out/lora-xl  # where checkpoints go

accelerate launch --num_processes=1 train_dreambooth_lora_sdxl.py \\
  --pretrained_model_name_or_path=$MODEL_NAME \\
  --instance_data_dir="$INSTANCE_DIR" \\
  --output_dir=${OUTPUT_DIR} \\
  --mixed_precision="fp16" \\
  --instance_prompt='a photo of sks person' \\
  --resolution=1024 \\
  --train_batch_size=1 \\
  --gradient_accumulation_steps=4 \\
  --learning_rate=1e-4 \\
  --text_encoder_lr=5e-6 \\
  --train_text_encoder \\
  --lr_scheduler="constant" \\
  --lr_warmup_steps=0 \\
  --max_train_steps=1500 \\
  --validation_prompt="a photo of sks person in a bucket" \\
  --validation_epochs=25 \\
  --seed="0"
"""

INPUTS: dict[str, bytes] = {
    "typical script (26 lines)": TYPICAL,
    "40 commands (1,000 lines)": TYPICAL * 40,
    "1 MB one-line command": b"python train_dreambooth_lora.py " + b"--flag=value " * 80_000 + b"\n",
    "unterminated quote": TYPICAL.replace(b"'a photo of sks person'", b"'a photo of sks person"),
    "$( nested 2,000 deep": b"python t.py --a " + b"$( " * 2_000 + b"x" + b" )" * 2_000 + b"\n",
    "( nested 2,000 deep": b"(" * 2_000 + b"python t.py --a 1" + b")" * 2_000 + b"\n",
}


def _tree_sitter() -> Callable[[bytes], Any]:
    import tree_sitter
    import tree_sitter_bash

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))

    def words(raw: bytes) -> list[list[tuple[int, int]]]:
        found, stack = [], [parser.parse(raw).root_node]
        while stack:
            node = stack.pop()
            if node.type == "command":
                found.append([(c.start_byte, c.end_byte) for c in node.children if c.is_named])
            else:
                stack.extend(node.children)
        return found

    return words


def _bashlex() -> Callable[[bytes], Any]:
    import bashlex

    def words(raw: bytes) -> list[list[tuple[int, int]]]:
        found, stack = [], list(bashlex.parse(raw.decode()))
        while stack:
            node = stack.pop()
            if node.kind == "command":
                found.append([part.pos for part in node.parts if part.kind == "word"])
            else:
                stack.extend(getattr(node, "parts", []) or getattr(node, "list", []))
        return found

    return words


def _shlex() -> Callable[[bytes], Any]:
    import shlex

    def words(raw: bytes) -> list[str]:
        return shlex.split(raw.decode(), comments=True)

    return words


def _trainlint() -> Callable[[bytes], Any]:
    from trainlint.inputs.readers.shell_reader import read_shell

    def words(raw: bytes) -> Any:
        return read_shell(raw, "bench.sh").data

    return words


PARSERS = {"tree-sitter": _tree_sitter, "bashlex": _bashlex, "shlex": _shlex, "trainlint reader": _trainlint}
IMPORTS = {
    "tree-sitter": "import tree_sitter, tree_sitter_bash; tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))",
    "bashlex": "import bashlex",
    "shlex": "import shlex",
}


def _time(call: Callable[[], Any], repeat: int, budget: float = 20.0) -> tuple[float | None, str]:
    """Best time in ms and an outcome; the first call is allowed `budget` seconds (in a child process
    would be safer, but none of the parsers here hangs on these inputs: a slow one is reported)."""
    best: float | None = None
    outcome = "ok"
    spent = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            call()
        except RecursionError:
            return None, "RecursionError"
        except Exception as exc:  # noqa: BLE001 - what a parser raises is the measurement
            return None, type(exc).__name__
        took = time.perf_counter() - start
        spent += took
        best = took if best is None else min(best, took)
        if spent > budget:
            outcome = "ok (fewer runs)"
            break
    return (best * 1000 if best is not None else None), outcome


def _import_ms(statement: str, repeat: int = 5) -> float:
    """Best wall time of a fresh interpreter importing, minus one that imports nothing."""

    def run(code: str) -> float:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            best = min(best, time.perf_counter() - start)
        return best

    return (run(statement) - run("pass")) * 1000


def main(argv: list[str]) -> int:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 20
    print("import (fresh interpreter, ms):")
    for name, statement in IMPORTS.items():
        print(f"  {name:<18} {_import_ms(statement):8.1f}")
    parsers = {name: make() for name, make in PARSERS.items()}
    print(f"\nparse, best of {repeat} (ms; ratio to tree-sitter in this run):")
    header = f"  {'input':<28}" + "".join(f"{name:>26}" for name in parsers)
    print(header)
    for label, raw in INPUTS.items():
        row = f"  {label:<28}"
        base: float | None = None
        for name, words in parsers.items():
            taken, outcome = _time(lambda words=words, raw=raw: words(raw), repeat)
            if name == "tree-sitter":
                base = taken
            if taken is None:
                cell = outcome
            elif base and name != "tree-sitter":
                cell = f"{taken:9.2f} (x{taken / base:6.1f})"
            else:
                cell = f"{taken:9.2f}"
            row += f"{cell:>26}"
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

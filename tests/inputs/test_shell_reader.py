"""The shell reader: training commands, values as bash passes them, positions, hostile input."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from trainlint.diagnostics import Span
from trainlint.document import Document, Limits
from trainlint.inputs.readers.shell_reader import read_shell


def read(text: str | bytes, **limits: int) -> Document:
    raw = text.encode() if isinstance(text, str) else text
    return read_shell(raw, "train.sh", Limits(**limits))


def commands(text: str) -> list[dict[str, Any]]:
    doc = read(text)
    assert doc.findings == []
    result: list[dict[str, Any]] = doc.data["commands"]
    return result


def at(doc: Document, span: Span | None) -> str:
    assert span is not None
    return doc.text[span.start : span.end]


SCRIPT = """\
#!/usr/bin/env bash
export MODEL_NAME="stabilityai/stable-diffusion-xl-base-1.0"
OUT=out  # comment
accelerate launch --num_processes=2 --mixed_precision fp16 train_dreambooth_lora_sdxl.py \\
  --pretrained_model_name_or_path=$MODEL_NAME \\
  --output_dir "${OUT}/run 1" \\
  --instance_prompt='a $photo of sks' \\
  --learning_rate=1e-4 \\
  --train_text_encoder \\
  --lr_power -1 \\
  --validation_images a.png b.png
"""


def test_command_shape() -> None:
    [command] = commands(SCRIPT)
    assert command["launcher"] == "accelerate launch"
    assert command["launcher_args"] == {"--num_processes": "2", "--mixed_precision": "fp16"}
    assert command["script"] == "train_dreambooth_lora_sdxl.py"
    assert command["args"] == {
        "--pretrained_model_name_or_path": "stabilityai/stable-diffusion-xl-base-1.0",
        "--output_dir": "out/run 1",
        "--instance_prompt": "a $photo of sks",  # single quotes: no expansion
        "--learning_rate": "1e-4",
        "--train_text_encoder": True,
        "--lr_power": "-1",  # a negative number is a value, not a flag
        "--validation_images": ["a.png", "b.png"],
    }
    assert command["unresolved"] == {}
    assert command["variables"] == {"MODEL_NAME": "stabilityai/stable-diffusion-xl-base-1.0", "OUT": "out"}


def test_positions_of_flags_and_values() -> None:
    doc = read(SCRIPT)
    spans = doc.spans
    key, value = spans[("commands", 0, "args", "--learning_rate")]
    assert (at(doc, key), at(doc, value)) == ("--learning_rate", "1e-4")
    assert key is not None and (key.line, key.col, key.end_col) == (7, 2, 17)
    assert (value.line, value.col, value.end_col) == (7, 18, 22)
    key, value = spans[("commands", 0, "args", "--output_dir")]
    assert (at(doc, key), at(doc, value)) == ("--output_dir", '"${OUT}/run 1"')
    key, value = spans[("commands", 0, "args", "--train_text_encoder")]
    assert at(doc, key) == at(doc, value) == "--train_text_encoder"
    key, value = spans[("commands", 0, "args", "--validation_images")]
    assert at(doc, value) == "a.png b.png"
    key, value = spans[("commands", 0, "launcher_args", "--mixed_precision")]
    assert (at(doc, key), at(doc, value)) == ("--mixed_precision", "fp16")
    assert at(doc, spans[("commands", 0, "script")][1]) == "train_dreambooth_lora_sdxl.py"
    assert at(doc, spans[("commands", 0, "launcher")][1]).startswith("accelerate launch --num_processes=2")
    key, value = spans[("commands", 0, "variables", "MODEL_NAME")]
    assert (at(doc, key), at(doc, value)) == ("MODEL_NAME", '"stabilityai/stable-diffusion-xl-base-1.0"')


def test_columns_count_characters() -> None:
    doc = read('P="é ü"\npython train.py --prompt="ö $P" --steps=10\n')
    [command] = doc.data["commands"]
    assert command["args"]["--prompt"] == "ö é ü"
    key, value = doc.spans[("commands", 0, "args", "--steps")]
    assert (at(doc, key), at(doc, value)) == ("--steps", "10")
    assert value.col == len('python train.py --prompt="ö $P" --steps=')


def test_unknown_expansions_are_kept_as_text() -> None:
    [command] = commands('python train.py --a=$HOME/x --b "${N:-3}" --c $(date) --d "$1" --e=`pwd`\n')
    assert command["args"] == {"--a": "$HOME/x", "--b": "${N:-3}", "--c": "$(date)", "--d": "$1", "--e": "`pwd`"}
    assert command["unresolved"] == {
        "--a": ["$HOME"],
        "--b": ["${N:-3}"],
        "--c": ["$(date)"],
        "--d": ["$1"],
        "--e": ["`pwd`"],
    }


def test_quoting_and_escapes() -> None:
    [command] = commands("python train.py --a=\"x \\\"y\\\" \\$z\" --b=a\\ b --c=$'t\\tab' --d='' -- --e\n")
    assert command["args"] == {"--a": 'x "y" $z', "--b": "a b", "--c": "t\tab", "--d": ""}
    assert command["positional"] == ["--e"]


def test_variables_follow_the_script() -> None:
    text = (
        "A=1\npython t1.py --v=$A\nA=2\nif true; then B=3; fi\npython t2.py --v=$A --w=$B\n"
        "source env.sh\npython t3.py --v=$A\n"
    )
    first, second, third = commands(text)
    assert first["args"]["--v"] == "1"
    assert second["args"] == {"--v": "2", "--w": "$B"}  # set inside an `if`: undetermined
    assert second["variables"] == {"A": "2", "B": None}
    assert third["unresolved"] == {"--v": ["$A"]}  # a sourced file may set anything


def test_launchers() -> None:
    text = """\
CUDA_VISIBLE_DEVICES=0 nohup python -u train_a.py --x 1 > log.txt 2>&1 &
python -m accelerate.commands.launch --num_processes 1 train_b.py --x 2
torchrun --nproc_per_node=4 train_c.py --x 3
env HF_HOME=/tmp accelerate launch --config_file cfg.yaml train_d.py --x 4
./train_e.py --x 5
python -c "print(1)"
python -m pip install diffusers
echo train_f.py
"""
    found = commands(text)
    assert [(c["launcher"], c["script"], c["args"]["--x"]) for c in found] == [
        ("python", "train_a.py", "1"),
        ("python -m accelerate.commands.launch", "train_b.py", "2"),
        ("torchrun", "train_c.py", "3"),
        ("accelerate launch", "train_d.py", "4"),
        ("", "./train_e.py", "5"),
    ]
    assert found[2]["launcher_args"] == {"--nproc_per_node": "4"}
    assert found[3]["launcher_args"] == {"--config_file": "cfg.yaml"}


def test_a_comment_inside_a_continuation_cuts_the_command() -> None:
    text = "accelerate launch train.py --a=1 \\\n  # the next flags never reach the script\n  --b 2 \\\n  --c\n"
    [command] = commands(text)
    assert command["args"] == {"--a": "1"}
    assert command["cut_off"] == ["--b", "--c"]


def test_repeated_flag_keeps_the_last() -> None:
    doc = read("python train.py --steps=1 --steps=2\n")
    [command] = doc.data["commands"]
    assert command["args"]["--steps"] == "2" and command["repeated"] == ["--steps"]
    assert at(doc, doc.spans[("commands", 0, "args", "--steps")][1]) == "2"


def test_unterminated_quote_is_a_finding() -> None:
    doc = read('python train.py --a=1\naccelerate launch train.py --prompt="a photo \\\n  --steps=10\n')
    [finding] = doc.findings
    assert finding.code == "TL001" and finding.span is not None
    assert (finding.span.line, finding.span.col) == (1, 36)
    first, second = doc.data["commands"]
    assert not first["incomplete"] and second["incomplete"]


def test_hostile_input_never_raises_nor_hangs() -> None:
    cases: dict[str, bytes] = {
        "nul": b"python t.py --a\x00b\n",
        "latin-1": b"python t.py --a=\xe9\n",
        "deep substitution": b"python t.py --a " + b"$( " * 3000 + b"x" + b" )" * 3000 + b"\n",
        "unclosed substitution": b"echo " + b"$(" * 20000 + b"\n",
        "deep subshells": b"(" * 5000 + b"python t.py" + b")" * 5000 + b"\n",
        "1 MB line": b"python t.py " + b"--a=b " * 170_000 + b"\n",
        "1 MB word": b"python t.py --a=" + b"x" * 1_000_000 + b"\n",
        "quotes": b'"' * 100_001,
        "braces": b"echo ${" * 20000,
    }
    for name, raw in cases.items():
        start = time.perf_counter()
        doc = read_shell(raw, name, Limits(max_file_bytes=2_000_000))
        assert time.perf_counter() - start < 5, name
        assert isinstance(doc.data, dict) or doc.findings, name
    assert read(b"python t.py --a\x00b\n").findings[0].code == "TL007"
    assert read(b"python t.py --a=\xe9\n").findings[0].code == "TL007"
    assert read(b"x" * 2_000_000).findings[0].code == "TL091"
    assert read(b"(" * 200 + b"python t.py" + b")" * 200 + b"\n").findings[0].code == "TL093"


def test_word_limit_keeps_what_was_read() -> None:
    doc = read("python t.py " + "--a=b " * 50 + "\npython u.py\n", max_nodes=20)
    [finding] = doc.findings
    assert finding.code == "TL092"
    [command] = doc.data["commands"]
    assert command["script"] == "t.py" and command["args"] == {"--a": "b"}


def test_non_training_files() -> None:
    assert read("").data == {"commands": []}
    assert read("# only a comment\npip install -r requirements.txt\n").data == {"commands": []}


def test_parser_is_imported_on_first_use() -> None:
    code = (
        "import sys, trainlint.inputs.readers.shell_reader as r; assert 'tree_sitter' not in sys.modules; "
        "r.read_shell(b'python t.py', 't'); assert 'tree_sitter' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

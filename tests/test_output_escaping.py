"""Nothing from a file or a file name reaches a reader raw: every output path, through the real CLI.

A key, a value or a file name from a pull request may hold escape sequences (colour, cursor
moves, a cleared screen), line breaks that would start a forged line in a CI log (`::error::`,
`::add-mask::`, `::stop-commands::` are GitHub workflow commands; `##[error]` is the older form,
honoured anywhere in a line), NEL, LS and PS, bidi controls that reorder what a reviewer reads,
and bytes that are not UTF-8. Each test writes real files holding all of them, runs `trainlint`
in a child process, and reads its stdout and stderr as bytes: they must be valid UTF-8 without
any of those characters (a line feed only between lines, no CR at all), no `##[`, and no line
that opens with `::` but the annotations of the `github` format, each one exactly as it writes
them. The escaping itself is `text.printable` (one function for every human-facing output).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from trainlint.text import guarded, printable

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# one of each: escape sequence, CR LF and a forged command, NEL, LS, PS, bidi override and isolate,
# the older command form, a DEL and a C1 control (CSI)
HOSTILE = "\x1b[2J\x1b[31m\r\n::error file=x.yaml::forged\r\x85\u2028\u2029\u202e\u2066##[add-mask]x\x7f\x9b"
# in a file name: no `/`, and a name that would open the line
NAME = "::warning::" + HOSTILE.replace("/", "")
UNDECODABLE = b"\xff\xfe-not-utf8"  # becomes lone surrogates in Python's view of the name

# what may not appear anywhere in the output (a line feed between lines aside)
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
ANNOTATION = re.compile(
    r"::(?:error|warning|notice) file=[^:,\r\n]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
    r"title=TL\d+ [a-z0-9-]+::[^\r\n]*"
)


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "TRAINLINT_DEBUG")}
    out["NO_COLOR"] = "1"
    return out


def trainlint(cwd: Path, *args: str | bytes) -> tuple[int, str]:
    """Run the CLI; its exit code and stdout + stderr, checked to be safe to show, as text."""
    run = subprocess.run(
        [sys.executable, "-m", "trainlint", *args], cwd=cwd, env=env(), capture_output=True, timeout=120, check=False
    )
    for stream in (run.stdout, run.stderr):
        assert_safe(stream)
    assert b"Traceback" not in run.stderr and b"internal error" not in run.stderr, run.stderr
    return run.returncode, (run.stdout + run.stderr).decode("utf-8")


def assert_safe(output: bytes) -> None:
    text = output.decode("utf-8")  # strict: an undecodable name must not come out as raw bytes
    bad = FORBIDDEN.search(text)
    assert bad is None, f"raw {bad.group()!r} in output:\n{text!r}"
    assert "##[" not in text, text
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert ANNOTATION.fullmatch(line), f"a line opens a workflow command: {line!r}"


def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def quoted(text: str) -> str:
    """A double-quoted scalar for YAML, a basic string for TOML, a JSON string: the same escapes."""
    return json.dumps(text)


TRAINLINT_CONFIG = """\
schema_version: 1
name: hostile
base_model: sdxl
training_type: style
preset: sdxl/style
classification: sdxl/style
dataset:
  path: ./data
  images: 20
"""


def hostile_trainlint_config() -> str:
    """A trainlint config whose hostile key, value and block text are reported or shown."""
    return TRAINLINT_CONFIG + f"{quoted(HOSTILE)}: 1\nnotes: {quoted(HOSTILE)}\nstory: |\n  ::error::in a block\n"


def hostile_kohya() -> str:
    data = json.loads((FIXTURES / "kohya_ss" / "lora-gui-steps.json").read_text())
    text = json.dumps(data, indent=2)
    # a key twice: the reader quotes it in both findings
    return text.replace('"epoch": 2,', f'"epoch": 2,\n  {quoted(HOSTILE)}: 1,\n  {quoted(HOSTILE)}: 2,')


def hostile_ai_toolkit() -> str:
    text = (FIXTURES / "ai-toolkit" / "flux_lora.yaml").read_text()
    twice = f"      {quoted(HOSTILE)}: 1\n      {quoted(HOSTILE)}: 2\n"
    return text.replace("      trigger_word:", twice + "      trigger_word:")


def hostile_sd_scripts() -> str:
    text = (FIXTURES / "sd-scripts" / "lora-sdxl.toml").read_text()
    twice = f"{quoted(HOSTILE)} = 1\n{quoted(HOSTILE)} = 2\n"
    return text.replace("[training_arguments]\n", "[training_arguments]\n" + twice)


# --- the escaping function ---------------------------------------------------------------


@pytest.mark.parametrize("text", [HOSTILE, NAME, "  ::error::x", "\u00a0::x", "a ##[error] b", "\udcff\udcfe", "\t"])
def test_printable_leaves_nothing_to_act_on(text: str) -> None:
    shown = printable(text)
    assert shown is not None
    assert_safe(shown.encode("utf-8"))
    assert "\n" not in shown and "\r" not in shown
    assert printable(shown) == shown  # escaping twice changes nothing


def test_the_printable_ascii_shortcut_skips_only_what_the_pattern_would_not_match() -> None:
    """`printable` and `plain` skip the regular expression for printable ASCII: every ASCII character
    the shortcut lets through is one the pattern leaves alone, alone and next to any other."""
    from trainlint.text import _UNPRINTABLE, _printable_ascii

    for first in map(chr, range(128)):
        for second in map(chr, range(128)):
            pair = first + second
            if _printable_ascii(pair):
                assert _UNPRINTABLE.search(pair) is None, repr(pair)
    assert printable("tab\there ::x") == "tab\there ::x" and printable("a\x1bb") == "a\\x1bb"


def test_printable_keeps_ordinary_text() -> None:
    for text in ("config.yaml:3:1: TL101 unknown key `x`", "ü, 日本, emoji 🎨, tab\there", "a::b", "# ## [x]"):
        assert printable(text) == text


def test_guarded_reports_read_back_the_same_data() -> None:
    data = {"message": HOSTILE, "file": NAME}
    serialized = guarded(json.dumps(data, indent=2), lambda c: f"\\u{ord(c):04x}")
    assert_safe(serialized.encode())
    assert json.loads(serialized) == data
    root = ET.Element("r", a=HOSTILE.replace("\x1b", "").replace("\x7f", "").replace("\x9b", ""))
    xml = guarded(ET.tostring(root, encoding="unicode"), lambda c: f"&#x{ord(c):X};")
    assert_safe(xml.encode())
    assert ET.fromstring(xml).get("a") == root.get("a")


# --- reports: every format, files named and found ---------------------------------------------


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = repo(tmp_path_factory.mktemp("hostile"))
    (root / "data").mkdir()
    (root / f"{NAME}.yaml").write_text(hostile_trainlint_config())
    (root / "value.yaml").write_text(TRAINLINT_CONFIG.replace("preset: sdxl/style", f"preset: {quoted(HOSTILE)}"))
    (root / f"{NAME}.json").write_text(hostile_kohya())
    (root / "kohya.json").write_text(hostile_kohya())
    (root / "job.yaml").write_text(hostile_ai_toolkit())
    (root / "train.toml").write_text(hostile_sd_scripts())
    (root / "dataset.toml").write_text((FIXTURES / "sd-scripts" / "dataset.toml").read_text())
    (root / os.fsdecode(UNDECODABLE + b".yaml")).write_bytes(hostile_trainlint_config().encode())
    return root


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "json", "sarif", "junit"])
def test_every_report_format_escapes_names_keys_and_values(hostile_repo: Path, fmt: str) -> None:
    code, named = trainlint(
        hostile_repo,
        "check",
        "--format",
        fmt,
        "--",
        f"{NAME}.yaml",
        f"{NAME}.json",
        "value.yaml",
        "kohya.json",
        "job.yaml",
        "train.toml",
        UNDECODABLE + b".yaml",
    )
    assert code == 1
    code, found = trainlint(hostile_repo, "check", "--format", fmt, ".")
    assert code == 1
    if fmt == "text":  # the findings that quote the hostile key, value and names are there, escaped
        for output in (named, found):
            assert printable(HOSTILE) in output and printable(f"{NAME}.json") in output
            assert re.search(r"\\(xff|udcff)\\(xfe|udcfe)-not-utf8\.yaml:", output), output  # the bytes, escaped
            for trainer_file in ("kohya.json", "job.yaml", "train.toml"):
                assert re.search(
                    rf"^{re.escape(trainer_file)}:\d+:\d+: TL\d+ .*{re.escape(printable(HOSTILE))}",
                    output,
                    re.MULTILINE,
                ), (trainer_file, output)
    if fmt == "github":
        annotations = [line for line in found.split("\n") if line.startswith("::")]
        assert len(annotations) >= 8 and all(ANNOTATION.fullmatch(a) for a in annotations)
    if fmt in ("json", "sarif"):
        json.loads(named.rpartition("\n}")[0] + "\n}")  # still one JSON document
    if fmt == "junit":  # stderr follows: the line naming the configs that use the trainer files named
        ET.fromstring(named[: named.rindex("</testsuites>") + len("</testsuites>")])


def test_output_file_summary_names_the_report_escaped(hostile_repo: Path, tmp_path: Path) -> None:
    report = tmp_path / f"r{HOSTILE}.json".replace("/", "")
    code, output = trainlint(hostile_repo, "check", "--format", "json", "-o", str(report), "--", "kohya.json")
    assert code == 1 and report.is_file() and "report written to" in output


# --- fix -----------------------------------------------------------------------------------


def test_fix_diff_headers_and_lines_are_escaped(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "data").mkdir()
    config = hostile_trainlint_config().replace("classification: sdxl/style", "classification: sdxl/portrait")
    (root / f"{NAME}.yaml").write_text(config)
    code, output = trainlint(root, "fix", "--diff", "--", f"{NAME}.yaml")
    assert code == 1
    shown = printable(f"{NAME}.yaml")
    assert f"--- a/{shown}\n+++ b/{shown}\n" in output
    assert "-classification: sdxl/portrait\n+classification: sdxl/style\n" in output
    assert (root / f"{NAME}.yaml").read_text() == config  # --diff writes nothing
    code, output = trainlint(root, "fix", "--", f"{NAME}.yaml")
    assert code == 0 and f"fixed {shown}\n" in output


def test_fix_refusal_names_the_file_escaped(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / f"{NAME}.yaml").write_text(f"{quoted(HOSTILE)}: 1\n")  # no config: named, it is refused
    code, output = trainlint(root, "fix", "--", f"{NAME}.yaml")
    assert code == 2 and f"{printable(NAME + '.yaml')}: not fixed: " in output


# --- show and --show-settings -------------------------------------------------------------


def test_show_escapes_the_path_and_what_the_config_says(tmp_path: Path) -> None:
    root = repo(tmp_path)
    preset = f"p{HOSTILE}.yaml".replace("/", "")
    (root / preset).write_text("extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n")
    text = TRAINLINT_CONFIG.replace("preset: sdxl/style", f"preset: {quoted('./' + preset)}").replace(
        "classification: sdxl/style", f"classification: {quoted(HOSTILE)}"
    )
    (root / f"{NAME}.yaml").write_text(text)
    for args in (["show", "--", f"{NAME}.yaml"], ["show", "--format", "json", "--", f"{NAME}.yaml"]):
        code, output = trainlint(root, *args)
        assert code == 0, output
    code, output = trainlint(root, "show", "--", f"{NAME}.yaml")
    assert f"config          {printable(NAME + '.yaml')}\n" in output
    assert printable("./" + preset) in output and f"tagged {printable(HOSTILE)}" in output
    code, output = trainlint(root, "show", "--format", "json", "--", f"{NAME}.yaml")
    assert json.loads(output)["file"] == f"{NAME}.yaml"
    kohya = json.loads((FIXTURES / "kohya_ss" / "lora-gui-steps.json").read_text())
    (root / f"{NAME}.json").write_text(json.dumps({**kohya, "train_data_dir": HOSTILE}))
    code, output = trainlint(root, "show", "--", f"{NAME}.json")  # a trainer's config: a note quotes the folder
    assert code == 0 and f"'{printable(HOSTILE)}' could not be listed" in output, output
    code, output = trainlint(root, "show", "--format", "json", "--", f"{NAME}.json")
    assert code == 0 and HOSTILE in json.loads(output)["values"]["steps"]["note"], output


def test_show_settings_escapes_the_file_names_and_values(tmp_path: Path) -> None:
    root = repo(tmp_path)
    sub = root / f"s{HOSTILE}".replace("/", "")
    presets = sub / f"p{HOSTILE}".replace("/", "")
    presets.mkdir(parents=True)
    (sub / ".trainlint.toml").write_text(f"preset-paths = [{quoted(presets.name)}]\nplugins = [{quoted(HOSTILE)}]\n")
    (sub / f"{NAME}.yaml").write_text(TRAINLINT_CONFIG)
    code, output = trainlint(root, "check", "--show-settings", ".")
    assert code == 2  # the plugin is not installed: reported, escaped
    assert f"{printable(f'{sub.name}/{NAME}.yaml')}:\n" in output and "preset-paths = " in output
    assert f"plugin {printable(repr(HOSTILE))}: not installed" in output


# --- configuration errors, usage errors, plugin errors ---------------------------------------------


@pytest.mark.parametrize(
    "toml",
    [
        f"{quoted(HOSTILE)} = 1\n",  # an unknown key, named in the message
        f"fail-on = {quoted(HOSTILE)}\n",  # a bad value
        f'[severity]\n{quoted(HOSTILE)} = "error"\n',  # a bad rule code
        f"thresholds = {{ {quoted(HOSTILE)} = {{}} }}\n",
        f"preset-paths = [{quoted(HOSTILE)}]\n",  # not a folder
        f"per-file-preset = {{ {quoted(HOSTILE)} = {quoted(HOSTILE)} }}\n",
        f"plugins = [{quoted(HOSTILE)}]\n",  # not installed: reported after the run
        "select = [\n",  # not TOML, in a folder with a hostile name
    ],
    ids=["key", "value", "code", "thresholds", "folder", "per-file", "plugin", "syntax"],
)
def test_configuration_errors_are_escaped(tmp_path: Path, toml: str) -> None:
    root = repo(tmp_path)
    sub = root / f"c{HOSTILE}".replace("/", "")
    sub.mkdir()
    (sub / ".trainlint.toml").write_text(toml)
    (sub / "config.yaml").write_text(TRAINLINT_CONFIG)
    for args in (["check", "."], ["check", "--config", str(sub / ".trainlint.toml"), "."], ["fix", "."]):
        code, output = trainlint(root, *args)
        assert code == 2 and printable(sub.name) in output, output


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--", f"missing{HOSTILE}.yaml"],
        ["check", f"{HOSTILE}*.yaml"],
        ["check", "--format", HOSTILE, "."],
        ["check", "--fail-on", HOSTILE, "."],
        ["check", "--select", HOSTILE, "."],
        ["check", f"--{HOSTILE}"],
        ["check", "--jobs", HOSTILE],
        ["check", "--config", f"missing{HOSTILE}.toml", "."],
        ["show", f"missing{HOSTILE}.yaml"],
        ["rule", HOSTILE],
        ["presets", HOSTILE],
        ["init", f"{NAME}.yaml"],
        ["init", "--preset", HOSTILE, "x.yaml"],
        [f"{HOSTILE}"],
    ],
    ids=[
        "missing-file",
        "glob",
        "format",
        "fail-on",
        "select",
        "option",
        "jobs",
        "config",
        "show",
        "rule",
        "presets",
        "init",
        "init-preset",
        "command",
    ],
)
def test_usage_errors_and_messages_naming_paths_are_escaped(tmp_path: Path, args: list[str]) -> None:
    root = repo(tmp_path)
    (root / "config.yaml").write_text(TRAINLINT_CONFIG)
    code, output = trainlint(root, *args)
    assert code in (0, 2), output
    if args[0] == "init" and code == 0:
        assert (root / f"{NAME}.yaml").is_file()
        code, output = trainlint(root, *args)  # now it exists: refused, naming it
        assert code == 2 and printable(f"{NAME}.yaml") in output


def test_show_refusal_names_the_file_escaped(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / f"{NAME}.yaml").write_text("schema_version: 1\nname: [\n")
    code, output = trainlint(root, "show", f"./{NAME}.yaml")
    assert code == 2 and "cannot show the effective config" in output

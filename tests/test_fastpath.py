"""The fast path reads and judges exactly what the slow, thorough path does.

Speed must never change a verdict: the libyaml-based loader reads the same data as
ruamel.yaml's round-trip loader (the one the fixer rewrites with), and jsonschema-rs's
verdict is jsonschema's, on every config of the benchmark corpus, the test corpus and
the examples, and on generated values near the schema's edges.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trainlint import schema_layer
from trainlint.api import check_file
from trainlint.document import Document
from trainlint.inputs.trainlint import looks_like_config
from trainlint.inputs.yaml_reader import load_bytes
from trainlint.settings import Settings

sys.path.insert(0, str(REPO / "bench"))
from corpus import generate  # noqa: E402


def _typed(value: Any) -> Any:
    """Plain data with every scalar tagged by its type, so 1, 1.0 and True never compare equal."""
    if isinstance(value, dict):
        return {str(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    for kind in (bool, int, float, str):  # bool before int: True is an int too
        if isinstance(value, kind):
            plain = kind(value)
            return (kind.__name__, "nan" if isinstance(plain, float) and math.isnan(plain) else plain)
    return (type(value).__name__, value)


def _round_trip(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="rt").load(text)


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The benchmark's generated configs (a sample), the test corpus, the examples."""
    generated = generate(tmp_path_factory.mktemp("bench") / "corpus", 400).files
    shipped = [p for folder in (REPO / "tests" / "corpus", REPO / "examples") for p in sorted(folder.rglob("*.y*ml"))]
    return generated + shipped


def _clean(doc) -> bool:  # noqa: ANN001
    """Loaded without a finding about the reading itself (TL010, a YAML 1.1 note, is about other readers)."""
    return doc.ok and not any(f.code.startswith(("TL00", "TL09")) and f.code != "TL010" for f in doc.findings)


def _has_merge_key(data: Any) -> bool:
    if isinstance(data, dict):
        return "<<" in data or any(_has_merge_key(v) for v in data.values())
    return isinstance(data, list) and any(_has_merge_key(v) for v in data)


def test_fast_and_round_trip_loaders_read_the_same_data(configs: list[Path]) -> None:
    compared = 0
    for path in configs:
        raw = path.read_bytes()
        doc = load_bytes(raw, str(path))
        if not _clean(doc):
            continue
        if _has_merge_key(doc.data):
            # YAML 1.2 has no merge key: trainlint reads `<<` as a key and reports it (TL101),
            # where ruamel.yaml merges as YAML 1.1 did; the difference is shown, never silent
            assert "TL101" in [d.code for d in check_file(path, str(path), Settings()).diagnostics]
            continue
        assert _typed(doc.data) == _typed(_round_trip(doc.text)), path
        compared += 1
    assert compared >= 350  # the broken configs aside, every config was compared


def test_syntax_errors_fail_on_both_loaders(configs: list[Path]) -> None:
    broken = [p for p in configs if any(f.code == "TL001" for f in load_bytes(p.read_bytes(), str(p)).findings)]
    assert broken, "the corpus holds syntax errors"
    for path in broken:
        with pytest.raises(Exception):  # noqa: B017, PT011 - ruamel's own error classes
            _round_trip(path.read_text(encoding="utf-8"))


def _engines_agree(data: Any) -> None:
    fast = schema_layer.passes(data, 1)
    slow = not any(True for _ in schema_layer._validator(1).iter_errors(data))
    if fast is not None:
        assert fast == slow, data


def test_schema_engines_agree_on_every_config(configs: list[Path]) -> None:
    """Same verdict, and the same findings whether jsonschema-rs's errors or jsonschema's make them."""
    verdicts, worded_by_rs = set(), 0
    for path in configs:
        doc = load_bytes(path.read_bytes(), str(path))
        if not doc.ok:
            continue
        _engines_agree(doc.data)
        verdicts.add(schema_layer.passes(doc.data, 1))
        worded_by_rs += bool(schema_layer._rs_errors(doc.data, 1))
        assert schema_layer.check(doc, fast=True) == schema_layer.check(doc, fast=False), path
    assert {True, False} <= verdicts  # both verdicts were exercised
    assert worded_by_rs > 50  # and the failing configs were worded from jsonschema-rs's errors, not handed on


def test_each_missing_key_is_reported_once() -> None:
    doc = load_bytes(b"schema_version: 1\nname: x\n", "c.yaml")
    for fast in (True, False):
        missing = [f.message.rsplit(" ", 1)[-1] for f in schema_layer.check(doc, fast=fast) if f.code == "TL105"]
        assert missing == ["`base_model`", "`training_type`", "`preset`", "`dataset`"], fast  # the schema's order


def _errors(data: Any, inline: bool) -> list[Any]:
    """The findings jsonschema's errors become (what users read), in order."""
    return [f for e in schema_layer._validator(1, inline=inline).iter_errors(data) for f in schema_layer._map(e)]


def test_inlined_references_give_the_same_errors(configs: list[Path]) -> None:
    """The detailed errors come from the schema with `$ref`s inlined: exactly those of the schema as written."""
    failing = 0
    for path in configs:
        doc = load_bytes(path.read_bytes(), str(path))
        if doc.ok:
            inlined = _errors(doc.data, inline=True)
            assert inlined == _errors(doc.data, inline=False), path
            failing += bool(inlined)
    assert failing > 50


def test_refused_values_fall_back_to_jsonschema(tmp_path: Path) -> None:
    """A value the loader refused (a str subclass) is one jsonschema-rs cannot take: jsonschema decides."""
    doc = load_bytes(
        b"schema_version: 1\nbase_model: !!binary aGVsbG8=\ntraining_type: style\n"
        b"preset: sdxl/style\ndataset: {images: 3}\n",
        "refused.yaml",
    )
    assert schema_layer.passes(doc.data, 1) is None
    assert schema_layer.check(doc, fast=True) == schema_layer.check(doc, fast=False)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "sdxl",
            "sd-1.5",
            "flux.1",
            "style",
            "subject",
            "Custom",
            "sdxl/style@1",
            "./presets/p.yaml",
            "p .yaml",
            "",
            "x" * 201,
            "1e-4",
        ]
    ),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_KEYS = ("schema_version", "name", "base_model", "training_type", "preset", "classification", "dataset", "training")
_INNER = (
    "path",
    "images",
    "steps",
    "steps_per_image",
    "learning_rate_unet",
    "learning_rate_text_encoder",
    "text_encoder_ratio",
    "typo",
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(_KEYS), _values | st.dictionaries(st.sampled_from(_INNER), _values, max_size=4), max_size=8
    )
)
def test_schema_engines_agree_on_generated_values(data: dict[str, Any]) -> None:
    _engines_agree(data)
    assert _errors(data, inline=True) == _errors(data, inline=False)
    doc = Document("generated.yaml")
    doc.data = data
    assert schema_layer.check(doc, fast=True) == schema_layer.check(doc, fast=False)


_PROBE = """
import sys
from trainlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def _run_probed(*args: str, cwd: Path) -> tuple[set[str], str]:
    """The modules a run loaded (every one, by its whole name) and what it printed before the list."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    ).stdout
    printed, _, loaded = out.rpartition("\n")[0].rpartition("\n")
    return set(loaded.split()), printed


def _modules_after(*args: str, cwd: Path) -> set[str]:
    """The packages and top-level modules a run loaded."""
    return {name.split(".")[0] for name in _run_probed(*args, cwd=cwd)[0]}


@pytest.fixture(scope="module")
def small_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = generate(tmp_path_factory.mktemp("imports") / "repo", 20)
    valid = next(
        p
        for p in corpus.files
        if schema_layer.passes(load_bytes(p.read_bytes(), str(p)).data, 1)
        and not any(d.fixable for d in check_file(p, p.name, Settings()).diagnostics)
    )
    valid.rename(corpus.root / "valid.yaml")
    return corpus.root


# the marker as one pattern searched over the whole text: what engine._has_marker answers faster
_MARKER = re.compile(
    rb"^(?:---[ \t]+)?(?:\{\s*)?[\"']?schema_version[\"']?\s*:"
    rb"|#\s*yaml-language-server:\s*\$schema=(?!\S*preset\.schema\.json)\S*trainlint",  # a preset file's is not
    re.MULTILINE,
)
_MARKER_PIECES = [
    b"schema_version",
    b":",
    b"yaml-language-server:",
    b" $schema=",
    b"trainlint",
    b"/preset.schema.json",
    b"#",
    b"--- ",
    b"{",
    b"'",
    b'"',
    b" ",
    b"\n",
    b"\r",
    b"x",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_MARKER_PIECES), max_size=12))
@example([b"x", b"\n", b"--- ", b"{", b"\n", b" ", b"'", b"schema_version", b"'", b":"])
@example([b"x", b"{", b"\n", b"schema_version", b":"])
@example([b"#", b"\n", b" ", b"yaml-language-server:", b" $schema=", b"trainlint"])
@example([b"x", b"#", b"yaml-language-server:", b" $schema=", b"trainlint"])
def test_the_marker_is_found_where_the_whole_pattern_finds_it(pieces: list[bytes]) -> None:
    raw = b"".join(pieces)
    assert looks_like_config(raw) == (_MARKER.search(raw) is not None)


def test_the_marker_of_every_corpus_file_and_example(configs: list[Path]) -> None:
    files = [*configs, *REPO.glob("examples/**/*.yaml"), *REPO.glob("tests/corpus/**/*.yaml")]
    found = [looks_like_config(p.read_bytes()) for p in files]
    assert found == [_MARKER.search(p.read_bytes()) is not None for p in files]
    assert any(found) and not all(found)


def test_version_loads_nothing_heavy(small_repo: Path) -> None:
    loaded = _modules_after("--version", cwd=small_repo)
    assert not loaded & {"yaml", "jsonschema", "jsonschema_rs", "ruamel", "pathlib", "typing", "multiprocessing"}


def test_checking_a_valid_config_never_loads_the_slow_engines(small_repo: Path) -> None:
    loaded = _modules_after("check", "valid.yaml", "--exit-zero", cwd=small_repo)
    assert {"yaml", "jsonschema_rs"} <= loaded  # it did check the file
    assert not loaded & {"jsonschema", "ruamel", "multiprocessing", "concurrent", "dataclasses", "inspect", "shutil"}


def test_no_record_of_a_check_has_its_annotations_compiled_at_start_up(small_repo: Path) -> None:
    # typing.NamedTuple compiles each string annotation (`from __future__ import annotations`) into
    # a ForwardRef when the class is defined: milliseconds of every hook run for nothing
    probe = (
        "import sys, typing; from trainlint.cli import main; main(['check', 'valid.yaml', '--exit-zero']); "
        "records = [(m.__name__, n) for m in list(sys.modules.values()) if m and m.__name__.startswith('trainlint') "
        "for n, c in vars(m).items() if isinstance(c, type) and issubclass(c, tuple) and c.__module__ == m.__name__ "
        "and any(isinstance(t, typing.ForwardRef) for t in getattr(c, '__annotations__', {}).values())]; "
        "print(len([m for m in sys.modules if m.startswith('trainlint')]), records)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=small_repo, capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()[-1]
    loaded, records = out.split(" ", 1)
    assert int(loaded) > 20 and records == "[]"


def test_a_config_the_schema_rejects_is_worded_without_jsonschema(small_repo: Path) -> None:
    (small_repo / "broken.yaml").write_text(
        (small_repo / "valid.yaml").read_text().replace("schema_version: 1", "schema_version: 1\nbogus_key: 3")
    )
    loaded = _modules_after("check", "broken.yaml", "--exit-zero", cwd=small_repo)
    assert "jsonschema_rs" in loaded and "jsonschema" not in loaded
    out = subprocess.run(
        [sys.executable, "-m", "trainlint", "check", "broken.yaml"],
        cwd=small_repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    ).stdout
    assert "TL101" in out and "bogus_key" in out


def test_fix_with_nothing_to_fix_never_loads_the_round_trip_loader(small_repo: Path) -> None:
    loaded = _modules_after("fix", "valid.yaml", cwd=small_repo)
    assert "yaml" in loaded
    assert not loaded & {"ruamel", "jsonschema"}


_LINE_TEXT = st.lists(st.sampled_from([*"ab \t:#\n\r\x1b\u202e\u3042", "\r\n", "::", "##["]), max_size=40).map("".join)


@given(_LINE_TEXT, st.lists(st.tuples(st.integers(0, 12), st.integers(0, 200)), max_size=6))
@example("a\rb\nc", [(2, 1), (3, 1)])
@example("x" * 300 + "\n", [(1, 250), (2, 1)])
def test_source_lines_keeps_what_source_line_keeps(text, places):
    """The one-split way for LF-only text gives each diagnostic the line `source_line` gives it."""
    from trainlint.text import line_starts, source_line, source_lines

    starts = line_starts(text)
    expected = {}
    for line, col in places:
        kept = source_line(text, line - 1, col - 1, starts)
        if kept is not None:
            expected[line, col] = kept
    assert source_lines(text, places) == expected


@given(_LINE_TEXT.map(lambda t: t.replace("\n", "").replace("\r", "")), st.integers(0, 7))
@example("a\tb", 3)
@example("\x1b[31m", 0)
def test_the_source_lines_shortcut_shows_what_the_character_walk_shows(text, at):
    """A line with nothing to expand or escape is shown as it is; any other goes character by character."""
    from trainlint.reporters.text import TAB_WIDTH, _shown, _width
    from trainlint.text import printable

    walked, column = [], at
    for char in text:
        shown = " " * (TAB_WIDTH - column % TAB_WIDTH) if char == "\t" else printable(char)
        walked.append(shown)
        column += len(shown) if char == "\t" else _width(shown)
    assert _shown(text, at) == "".join(walked)


@given(
    st.lists(st.sampled_from([*"ab :#-_.0", "::", "##[", "é", "\t"]), max_size=130).map("".join),
    st.integers(0, 140),
    st.integers(0, 140),
    st.integers(1, 3),
    st.integers(0, 3),
)
@example("  learning_rate: 1e-4   # tuned", 3, 16, 1, 0)
@example("::error::x", 0, 5, 1, 0)
def test_a_plain_line_is_excerpted_as_the_general_path_excerpts_it(text, col, end_col, end_line, first):
    """The shortcut for a short printable ASCII line gives the report the general path gives (which
    the test forces by turning the shortcut off)."""
    from unittest import mock

    from trainlint.diagnostics import Diagnostic, Severity
    from trainlint.reporters import text as report

    d = Diagnostic("a.yaml", 2, col + 1, 2 if end_line == 1 else 3, end_col + 1, "TL401", "x", Severity.WARNING, "m")
    shown = report._excerpt((first, text), d, lambda code, t: f"<{t}>")
    with mock.patch.object(report, "_whole", lambda *_: False):
        general = report._excerpt((first, text), d, lambda code, t: f"<{t}>")
    assert shown == general


_TOKENS = (b'"epoch"', b'"epochs"', b'"max_train_epochs"', b'"job"', b'"--', b'"x"')
_PIECES = st.sampled_from([*_TOKENS, b'"', b"epoch", b"s", b'""', b":", b" ", b"\\", b"{", b"x"])


@given(st.lists(_PIECES, max_size=30).map(b"".join))
@example(b'"epoch"epochs"')  # places that overlap: the closing quote of one opens the next
@example(b'"epochs"')  # one token's name starts another's
def test_one_pass_byte_tests_find_what_one_test_per_token_finds(raw):
    """The trainer formats' byte tests look for many tokens in one pass (inputs.base.any_of, each_of);
    they find exactly the tokens that `token in raw` finds."""
    from trainlint.inputs.base import any_of, each_of

    assert (any_of(_TOKENS).search(raw) is not None) == any(token in raw for token in _TOKENS)
    quoted = tuple(token for token in _TOKENS if token.endswith(b'"') and len(token) > 2)
    assert {b'"' + found for found in each_of(quoted).findall(raw)} == {token for token in quoted if token in raw}


def test_a_run_served_from_the_results_cache_loads_no_engine(small_repo: Path, tmp_path: Path) -> None:
    """A warm run writes the kept lines: it loads neither the YAML loader nor the schema engine nor the
    rules, nor the input formats' records, nor OpenSSL (the cache's seal is BLAKE2b, built in)."""
    cache = ["--cache-dir", str(tmp_path / "cache")]
    old = time.time() - 3600  # as a repository nobody touched lately: the cache trusts what settled
    for folder, _, names in os.walk(small_repo):
        for name in [*names, "."]:
            os.utime(os.path.join(folder, name), (old, old))
    cold = _modules_after("check", ".", "--exit-zero", *cache, cwd=small_repo)
    assert {"yaml", "jsonschema_rs"} <= cold  # it did check the files, and kept them
    warm, out = _run_probed("check", ".", "--exit-zero", *cache, cwd=small_repo)
    assert "trainlint.cache" in warm and "TL" in out  # it wrote findings from the cache
    heavy = {"yaml", "jsonschema_rs", "_hashlib", "trainlint.engine", "trainlint.rules", "trainlint.inputs.base"}
    assert not warm & heavy, warm & heavy

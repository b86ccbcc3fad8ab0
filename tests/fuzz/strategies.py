"""What the fuzzer feeds trainlint, and what must hold for every input.

Inputs are seeds (the shipped example configs, every rule's examples, the hostile
corpus and every crash found so far in tests/regressions/) put through a few
mutations that matter to YAML: tokens that start anchors, aliases, tags, flow
collections, block scalars, documents and directives, odd bytes and line breaks,
slices cut, doubled or moved. Hypothesis shrinks a failure to a short list of
mutations, so a crash becomes a small regression file.

The property is the safety contract minus the process limits (those are measured
by tests/test_hostile.py): loading, checking and fixing never raise anything but
FixError, the data is plain, every diagnostic has a position inside the file and a
registered code, and the reporters can render the result.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from hypothesis import strategies as st

from trainlint.document import Limits
from trainlint.engine import run
from trainlint.errors import FixError
from trainlint.fixer import encode, fix_document
from trainlint.inputs.yaml_reader import load_bytes
from trainlint.reporters import renderer
from trainlint.results import FileResult
from trainlint.rules import Rule, iter_rules
from trainlint.settings import Settings
from trainlint.text import _UNPRINTABLE

from .corpus import PNG_HEADER, VALID
from .corpus import seeds as hostile_seeds

REPO = Path(__file__).resolve().parents[2]
REGRESSIONS = REPO / "tests" / "regressions"

TOKENS = [
    "&a ",
    "*a",
    "&b [*a, *a]",
    "<<: *a",
    "? ",
    ": ",
    "- ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "|\n  ",
    ">-\n  ",
    "!!python/object/apply:os.system [echo]",
    "!!binary aGk=",
    "!local ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!<tag:x,2024:y> ",
    "%YAML 1.1\n---\n",
    "%TAG !e! tag:e,2024:\n---\n",
    "---\n",
    "...\n",
    "# c\n",
    '"',
    "'",
    "\\",
    '"\\ud800"',
    '"\\x00"',
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\x00",
    "\ufeff",
    "\x1b",
    "\u2028",
    "é",
    ".nan",
    "-.inf",
    "-0",
    "1e309",
    "1e-4",
    "0x" + "f" * 120,
    "0o777",
    "9" * 420,
    "2024-01-01",
    "~",
    "null",
    "yes",
    "no",
    "true",
    "1:30",
    "\n  steps: ",
    "\n  learning_rate_unet: ",
    "\n  steps_per_image: ",
    "\n  text_encoder_ratio: ",
    "training:\n  ",
    "dataset:\n  path: ",
    "\n  images: ",
    "./data",
    "../../..",
    "/etc",
    "./presets/house.yaml",
    "./presets/loop.yaml",
    "./missing.yaml",
    "classification: Custom\n",
    "preset: ",
    "sdxl/style@1",
    "flux.1/character",
    "schema_version: 1\n",
    "# trainlint: disable=TL401\n",
    "# trainlint: disable-file\n",
]

# a small repository the inputs may point into: presets (one good, one cycle), a dataset, a loop
TREE: dict[str, bytes] = {
    "presets/house.yaml": b"extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n",
    "presets/loop.yaml": b"extends: ./loop.yaml\n",
    "presets/bad.yaml": PNG_HEADER,
    **{f"data/{i:02}.png": b"" for i in range(6)},
    **{f"data/{i:02}.txt": b"caption" for i in range(4)},
}


def make_repo(root: Path) -> Path:
    """Write TREE (plus a symlink loop) under root, which becomes the repository."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for rel, content in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    loop = root / "data" / "loop.png"
    if not loop.is_symlink():
        os.symlink(loop, loop)
    return root


@functools.cache
def seeds() -> tuple[bytes, ...]:
    """Every seed, small ones only: the fuzzer mutates text, size is tested elsewhere."""
    found = [VALID.encode()]
    for folder in (REPO / "examples", REGRESSIONS):
        found += [p.read_bytes() for p in sorted(folder.rglob("*.y*ml")) if p.is_file()]
    for rule in iter_rules():
        found += [rule.fails.encode("utf-8", "surrogateescape"), rule.passes.encode("utf-8", "surrogateescape")]
    found += hostile_seeds()
    return tuple(dict.fromkeys(s for s in found if len(s) <= 20_000))


def _apply(data: bytes, ops: list[tuple[int, int, int, bytes]], pool: tuple[bytes, ...]) -> bytes:
    for kind, a, b, token in ops:
        n = len(data)
        i, j = (a % (n + 1), b % (n + 1))
        i, j = min(i, j), max(i, j)
        if kind == 0:  # insert a token
            data = data[:i] + token + data[i:]
        elif kind == 1:  # cut a slice
            data = data[:i] + data[j:]
        elif kind == 2:  # double a slice
            data = data[:j] + data[i:j] + data[j:]
        elif kind == 3:  # replace a slice by a token
            data = data[:i] + token + data[j:]
        else:  # splice in a piece of another seed
            other = pool[b % len(pool)]
            data = data[:i] + other[: (a % (len(other) + 1))] + data[i:]
    return data[:60_000]


@st.composite
def inputs(draw: st.DrawFn) -> bytes:
    """A seed with up to eight mutations; shrinks towards the unmutated seed."""
    pool = seeds()
    data = draw(st.sampled_from(pool))
    token = st.one_of(st.sampled_from(TOKENS).map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=8))
    ops = draw(
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1 << 16), st.integers(0, 1 << 16), token), max_size=8)
    )
    return _apply(data, ops, pool)


PLAIN = (dict, list, str, int, float, bool, type(None))
TIGHT = Limits(max_file_bytes=400, max_nodes=20, max_depth=3, max_dataset_files=3)  # ordinary configs hit these
ROOMY = Limits(max_file_bytes=1 << 24, max_nodes=1 << 20, max_depth=1000)


def _plain(value: object) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        assert isinstance(item, PLAIN), f"the data holds a {type(item).__name__}"
        if isinstance(item, dict):
            assert all(isinstance(k, str) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class Hang(Exception):
    """One input used more CPU than the contract allows: a hang is a crash too."""


@contextlib.contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise Hang once this process has spent `seconds` of CPU time (not wall time) inside the block."""

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"more than {seconds} s of CPU time for one input")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def exercise(raw: bytes, repo: Path, limits: Limits = Limits(), formats: tuple[str, ...] = ("text", "json")) -> None:
    """The property: load, check, fix (in memory) and render one input; raise on any breach."""
    with cpu_budget(2.0):
        _exercise(raw, repo, limits, formats)


def _exercise(raw: bytes, repo: Path, limits: Limits, formats: tuple[str, ...]) -> None:
    settings = Settings(limits=limits)
    doc = load_bytes(raw, "fuzz.yaml", limits)
    _plain(doc.data)
    diagnostics = run(doc, repo, settings)
    text = doc.text or raw.decode("latin-1")  # undecodable: count the line breaks in the bytes
    lines = text.count("\n") + text.count("\r") + 1
    for d in diagnostics:
        assert d.code in Rule.registry, d.code
        assert d.line >= 1 and d.col >= 1 and d.line <= lines + 1, d
    try:
        outcome = fix_document(doc, repo, settings)
    except FixError:
        pass  # refusing to fix is a designed outcome; the file stays as it was
    else:
        if outcome.changed:
            # the fixed text is still a config (roomy limits: a fix may add a key past a tight one)
            assert load_bytes(encode(doc, outcome.new), "fixed.yaml", ROOMY).ok
    result = FileResult("fuzz.yaml", diagnostics, doc)
    for name in formats:
        out = io.StringIO()
        renderer(name)([result], out)
        if name in ("text", "concise"):  # plain text: nothing from the input starts a line or escapes
            assert not any(_UNPRINTABLE.search(line) for line in out.getvalue().split("\n")), out.getvalue()

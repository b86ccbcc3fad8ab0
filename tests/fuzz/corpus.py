"""The hostile corpus: every input of the safety contract, generated at run time.

Each case writes a small repository (a folder with `.git`) and returns the config to
check; the folder's parent stands for "outside the repository". The case says which
rule codes the run must report and whether the finding has a real position, so the
tests assert what happens, not only that nothing crashed. Large inputs (50 MB, 10 MB
lines, 100,000 dataset files) are made here, never stored in the repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainlint.rules.reading import (
    _VALID as VALID,  # the valid config of the rule examples
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@dataclass(frozen=True)
class Case:
    """One hostile input and what trainlint must say about it."""

    name: str
    build: Callable[[Path], Path]  # writes the repository, returns the config to check
    codes: tuple[str, ...]  # every one of these must be reported by `check`
    line: int | None = None  # 1-based line of the first expected code; None: any (file-level)
    exit: int = 1  # `check` exit code
    # `fix` exit code: 0 nothing it may fix, 2 a file it refuses (unreadable, or no config at all: empty,
    # a list, a scalar, a mapping without the marker, or a reading finding such as a duplicate key in a
    # file that has something to fix); None: either
    fix_exit: int | None = 0
    big: bool = False  # takes a noticeable fraction of a second to build (50 MB, 100,000 files)
    text: bytes | None = None  # the config's bytes, for cases that are nothing more
    says: str = ""  # text the report must contain, where the code alone would not show the point


CASES: list[Case] = []


def case(name: str, *codes: str, **expect: Any) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    """Register a builder as a hostile case; `expect` sets the other fields of Case."""

    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CASES.append(Case(name, build, codes, **expect))
        return build

    return register


def repo(root: Path) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    return root


def write(root: Path, content: bytes | str, name: str = "config.yaml") -> Path:
    path = repo(root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def text_case(name: str, content: bytes | str, *codes: str, **expect: Any) -> None:
    """A case that is only a config's bytes."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    case(name, *codes, text=raw, **expect)(lambda root: write(root, raw))


def with_training(body: str) -> str:
    return VALID + "training:\n" + body


# --- aliases and merge keys -------------------------------------------------------------


def laughs(levels: int = 9, width: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return VALID + "\n".join(lines) + "\n"


text_case("billion-laughs-9x9", laughs(), "TL092")
text_case(
    "alias-bomb-wide",
    VALID + "wide: &w [" + ", ".join(["x"] * 2000) + "]\n" + "many: [" + ", ".join(["*w"] * 2000) + "]\n",
    "TL092",
    line=9,
)
text_case(
    "alias-bomb-mappings",
    VALID
    + "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}\n"
    + "".join(f"m{i}: &m{i} {{{', '.join(f'k{j}: *m{i - 1}' for j in range(9))}}}\n" for i in range(1, 9)),
    "TL092",
)
text_case("recursive-alias-seq", VALID + "loop: &loop [a, *loop]\n", "TL092", line=8)
text_case("recursive-alias-map", VALID + "loop: &loop {self: *loop}\n", "TL092", line=8)
text_case("recursive-alias-root", "--- &root\nschema_version: 1\nagain: *root\n", "TL092", line=1)
text_case(
    "merge-key-huge",
    laughs().replace("l8: &l8", "l8: &l8").replace("training_type: style\n", "training_type: style\n")
    + "training:\n  <<: *l8\n",
    "TL092",
)
text_case("merge-key-cyclic", VALID + "training: &t\n  steps: 100\n  <<: *t\n", "TL092", line=8)
text_case(
    "merge-key-plain",
    VALID.replace("dataset:", "base: &base {steps: 100}\ndataset:") + "training:\n  <<: *base\n",
    "TL101",
    says="unknown key `<<` in training",
)
text_case("undefined-alias", VALID + "training: *nowhere\n", "TL001", line=8)
# a megabyte of tiny flow nodes: refused while composing, before half a million nodes exist
text_case("flow-nodes-1mb", VALID + "x: [" + "a," * 520_000 + "a]\n", "TL092", line=8, big=True)
text_case("flow-maps-1mb", VALID + "x: [" + "{a: 1}," * 149_000 + "{}]\n", "TL092", line=8, big=True)
text_case("tagged-nodes-1mb", VALID + "x: [" + "!!str a," * 130_000 + "a]\n", "TL092", line=8, big=True)
text_case("documents-1mb", VALID + "--- a\n" * 170_000, "TL005", line=8, says="170001 YAML documents", big=True)

# --- size, nesting, bytes, encodings, line endings ------------------------------------

text_case("nesting-flow-10000", VALID + "deep: " + "[" * 10_000 + "]" * 10_000 + "\n", "TL093", line=8)
text_case("nesting-flow-map-10000", VALID + "deep: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", "TL093", line=8)
text_case("nesting-block-seq-10000", VALID + "deep:\n" + "- " * 10_000 + "x\n", "TL093", line=9)
text_case(
    "nesting-block-map-1000",
    VALID + "deep:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1000)) + " " * 1001 + "x\n",
    "TL093",
    line=1007,
)  # where libyaml stops: 1,000 levels


@case("nesting-block-map-10000", "TL091", big=True)
def _block_10000(root: Path) -> Path:
    # 10,000 levels of indented keys: 50 MB of indentation, refused by size before parsing
    path = write(root, VALID + "deep:\n")
    with open(path, "a", encoding="utf-8") as handle:
        for i in range(10_000):
            handle.write(" " * (i + 1) + "k:\n")
    return path


@case("file-50mb", "TL091", big=True)
def _file_50mb(root: Path) -> Path:
    path = write(root, VALID)
    with open(path, "ab") as handle:
        chunk = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            handle.write(chunk)
    return path


text_case("line-10mb", VALID + "name: " + "x" * 10_000_000 + "\n", "TL091", big=True)
text_case("file-nul-bytes", b"\x00" * 4096, "TL007", line=1)
text_case("nul-inside", VALID.encode() + b"name: a\x00b\n", "TL007", line=8)
text_case("png-renamed", PNG_HEADER + bytes(range(256)) * 8, "TL007", line=1)
text_case("invalid-utf8", VALID.replace("style\n", "st\xffle\n", 1).encode("latin-1"), "TL007", line=3)
text_case("truncated-utf8", VALID.encode() + b"name: caf\xc3", "TL007", line=8)
text_case("utf16-bom-valid", "\ufeff".encode("utf-16-le")[:0] + b"\xff\xfe" + VALID.encode("utf-16-le"), exit=0)
text_case("utf16-bom-broken", b"\xfe\xff" + (VALID + "training:\n  steps: 0\n").encode("utf-16-be"), "TL103", line=9)
text_case("utf16-odd-length", b"\xff\xfe" + VALID.encode("utf-16-le") + b"\x00", "TL007")
text_case("utf16-no-bom", VALID.encode("utf-16-le"), "TL007", line=1)
text_case("utf32-bom", b"\xff\xfe\x00\x00" + VALID.encode("utf-32-le"), exit=0)
text_case("utf8-bom", b"\xef\xbb\xbf" + VALID.encode(), exit=0)
text_case("utf8-bom-twice", b"\xef\xbb\xbf\xef\xbb\xbf" + VALID.encode(), exit=0)  # U+FEFF: YAML ignores it
text_case("crlf", VALID.replace("\n", "\r\n") + "training:\r\n  steps: 0\r\n", "TL103", line=9)
text_case("lone-cr", VALID.replace("\n", "\r") + "training:\r  steps: 0\r", "TL103", line=9)
text_case("mixed-line-endings", VALID.replace("\n", "\r\n", 3) + "training:\r  steps: 0\n", "TL103", line=9)
text_case("unicode-line-separators", "\u2028\u2029" + VALID + "1: one\n", "TL004", line=8)  # YAML 1.1 breaks, not 1.2
text_case("tab-indentation", VALID + "training:\n\tsteps: 100\n", "TL001", line=9)
text_case("tab-after-indentation", VALID + "training:\n  \tsteps: 100\n", "TL001", line=9)
text_case("control-characters", VALID + "name: \x1b[31mred\x07\n", "TL001", line=8)
text_case("lone-surrogate-escape", VALID + 'name: "\\ud800"\n', "TL001", line=8)

# --- keys, documents, roots ------------------------------------------------------------

# each would also get a new classification, so `fix` names the file and the duplicate it will not rewrite around
text_case("duplicate-top-level", VALID + "preset: sdxl/subject\n", "TL002", line=4, fix_exit=2)
text_case("duplicate-nested", with_training("  steps: 100\n  steps: 200\n"), "TL002", line=9, fix_exit=2)
text_case("duplicate-flow-map", VALID + "training: {steps: 100, steps: 200}\n", "TL002", line=8, fix_exit=2)
text_case("duplicate-by-quoting", with_training('  steps: 100\n  "steps": 200\n'), "TL002", line=9, fix_exit=2)
text_case("duplicate-by-escape", with_training('  steps: 100\n  "st\\x65ps": 200\n'), "TL002", line=9, fix_exit=2)
text_case("key-int", VALID + "1: one\n", "TL004", line=8)
text_case("key-null", VALID + "null: nothing\n", "TL004", line=8)
text_case("key-empty-null", VALID + "? \n: empty\n", "TL004", line=8)
text_case("key-missing", VALID + ": empty\n", "TL001", line=8)
text_case("key-complex", VALID + "? [a, b]\n: list key\n", "TL004", line=8)
text_case("key-map", VALID + "? {a: 1}\n: map key\n", "TL004", line=8)
text_case("key-bool", VALID + "true: yes\n", "TL004", line=8)
text_case("multiple-documents", VALID + "---\n" + VALID, "TL005", line=9)
text_case("many-documents", (VALID + "---\n") * 2000, "TL005", line=9, says="2001 YAML documents")
text_case("empty-file", b"", "TL006", fix_exit=2)
text_case("whitespace-only", b"\n\n   \n\n", "TL006", fix_exit=2)
text_case("tab-only-line", VALID + "\t\n", "TL001", line=8)
text_case("tab-after-colon", VALID + "name:\twatercolor\n", "TL001", line=8, says="yaml.safe_load")
text_case("tab-inside-plain-value", VALID + "name: water\tcolor\n", "TL001", line=8, says="yaml.safe_load")
text_case(
    "line-separator-hides-config-in-comment",
    VALID + "# a harmless note\u2028preset: sdxl/subject\n",
    "TL001",
    "TL002",
    line=8,
    says="U+2028 LINE SEPARATOR in a comment",
    fix_exit=2,
)
text_case(
    "next-line-hides-config-in-comment",
    VALID + "name: x  # note\x85steps: 1\n",
    "TL001",
    line=8,
    says="U+0085 NEXT LINE in a comment",
)
text_case("comments-only", "# just a comment\n# and another\n", "TL006", fix_exit=2)
text_case("document-markers-only", "---\n...\n", "TL006", fix_exit=2)
text_case("root-list", "- " + VALID.replace("\n", "\n  ").rstrip() + "\n", "TL006", line=1, fix_exit=2)
text_case("root-scalar", "just a string\n", "TL006", line=1, fix_exit=2)
text_case("root-number", "42\n", "TL006", line=1, fix_exit=2)
text_case("root-null", "~\n", "TL006", line=1, fix_exit=2)
text_case("yaml-directive-1.1", "%YAML 1.1\n---\n" + VALID, exit=0)
text_case("unknown-directive", "%EVIL rm -rf /\n---\n" + VALID, "TL001", line=1)

# --- tags ------------------------------------------------------------------------------

PWNED = "trainlint-was-pwned"
text_case("python-object-apply", VALID + f"name: !!python/object/apply:os.system [touch {PWNED}]\n", "TL003", line=8)
text_case(
    "python-object-apply-root",
    f"!!python/object/apply:os.system [touch {PWNED}]\n",
    "TL003",
    "TL006",
    line=1,
    fix_exit=2,
)
text_case(
    "python-object-new", VALID + "x: !!python/object/new:subprocess.Popen [[touch, " + PWNED + "]]\n", "TL003", line=8
)
text_case("python-name", VALID + "x: !!python/name:os.system\n", "TL003", line=8)
text_case("python-module", VALID + "x: !!python/module:os\n", "TL003", line=8)
text_case("tag-on-key", VALID + f"!!python/object/apply:os.system [touch {PWNED}]: 1\n", "TL004", line=8)
text_case("binary-tag", VALID + "x: !!binary aGVsbG8=\n", "TL003", line=8)
text_case("set-tag", VALID + "x: !!set {a, b}\n", "TL003", line=8)
text_case("timestamp-tag", VALID + "x: !!timestamp 2024-01-01\n", "TL003", line=8)
text_case("local-tag", VALID + "x: !custom value\n", "TL003", line=8)
text_case("verbatim-tag", VALID + "x: !<tag:evil.example,2024:run> value\n", "TL003", line=8)
text_case("tag-directive", "%TAG !e! tag:evil.example,2024:\n---\n" + VALID + "x: !e!run value\n", "TL003", line=10)
text_case("tag-on-mapping", VALID + "training: !!omap\n  steps: 100\n", "TL003", line=8)

# --- text that would forge log lines, colour a terminal or reorder what a reviewer reads ---------

text_case(
    "log-injection-key",
    VALID + '"x\\n::error file=a.yaml,line=1::forged": 1\n',
    "TL101",
    line=8,
    says="unknown key `x\\n::error",
)
text_case(
    "log-injection-value",
    VALID.replace("base_model: sdxl", 'base_model: "sdxl\\n::add-mask::x\\e[2J"'),
    "TL104",
    line=2,
    says="\\x1b[2J",
)
text_case("bidi-override-key", VALID + '"\\u202eevil": 1\n', "TL101", line=8, says="\\u202e")
case("log-injection-file-name", "TL006", line=1, fix_exit=2)(
    lambda root: write(root, "just text\n", "con\n::error::forged\x1b.yaml")
)

# --- suppression comments: they cannot hide what reading found, and many of them cost little -------------

text_case(
    "suppressed-python-tag",
    "# trainlint: disable-file=TL003, TL0\n"
    + VALID
    + f"name: !!python/object/apply:os.system [touch {PWNED}]  # trainlint: disable=TL00\n",
    "TL003",
    "TL020",
    line=9,
    says="cannot be suppressed inline",
    fix_exit=2,
)  # TL020 offers to drop the codes: refused
text_case("suppressed-alias-bomb", "# trainlint: disable-file=TL092\n" + laughs(), "TL092", "TL020", fix_exit=2)
# 20,000 own-line comments above one line: each looked for its target line below all the others
text_case(
    "suppression-comments-20000",
    VALID.replace("preset: sdxl/style", "preset: ./none.yaml")
    + "".join(f"# trainlint: disable=TL401 reason {i}\n" for i in range(20_000))
    + "name: x\n",
    "TL201",
    line=4,
    big=True,
)
# 4,000 suppressed findings, each with its own comment: every finding was matched against every comment
text_case(
    "suppressed-findings-4000",
    VALID + "training:\n" + "".join(f"  k{i}: 1  # trainlint: disable=TL101\n" for i in range(4_000)),
    exit=0,
    big=True,
)

# --- numbers ---------------------------------------------------------------------------

# every one sits at `training.<key>` on line 9 of the config: (case, training line(s), code)
NUMBERS = [
    ("number-as-string", '  steps: "8400"', "TL102"),
    ("float-as-string", "  learning_rate_unet: '1.0e-4'", "TL102"),
    ("nan", "  learning_rate_unet: .nan", "TL008"),
    ("inf", "  steps: .inf", "TL008"),
    ("negative-inf", "  learning_rate_unet: -.inf", "TL008"),
    ("minus-zero", "  steps: -0", "TL103"),
    ("minus-zero-float", "  learning_rate_unet: -0.0", "TL103"),
    ("overflow-float", "  learning_rate_unet: 1e309", "TL008"),
    ("underflow-float", "  learning_rate_unet: 1.0e-400", "TL103"),
    ("int-1000-digits", "  steps: " + "9" * 1000, "TL008"),
    ("int-300-digits", "  steps: " + "9" * 300, "TL103"),
    ("hex-10000-digits", "  steps: 0x" + "f" * 10_000, "TL008"),
    ("octal-10000-digits", "  steps: 0o" + "7" * 10_000, "TL008"),
    ("float-1000-digits", "  learning_rate_unet: 0." + "0" * 996 + "1", "TL008"),
    ("learning-rate-zero", "  learning_rate_unet: 0", "TL103"),
    ("learning-rate-negative", "  learning_rate_unet: -1.0e-4", "TL103"),
    ("steps-zero", "  steps: 0", "TL103"),
    ("steps-negative", "  steps: -100", "TL103"),
    ("steps-date", '  steps: "2024-01-01"', "TL102"),
    ("learning-rate-date", '  learning_rate_unet: "2024-01-01 10:00:00"', "TL102"),
    ("steps-date-plain", "  steps: 2024-01-01", "TL102"),
    ("learning-rate-datetime-plain", "  learning_rate_unet: 2024-01-01 10:00:00", "TL102"),
    ("int-310-digits", "  steps: " + "9" * 310, "TL008"),
    ("steps-bool", "  steps: true", "TL102"),
    ("steps-list", "  steps: [1, 2]", "TL102"),
    ("steps-per-image-300-digits", "  steps_per_image: " + "9" * 300, "TL103"),
]
for _name, _line, _code in NUMBERS:
    text_case(_name, with_training(_line + "\n"), _code, line=9)
text_case("images-300-digits", VALID.replace("images: 24", "images: " + "9" * 300), "TL103", line=7)
text_case("schema-version-huge", VALID.replace("schema_version: 1", "schema_version: " + "9" * 399), "TL1", line=1)

# --- paths out of the repository, symlinks, big folders --------------------------------


def preset_ref(ref: str) -> str:
    return VALID.replace("preset: sdxl/style", f"preset: {ref}").replace(
        "classification: sdxl/style", "classification: Custom"
    )


def dataset_ref(path: str, images: bool = True) -> str:
    """A config whose dataset is `path`; with `images`, also a declared count (TL301/TL305 are then info)."""
    return VALID.replace("  images: 24", f"  path: {path}" + ("\n  images: 24" if images else ""))


@case("preset-climbs-out", "TL201", line=4)
def _preset_out(root: Path) -> Path:
    (root.parent / "outside.yaml").write_text("extends: sdxl/style\n")
    return write(root, preset_ref("../../outside.yaml"), "configs/config.yaml")


text_case("preset-etc-passwd", preset_ref("../../../../../../etc/passwd"), "TL104", line=4)
text_case("preset-etc-yaml", preset_ref("../../../../../../etc/passwd.yaml"), "TL201", line=4)
text_case("preset-absolute", preset_ref("/etc/passwd.yaml"), "TL201", line=4)


@case("preset-symlink-out", "TL201", line=4)
def _preset_symlink(root: Path) -> Path:
    (root.parent / "outside.yaml").write_text("extends: sdxl/style\n")
    repo(root)
    (root / "presets").mkdir()
    os.symlink(root.parent / "outside.yaml", root / "presets" / "p.yaml")
    return write(root, preset_ref("./presets/p.yaml"))


@case("preset-extends-itself", "TL202", line=4)
def _preset_self(root: Path) -> Path:
    write(root, "extends: ./self.yaml\n", "self.yaml")
    return write(root, preset_ref("./self.yaml"))


@case("preset-chain-1000", "TL202", line=4, says="deeper than 32")
def _preset_chain(root: Path) -> Path:
    for i in range(1000):
        write(root, f"extends: ./p{i + 1}.yaml\n" if i < 999 else "extends: sdxl/style\n", f"p{i}.yaml")
    return write(root, preset_ref("./p0.yaml"))


@case("preset-alias-bomb", "TL206", line=4)
def _preset_bomb(root: Path) -> Path:
    write(root, laughs().replace(VALID, "extends: sdxl/style\n"), "bomb.yaml")
    return write(root, preset_ref("./bomb.yaml"))


@case("preset-is-binary", "TL206", line=4)
def _preset_binary(root: Path) -> Path:
    write(root, PNG_HEADER, "image.yaml")
    return write(root, preset_ref("./image.yaml"))


@case("preset-symlink-loop", "TL201", line=4, says="symlink loop")
def _preset_loop(root: Path) -> Path:
    repo(root)
    os.symlink(root / "b.yaml", root / "a.yaml")
    os.symlink(root / "a.yaml", root / "b.yaml")
    return write(root, preset_ref("./a.yaml"))


@case("preset-is-fifo", "TL201", line=4)
def _preset_fifo(root: Path) -> Path:
    repo(root)
    os.mkfifo(root / "fifo.yaml")
    return write(root, preset_ref("./fifo.yaml"))


@case("dataset-climbs-out", "TL305", line=7)
def _dataset_out(root: Path) -> Path:
    (root.parent / "secret").mkdir(exist_ok=True)
    (root.parent / "secret" / "a.png").write_bytes(b"")
    return write(root, dataset_ref("../secret", images=False))


text_case("dataset-etc", dataset_ref("../../../../../../../../etc"), "TL305", line=7, exit=0)
text_case("dataset-absolute", dataset_ref("/etc", images=False), "TL305", line=7)


@case("dataset-symlink-out", "TL305", line=7, exit=0)
def _dataset_symlink(root: Path) -> Path:
    (root.parent / "secret").mkdir(exist_ok=True)
    repo(root)
    os.symlink(root.parent / "secret", root / "data")
    return write(root, dataset_ref("./data"))


@case("dataset-symlink-loops", "TL303", line=7, says="1 of 1 image has")  # a.png; the links are no images
def _dataset_loops(root: Path) -> Path:
    data = repo(root) / "data"
    data.mkdir()
    (data / "a.png").write_bytes(b"")
    os.symlink(data / "loop.png", data / "loop.png")
    os.symlink(data / "x", data / "y")
    os.symlink(data / "y", data / "x")
    os.symlink(data, data / "self")
    return write(root, dataset_ref("./data").replace("images: 24", "images: 1"))  # what is found: nothing to fix


@case("dataset-path-loop", "TL301", line=7, exit=0)
def _dataset_path_loop(root: Path) -> Path:
    repo(root)
    os.symlink(root / "data", root / "data")
    return write(root, dataset_ref("./data"))


@case("dataset-100000-files", "TL094", line=7, big=True)
def _dataset_big(root: Path) -> Path:
    data = repo(root) / "data"
    data.mkdir()
    for i in range(100_000):
        os.close(os.open(data / f"{i}.png", os.O_CREAT | os.O_WRONLY, 0o644))
    return write(root, dataset_ref("./data"))


@case("config-is-fifo", "TL090", line=1, fix_exit=2, says="not a regular file (a named pipe)")
def _config_fifo(root: Path) -> Path:
    repo(root)
    os.mkfifo(root / "config.yaml")
    return root / "config.yaml"


@case("config-is-device", "TL090", line=1, fix_exit=2, says="not a regular file (a device or socket)")
def _config_device(root: Path) -> Path:
    repo(root)
    os.symlink("/dev/zero", root / "config.yaml")
    return root / "config.yaml"


@case("config-is-symlink-loop", "TL090", line=1, fix_exit=2, says="cannot read: a symlink loop")
def _config_loop(root: Path) -> Path:
    repo(root)
    os.symlink(root / "other.yaml", root / "config.yaml")
    os.symlink(root / "config.yaml", root / "other.yaml")
    return root / "config.yaml"


@case("config-is-dangling-symlink", "TL090", line=1, fix_exit=2, says="cannot read: a dangling symlink")
def _config_dangling(root: Path) -> Path:
    repo(root)
    os.symlink(root / "gone.yaml", root / "config.yaml")
    return root / "config.yaml"


@case("preset-version-unicode-digit", "TL206", line=4, says="`version` must be a whole number, not '\u00b2'")  # `²`:
# str.isdigit() takes it, int() does not; the preset schema wants a whole number
def _preset_superscript(root: Path) -> Path:
    write(root, 'extends: sdxl/style\nversion: "\u00b2"\n', "p.yaml")
    return write(root, VALID.replace("sdxl/style", "./p.yaml"))


@case("preset-extends-unicode-digit", "TL206", line=4, says="`extends` cannot be 'sdxl/style@\u00b2'")
def _preset_extends_superscript(root: Path) -> Path:
    write(root, "extends: sdxl/style@\u00b2\n", "p.yaml")
    return write(root, preset_ref("./p.yaml"))


text_case("preset-name-too-long", preset_ref("./" + "p" * 300 + ".yaml"), "TL201", line=4)


def seeds() -> list[bytes]:
    """The bytes of every small text case, to seed the fuzzer."""
    return [c.text for c in CASES if c.text is not None and not c.big]

"""Codes the loader emits: reading, parsing and the safety limits."""

from __future__ import annotations

from .. import codes
from ..diagnostics import Severity
from .base import Rule

_VALID = """\
schema_version: 1
base_model: sdxl
training_type: style
preset: sdxl/style
classification: sdxl/style
dataset:
  images: 24
"""


class LoaderRule(Rule):
    stage = "loader"
    severity = Severity.ERROR
    passes = _VALID


class YamlSyntax(LoaderRule):
    """The file is not valid YAML.

    Why: A training script would stop on this file before training starts, or worse, read
    part of it. The position is where the parser gave up; the mistake is often on
    the line before (an unclosed quote or bracket, a tab used for indentation). The readers
    of trainers' JSON, TOML and shell files report their syntax errors under this code too.

    Also reported here, at the character: a tab that libyaml accepts but PyYAML's own
    reader (`yaml.safe_load`, which most training scripts use) stops at (after `name:`,
    after a value, inside an unquoted value), and a NEL, LINE SEPARATOR or PARAGRAPH
    SEPARATOR in a comment with config after it: YAML 1.1 readers (libyaml, PyYAML)
    end the comment there and read the rest as config, while editors and YAML 1.2 show
    it as part of the comment.

    Source: PyYAML's own reader and libyaml, which follow YAML 1.1, where NEL, LINE SEPARATOR
    and PARAGRAPH SEPARATOR are line breaks; the YAML 1.2 specification, which makes them
    ordinary characters.
    """

    code, name = codes.YAML_SYNTAX, "yaml-syntax"
    fails = "schema_version: 1\npreset: [sdxl/style\n"


class DuplicateKey(LoaderRule):
    """A key appears twice in the same mapping.

    Why: PyYAML, which most training scripts use, silently keeps the last value, while
    YAML 1.2 parsers such as ruamel.yaml refuse the file: the same config means
    different things to different tools. Both lines are reported.

    Source: The YAML specification, under which the keys of a mapping are unique; how PyYAML
    and ruamel.yaml read a file where they are not.
    """

    code, name = codes.DUPLICATE_KEY, "duplicate-key"
    fails = _VALID + "training:\n  steps: 8400\n  steps: 9000\n"


class DisallowedTag(LoaderRule):
    """A value carries a YAML tag outside the core schema (`!!python/object`, `!!binary`, `!custom`).

    Why: A config is plain data. Language-specific tags are how YAML files run code in
    unsafe loaders; trainlint never constructs them and reports them instead.

    Source: The YAML 1.2 core schema, the tags plain data needs; docs/reference.md, "Safety
    limits and hostile input".
    """

    code, name = codes.DISALLOWED_TAG, "disallowed-tag"
    fails = _VALID.replace("schema_version: 1", "schema_version: !!python/object/apply:os.system [echo]")


class NonStringKey(LoaderRule):
    """A mapping key is not a plain name (`1:`, `null:`, `? [a, b]`).

    Why: Config keys are names. A number or a list as a key is almost always a typo or a
    stray indentation, and JSON Schema tools cannot even represent it.

    Source: JSON's data model, whose object keys are strings: the one JSON Schema, and so the
    schema layer and the editors, work on.
    """

    code, name = codes.NON_STRING_KEY, "non-string-key"
    fails = _VALID + "1: one\n"


class MultipleDocuments(LoaderRule):
    """The file holds more than one YAML document (`---` separators).

    Why: A config is one document; tools disagree on which document they read (most read
    the first, some refuse). Only the first document is checked.

    Source: The YAML specification, whose streams hold any number of documents separated by `---`.
    """

    code, name = codes.MULTIPLE_DOCUMENTS, "multiple-documents"
    fails = _VALID + "---\nschema_version: 1\n"


class NotAConfig(LoaderRule):
    """The file is not a trainlint config: empty, not a mapping, or a mapping without the marker.

    Why: A trainlint config has a top-level `schema_version` key or a trainlint schema
    modeline. When searching folders, trainlint only picks up such files, so other
    YAML is left alone; a file named explicitly on the command line that has neither
    (a GitHub workflow, a compose file) gets this one finding rather than a schema
    error for every key it does not share with a config.

    Source: docs/reference.md, "Which files are checked" (the marker, and the trainers' formats
    a file is tried as).
    """

    code, name = codes.NOT_A_CONFIG, "not-a-config"
    fails = "- schema_version: 1\n- preset: sdxl/style\n"


class Encoding(LoaderRule):
    """The file is not text YAML can read: invalid UTF-8, NUL bytes, or a binary file.

    Why: YAML files are UTF-8 (or UTF-16/32 with a byte-order mark). A binary renamed
    `.yaml` or a file saved in a legacy code page would be misread by other tools.

    Source: The YAML 1.2 specification's character encodings (UTF-8, UTF-16 and UTF-32).
    """

    code, name = codes.ENCODING, "encoding"
    fails = "schema_version: 1\nname: caf\udce9\n"


class BadNumber(LoaderRule):
    """A number that no trainer can use: `.nan`, `.inf`, `1e309`, or hundreds of digits.

    Why: These parse as YAML numbers but are not finite training values; JSON cannot even
    represent them, so schema validators disagree on them.

    Source: JSON (RFC 8259), which has no NaN or infinity; docs/reference.md, "Safety limits
    and hostile input".
    """

    code, name = codes.BAD_NUMBER, "bad-number"
    fails = _VALID + "training:\n  learning_rate_unet: .nan\n"


class UnreadableFile(LoaderRule):
    """The file cannot be read: not a regular file, a broken or looping symlink, too long a path, or no permission.

    Why: A file that cannot be read cannot be checked, and it must not stop the check of the
    others: it gets this one finding and the run goes on. Not a regular file is a named pipe,
    a device or a socket; a symlink may dangle or loop; a path may be longer than the system
    allows. A named pipe is never opened for reading (that would wait for a writer forever),
    nor is a device (`/dev/zero` never ends).

    Source: docs/reference.md, "Safety limits and hostile input"; SECURITY.md.
    """

    code, name = codes.UNREADABLE_FILE, "unreadable-file"
    fails = "# this text, written into a named pipe: it is never opened\n" + _VALID
    example_as = "a named pipe"


class FileTooLarge(LoaderRule):
    """The file is larger than the configured limit (`max-file-bytes`, 1 MiB by default).

    Why: A training config is a few hundred bytes. Refusing huge files up front keeps a
    crafted file in a pull request from stalling every CI run.

    Source: docs/reference.md, "Safety limits and hostile input".
    """

    code, name = codes.FILE_TOO_LARGE, "file-too-large"
    fails = _VALID + "name: " + "x" * 200 + "\n"
    example_limits = {"max_file_bytes": 200}


class AliasExpansion(LoaderRule):
    """Aliases expand to more values than the limit (`max-nodes`, 10,000), or an alias refers to itself.

    Why: A few hundred bytes of anchors and aliases can stand for billions of values
    ("billion laughs"); anything that walks the data would hang. trainlint counts
    the expanded size on the parsed nodes before building any data.

    Source: docs/reference.md, "Safety limits and hostile input".
    """

    code, name = codes.ALIAS_EXPANSION, "alias-expansion"
    fails = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"


class NestingDepth(LoaderRule):
    """The data nests deeper than the limit (`max-depth`, 64 levels).

    Why: A config nests two levels deep. Deep nesting is a sign of a crafted file and
    costs stack and time in every tool that reads it.

    Source: docs/reference.md, "Safety limits and hostile input".
    """

    code, name = codes.NESTING_DEPTH, "nesting-depth"
    fails = "a: " + "[" * 70 + "]" * 70 + "\n"


class DatasetScanLimit(LoaderRule):
    """The dataset folder holds more images than the limit (`max-dataset-files`, 20,000).

    Why: Counting images means listing the folder; a folder far larger than any training
    set is not counted, and the declared `dataset.images` is used instead. The limit counts
    images only, so captions and masks beside them do not halve it; a folder with more than
    eight times as many entries of any kind is not listed to its end either.

    Source: docs/reference.md, "Safety limits and hostile input".
    """

    code, name = codes.DATASET_SCAN_LIMIT, "dataset-scan-limit"
    severity = Severity.WARNING
    fails = _VALID.replace("  images: 24", "  path: ./data\n  images: 3")
    passes = _VALID.replace("  images: 24", "  path: ./small\n  images: 4")
    files = {
        f"{folder}/{i}.{ext}": ""
        for folder, n in (("data", 6), ("small", 4))
        for i in range(n)
        for ext in ("png", "txt")
    }
    example_limits = {"max_dataset_files": 5}

"""Read a config file into plain data while keeping where every key and value stood.

The fast path is libyaml's composer (PyYAML's C parser) with YAML 1.2 core-schema
resolution, so `1e-4` is a float and `no` is a string, as ruamel.yaml reads them.
We build the data ourselves from the composed nodes instead of letting a constructor
do it: that is where aliases are counted before anything is expanded, duplicate keys
are caught at both lines, and any tag outside the core schema is refused, so no
Python object is ever created from a file.
"""

import bisect
import errno
import functools
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import codes
from ..diagnostics import ConfigPath, Finding, Span
from ..document import DEEPEST, Document, Limits, Yaml11Reading
from ..text import (
    FOREIGN_BREAKS,
    decode,
    line_starts,
    offset_span,
    position,
)

# --- YAML 1.2 core schema resolution on the C parser ---------------------------------

_CORE = "tag:yaml.org,2002:"
_RESOLVERS: list[tuple[str, str, str]] = [
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
]


# first character of a plain scalar -> the (tag, pattern) pairs it may match, in order
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _name, _regex, _first in _RESOLVERS:
    for _ch in [*_first, *([""] if _name == "null" else [])]:
        _BY_FIRST.setdefault(_ch, []).append((_CORE + _name, re.compile(_regex)))
_STR, _SEQ, _MAP = _CORE + "str", _CORE + "seq", _CORE + "map"


class _Loader(yaml.CSafeLoader):
    """libyaml parser + composer with YAML 1.2 core-schema resolution, counting nodes as it composes."""

    composed = 0  # nodes of the current document so far (aliases are no new nodes)
    max_nodes = Limits().max_nodes

    def descend_resolver(self, parent: Node | None, index: Any) -> None:
        """libyaml's composer calls this before it composes any node but an alias: a document of more
        nodes than the limit is refused here, before the rest of it is composed (a megabyte of `[a,a,...]`
        would otherwise become half a million node objects first). PyYAML's own version only serves
        path resolvers, which this loader has none of."""
        self.composed += 1
        if self.composed > self.max_nodes and parent is not None:
            at = parent.start_mark  # the collection being composed; its end is not known yet
            raise _Limit(
                codes.ALIAS_EXPANSION, f"more than {self.max_nodes:,} values", ScalarNode(parent.tag, "", at, at)
            )

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        """What PyYAML's resolver does for our table (no path resolvers, no wildcard), minus its
        generality: libyaml's composer calls this for every node of every file."""
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _BY_FIRST.get(value[:1], ()):  # type: ignore[index]
                    if pattern.match(value):  # type: ignore[arg-type]
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_YAML11 = yaml.resolver.Resolver()
_YAML11_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_YAML11_FIRST = frozenset(ch for ch in _YAML11.yaml_implicit_resolvers if ch)


def _span(node: Node, _new: Any = tuple.__new__) -> Span:
    s, e = node.start_mark, node.end_mark
    span: Span = _new(Span, (s.line, s.column, e.line, e.column, s.index, e.index))  # Span(...) without its __new__
    return span


class _Limit(Exception):
    def __init__(self, code: str, message: str, node: Node) -> None:
        super().__init__(message)
        self.code, self.message, self.node = code, message, node


def _measure(root: Node, limits: Limits) -> None:
    """Count the nodes the data would have once aliases are expanded, without expanding.

    Sizes are memoised per node, so a billion-laughs file costs one visit per distinct
    node; a node met again while still being measured is a recursive alias.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > limits.max_depth:
            raise _Limit(codes.NESTING_DEPTH, f"nesting deeper than {limits.max_depth} levels", node)
        if key in active:
            raise _Limit(codes.ALIAS_EXPANSION, "recursive alias: a node contains itself", node)
        total = 1
        if isinstance(node, (MappingNode, SequenceNode)):
            active.add(key)
            children = (c for pair in node.value for c in pair) if isinstance(node, MappingNode) else iter(node.value)
            for child in children:
                total += size(child, depth + 1)
                if total > limits.max_nodes:
                    raise _Limit(
                        codes.ALIAS_EXPANSION, f"more than {limits.max_nodes:,} values once aliases are expanded", node
                    )
            active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


class _Unmeasured(Exception):
    """The builder, counting on its own, reached a limit or a collection used as a key."""


class _Builder:
    """Turns composed nodes into plain data and records spans and loader findings.

    Given `limits` (only for a document without aliases, where every node is visited
    once), it counts nodes and depth itself and raises _Unmeasured at a limit, so the
    usual file needs no separate measuring pass.
    """

    def __init__(self, doc: Document, limits: Limits | None = None) -> None:
        self.doc = doc
        self.limits = limits
        self.nodes = 0

    def report(self, code: str, message: str, node: Node, path: ConfigPath, **extra: Any) -> None:
        self.doc.findings.append(Finding(code, message, span=_span(node), **extra))
        self.doc.reported.add(path)

    def build(self, node: Node, path: ConfigPath) -> Any:
        # the hot loop of every check: one call per node, spans made inline, strings returned early
        if self.limits is not None:
            self.nodes += 1 + (len(node.value) if isinstance(node, MappingNode) else 0)  # a mapping's keys count too
            if self.nodes > self.limits.max_nodes or len(path) > self.limits.max_depth:
                raise _Unmeasured
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            self.report(
                codes.DISALLOWED_TAG, f"tag {tag!r} is not allowed: trainlint configs hold plain data only", node, path
            )
            return _Refused(tag)
        if isinstance(node, ScalarNode):
            text = node.value
            # quoted, or no YAML 1.1 resolver starts with its first character (most names): a string
            # to both versions, nothing to construct or check
            if tag == _STR and (node.style or text[:1] not in _YAML11_FIRST):
                return text
            return self.scalar(node, path)
        spans = self.doc.spans
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                at = (*path, index)
                spans[at] = (None, _span(item))
                items.append(self.build(item, at))
            return items
        assert isinstance(node, MappingNode)
        return self.mapping(node, path, spans)

    def mapping(
        self, node: MappingNode, path: ConfigPath, spans: dict[ConfigPath, tuple[Span | None, Span]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not (key_node.tag == _STR and isinstance(key_node, ScalarNode)):
                if self.limits is not None and not isinstance(key_node, ScalarNode):
                    raise _Unmeasured  # its nodes count too: measured the thorough way
                shown = key_node.value if isinstance(key_node, ScalarNode) else type(key_node).__name__[:-4].lower()
                self.report(
                    codes.NON_STRING_KEY, f"key {shown!r} is not a string: keys are names like `steps`", key_node, path
                )
                continue
            key = key_node.value
            at = (*path, key)
            if key in first_seen:
                earlier = first_seen[key]
                self.report(
                    codes.DUPLICATE_KEY,
                    f"duplicate key {key!r} (first at line {earlier.start_mark.line + 1}); "
                    "PyYAML-based trainers silently keep the last one",
                    key_node,
                    at,
                    on_key=True,
                )
                self.doc.findings.append(
                    Finding(
                        codes.DUPLICATE_KEY,
                        f"key {key!r} is defined again at line {key_node.start_mark.line + 1}",
                        span=_span(earlier),
                    )
                )
            first_seen[key] = key_node
            spans[at] = (_span(key_node), _span(value_node))
            out[key] = self.build(value_node, at)
        return out

    def scalar(self, node: ScalarNode, path: ConfigPath) -> Any:
        tag, text = node.tag[len(_CORE) :], node.value
        try:
            value = _construct(tag, text)
        except ValueError as exc:
            self.report(codes.BAD_NUMBER, f"{text[:40]!r} is not a usable number: {exc}", node, path)
            return _Refused(text)
        if isinstance(value, float) and not math.isfinite(value):
            self.report(codes.BAD_NUMBER, f"{text[:40]!r} is not a finite number", node, path)
            return _Refused(text)
        if not node.style and text:
            self.check_yaml11(node, value, path)
        return value

    def check_yaml11(self, node: ScalarNode, value: Any, path: ConfigPath) -> None:
        """Record plain scalars that YAML 1.1 readers (PyYAML, most trainers) read otherwise
        (strings no 1.1 resolver could take never get here: see `build`).

        The recorded span is the scalar's own text: an anchor or tag written before it
        (`&lr !!float 1e-4`) is part of the node's marks but not of the value, and a fix
        that replaced it would drop the anchor an alias refers to. An explicit tag is
        read by its tag in YAML 1.1 too, not resolved from the text."""
        span, tag = _span(node), None
        if self.doc.text[span.start : span.start + 1] in ("&", "!"):
            span, tag = _scalar_only(self.doc.text, span)
        if tag is not None:
            string11, value11 = False, _yaml11_tagged(node.tag, node.value)
        else:
            string11, value11 = _yaml11_reading(node.value)
        if string11 and isinstance(value, str):
            return
        if type(value11) is type(value) and value11 == value:
            return
        self.doc.yaml11.append(Yaml11Reading(span, path, node.value, value, value11))


# an anchor, a verbatim tag or a tag shorthand, as libyaml scans them before a node
_PROPERTY = re.compile(r"&[^\s,\[\]{}]+|!<[^>]*>|![^\s,\[\]{}]*")
# what may stand between properties and the scalar: blanks, comments and line breaks (libyaml's, so YAML 1.1's)
_SEPARATION = re.compile(r"(?:[ \t]+|#[^\r\n\x85\u2028\u2029]*|\r\n|[\r\n\x85\u2028\u2029])*")
_LIBYAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _scalar_only(text: str, span: Span) -> tuple[Span, str | None]:
    """The span of a scalar's own text without the anchor and tag before it, and the tag written
    there (None when there is none, or only the non-specific `!`, which leaves the type to the text)."""
    at, tag = span.start, None
    while (prop := _PROPERTY.match(text, at, span.end)) is not None:
        if prop.group().startswith("!") and prop.group() != "!":
            tag = prop.group()
        at = _SEPARATION.match(text, prop.end(), span.end).end()  # type: ignore[union-attr]
    skipped = text[span.start : at]
    breaks = list(_LIBYAML_BREAK.finditer(skipped))
    line = span.line + len(breaks)
    col = len(skipped) - breaks[-1].end() if breaks else span.col + len(skipped)
    return span._replace(line=line, col=col, start=at), tag


@functools.lru_cache(maxsize=1024)
def _yaml11_tagged(tag: str, text: str) -> Any:
    """What YAML 1.1 readers make of a scalar with an explicit core tag (`!!int 012` is octal there)."""
    try:
        return _YAML11_CONSTRUCTOR.construct_object(ScalarNode(tag, text))
    except Exception:  # noqa: BLE001 - a value PyYAML cannot build under its tag differs from ours
        return text
    finally:
        _YAML11_CONSTRUCTOR.constructed_objects.clear()


@functools.lru_cache(maxsize=4096)
def _yaml11_reading(text: str) -> tuple[bool, Any]:
    """Whether YAML 1.1 reads a plain scalar as a string, and the value it reads.

    Memoised: the same numbers (`1`, `8400`, `1.0e-4`) recur in every config, and
    PyYAML's resolver and constructor are pure Python. The values are immutable scalars.
    """
    tag11: str = _YAML11.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag11 == _CORE + "str":
        return True, text
    try:
        return False, _YAML11_CONSTRUCTOR.construct_object(ScalarNode(tag11, text))
    except Exception:  # noqa: BLE001 - an odd 1.1 spelling is itself the finding
        return False, text
    finally:
        _YAML11_CONSTRUCTOR.constructed_objects.clear()  # it would keep every node it ever built


class _Refused(str):
    """Stands for a value the loader refused; rules and the schema layer skip it."""


def _construct(tag: str, text: str) -> Any:
    if tag == "str":
        return text
    if tag == "null":
        if text not in ("", "~", "null", "Null", "NULL"):
            raise ValueError("not a null")
        return None
    if tag == "bool":
        if text not in ("true", "True", "TRUE", "false", "False", "FALSE"):
            raise ValueError("not a boolean")
        return text.lower() == "true"
    if tag == "int":
        if len(text) > 400:  # also octal and hex: Python could parse them, but not print them
            raise ValueError(f"an integer of {len(text):,} digits")
        number = int(text[2:], 8 if text[1] == "o" else 16) if text.startswith(("0o", "0x")) else int(text)
        if number.bit_length() > 1000:  # every later step may turn it into a float: it must fit one
            raise ValueError("too large for a float")
        return number
    if text.lstrip("+-").lower() in (".inf", ".nan"):
        return float(text.lower().replace(".", ""))
    if len(text) > 400:
        raise ValueError(f"a number of {len(text):,} characters")
    return float(text)


# --- entry points ---------------------------------------------------------------------


def load_text(text: str, file: str = "<string>", limits: Limits = Limits()) -> Document:
    doc = Document(file=file, text=text)
    _parse(doc, limits)
    return doc


def read_head(path: Path | str, limits: Limits) -> bytes:
    """Read at most one byte past the size limit, so a huge file is never read whole.

    Only regular files are read: opening a FIFO would wait forever for a writer and a
    device (`/dev/zero`, `/dev/stdin`, a symlink to either) never ends, so the file is
    opened without blocking and refused with an OSError unless it is a regular file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            mode = info.st_mode
            kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
            raise OSError(errno.EINVAL, f"not a regular file ({kind})", str(path))
        # sized by the file, not the limit: a buffer of the limit (1 MiB) per file costs more than the parse;
        # the size is only a hint, a file that grows meanwhile is read on up to the limit
        # a first read that brings exactly the size fstat gave is the whole file (as it was a moment ago):
        # no second read to meet its end
        want = limits.max_file_bytes + 1
        part = os.read(fd, min(info.st_size + 1, want))
        if len(part) == info.st_size:
            return part
        parts, got = [part], len(part)
        while got < want:
            part = os.read(fd, min(1 << 16, want - got))
            if not part:
                break
            parts.append(part)
            got += len(part)
        return b"".join(parts)
    finally:
        os.close(fd)


def load_bytes(raw: bytes, file: str, limits: Limits = Limits()) -> Document:
    """Decode and parse; every problem becomes a finding, never an exception."""
    doc = Document(file=file)
    if len(raw) > limits.max_file_bytes:
        doc.findings.append(
            Finding(
                codes.FILE_TOO_LARGE,
                f"file is larger than {limits.max_file_bytes:,} bytes; a training config is a few hundred",
                hint="raise `max-file-bytes` in the trainlint configuration if this really is a config",
            )
        )
        return doc
    text = decode(raw, doc)
    if text is not None:
        doc.text = text
        _parse(doc, limits)
    return doc


def load_file(path: Path, file: str, limits: Limits = Limits()) -> Document:
    try:
        raw = read_head(path, limits)
    except OSError as exc:
        doc = Document(file=file)
        doc.findings.append(Finding(codes.UNKNOWN_PRESET, f"cannot read {file}: {exc.strerror or exc}"))
        return doc
    return load_bytes(raw, file, limits)


def _parse(doc: Document, limits: Limits) -> None:
    if limits.max_depth > DEEPEST:  # a raised `max-depth` must not let the builder recurse past Python's limit
        limits = limits._replace(max_depth=DEEPEST)
    _compose_and_build(doc, limits)
    if any(ch in doc.text for ch in FOREIGN_BREAKS):  # libyaml breaks lines there too (YAML 1.1)
        _relocate(doc)
        _report_breaks_in_comments(doc)
    if "\t" in doc.text and doc.ok:
        _report_pure_reader_tab(doc)


_BREAK_NAMES = {"\x85": "U+0085 NEXT LINE", "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}
_ANY_BREAK = "\r\n\x85\u2028\u2029"  # what ends a line for libyaml and PyYAML (YAML 1.1)


def _scalar_stretches(doc: Document) -> Any:
    """Whether an offset lies in a scalar key or value (a `#` there is no comment): sorted stretches
    with the furthest end reached so far, so each question is a binary search."""
    parents = {p[:-1] for p in doc.spans if p}
    stretches = sorted(
        [(k.start, k.end) for k, _ in doc.spans.values() if k is not None]
        + [(v.start, v.end) for p, (_, v) in doc.spans.items() if p and p not in parents]
    )
    starts, reach, furthest = [start for start, _ in stretches], [], -1
    for _, end in stretches:
        furthest = max(furthest, end)
        reach.append(furthest)

    def inside(offset: int) -> bool:
        at = bisect.bisect_right(starts, offset) - 1
        return at >= 0 and reach[at] > offset

    return inside


def _report_breaks_in_comments(doc: Document) -> None:
    """NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR end a comment for libyaml and PyYAML (YAML 1.1), not
    for YAML 1.2 or an editor: what follows one in a comment is config to the trainer (and to trainlint)
    but comment to whoever reads the file. Reported as a YAML error at the character, by name, unless
    what follows is blank or another comment."""
    text, inside = doc.text, _scalar_stretches(doc)
    for match in re.finditer("[\x85\u2028\u2029]", text):
        at = match.start()
        line_start = max(text.rfind(ch, 0, at) for ch in _ANY_BREAK) + 1
        rest_end = min((i for i in (text.find(ch, at + 1) for ch in _ANY_BREAK) if i >= 0), default=len(text))
        rest = text[at + 1 : rest_end].strip(" \t")
        if not rest or rest.startswith("#"):
            continue
        comment = next(
            (
                i
                for i in range(line_start, at)
                if text[i] == "#" and (i == line_start or text[i - 1] in " \t") and not inside(i)
            ),
            None,
        )
        if comment is None:
            continue
        name = _BREAK_NAMES[match.group()]
        doc.findings.append(
            Finding(
                codes.YAML_SYNTAX,
                f"{name} in a comment: YAML 1.1 readers (libyaml, PyYAML: most trainers, and trainlint) end "
                f"the comment there and read `{rest[:60]}` as config, while editors and YAML 1.2 show one comment",
                span=offset_span(text, at),
                hint="delete the character; if what follows is meant as config, put it on a line of its own",
            )
        )


def _report_pure_reader_tab(doc: Document) -> None:
    """A tab between tokens or inside a plain value is fine for libyaml but stops PyYAML's own reader,
    which `yaml.safe_load` uses unless asked for the C one: the trainer would crash on the file. The
    first such tab is a YAML error there. Quoted and block values and comments may hold tabs. Only
    files with a tab that loaded get here, so the tokens are as many as the nodes allow."""
    text, end = doc.text, 0
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            assert token is not None  # check_token said there is one
            start = token.start_mark.index
            tab = next((m.start() for m in _GAP_TAB.finditer(text, end, max(start, end)) if m.group() == "\t"), None)
            if tab is None and isinstance(token, yaml.ScalarToken) and token.plain:
                found = text.find("\t", start, token.end_mark.index)
                tab = found if found >= 0 else None
            if tab is not None:
                doc.findings.append(
                    Finding(
                        codes.YAML_SYNTAX,
                        "YAML syntax error for PyYAML: a tab here stops its own reader (`yaml.safe_load`, which "
                        "most training scripts use), though libyaml accepts it",
                        span=offset_span(text, tab),
                        hint="replace the tab with spaces",
                    )
                )
                return
            end = max(end, token.end_mark.index)
    except yaml.YAMLError:
        return  # libyaml composed the file, so its scanner does not stop; should it, the parse said so
    finally:
        loader.dispose()


# between tokens: a comment (which may hold tabs) or a tab
_GAP_TAB = re.compile("#[^\r\n\x85\u2028\u2029]*|\t")


def _relocate(doc: Document) -> None:
    """Positions re-derived from offsets with YAML 1.2's line breaks (see text.py)."""
    starts = line_starts(doc.text)

    def place(span: Span) -> Span:
        (line, col), (end_line, end_col) = position(starts, span.start), position(starts, span.end)
        return span._replace(line=line, col=col, end_line=end_line, end_col=end_col)

    doc.spans = {path: (None if key is None else place(key), place(value)) for path, (key, value) in doc.spans.items()}
    doc.findings = [f._replace(span=place(f.span)) if f.span else f for f in doc.findings]
    doc.yaml11 = [r._replace(span=place(r.span)) for r in doc.yaml11]


def _compose_and_build(doc: Document, limits: Limits) -> None:
    nodes: list[Node] = []  # the first two: the config, and where a second document starts
    count = 0
    try:
        for node in _compose_all(doc.text, limits.max_nodes):
            count += 1
            if count <= 2:
                nodes.append(node)
    except _Limit as exc:  # counted while composing
        doc.findings.append(Finding(exc.code, exc.message, span=_span(exc.node)))
        return
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        if "nesting depth" in (exc.context or "") + problem:
            code, problem = codes.NESTING_DEPTH, "nesting too deep for a training config"
        else:
            code = codes.YAML_SYNTAX
        span = Span(mark.line, mark.column, mark.line, mark.column + 1, mark.index, mark.index) if mark else None
        hint = None
        if code == codes.YAML_SYNTAX:
            problem, hint = _in_plain_words(problem, doc.text, mark.index if mark else None)
        doc.findings.append(
            Finding(
                code, f"YAML syntax error: {problem}" if code == codes.YAML_SYNTAX else problem, span=span, hint=hint
            )
        )
        return
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; its position is an offset
        doc.findings.append(
            Finding(
                codes.YAML_SYNTAX,
                f"YAML syntax error: {exc.reason} (character {exc.character!r})",
                span=offset_span(doc.text, exc.position),
            )
        )
        return
    except yaml.YAMLError as exc:
        doc.findings.append(Finding(codes.YAML_SYNTAX, f"YAML error: {exc}"))
        return
    if not nodes:
        doc.findings.append(Finding(codes.NOT_A_CONFIG, "the file holds no YAML document (empty, or only comments)"))
        return
    if count > 1:
        doc.findings.append(
            Finding(
                codes.MULTIPLE_DOCUMENTS,
                f"{count} YAML documents in one file; a config is a single document",
                span=_span(nodes[1]),
            )
        )
    root = nodes[0]
    try:
        data = _build(doc, root, limits)
    except _Limit as exc:
        doc.spans.clear()
        doc.findings.append(Finding(exc.code, exc.message, span=_span(exc.node)))
        return
    except RecursionError:  # not expected below DEEPEST; a finding rather than the run's end
        doc.spans.clear()
        doc.findings.append(Finding(codes.NESTING_DEPTH, "nesting too deep to read", span=_span(root)))
        return
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        doc.findings.append(
            Finding(codes.NOT_A_CONFIG, f"the document is {kind}, not a mapping of config keys", span=_span(root))
        )
        return
    doc.data = data


def _in_plain_words(problem: str, text: str, at: int | None) -> tuple[str, str | None]:
    """libyaml's words for the mistakes people make most, said for someone who is no YAML expert:
    a tab that indents (YAML indents with spaces only), a backslash in double quotes (a Windows path,
    where YAML reads an escape). Anything else keeps libyaml's words."""
    here = text[at : at + 1] if at is not None else ""
    if "tab character that violates indentation" in problem:
        return "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces"
    if here == "\t" and "cannot start any token" in problem:
        line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
        if not text[line_start:at].strip(" \t"):
            return "a tab is used for indentation; YAML indents with spaces only", "replace the tab with spaces"
        return "a tab here cannot start a value", "replace the tab with a space"
    if "unknown escape character" in problem or "expected escape sequence" in problem:
        return (
            "a backslash in double quotes starts an escape sequence (`\\n`, `\\t`), and this one is none",
            "for a path, use forward slashes (`data/images`, which every trainer reads on every system) or "
            "single quotes, where a backslash is just a backslash",
        )
    return problem, None


def _may_have_aliases(text: str) -> bool:
    return "*" in text  # an alias is written `*name`


def _build(doc: Document, root: Node, limits: Limits) -> Any:
    """The data of the root node; _Limit when it is too big or too deep.

    Aliases could make a few nodes expand into billions, so a document with any `*`
    is measured before anything is built; one without is measured while it is built,
    and measured the thorough way (exact finding and position) only if that trips.
    """
    if not _may_have_aliases(doc.text):
        before = len(doc.findings)
        doc.spans[()] = (None, _span(root))
        try:
            return _Builder(doc, limits).build(root, ())
        except _Unmeasured:
            del doc.findings[before:]
            doc.yaml11.clear()
            doc.spans.clear()
            doc.reported.clear()
    _measure(root, limits)
    doc.spans[()] = (None, _span(root))
    return _Builder(doc).build(root, ())


def _compose_all(text: str, max_nodes: int) -> Any:
    """The documents' root nodes, one at a time; _Limit when a document has more than `max_nodes` nodes."""
    loader = _Loader(text)
    loader.max_nodes = max_nodes
    try:
        while loader.check_node():
            loader.composed = 0
            yield loader.get_node()
    finally:
        loader.dispose()

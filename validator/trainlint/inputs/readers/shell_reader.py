"""Shell scripts read into the Python training commands they run, with the position of every flag.

A diffusers or sd-scripts run is configured by a command line, usually kept in a shell script:
`export` lines, then `accelerate launch train_x.py --flag=value \\` continued over many lines.
`read_shell` finds every command that runs a Python script and keeps, for each flag, where the
flag and its value stand in the file.

The document's data::

    {"commands": [
        {"launcher": "accelerate launch",          # "python", "python -m accelerate.commands.launch",
                                                   # "torchrun", "deepspeed", "" (script run directly)
         "launcher_args": {"--num_processes": "2"},  # the launcher's own options, read like `args`
         "script": "train_dreambooth_lora_sdxl.py",  # as written, folders included
         "args": {"--learning_rate": "1e-4",       # the script's flags: a string, True for a bare
                  "--train_text_encoder": True,     # flag, a list for several values
                  "--validation_images": ["a.png", "b.png"]},
         "positional": [],                          # words after the script that belong to no flag
         "unresolved": {"--output_dir": ["$OUTPUT_DIR"]},  # flags whose value holds an expansion
                                                   # this file does not determine (text kept as written)
         "repeated": [],                            # flags given more than once (argparse keeps the last)
         "cut_off": [],                             # flags on lines after a comment that ended the
                                                   # command: bash runs them as a command of their own
         "variables": {"MODEL_NAME": "stabilityai/..."},  # set in the script before the command;
                                                   # None: set to something the file does not determine
         "incomplete": False},                      # the command overlaps a shell syntax error
    ]}

Values are the words bash would pass after quote removal: quotes and backslashes are gone,
`$VAR` and `${VAR}` are replaced when the script sets VAR earlier (an assignment inside an `if`,
a loop or a function makes VAR undetermined), and anything else (`$1`, `${VAR:-x}`, `$(...)`,
a variable from the environment) is left as written and listed under `unresolved`.

Positions (`doc.spans`): `("commands", i)` is the whole command, `("commands", i, "script")` the
script word, `("commands", i, "args", "--flag")` gives (the flag, its value) - for `--flag=value`
the parts either side of `=`, for `--flag value` the two words, for a bare flag the flag twice;
the last occurrence when a flag is repeated. `launcher_args` and `variables` (the assignment in
effect: name, value) are placed the same way. Columns count characters, lines end at LF, CR or CRLF.

Parsing is tree-sitter's bash grammar (docs/readers-shell.md says why): error-tolerant, so an
unterminated quote is a finding (TL001) and the commands around it are still read. The parser is
imported on first use.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

from ... import codes
from ...diagnostics import ConfigPath, Finding, Span
from ...document import Document, Limits
from ...text import decode, line_starts, offset_span

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_PARSER: list[Parser] = []  # built on first use: importing tree-sitter costs tens of milliseconds


def _parser() -> Parser:
    if not _PARSER:
        import tree_sitter
        import tree_sitter_bash

        _PARSER.append(tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language())))
    return _PARSER[0]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PYTHON = re.compile(r"python[0-9.]*$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_NEGATIVE_NUMBER = re.compile(r"-\.?[0-9]")
_PY_OPTS_WITH_VALUE = frozenset({"-W", "-X", "-Q"})
_LAUNCH_MODULES = {
    "accelerate.commands.launch": "python -m accelerate.commands.launch",
    "torch.distributed.run": "python -m torch.distributed.run",
    "torch.distributed.launch": "python -m torch.distributed.launch",
}
_LAUNCHERS = {"torchrun": "torchrun", "deepspeed": "deepspeed", "accelerate-launch": "accelerate launch"}
_WRAPPERS = frozenset({"nohup", "time", "exec", "command", "builtin", "sudo", "stdbuf"})
# statements whose assignments may or may not run: a variable set there is undetermined afterwards
_CONDITIONAL = frozenset(
    {
        "if_statement",
        "elif_clause",
        "else_clause",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "case_item",
        "function_definition",
        "subshell",
        "pipeline",
        "list",
        "negated_command",
    }
)
_SKIP = frozenset({"command_substitution", "process_substitution", "heredoc_body", "comment", "test_command"})
_DQ_ESCAPE = re.compile(r"\\([$`\"\\\n])")
_WORD_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ANSI_C = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "v": "\v",
}


class _Text:
    """Byte offsets (tree-sitter's) to character offsets and Spans (the document's)."""

    def __init__(self, text: str) -> None:
        self.raw = text.encode("utf-8", "surrogatepass")
        self.text = text
        self.line_starts = line_starts(text)
        # byte offsets where a multi-byte character starts, and the extra bytes up to and including it
        self.wide: list[int] = []
        self.extra: list[int] = []
        extra = 0
        for match in _NON_ASCII.finditer(text):
            width = len(match.group().encode("utf-8", "surrogatepass"))
            self.wide.append(match.start() + extra)
            extra += width - 1
            self.extra.append(extra)

    def char(self, byte: int) -> int:
        if not self.wide:
            return byte
        k = bisect.bisect_left(self.wide, byte)
        return byte - (self.extra[k - 1] if k else 0)

    def span(self, start_byte: int, end_byte: int) -> Span:
        return offset_span(self.text, self.char(start_byte), self.char(end_byte), self.line_starts)

    def source(self, node: Node) -> str:
        return self.raw[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")


class _Word:
    """One word of a command: its value after expansion and quote removal, and where it stands."""

    __slots__ = ("end", "raw", "start", "text", "unresolved")

    def __init__(self, text: str, unresolved: list[str], start: int, end: int, raw: str) -> None:
        self.text, self.unresolved, self.start, self.end, self.raw = text, unresolved, start, end, raw


class _Limit(Exception):
    def __init__(self, code: str, message: str, where: Span | None) -> None:
        super().__init__(message)
        self.code, self.message, self.where = code, message, where


class _Reader:
    def __init__(self, doc: Document, text: _Text, limits: Limits) -> None:
        self.doc, self.text, self.limits = doc, text, limits
        self.variables: dict[str, str | None] = {}
        self.var_spans: dict[str, tuple[Span, Span]] = {}
        self.commands: list[dict[str, Any]] = []
        self.words = 0
        self.errors: list[tuple[int, int]] = []  # byte ranges of syntax errors

    # --- words -------------------------------------------------------------------------

    def word(self, node: Node) -> _Word:
        self.words += 1
        if self.words > self.limits.max_nodes:
            raise _Limit(
                codes.ALIAS_EXPANSION,
                f"more than {self.limits.max_nodes:,} shell words: the rest of the file is not read",
                self.text.span(node.start_byte, node.end_byte),
            )
        parts: list[str] = []
        unresolved: list[str] = []
        self.expand(node, parts, unresolved, quoted=False)
        return _Word("".join(parts), unresolved, node.start_byte, node.end_byte, self.text.source(node))

    def expand(self, node: Node, parts: list[str], unresolved: list[str], quoted: bool) -> None:
        kind = node.type
        if kind in ("word", "number") and not quoted:
            parts.append(_WORD_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), self.text.source(node)))
        elif kind == "string_content" or (kind in ("word", "number") and quoted):
            parts.append(_DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), self.text.source(node)))
        elif kind == "raw_string":
            parts.append(self.text.source(node)[1:-1])
        elif kind == "ansi_c_string":
            body = self.text.source(node)[2:-1]
            parts.append(re.sub(r"\\(.)", lambda m: _ANSI_C.get(m.group(1), "\\" + m.group(1)), body))
        elif kind == "command_name":
            for child in node.children:
                self.expand(child, parts, unresolved, quoted)
        elif kind in ("string", "translated_string", "concatenation"):
            inner = quoted or kind != "concatenation"
            for child in node.children:
                if child.type in ('"', '$"'):
                    continue
                self.expand(child, parts, unresolved, inner)
        elif kind in ("simple_expansion", "expansion"):
            value = self.lookup(node)
            if value is None:
                source = self.text.source(node)
                parts.append(source)
                unresolved.append(source)
            else:
                parts.append(value)
        elif node.child_count == 0 and not node.is_named:
            parts.append(self.text.source(node))  # punctuation the grammar splits off a word (`=`, `:`)
        else:  # $(...), `...`, $((...)), {a,b}, an ERROR node: not determined by the file
            source = self.text.source(node)
            parts.append(source)
            unresolved.append(source)

    def lookup(self, node: Node) -> str | None:
        """`$NAME` or `${NAME}` when the script set NAME; None for anything else."""
        names = [c for c in node.children if c.is_named]
        if len(names) != 1 or names[0].type != "variable_name":
            return None
        if node.type == "expansion" and [c.type for c in node.children] != ["${", "variable_name", "}"]:
            return None
        return self.variables.get(self.text.source(names[0]))

    # --- statements ----------------------------------------------------------------------

    def walk(self, root: Node) -> None:
        """Every statement in document order, without recursion (nesting depth is the input's to choose)."""
        stack: list[tuple[Node, int, bool]] = [(root, 0, False)]
        while stack:
            node, depth, conditional = stack.pop()
            kind = node.type
            if depth > self.limits.max_depth:
                raise _Limit(
                    codes.NESTING_DEPTH,
                    f"shell statements nested deeper than {self.limits.max_depth} levels",
                    self.text.span(node.start_byte, node.start_byte),
                )
            if kind == "command":
                self.command(node)
                continue
            if kind == "variable_assignment":
                source = self.text.source(node)
                if _NAME.match(source):
                    self.assign(node, conditional)
                elif source.startswith("-") and self.commands:  # `--flag=value` alone on a line
                    self.cut_off(node, [_Word(source, [], node.start_byte, node.end_byte, source)])
                continue
            if kind == "declaration_command":
                for child in node.children:
                    if child.type == "variable_assignment":
                        self.assign(child, conditional)
                continue
            if kind == "unset_command":
                for child in node.children:
                    if child.type in ("word", "variable_name"):
                        self.variables.pop(self.text.source(child), None)
                continue
            if kind in _SKIP:
                continue
            inner = conditional or kind in _CONDITIONAL
            stack.extend((child, depth + 1, inner) for child in reversed(node.children))

    def assign(self, node: Node, conditional: bool) -> None:
        name_node, value_node = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name_node is None or name_node.type != "variable_name":
            return
        name = self.text.source(name_node)
        appending = any(c.type == "+=" for c in node.children)
        value: str | None
        if value_node is None:
            value = ""
        elif value_node.type == "array":
            value = None
        else:
            word = self.word(value_node)
            value = None if word.unresolved else word.text
        if appending and value is not None:
            before = self.variables.get(name)
            value = None if before is None else before + value
        self.variables[name] = None if conditional else value
        end = value_node.end_byte if value_node is not None else node.end_byte
        start = value_node.start_byte if value_node is not None else node.end_byte
        self.var_spans[name] = (self.text.span(name_node.start_byte, name_node.end_byte), self.text.span(start, end))

    def command(self, node: Node) -> None:
        children = [
            c
            for c in node.children
            if c.is_named and c.type not in ("variable_assignment", "file_redirect", "herestring_redirect", "comment")
        ]
        room = self.limits.max_nodes - self.words
        limit: _Limit | None = None
        if len(children) > room:  # read what fits, record the command, then stop
            dropped = children[max(room, 0)]
            limit = _Limit(
                codes.ALIAS_EXPANSION,
                f"more than {self.limits.max_nodes:,} shell words: the rest of the file is not read",
                self.text.span(dropped.start_byte, dropped.end_byte),
            )
            children = children[: max(room, 0)]
        words = [w for w in map(self.word, children) if w.text or w.raw]
        self.command_words(node, words)
        if limit is not None:
            raise limit

    def command_words(self, node: Node, words: list[_Word]) -> None:
        if not words:
            return
        name = words[0].text
        if name in ("source", ".") and not words[0].unresolved:
            self.variables = {key: None for key in self.variables}  # the sourced file may set any of them
            return
        if name.startswith("-") and self.commands:
            self.cut_off(node, words)
            return
        found = _split_launch(words)
        if found is None:
            return
        launcher, launcher_words, script, rest = found
        position = next(k for k, w in enumerate(words) if w is script)
        self.record(node, words[:position], launcher, launcher_words, script, rest)

    def cut_off(self, node: Node, words: list[_Word]) -> None:
        """Flags bash ran as a command of their own: a comment line inside a `\\` continuation ended
        the training command above. Kept only when nothing but blank lines and comments lie between."""
        last = self.commands[-1]
        if last["_end"] > node.start_byte:
            return
        between = self.text.raw[last["_end"] : node.start_byte].decode("utf-8", "surrogatepass")
        if all(
            not line.strip() or line.strip().startswith("#") or line.strip() == "\\" for line in between.splitlines()
        ):
            last["cut_off"].extend(w.text.partition("=")[0] for w in words if w.text.startswith("-"))
            last["_end"] = node.end_byte

    def record(
        self,
        node: Node,
        before: list[_Word],
        launcher: str,
        launcher_words: list[_Word],
        script: _Word,
        rest: list[_Word],
    ) -> None:
        index = len(self.commands)
        at: ConfigPath = ("commands", index)
        spans = self.doc.spans
        spans[at] = (None, self.text.span(node.start_byte, node.end_byte))
        spans[(*at, "script")] = (None, self.text.span(script.start, script.end))
        if before:  # the launcher and its options, wrappers such as `nohup` included
            spans[(*at, "launcher")] = (None, self.text.span(before[0].start, before[-1].end))
        launcher_args = {} if launcher == "python" else self.options(launcher_words, (*at, "launcher_args"))[0]
        args, positional, unresolved, repeated = self.options(rest, (*at, "args"))
        if rest:
            spans[(*at, "args")] = (None, self.text.span(rest[0].start, rest[-1].end))
        for name in self.variables:
            if name in self.var_spans:
                spans[(*at, "variables", name)] = self.var_spans[name]
        self.commands.append(
            {
                "launcher": launcher,
                "launcher_args": launcher_args,
                "script": script.text,
                "args": args,
                "positional": positional,
                "unresolved": unresolved,
                "repeated": repeated,
                "cut_off": [],
                "variables": dict(self.variables),
                "incomplete": False,
                "_start": node.start_byte,
                "_end": node.end_byte,
            }
        )

    def options(
        self, words: list[_Word], at: ConfigPath
    ) -> tuple[dict[str, Any], list[str], dict[str, list[str]], list[str]]:
        """argparse's reading of option words: `--flag=value`, `--flag value [value ...]`, `--flag`."""
        args: dict[str, Any] = {}
        positional: list[str] = []
        unresolved: dict[str, list[str]] = {}
        repeated: list[str] = []
        current: str | None = None
        first_value: _Word | None = None
        key_span: Span | None = None
        done = False
        spans = self.doc.spans
        for word in words:
            text = word.text
            if not done and text == "--":
                done, current = True, None
                continue
            if not done and text.startswith("-") and len(text) > 1 and not _NEGATIVE_NUMBER.match(text):
                key, eq, value = text.partition("=")
                if key in args and key not in repeated:
                    repeated.append(key)
                unresolved.pop(key, None)
                if word.unresolved:
                    unresolved[key] = list(word.unresolved)
                if eq and word.raw.startswith(key + "="):
                    key_span = self.text.span(word.start, word.start + len(key.encode("utf-8", "surrogatepass")))
                    value_span = self.text.span(word.start + len(key.encode("utf-8", "surrogatepass")) + 1, word.end)
                else:
                    key_span = value_span = self.text.span(word.start, word.end)
                args[key] = value if eq else True
                spans[(*at, key)] = (key_span, value_span)
                current, first_value = (None, None) if eq else (key, None)
                continue
            if current is None:
                positional.append(text)
                continue
            before = args[current]
            args[current] = text if before is True else [*before, text] if isinstance(before, list) else [before, text]
            if word.unresolved:
                unresolved.setdefault(current, []).extend(word.unresolved)
            first_value = first_value or word
            spans[(*at, current)] = (key_span, self.text.span(first_value.start, word.end))
        return args, positional, unresolved, repeated

    def mark_incomplete(self) -> None:
        for command in self.commands:
            start, end = command.pop("_start"), command.pop("_end")
            command["incomplete"] = any(s < end and e >= start for s, e in self.errors)


def _split_launch(words: list[_Word]) -> tuple[str, list[_Word], _Word, list[_Word]] | None:
    """(launcher, launcher option words, script word, script argument words) for a command that runs a
    Python script, None for any other command."""
    i = 0
    while i < len(words) and (words[i].text.rsplit("/", 1)[-1] in _WRAPPERS or words[i].text == "env"):
        if words[i].text == "env":  # env [-u NAME] [NAME=value ...] command
            i += 1
            while i < len(words) and (
                "=" in words[i].text and not words[i].text.startswith("-") or words[i].text.startswith("-")
            ):
                i += 2 if words[i].text in ("-u", "-C", "-S") else 1
            continue
        i += 1
    if i >= len(words):
        return None
    program = words[i].text.rsplit("/", 1)[-1]
    rest = words[i + 1 :]
    if program == "accelerate":
        if not rest or rest[0].text != "launch":
            return None
        return _launcher_script("accelerate launch", rest[1:])
    if program in _LAUNCHERS:
        return _launcher_script(_LAUNCHERS[program], rest)
    if _PYTHON.match(program):
        j = 0
        while j < len(rest) and rest[j].text.startswith("-"):
            option = rest[j].text
            if option == "-m" and j + 1 < len(rest):
                module = rest[j + 1].text
                if module in _LAUNCH_MODULES:
                    return _launcher_script(_LAUNCH_MODULES[module], rest[j + 2 :])
                return None
            if option in ("-c", "-m", "-"):
                return None
            j += 2 if option in _PY_OPTS_WITH_VALUE else 1
        if j < len(rest) and rest[j].text.endswith(".py"):
            return ("python", rest[:j], rest[j], rest[j + 1 :])
        return None
    if program.endswith(".py"):
        return ("", [], words[i], rest)
    return None


def _launcher_script(launcher: str, words: list[_Word]) -> tuple[str, list[_Word], _Word, list[_Word]] | None:
    """The launcher's options run up to the first word naming a `.py` file that is no option's value."""
    for j, word in enumerate(words):
        if word.text.endswith(".py") and not word.text.startswith("-"):
            before = words[j - 1].text if j else ""
            if before.startswith("-") and "=" not in before and before in ("--config_file", "--config-file"):
                continue
            return (launcher, words[:j], word, words[j + 1 :])
    return None


_DEFAULT_LIMITS = Limits()


def read_shell(raw: bytes, file: str, limits: Limits = _DEFAULT_LIMITS) -> Document:
    """Decode and parse a shell script; every problem becomes a finding, never an exception."""
    doc = Document(file=file)
    if len(raw) > limits.max_file_bytes:
        doc.findings.append(
            Finding(
                codes.FILE_TOO_LARGE,
                f"file is larger than {limits.max_file_bytes:,} bytes; a training script is a few kilobytes",
                hint="raise `max-file-bytes` in the trainlint configuration if this really is a training script",
            )
        )
        return doc
    text = decode(raw, doc)
    if text is None:
        return doc
    doc.text = text
    positions = _Text(text)
    tree = _parser().parse(positions.raw)
    reader = _Reader(doc, positions, limits)
    doc.spans[()] = (None, positions.span(0, len(positions.raw)))
    try:
        reader.walk(tree.root_node)
    except _Limit as exc:
        doc.findings.append(Finding(exc.code, exc.message, span=exc.where))
    except RecursionError:  # not expected (the walk is iterative); a finding rather than a traceback
        doc.findings.append(Finding(codes.NESTING_DEPTH, "shell input nested too deeply to read"))
    if tree.root_node.has_error:
        reader.errors = _errors(tree.root_node)
        start, end = reader.errors[0]
        doc.findings.append(
            Finding(
                codes.YAML_SYNTAX,
                "shell syntax error (an unterminated quote, `$(` or `${`?): bash stops at the command that holds it",
                span=positions.span(start, max(start, min(end, start + 1))),
            )
        )
    reader.mark_incomplete()
    doc.data = {"commands": reader.commands}
    return doc


def _errors(root: Node) -> list[tuple[int, int]]:
    """Byte ranges of ERROR and MISSING nodes in document order (the first 100): only the branches that
    hold one are visited."""
    found: list[tuple[int, int]] = []
    stack = [root]
    while stack and len(found) < 100:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append((node.start_byte if node.is_error else (node.parent or node).start_byte, node.end_byte))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return found

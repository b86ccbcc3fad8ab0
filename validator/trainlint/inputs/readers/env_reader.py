"""Shell variable assignments (`config.env`) read into a Document: names to strings, with positions.

SimpleTuner's `config.env` is a file of `export KEY=value` / `KEY=value` lines that its launch
script sources with a POSIX shell. This reader takes from it what a shell would set as variables,
and nothing it would have to run:

- `NAME=value` commands made of assignments only, and the assignments after `export`, `readonly`,
  `declare` and `typeset` (their `-x`-style options skipped). Assignments in front of a command
  (`A=1 cmd`) set the variable for that command only and are not taken; other commands (`if`,
  `source`, `echo`, `then A=1`, ...) are skipped whole. Conditions are not evaluated: an
  assignment on a line of its own inside an `if` block is taken as if it ran. `NAME+=value`
  appends, as bash does.
- Quotes are removed as the shell removes them: single quotes keep everything literally, double
  quotes let a backslash escape `$`, a backtick, `"`, `\\` and a line break, and outside quotes a
  backslash escapes any character (a backslash before a line break continues the line).
- `#` starts a comment at the start of a word. `;`, `&` and `|` end a command.
- Expansions (`$NAME`, `${...}`, `$(...)`, backticks, `$((...))`, a leading `~`) are kept as
  written: the value then depends on the environment the file is sourced in, and the name is
  listed in `EnvDocument.unexpanded` with the first such expansion, so an adapter treats the value
  as unknown.

`data` maps each name to its final string (the last assignment wins); `spans[(name,)]` holds the
span of the name and of the value as written (quotes included) in that last assignment. An
unclosed quote or expansion is a TL001 finding, and what was assigned before it is kept (a shell
runs the commands before the one it cannot parse).
"""

import re

from ... import codes
from ...diagnostics import Finding, Span
from ...document import Document, Limits
from ...text import decoded_text, line_starts, offset_span

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECLARERS = frozenset({"export", "readonly", "declare", "typeset"})
_BLANKS = " \t"
_DEFAULT_LIMITS = Limits()
_ENDS = "\n;&|"  # an unquoted one ends a command (`|`, `&` also start pipelines and jobs: the command ends there)


class EnvDocument(Document):
    """A Document whose data is a flat mapping of variable names to strings, plus which values
    hold an expansion this reader keeps as text (name -> the expansion as written)."""

    __slots__ = ("unexpanded",)

    def __init__(self, file: str, text: str = "") -> None:
        super().__init__(file, text)
        self.unexpanded: dict[str, str] = {}


class _Unclosed(Exception):
    """A quote or an expansion is not closed before the end of the text."""

    def __init__(self, what: str, start: int) -> None:
        super().__init__(what)
        self.what, self.start = what, start


class _Word:
    """One shell word: where it stands, its value after quote removal, the first expansion kept as
    text, and where an assignment's `=` stands (when the word starts with `NAME=` or `NAME+=`)."""

    __slots__ = ("append", "end", "expansion", "name_end", "plain", "start", "value", "value_start")

    def __init__(self, start: int) -> None:
        self.start = self.end = start
        self.value = ""
        self.expansion: str | None = None
        self.name_end = -1  # the end of NAME in the text when this word is an assignment
        self.value_start = -1  # where the value begins in the text (after `=`)
        self.append = False
        self.plain = True  # no quote, escape or expansion anywhere (a bare word such as `export`)


class _Scanner:
    """Splits the text into commands of words, the way a POSIX shell's tokenizer does for the
    subset a config file uses."""

    def __init__(self, text: str) -> None:
        self.text, self.n = text, len(text)

    def skip_blanks(self, pos: int) -> int:
        """Past blanks and line continuations between words."""
        text, n = self.text, self.n
        while pos < n:
            char = text[pos]
            if char in _BLANKS:
                pos += 1
            elif char == "\\" and text.startswith("\n", pos + 1):  # a line continuation between words
                pos += 2
            elif char == "\\" and text.startswith("\r\n", pos + 1):
                pos += 3
            else:
                break
        return pos

    def command(self, pos: int) -> tuple[list[_Word], int]:
        """The words of the command starting at `pos`, and where the next command starts."""
        text, n = self.text, self.n
        words: list[_Word] = []
        while True:
            pos = self.skip_blanks(pos)
            if pos >= n:
                return words, pos
            char = text[pos]
            if char == "#":  # a comment runs to the end of the line
                end = text.find("\n", pos)
                return words, n if end < 0 else end + 1
            if char in _ENDS or char == "\r":
                return words, pos + 1
            word, pos = self.word(pos)
            words.append(word)

    def word(self, pos: int) -> tuple[_Word, int]:
        """One word from `pos`: quotes removed, expansions kept as written, an assignment's `=` found."""
        text, n = self.text, self.n
        word = _Word(pos)
        parts: list[str] = []
        at_start = True
        while pos < n:
            char = text[pos]
            if char in _BLANKS or char in _ENDS or char == "\r":
                break
            if char == "=" and word.name_end < 0 and word.plain and at_start is False:
                name = text[word.start : pos]
                if name.endswith("+"):
                    name, word.append = name[:-1], True
                if _NAME.fullmatch(name):
                    word.name_end = word.start + len(name)
                    word.value_start = pos + 1
                    parts = []  # the value starts after `=`
                    pos += 1
                    at_start = True
                    continue
            if char == "'":
                word.plain = False
                close = text.find("'", pos + 1)
                if close < 0:
                    raise _Unclosed("the single quote", pos)
                parts.append(text[pos + 1 : close])
                pos = close + 1
            elif char == '"':
                word.plain = False
                pos = self.double_quoted(pos, word, parts)
            elif char == "\\":
                word.plain = False
                if text.startswith("\r\n", pos + 1):
                    pos += 3
                elif pos + 1 < n:
                    if text[pos + 1] != "\n":
                        parts.append(text[pos + 1])
                    pos += 2
                else:
                    pos += 1  # a backslash at the very end stands for itself
                    parts.append("\\")
            elif char in "$`":
                end = self.expansion_end(pos)
                if end > pos + 1 or char == "`":
                    word.plain = False
                    self.keep(word, parts, pos, end)
                    pos = end
                else:
                    parts.append("$")
                    pos += 1
            elif char == "~" and at_start and word.value_start >= 0:
                word.plain = False
                end = pos + 1
                while end < n and (text[end].isalnum() or text[end] in "_.-+"):
                    end += 1
                self.keep(word, parts, pos, end)
                pos = end
            else:
                parts.append(char)
                pos += 1
            at_start = False
        word.end = pos
        word.value = "".join(parts)
        return word, pos

    def keep(self, word: _Word, parts: list[str], start: int, end: int) -> None:
        """An expansion kept as written; the first one is remembered."""
        written = self.text[start:end]
        parts.append(written)
        if word.expansion is None:
            word.expansion = written

    def double_quoted(self, pos: int, word: _Word, parts: list[str]) -> int:
        """The text of a double-quoted part, added to `parts`; where it ends."""
        text, n = self.text, self.n
        start = pos
        pos += 1
        while pos < n:
            char = text[pos]
            if char == '"':
                return pos + 1
            if char == "\\" and pos + 1 < n and text[pos + 1] in '$`"\\\n':
                if text[pos + 1] != "\n":
                    parts.append(text[pos + 1])
                pos += 2
            elif char == "\\" and text.startswith("\r\n", pos + 1):
                pos += 3
            elif char in "$`":
                end = self.expansion_end(pos)
                if end > pos + 1 or char == "`":
                    self.keep(word, parts, pos, end)
                    pos = end
                else:
                    parts.append("$")
                    pos += 1
            else:
                parts.append(char)
                pos += 1
        raise _Unclosed("the double quote", start)

    def expansion_end(self, pos: int) -> int:
        """Where the `$...` or backtick expansion at `pos` ends (pos + 1 for a lone `$`)."""
        text, n = self.text, self.n
        if text[pos] == "`":
            at = pos + 1
            while at < n:
                if text[at] == "\\":
                    at += 2
                    continue
                if text[at] == "`":
                    return at + 1
                at += 1
            raise _Unclosed("the backtick", pos)
        nxt = text[pos + 1] if pos + 1 < n else ""
        if nxt == "{":
            return self.closing(pos, pos + 2, "{", "}", "the ${ expansion")
        if nxt == "(":
            return self.closing(pos, pos + 2, "(", ")", "the $( expansion")
        if nxt == "'":  # bash's $'...' quoting: kept as written
            at = pos + 2
            while at < n:
                if text[at] == "\\":
                    at += 2
                    continue
                if text[at] == "'":
                    return at + 1
                at += 1
            raise _Unclosed("the $' quote", pos)
        name = _NAME.match(text, pos + 1)
        if name:
            return name.end()
        if nxt and (nxt.isdigit() or nxt in "@*#?$!-"):
            return pos + 2
        return pos + 1

    def closing(self, start: int, pos: int, opener: str, closer: str, what: str) -> int:
        """The end of a bracketed expansion, counting nested brackets and skipping quoted text."""
        text, n = self.text, self.n
        depth = 1
        while pos < n:
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "'":
                close = text.find("'", pos + 1)
                if close < 0:
                    raise _Unclosed("the single quote", pos)
                pos = close + 1
                continue
            if char == '"':
                close = pos + 1
                while close < n and text[close] != '"':
                    close += 2 if text[close] == "\\" else 1
                if close >= n:
                    raise _Unclosed("the double quote", pos)
                pos = close + 1
                continue
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        raise _Unclosed(what, start)


def _assignments(words: list[_Word]) -> list[_Word]:
    """The words of one command that set shell variables."""
    if not words:
        return []
    first = words[0]
    if first.plain and first.name_end < 0 and first.value in _DECLARERS:
        return [w for w in words[1:] if w.name_end >= 0]
    if all(w.name_end >= 0 for w in words):
        return words
    return []  # a command (with assignments in front of it for its own environment only)


def read_env(raw: bytes, file: str, limits: Limits = _DEFAULT_LIMITS) -> EnvDocument:
    """Read a shell `.env` file into an EnvDocument; every problem becomes a finding, never an exception."""
    doc = EnvDocument(file)
    text = decoded_text(raw, doc, limits)
    if text is None:
        return doc
    data: dict[str, str] = {}
    doc.data = data
    scanner = _Scanner(text)
    starts = line_starts(text)
    pos, count = 0, 0
    try:
        while pos < len(text):
            words, pos = scanner.command(pos)
            for word in _assignments(words):
                count += 1
                if count > limits.max_nodes:
                    doc.findings.append(
                        Finding(
                            codes.ALIAS_EXPANSION,
                            f"more than {limits.max_nodes:,} assignments: far more than a training config holds",
                            span=offset_span(text, word.start, word.end, starts),
                        )
                    )
                    return doc
                _assign(doc, data, word, starts)
    except _Unclosed as exc:
        doc.findings.append(
            Finding(
                codes.YAML_SYNTAX,
                f"shell syntax error: {exc.what} is not closed before the end of the file",
                span=offset_span(text, exc.start, None, starts),
                hint="a shell sourcing this file stops here; the assignments before it are kept",
            )
        )
    return doc


def _assign(doc: EnvDocument, data: dict[str, str], word: _Word, starts: list[int]) -> None:
    """Set a variable from an assignment word (appending for `+=`), with its spans."""
    text = doc.text
    name = text[word.start : word.name_end]
    value = word.value
    if word.append:
        value = data.get(name, "") + value
        earlier = doc.unexpanded.get(name)
        if earlier is not None and word.expansion is None:
            word.expansion = earlier
    data[name] = value
    if word.expansion is not None:
        doc.unexpanded[name] = word.expansion
    else:
        doc.unexpanded.pop(name, None)
    key_span: Span = offset_span(text, word.start, word.name_end, starts)
    value_span: Span = offset_span(text, word.value_start, word.end, starts)
    doc.spans[(name,)] = (key_span, value_span)

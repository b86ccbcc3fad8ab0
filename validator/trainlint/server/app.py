"""`trainlint server`: the Language Server Protocol over stdio, on pygls and lsprotocol.

What it offers (docs/server.md): diagnostics from every rule when a file opens and, debounced,
as it changes; quick fixes, fix-all (`source.fixAll.trainlint`) and suppression comments; hover
on the training values; completion of presets and of `classification`; go to definition from
`preset:` and `extends:` to the file.

The documents are synchronised whole (`TextDocumentSyncKind.Full`): pygls applies incremental
changes on lines split by `str.splitlines`, which also breaks at NEL, LINE SEPARATOR and
PARAGRAPH SEPARATOR where the protocol does not, so an edit below such a character would land
on the wrong line. A config is a few kilobytes (at most `max-file-bytes`), so sending it whole
costs nothing that matters. Every position is converted by `positions.Lines`.

Work happens on the event loop's thread, one document at a time: a check takes milliseconds,
and the engine's caches (the preset catalog, the rule selection, dataset listings) are then
never shared between threads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import UsageError
from ..inputs.trainlint import marker
from ..inputs.yaml_reader import load_text
from ..settings import Settings
from ..settings_file import NAMES
from .actions import FIX_ALL, Actions
from .completion import completions
from .definition import reference_at, target
from .diagnostics import configuration_problem, to_lsp
from .hover import hover_text
from .positions import UTF16, Lines, Position
from .project import Checked, Project, encode

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15  # after the last change, before a check: typing a word checks once


class TrainlintServer(LanguageServer):
    """The server and what it keeps per open document: its last check and the pending one."""

    def __init__(self) -> None:
        super().__init__("trainlint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.project = Project()
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        # the open documents' URIs as the client spells them (pygls keys its own by the unquoted URI)
        self.open: set[str] = set()
        self.actions: dict[str, Actions] = {}  # per document, for the version they were made for
        self.debounce = DEBOUNCE_SECONDS
        self.shut_down = False

    # --- documents ---------------------------------------------------------------------

    def encoding(self) -> str:
        kind = self.workspace.position_encoding
        return str(kind.value if isinstance(kind, lsp.PositionEncodingKind) else kind or UTF16)

    def lines(self, text: str) -> Lines:
        return Lines(text, self.encoding())

    def path_of(self, uri: str) -> Path | None:
        """The file behind a `file:` URI; None for other schemes (an unsaved buffer has no folder to
        take its configuration, dataset and presets from)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        return Path(path) if path else None

    def current(self, uri: str) -> Checked | None:
        """The check of the document as it is now, made now if the last one is of an older version."""
        path = self.path_of(uri)
        if path is None or uri not in self.open:
            return None
        document = self.workspace.get_text_document(uri)
        known = self.checked.get(uri)
        if known is not None and known.version == document.version and known.text == document.source:
            return known
        return self.check_now(uri)

    def check_now(self, uri: str) -> Checked | None:
        """Check the document and publish its diagnostics."""
        self.pending.pop(uri, None)
        path = self.path_of(uri)
        if path is None or uri not in self.open:
            return None
        document = self.workspace.get_text_document(uri)
        started = time.perf_counter()
        text = document.source
        try:
            checked = self.project.check(path, text, document.version)
        except Exception as exc:  # the engine reports bad input as findings; anything else must not end the server
            logger.exception("checking %s", uri)
            checked = Checked(document.version, text, None, None, f"internal error: {type(exc).__name__}: {exc}")
        self.checked[uri] = checked
        self.publish(uri, checked)
        self._report_plugin_errors()
        if self.protocol.trace not in (None, lsp.TraceValue.Off):
            elapsed = (time.perf_counter() - started) * 1000
            self.log_trace(lsp.LogTraceParams(message=f"checked {uri} version {document.version} in {elapsed:.2f} ms"))
        return checked

    def publish(self, uri: str, checked: Checked) -> None:
        if checked.error is not None:
            diagnostics = [configuration_problem(checked.error)]
        elif checked.result is None:
            diagnostics = []
        else:
            lines = self.lines(checked.text)
            diagnostics = [to_lsp(lines, d) for d in checked.result.diagnostics]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=checked.version)
        )

    def _report_plugin_errors(self) -> None:
        for error in self.project.plugin_errors():
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"trainlint: {error}"))

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Check the document once no change has come for `delay` seconds (the debounce)."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce if delay is None else delay, self._fire, uri)

    def _fire(self, uri: str) -> None:
        try:
            self.check_now(uri)
        except Exception:  # a publish to a client that went away, say: logged, the loop goes on
            logger.exception("checking %s", uri)

    def recheck_all(self) -> None:
        """The configuration or a file the checks read changed: every open document again."""
        self.project.reload()
        for uri in self.open:
            self.schedule(uri, 0)

    def actions_for(self, uri: str) -> Actions | None:
        checked = self.current(uri)
        path = self.path_of(uri)
        if checked is None or path is None:
            return None
        known = self.actions.get(uri)
        if known is None or known.checked is not checked:
            known = self.actions[uri] = Actions(self.project, path, uri, checked, self.lines(checked.text))
        return known

    def settings_of(self, path: Path) -> Settings | None:
        """The file's settings; None where the configuration leaves it out or cannot be used."""
        try:
            return self.project.settings(path)
        except UsageError:
            return None

    def resolves_edits(self) -> bool:
        """Whether the client fills in an action's edit with `codeAction/resolve`."""
        document = self.client_capabilities.text_document
        action = document.code_action if document else None
        support = action.resolve_support if action else None
        return support is not None and "edit" in support.properties

    def forget(self, uri: str) -> None:
        self.open.discard(uri)
        self.actions.pop(uri, None)
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self.checked.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _initialization_options(params: lsp.InitializeParams) -> dict[str, Any]:
    options = params.initialization_options
    return options if isinstance(options, dict) else {}


def _root(params: lsp.InitializeParams) -> Path | None:
    """The workspace's folder (the first one of several), where the server runs as the CLI would."""
    uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    path = to_fs_path(uri) if uri else params.root_path
    return Path(path) if path and os.path.isdir(path) else None


def _touches_checks(path: str | None) -> bool:
    """Whether a changed file may change what checks say: a configuration file, a preset file, a
    trainer's dataset config, a caption or an image beside a config."""
    return path is not None and (os.path.basename(path) in NAMES or not path.endswith((".py", ".pyc")))


WATCHED = ("**/{.trainlint.toml,trainlint.toml,pyproject.toml}", "**/*.{yaml,yml,json,toml}")


def make_server() -> TrainlintServer:
    server = TrainlintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: TrainlintServer, params: lsp.InitializeParams) -> None:
        root = _root(params)
        if root is not None:
            os.chdir(root)  # configuration discovery, the repository bound and messages: as `trainlint check` there
        if params.trace is not None:  # pygls takes it from `$/setTrace` only
            ls.protocol.trace = params.trace
        debounce = _initialization_options(params).get("debounceMs")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and 0 <= debounce <= 10_000:
            ls.debounce = debounce / 1000

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: TrainlintServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is not None and watched.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
            )
            ls.client_register_capability(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(
                            id="trainlint-watched-files",
                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: TrainlintServer, params: None) -> None:
        ls.shut_down = True
        for handle in ls.pending.values():
            handle.cancel()
        ls.pending.clear()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TrainlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.open.add(params.text_document.uri)
        ls.check_now(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TrainlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TrainlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if _touches_checks(to_fs_path(params.text_document.uri)):  # a preset or a configuration others read
            ls.recheck_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TrainlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True),
    )
    def code_action(ls: TrainlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        actions = ls.actions_for(params.text_document.uri)
        if actions is None:
            return None
        only = params.context.only
        kinds = None if only is None else [k.value if isinstance(k, lsp.CodeActionKind) else str(k) for k in only]
        return actions.for_range(params.range, kinds, ls.resolves_edits())

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def resolve_code_action(ls: TrainlintServer, action: lsp.CodeAction) -> lsp.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if action.kind == FIX_ALL and action.edit is None and isinstance(uri, str):
            actions = ls.actions_for(uri)
            if actions is not None and actions.checked.version == data.get("version"):
                action.edit = actions.fix_all_edit()
        return action

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: TrainlintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        checked, path = ls.current(params.text_document.uri), ls.path_of(params.text_document.uri)
        if checked is None or path is None or checked.result is None or checked.settings is None:
            return None
        doc = checked.result.document
        if doc is None:
            return None
        lines = ls.lines(checked.text)
        at = Position(params.position.line, params.position.character)
        text = hover_text(doc, path, checked.text, checked.settings, lines, at)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "/", "@", "."]))
    def completion(ls: TrainlintServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
        uri = params.text_document.uri
        path = ls.path_of(uri)
        if path is None or uri not in ls.open or not path.name.endswith((".yaml", ".yml")):
            return None
        text = ls.workspace.get_text_document(uri).source
        settings = ls.settings_of(path)
        if settings is None:
            return None
        is_config = marker(encode(text)) is not False  # a config (`schema_version`), not a preset file
        lines = ls.lines(text)
        at = Position(params.position.line, params.position.character)
        items = completions(path, text, settings, lines, at, is_config)
        return lsp.CompletionList(is_incomplete=False, items=items) if items else None

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: TrainlintServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        uri = params.text_document.uri
        path = ls.path_of(uri)
        if path is None or uri not in ls.open:
            return None
        settings = ls.settings_of(path)
        text = ls.workspace.get_text_document(uri).source
        if settings is None:
            return None
        lines = ls.lines(text)
        doc = load_text(text[lines.shift :], str(path), settings.limits)
        ref = reference_at(doc, lines, Position(params.position.line, params.position.character))
        found = None if ref is None else target(ref, path.parent, settings)
        if found is None:
            return None
        file, line = found
        place = lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0))
        return [lsp.Location(uri=file.as_uri(), range=place)]

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: TrainlintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(_touches_checks(to_fs_path(change.uri)) for change in params.changes):
            ls.recheck_all()

    return server


def serve() -> int:
    """Speak LSP on standard input and output until the client says exit; the exit code the protocol
    asks for: 0 after a shutdown request, 1 when the client exits (or goes away) without one.

    The protocol keeps standard output to itself: what anything else would print there (a plugin's
    `print`, a library's warning) goes to standard error, where editors show a server's log."""
    server = make_server()
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.start_io(sys.stdin.buffer, stdout)
    return 0 if server.shut_down else 1

"""A real `trainlint server` process, driven over stdio by pygls's own LanguageClient, for synchronous tests.

The client runs on an event loop in a thread of its own; the test's thread sends notifications and
requests through it and waits, with a time-out each time, for what the server publishes. The
server's standard error is collected, so a test can tell that nothing went to a traceback.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

TIMEOUT = 30.0
T = TypeVar("T")


def trainlint_command() -> list[str]:
    """The installed `trainlint` command of this environment, as editors start it."""
    script = Path(sys.executable).with_name("trainlint")
    found = str(script) if script.exists() else shutil.which("trainlint")
    assert found, "the trainlint command is not installed"
    return [found]


class Session:
    """One server, started with `trainlint server` in `root`, initialized as an editor would."""

    def __init__(
        self,
        root: Path,
        initialization_options: dict[str, Any] | None = None,
        watch_files: bool = True,
        position_encodings: list[lsp.PositionEncodingKind] | None = None,
        command: list[str] | None = None,
        resolve_edits: bool = False,
    ) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("trainlint-tests", "1")
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.messages: list[lsp.ShowMessageParams] = []
        self.traces: list[str] = []
        self.registrations: list[lsp.Registration] = []
        self.stderr = bytearray()
        self.changed = threading.Condition()
        self.versions: dict[str, int] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            with self.changed:
                self.published.append(params)
                self.changed.notify_all()

        @self.client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_message(params: lsp.ShowMessageParams) -> None:
            with self.changed:
                self.messages.append(params)
                self.changed.notify_all()

        @self.client.feature(lsp.LOG_TRACE)
        def on_trace(params: lsp.LogTraceParams) -> None:
            with self.changed:
                self.traces.append(params.message)
                self.changed.notify_all()

        @self.client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: lsp.RegistrationParams) -> None:
            with self.changed:
                self.registrations.extend(params.registrations)
                self.changed.notify_all()

        cmd = command or [*trainlint_command(), "server"]
        self.call(self.client.start_io(cmd[0], *cmd[1:], cwd=str(root)))
        self.process = self.client._server
        assert self.process is not None and self.process.stderr is not None
        self._drain = asyncio.run_coroutine_threadsafe(self._read_stderr(self.process.stderr), self.loop)
        general = lsp.GeneralClientCapabilities(position_encodings=position_encodings) if position_encodings else None
        capabilities = lsp.ClientCapabilities(
            general=general,
            workspace=lsp.WorkspaceClientCapabilities(
                did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch_files)
            ),
            text_document=lsp.TextDocumentClientCapabilities(
                code_action=lsp.CodeActionClientCapabilities(
                    resolve_support=lsp.ClientCodeActionResolveOptions(properties=["edit"]) if resolve_edits else None,
                    code_action_literal_support=lsp.ClientCodeActionLiteralOptions(
                        code_action_kind=lsp.ClientCodeActionKindOptions(
                            value_set=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]
                        )
                    ),
                ),
                hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
            ),
        )
        self.initialize_result = self.call(
            self.client.initialize_async(
                lsp.InitializeParams(
                    capabilities=capabilities,
                    root_uri=root.as_uri(),
                    workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                    initialization_options=initialization_options,
                    trace=lsp.TraceValue.Verbose,
                )
            )
        )
        self.notify(self.client.initialized, lsp.InitializedParams())

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.stderr.extend(chunk)

    # --- plumbing ------------------------------------------------------------------------

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def notify(self, send: Callable[[Any], None], params: Any) -> None:
        """Send a notification from the client's thread (its transport is not thread-safe)."""
        done = threading.Event()

        def go() -> None:
            try:
                send(params)
            finally:
                done.set()

        self.loop.call_soon_threadsafe(go)
        assert done.wait(TIMEOUT)

    def close(self) -> int | None:
        """Shut down and exit as an editor does; the server's exit code."""
        try:
            if self.process.returncode is None:
                self.call(self.client.shutdown_async(None), timeout=10)
                self.notify(self.client.exit, None)
                self.call(self.client.stop(), timeout=10)
        finally:
            if self.process.returncode is None:
                self.process.kill()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        return self.process.returncode

    # --- documents -------------------------------------------------------------------------

    def uri(self, path: Path) -> str:
        return path.resolve().as_uri()

    def mark(self) -> int:
        with self.changed:
            return len(self.published)

    def open(self, path: Path, text: str | None = None, language: str = "yaml") -> str:
        uri = self.uri(path)
        text = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.notify(
            self.client.text_document_did_open,
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            ),
        )
        return uri

    def opened(self, path: Path, text: str | None = None, language: str = "yaml") -> tuple[str, list[lsp.Diagnostic]]:
        """Open a document (writing `text` to `path` first, when given) and wait for its first diagnostics."""
        if text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        mark = self.mark()
        uri = self.open(path, text, language)
        return uri, self.diagnostics(uri, version=1, after=mark, timeout=60)

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text (the server synchronises whole documents); the new version."""
        self.versions[uri] += 1
        version = self.versions[uri]
        self.notify(
            self.client.text_document_did_change,
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            ),
        )
        return version

    def close_document(self, uri: str) -> None:
        self.notify(
            self.client.text_document_did_close,
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)),
        )

    def files_changed(self, *paths: Path, kind: lsp.FileChangeType = lsp.FileChangeType.Changed) -> None:
        self.notify(
            self.client.workspace_did_change_watched_files,
            lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=self.uri(p), type=kind) for p in paths]),
        )

    def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0, timeout: float = TIMEOUT
    ) -> list[lsp.Diagnostic]:
        """The first diagnostics published for the document after the `after`-th publish (of any document),
        of `version` when given."""

        def found() -> lsp.PublishDiagnosticsParams | None:
            return next(
                (p for p in self.published[after:] if p.uri == uri and (version is None or p.version == version)),
                None,
            )

        with self.changed:
            assert self.changed.wait_for(lambda: found() is not None or self.process.returncode is not None, timeout), (
                f"no diagnostics for {uri} (version {version}) within {timeout} s; stderr: {self.stderr.decode()[-2000:]}"
            )
            params = found()
        assert params is not None, f"the server exited ({self.process.returncode}): {self.stderr.decode()[-2000:]}"
        return list(params.diagnostics)

    def wait(self, condition: Callable[[], object], timeout: float = TIMEOUT) -> None:
        """Until the condition on what the server sent holds (asserted)."""
        with self.changed:
            assert self.changed.wait_for(condition, timeout), f"not within {timeout} s: {self.stderr.decode()[-2000:]}"

    def alive(self) -> bool:
        return self.process.returncode is None

    # --- requests ---------------------------------------------------------------------------

    def code_actions(
        self, uri: str, start: tuple[int, int], end: tuple[int, int] | None = None, only: list[str] | None = None
    ) -> list[lsp.CodeAction]:
        end = end or start
        result = self.call(
            self.client.text_document_code_action_async(
                lsp.CodeActionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                    context=lsp.CodeActionContext(diagnostics=[], only=only),
                )
            )
        )
        return [a for a in result or [] if isinstance(a, lsp.CodeAction)]

    def hover(self, uri: str, line: int, character: int) -> lsp.Hover | None:
        return self.call(self.client.text_document_hover_async(lsp.HoverParams(**_at(uri, line, character))))

    def completion(self, uri: str, line: int, character: int) -> list[lsp.CompletionItem]:
        result = self.call(
            self.client.text_document_completion_async(lsp.CompletionParams(**_at(uri, line, character)))
        )
        if result is None:
            return []
        return list(result.items if isinstance(result, lsp.CompletionList) else result)

    def definition(self, uri: str, line: int, character: int) -> list[lsp.Location]:
        result = self.call(
            self.client.text_document_definition_async(lsp.DefinitionParams(**_at(uri, line, character)))
        )
        items = result if isinstance(result, list) else [] if result is None else [result]
        return [item for item in items if isinstance(item, lsp.Location)]


def _at(uri: str, line: int, character: int) -> dict[str, Any]:
    """The document and position of a request about one place."""
    return {"text_document": lsp.TextDocumentIdentifier(uri=uri), "position": lsp.Position(line, character)}


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply text edits as an editor does: positions in UTF-16 code units, lines split where LSP
    splits them (CR LF, CR, LF), every edit against the original text, from the end backwards."""
    import re

    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]

    def offset(position: lsp.Position) -> int:
        if position.line >= len(starts):
            return len(text)
        at, units = starts[position.line], 0
        while units < position.character and at < len(text) and text[at] not in "\r\n":
            units += 2 if text[at] > "\uffff" else 1
            at += 1
        return at

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text

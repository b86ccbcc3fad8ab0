"""A small Language Server Protocol client: talks to yaml-language-server over stdio as editors do.

Only what the editor tests need: framing (`Content-Length` headers), requests with
time-outs, the server's own requests (it pulls its settings with
`workspace/configuration` and publishes nothing until they are answered), and the
diagnostics it publishes per document. Every wait has a time-out, so a server that
misbehaves fails a test instead of hanging the suite.
"""

from __future__ import annotations

import itertools
import json
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SERVER_JS = HERE / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
TIMEOUT = 30.0


class LspError(Exception):
    """The server answered with an error, went away, or did not answer in time."""


def node() -> str | None:
    return shutil.which("node")


def yaml_settings(schemas: dict[str, list[str]]) -> dict[str, Any]:
    """The `yaml.*` settings of an editor that binds `schemas` (schema URI -> file patterns) and
    fetches nothing: the schema store and the Kubernetes CRD store off."""
    return {
        "schemas": schemas,
        "schemaStore": {"enable": False},
        "kubernetesCRDStore": {"enable": False},
        "validate": True,
        "hover": True,
        "completion": True,
    }


class LanguageServer:
    """One yaml-language-server process with fixed `yaml` settings.

    `settings` is what an editor would hold under `yaml.*` (for example
    `{"schemas": {...}, "schemaStore": {"enable": False}}`); the server asks for it
    after `initialized` and again later, and gets the same answer each time.
    """

    def __init__(self, root: Path, settings: dict[str, Any], timeout: float = TIMEOUT) -> None:
        root = root.resolve()
        if not SERVER_JS.is_file():
            raise LspError(f"{SERVER_JS} is missing: run `npm ci` in {HERE}")
        self.settings = settings
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._diagnostics: dict[str, queue.Queue[list[dict[str, Any]]]] = {}
        self._configured = threading.Event()
        self.stderr: list[str] = []
        self.proc = subprocess.Popen(
            [node() or "node", str(SERVER_JS), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "workspaceFolders": True},
                    "textDocument": {
                        "completion": {
                            "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}
                        },
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {"relatedInformation": True},
                    },
                },
            },
        )
        self.notify("initialized", {})
        if not self._configured.wait(self.timeout):
            raise LspError("the server never asked for its settings (workspace/configuration)")

    # --- wire ---------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        with self._lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                break  # the server closed its output
            self._dispatch(json.loads(out.read(length)))
        for waiting in list(self._responses.values()):
            waiting.put({"error": {"message": "server exited"}})

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" not in message:
            self._responses.setdefault(message["id"], queue.Queue()).put(message)
        elif "id" in message:
            self._send({"id": message["id"], "result": self._answer(message["method"], message.get("params"))})
            if message["method"] == "workspace/configuration" and any(
                item.get("section") == "yaml" for item in message["params"]["items"]
            ):
                self._configured.set()  # only once the answer is on its way: documents opened later see the settings
        elif message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            self._diagnostics_queue(params["uri"]).put(params["diagnostics"])

    def _answer(self, method: str, params: Any) -> Any:
        """The server's requests to the editor: settings, registrations, progress tokens."""
        if method == "workspace/configuration":
            return [self.settings if item.get("section") == "yaml" else {} for item in params["items"]]
        return None

    def _diagnostics_queue(self, uri: str) -> queue.Queue[list[dict[str, Any]]]:
        with self._lock:
            return self._diagnostics.setdefault(uri, queue.Queue())

    # --- API ----------------------------------------------------------------------------

    def request(self, method: str, params: Any) -> Any:
        ident = next(self._ids)
        waiting = self._responses.setdefault(ident, queue.Queue())
        self._send({"id": ident, "method": method, "params": params})
        try:
            reply = waiting.get(timeout=self.timeout)
        except queue.Empty:
            raise LspError(
                f"no answer to {method} in {self.timeout:g} s; server said: {''.join(self.stderr)[-2000:]}"
            ) from None
        finally:
            self._responses.pop(ident, None)
        if "error" in reply:
            raise LspError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def open(self, uri: str, text: str) -> None:
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}
        )

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(self, uri: str, text: str, keep_open: bool = False) -> list[dict[str, Any]]:
        """Open a document, wait for the diagnostics the server publishes for it, close it (unless asked
        to keep it open, for completion and hover)."""
        return self.diagnostics_of({uri: text}, keep_open)[uri]

    def diagnostics_of(self, documents: dict[str, str], keep_open: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Open all documents at once (the server validates them together), collect, close.

        Each URI should be new to this server: a closed document's diagnostics are
        cleared with one more (empty) publication, which must not be mistaken for the
        answer to a later opening.
        """
        for uri, text in documents.items():
            self.open(uri, text)
        try:
            found = {}
            for uri in documents:
                try:
                    found[uri] = self._diagnostics_queue(uri).get(timeout=self.timeout)
                except queue.Empty:
                    raise LspError(f"no diagnostics for {uri} in {self.timeout:g} s") from None
            return found
        finally:
            for uri in documents if not keep_open else ():
                self.close(uri)

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return (result or {}).get("items", []) if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        )
        if not result:
            return ""
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)

    def shutdown(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (LspError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=5)

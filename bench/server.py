"""The language server under a stream of edits: how soon diagnostics follow a change, and its memory.

    python bench/server.py                  # 1,000 edits of a 60-line config
    python bench/server.py --edits 200

`trainlint server` is started as an editor starts it and driven over stdio by pygls's client
(tests/server/lsp_session.py). A 60-line config from bench/corpus.py is opened, then edited
1,000 times, each edit a new value of a training key (some deviate from the preset, some add a
finding, some take it away), and every version's diagnostics are awaited before the next edit.
Measured, on the same edits:

- server-side: from the moment the debounce lets the check start to the moment the diagnostics
  are written to the client, as the server reports it in `$/logTrace` (trace `verbose`); the
  debounce is set to 1 ms here, as it is not what is measured. Target: p95 within 15 ms;
- the engine alone: `api.check_source` on the same texts in this process, the floor the server's
  figure is compared with (its overhead is the protocol, the conversion and the publishing);
- end to end, on the client: from sending the change to receiving the diagnostics, less the
  debounce; and the same for yaml-language-server with trainlint's schema (tests/editor, when
  Node.js and its packages are there), the peer that validates the schema alone;
- memory: the server's resident set after the edits (VmRSS) and its peak (VmHWM), and the same
  for yaml-language-server. Target: under 100 MB after 1,000 edits.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests"), str(REPO / "tests" / "server"), str(REPO / "tests" / "editor")]

from corpus import generate
from lsp_session import Session

from trainlint.api import check_source
from trainlint.settings import Settings

TARGET_P95_MS = 15.0
TARGET_RSS_MB = 100.0
LINES = 60


def config_text(root: Path) -> tuple[Path, str]:
    """A config of the benchmark corpus tuned away from its preset (tagged Custom), its notes padded or
    cut to 60 lines."""
    corpus = generate(root, files=40, seed=6)
    path = next(p for p in corpus.files if "classification: Custom" in p.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    return path, "\n".join((lines + ["# reviewed"] * LINES)[:LINES]) + "\n"


def edits(text: str, count: int) -> list[str]:
    """Each edit rewrites the `training` block: steps up and down, a learning rate in and out of the
    preset's, now and then a YAML 1.1 spelling (TL010) or a typo (TL101)."""
    lines = text.split("\n")[:-1]
    training = ("training:", "  steps:", "  learning_rate", "# Deviations")
    kept = [line for line in lines if not line.startswith(training)]
    at = kept.index("dataset:") + 2
    out = []
    for i in range(count):
        block = [
            "training:",
            f"  steps: {4000 + (i % 50) * 100}",
            "  learning_rate_unet: " + ("2e-4" if i % 7 == 0 else "1.0e-4" if i % 2 else "1.5e-4"),
        ]
        if i % 11 == 0:
            block.append("  learning_rate_unte: 1.0e-4")
        out.append("\n".join((kept[:at] + block + kept[at:] + ["# reviewed"] * LINES)[:LINES]) + "\n")
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def run_trainlint(path: Path, texts: list[str]) -> dict[str, list[float] | float]:
    session = Session(path.parents[2], {"debounceMs": 1})
    try:
        mark = session.mark()
        uri = session.open(path, texts[0])
        session.diagnostics(uri, version=1, after=mark)
        session.wait(lambda: session.traces)
        server_ms: list[float] = []
        client_ms: list[float] = []
        for index, text in enumerate(texts):
            mark, traced = session.mark(), len(session.traces)
            sent = time.perf_counter()
            version = session.change(uri, text)
            published = session.diagnostics(uri, version=version, after=mark)
            if index % 11 == 0:  # the typo: the check really ran on this version
                assert "TL101" in {d.code for d in published}, published
            client_ms.append((time.perf_counter() - sent) * 1000 - 1)  # less the debounce
            session.wait(lambda traced=traced: len(session.traces) > traced)
            message = session.traces[-1]
            assert f"version {version} " in message, message
            server_ms.append(float(message.rsplit(" in ", 1)[1].split()[0]))
        rss, peak = memory(session.process.pid)
    finally:
        session.close()
    return {"server": server_ms, "client": client_ms, "rss": rss, "peak": peak}


def run_engine(path: Path, texts: list[str]) -> list[float]:
    import os

    os.chdir(path.parents[2])
    settings = Settings()
    check_source(path, texts[0].encode("utf-8"), settings)  # the catalog and the schema loaded, as in the server
    times = []
    for text in texts:
        started = time.perf_counter()
        check_source(path, text.encode("utf-8"), settings)
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_yaml_language_server(path: Path, texts: list[str]) -> dict[str, list[float] | float] | None:
    """The same edits through yaml-language-server with trainlint's schema (diagnostics of the schema alone)."""
    from lsp import SERVER_JS, LanguageServer, node

    if node() is None or not SERVER_JS.is_file():
        return None
    root = path.parents[2]
    server = LanguageServer(root, {"schemaStore": {"enable": False}, "validate": True})
    try:
        uri = path.resolve().as_uri()
        queue = server._diagnostics_queue(uri)
        server.open(uri, texts[0])
        queue.get(timeout=30)
        client_ms = []
        for version, text in enumerate(texts, start=2):
            sent = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
            )
            queue.get(timeout=30)
            client_ms.append((time.perf_counter() - sent) * 1000)
        rss, peak = memory(server.proc.pid)
    finally:
        server.shutdown()
    return {"client": client_ms, "rss": rss, "peak": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=1000, help="how many edits (default 1,000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trainlint-bench-server-") as folder:
        path, text = config_text(Path(folder) / "repo")
        texts = edits(text, args.edits)
        assert all(t.count("\n") == LINES for t in texts)
        engine = run_engine(path, texts)  # first: this process holds nothing of the servers' yet
        ours = run_trainlint(path, texts)
        peer = run_yaml_language_server(path, texts)

    def row(name: str, values: list[float]) -> str:
        return f"{name:<46} {statistics.median(values):8.2f} {percentile(values, 0.95):8.2f} {max(values):8.2f} ms"

    server_ms, client_ms = ours["server"], ours["client"]
    assert isinstance(server_ms, list) and isinstance(client_ms, list)
    print(f"{args.edits:,} edits of a {LINES}-line config, each awaited           median      p95      max")
    print(row("trainlint server: change to publish (server)", server_ms))
    print(row("engine alone (api.check_source, in-process)", engine))
    print(row("trainlint server: change to diagnostics (client)", client_ms))
    if peer is not None:
        peer_ms = peer["client"]
        assert isinstance(peer_ms, list)
        print(row("yaml-language-server: change to diagnostics", peer_ms))
    p95 = percentile(server_ms, 0.95)
    print()
    print(f"server-side p95 / engine p95: {p95 / percentile(engine, 0.95):.2f}x (the protocol's overhead)")
    if peer is not None:
        print(
            f"end to end p95, trainlint / yaml-language-server: {percentile(client_ms, 0.95) / percentile(peer_ms, 0.95):.2f}x"
        )
    print(f"memory after the edits: trainlint server {ours['rss']:.1f} MB (peak {ours['peak']:.1f} MB)", end="")
    print(f"; yaml-language-server {peer['rss']:.1f} MB (peak {peer['peak']:.1f} MB)" if peer else "")
    ok_time, ok_memory = p95 <= TARGET_P95_MS, float(ours["rss"]) < TARGET_RSS_MB  # type: ignore[arg-type]
    print(f"target p95 <= {TARGET_P95_MS:g} ms server-side: {'met' if ok_time else 'MISSED'} ({p95:.2f} ms)")
    print(f"target memory < {TARGET_RSS_MB:g} MB after the edits: {'met' if ok_memory else 'MISSED'}")
    return 0 if ok_time and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())

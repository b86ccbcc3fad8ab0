// The command line the extension starts, resolved from the settings against real files.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

import {
  classifyProbe,
  commandLine,
  documentSelector,
  expand,
  explainExit,
  type Host,
  INSTALL,
  isLaunch,
  type Launch,
  resolveLaunch,
  type Settings,
  SUFFIXES,
  withSubcommand,
} from "../launch";

const DEFAULTS: Settings = { path: "trainlint", interpreter: "", args: [] };

const scratchRoots: string[] = [];
after(() => {
  for (const root of scratchRoots) {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** A scratch folder with `files` created (executable), and a host that looks at the real disk. */
function scratch(files: string[], env: Record<string, string> = {}): { root: string; host: Host } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trainlint-ext-"));
  scratchRoots.push(root);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), "#!/bin/sh\n", { mode: 0o755 });
  }
  fs.mkdirSync(path.join(root, "ws"), { recursive: true });
  const host: Host = {
    platform: "linux",
    env: { PATH: [path.join(root, "a"), path.join(root, "b")].join(":"), ...env },
    home: path.join(root, "home"),
    workspaceFolders: [path.join(root, "ws")],
    isFile: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
  };
  return { root, host };
}

function launch(r: ReturnType<typeof resolveLaunch>): Launch {
  assert.ok(isLaunch(r), `expected a command line, got ${JSON.stringify(r)}`);
  return r;
}

describe("resolveLaunch", () => {
  it("starts the first trainlint on PATH with `server`", () => {
    const { root, host } = scratch(["b/trainlint", "a/other"]);
    const l = launch(resolveLaunch(DEFAULTS, host));
    assert.equal(l.command, path.join(root, "b", "trainlint"));
    assert.deepEqual(l.args, ["server"]);
    assert.equal(l.origin, "PATH");
  });

  it("puts trainlint.args after `server`", () => {
    const { host } = scratch(["a/trainlint"]);
    const l = launch(resolveLaunch({ ...DEFAULTS, args: ["--log-level", "debug"] }, host));
    assert.deepEqual(l.args, ["server", "--log-level", "debug"]);
  });

  it("falls back to the workspace's .venv, then venv, when PATH has none", () => {
    const { root, host } = scratch(["ws/venv/bin/trainlint", "ws/.venv/bin/trainlint"]);
    assert.equal(launch(resolveLaunch(DEFAULTS, host)).command, path.join(root, "ws", ".venv", "bin", "trainlint"));
    fs.rmSync(path.join(root, "ws", ".venv"), { recursive: true });
    const l = launch(resolveLaunch(DEFAULTS, host));
    assert.equal(l.command, path.join(root, "ws", "venv", "bin", "trainlint"));
    assert.equal(l.origin, "the workspace's venv");
  });

  it("falls back to the console script beside the selected Python interpreter", () => {
    const { root, host } = scratch(["env/bin/python", "env/bin/trainlint"]);
    const interp = path.join(root, "env", "bin", "python");
    const l = launch(resolveLaunch(DEFAULTS, { ...host, pythonInterpreter: interp }));
    assert.equal(l.command, path.join(root, "env", "bin", "trainlint"));
    assert.deepEqual(l.args, ["server"]);
  });

  it("names every place it looked when trainlint is nowhere", () => {
    const { root, host } = scratch(["a/trainlint-old", "env/bin/python"]);
    const interp = path.join(root, "env", "bin", "python");
    const r = resolveLaunch(DEFAULTS, { ...host, pythonInterpreter: interp });
    assert.ok(!isLaunch(r));
    assert.deepEqual(r.searched, [
      "PATH",
      path.join(root, "ws", ".venv"),
      path.join(root, "ws", "venv"),
      `beside the selected Python interpreter (${interp})`,
    ]);
  });

  it("uses an explicit trainlint.path as it is, with no fallback", () => {
    const { root, host } = scratch(["a/trainlint", "ws/.venv/bin/trainlint"]);
    const l = launch(resolveLaunch({ ...DEFAULTS, path: "./tools/trainlint" }, host));
    assert.equal(l.command, path.join(root, "ws", "tools", "trainlint"));
    assert.equal(l.origin, "the trainlint.path setting");
    assert.deepEqual(l.args, ["server"]);
  });

  it("searches PATH for a bare name in trainlint.path", () => {
    const { root, host } = scratch(["b/trainlint-dev"]);
    assert.equal(launch(resolveLaunch({ ...DEFAULTS, path: "trainlint-dev" }, host)).command, path.join(root, "b", "trainlint-dev"));
    assert.equal(launch(resolveLaunch({ ...DEFAULTS, path: "nowhere" }, host)).command, "nowhere");
  });

  it("runs the package from trainlint.interpreter", () => {
    const { root, host } = scratch(["a/trainlint"]);
    const l = launch(resolveLaunch({ ...DEFAULTS, interpreter: "~/py/bin/python3", args: ["-v"] }, host));
    assert.equal(l.command, path.join(root, "home", "py", "bin", "python3"));
    assert.deepEqual(l.args, ["-m", "trainlint", "server", "-v"]);
  });

  it("finds trainlint.exe on Windows through PATHEXT and Scripts", () => {
    // Windows compares names without case
    const files = new Set(["C:\\tools\\TrainLint.EXE", "D:\\proj\\.venv\\Scripts\\trainlint.exe"].map((f) => f.toLowerCase()));
    const win: Host = {
      platform: "win32",
      env: { Path: "C:\\Windows;C:\\tools", PATHEXT: ".COM;.EXE" },
      home: "C:\\Users\\me",
      workspaceFolders: ["D:\\proj"],
      isFile: (p) => files.has(p.toLowerCase()),
    };
    const onPath = launch(resolveLaunch(DEFAULTS, win));
    assert.equal(onPath.command, "C:\\tools\\trainlint.exe");
    const venv = launch(resolveLaunch(DEFAULTS, { ...win, env: { Path: "C:\\Windows", PATHEXT: ".EXE" } }));
    assert.equal(venv.command, "D:\\proj\\.venv\\Scripts\\trainlint.exe");
    assert.equal(expand("${workspaceFolder}\\bin\\trainlint.exe", win), "D:\\proj\\bin\\trainlint.exe");
    assert.equal(expand("~\\tl.exe", win), "C:\\Users\\me\\tl.exe");
  });
});

describe("expand", () => {
  const { root, host } = scratch([]);
  it("expands the home folder and the workspace folder", () => {
    assert.equal(expand("~", host), path.join(root, "home"));
    assert.equal(expand("${userHome}/x", host), path.join(root, "home", "x"));
    assert.equal(expand("${workspaceFolder}/.venv/bin/trainlint", host), path.join(root, "ws", ".venv", "bin", "trainlint"));
    assert.equal(expand("  /opt/trainlint  ", host), "/opt/trainlint");
    assert.equal(expand("trainlint", host), "trainlint");
  });
  it("leaves a relative path alone when there is no workspace folder", () => {
    assert.equal(expand("bin/trainlint", { ...host, workspaceFolders: [] }), "bin/trainlint");
  });
});

describe("classifyProbe", () => {
  it("reads a missing executable", () => {
    assert.equal(classifyProbe({ errorCode: "ENOENT", exitCode: null, stderr: "" }).kind, "missing");
  });
  it("reads a trainlint without the server command (argparse's answer)", () => {
    const stderr =
      "usage: trainlint [-h] [--version] COMMAND ...\n" +
      "trainlint: error: argument COMMAND: invalid choice: 'server' (choose from 'check', 'fix', 'show')\n";
    assert.deepEqual(classifyProbe({ exitCode: 2, stderr }), { kind: "too-old", detail: "it has no `server` command" });
  });
  it("reads an interpreter without trainlint", () => {
    for (const stderr of ["/usr/bin/python3: No module named trainlint\n", "No module named 'trainlint'"]) {
      assert.equal(classifyProbe({ exitCode: 1, stderr }).kind, "missing");
    }
  });
  it("passes on any other failure with the end of its stderr", () => {
    const stderr = "Traceback (most recent call last):\n  ...\n  line\nImportError: no pygls\n";
    assert.deepEqual(classifyProbe({ exitCode: 1, stderr }), { kind: "failed", detail: "  ...\n  line\nImportError: no pygls" });
    assert.deepEqual(classifyProbe({ exitCode: 3, stderr: "" }), { kind: "failed", detail: "exit code 3" });
    assert.equal(classifyProbe({ exitCode: null, stderr: "", timedOut: true }).kind, "failed");
    assert.equal(classifyProbe({ errorCode: "EACCES", exitCode: null, stderr: "" }).kind, "failed");
  });
  it("accepts a server that answers --help", () => {
    assert.deepEqual(classifyProbe({ exitCode: 0, stderr: "" }), { kind: "ok" });
  });
});

describe("explainExit", () => {
  it("tells a trainlint without the server extra by what it says", () => {
    const own = 'pip install "trainlint[server] @ git+https://example.org/trainlint@v9.8.7"';
    const said = `trainlint: error: the language server needs pygls and lsprotocol (pygls is missing): ${own}\n`;
    const exit = explainExit(said);
    assert.equal(exit.kind, "missing");
    assert.ok(exit.detail.endsWith(`are not installed: ${own}`), exit.detail);  // its own version's line
    const older = explainExit("ModuleNotFoundError: No module named 'lsprotocol'\n");
    assert.equal(older.kind, "missing");
    assert.ok(older.detail.endsWith(`are not installed: ${INSTALL}`), older.detail);
  });
  it("passes on anything else with the end of stderr", () => {
    assert.deepEqual(explainExit("a\nb\nc\nd\n"), { kind: "failed", detail: "b\nc\nd" });
    assert.equal(explainExit("").detail, "it wrote nothing on its standard error");
    assert.equal(explainExit("No module named 'pyglsx'").kind, "failed");
  });
});

describe("command lines", () => {
  const l: Launch = { command: "/opt/my env/python", args: ["-m", "trainlint", "server", "--x"], origin: "x" };
  it("swaps the subcommand for the trial runs", () => {
    assert.deepEqual(withSubcommand(l, ["--version"]).args, ["-m", "trainlint", "--version"]);
    assert.deepEqual(withSubcommand({ ...l, args: ["server"] }, ["server", "--help"]).args, ["server", "--help"]);
  });
  it("quotes what a shell would split", () => {
    assert.equal(commandLine(l), "'/opt/my env/python' -m trainlint server --x");
  });
});

describe("documentSelector", () => {
  it("gives the server every file whose suffix trainlint reads, on disk only", () => {
    const [filter] = documentSelector();
    assert.equal(filter.scheme, "file");
    assert.equal(filter.pattern, "**/*.{bash,env,json,jsonc,sh,toml,yaml,yml}");
    assert.deepEqual([...SUFFIXES].sort(), [".bash", ".env", ".json", ".jsonc", ".sh", ".toml", ".yaml", ".yml"]);
  });
});

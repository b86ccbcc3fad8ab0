// How the extension finds and starts `trainlint server`, and how it reads a failed start.
// Nothing here imports `vscode`: the Node tests run this module as it is.

import * as path from "node:path";

import suffixes from "./suffixes.json";

/** The suffixes trainlint's folder search reads (trainlint.inputs.SEARCHED_SUFFIXES). */
export const SUFFIXES: readonly string[] = suffixes;

/** The files the server is given: every file whose suffix one of trainlint's input formats reads. */
export function documentSelector(): { scheme: string; pattern: string }[] {
  const names = SUFFIXES.map((s) => s.slice(1)).join(",");
  return [{ scheme: "file", pattern: `**/*.{${names}}` }];
}

/** The `trainlint.*` settings that decide the command line. */
export interface Settings {
  /** the trainlint executable; "trainlint" (the default) also tries the fallbacks below */
  path: string;
  /** a Python interpreter with trainlint installed: started as `INTERPRETER -m trainlint server` */
  interpreter: string;
  /** extra arguments after `trainlint server` */
  args: string[];
}

export const DEFAULT_PATH = "trainlint";

/** What the resolution looks at besides the settings. */
export interface Host {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  /** absolute paths of the workspace folders, the first one first */
  workspaceFolders: string[];
  isFile(p: string): boolean;
  /** the interpreter the Python extension has selected, when one is known */
  pythonInterpreter?: string;
}

export interface Launch {
  command: string;
  args: string[];
  /** where the command came from, for the log and the error messages */
  origin: string;
}

export interface NotFound {
  /** what was looked at, in order */
  searched: string[];
}

function pathModule(host: Host): path.PlatformPath {
  return host.platform === "win32" ? path.win32 : path.posix;
}

/** `~`, `${userHome}` and `${workspaceFolder}` expanded; a relative path with a folder in it taken
 * from the first workspace folder (a bare name is left for the PATH search). */
export function expand(value: string, host: Host): string {
  const p = pathModule(host);
  const folder = host.workspaceFolders[0];
  let out = value.trim().replaceAll("${userHome}", host.home);
  if (folder !== undefined) {
    out = out.replaceAll("${workspaceFolder}", folder);
  }
  if (out === "~") {
    out = host.home;
  } else if (out.startsWith("~/") || (host.platform === "win32" && out.startsWith("~\\"))) {
    out = p.join(host.home, out.slice(2));
  }
  const hasFolder = out.includes("/") || (host.platform === "win32" && out.includes("\\"));
  if (hasFolder && !p.isAbsolute(out) && folder !== undefined) {
    out = p.join(folder, out);
  }
  return out;
}

/** The executable names a command may have on this platform. */
function executableNames(name: string, host: Host): string[] {
  if (host.platform !== "win32" || path.win32.extname(name) !== "") {
    return [name];
  }
  const exts = (host.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "");
  return exts.map((e) => name + e.toLowerCase());
}

/** The first `name` on PATH, as `which` finds it. */
export function which(name: string, host: Host): string | undefined {
  const p = pathModule(host);
  const dirs = (host.env.PATH ?? host.env.Path ?? "").split(p.delimiter).filter((d) => d !== "");
  for (const dir of dirs) {
    for (const file of executableNames(name, host)) {
      const candidate = p.join(dir, file);
      if (host.isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Where a virtual environment keeps its console scripts. */
function scriptsDirs(envRoot: string, host: Host): string[] {
  const p = pathModule(host);
  return host.platform === "win32" ? [p.join(envRoot, "Scripts"), envRoot] : [p.join(envRoot, "bin")];
}

function inDirs(dirs: string[], host: Host): string | undefined {
  const p = pathModule(host);
  for (const dir of dirs) {
    for (const file of executableNames(DEFAULT_PATH, host)) {
      if (host.isFile(p.join(dir, file))) {
        return p.join(dir, file);
      }
    }
  }
  return undefined;
}

/** The command line that starts the server, or what was searched in vain.
 *
 * An explicit `trainlint.path` or `trainlint.interpreter` is used as it is (a missing file is then
 * reported against the setting). Otherwise: `trainlint` on PATH, then the workspace folders'
 * `.venv` and `venv`, then the console script beside the Python extension's selected interpreter. */
export function resolveLaunch(settings: Settings, host: Host): Launch | NotFound {
  const p = pathModule(host);
  const server = ["server", ...settings.args];
  const configured = settings.path.trim();
  if (configured !== "" && configured !== DEFAULT_PATH) {
    const command = expand(configured, host);
    const found = p.isAbsolute(command) ? command : (which(command, host) ?? command);
    return { command: found, args: server, origin: "the trainlint.path setting" };
  }
  const interpreter = settings.interpreter.trim();
  if (interpreter !== "") {
    const command = expand(interpreter, host);
    return { command, args: ["-m", "trainlint", ...server], origin: "the trainlint.interpreter setting" };
  }
  const searched: string[] = [];
  const onPath = which(DEFAULT_PATH, host);
  if (onPath !== undefined) {
    return { command: onPath, args: server, origin: "PATH" };
  }
  searched.push("PATH");
  for (const folder of host.workspaceFolders) {
    for (const venv of [".venv", "venv"]) {
      const envRoot = p.join(folder, venv);
      const found = inDirs(scriptsDirs(envRoot, host), host);
      if (found !== undefined) {
        return { command: found, args: server, origin: `the workspace's ${venv}` };
      }
      searched.push(envRoot);
    }
  }
  if (host.pythonInterpreter !== undefined && host.pythonInterpreter !== "") {
    const interp = host.pythonInterpreter;
    // the interpreter is bin/python (Scripts\python.exe) or, on Windows and in conda, the env's root
    const dirs = [p.dirname(interp), ...scriptsDirs(p.dirname(interp), host)];
    const found = inDirs(dirs, host);
    if (found !== undefined) {
      return { command: found, args: server, origin: `the selected Python interpreter (${interp})` };
    }
    searched.push(`beside the selected Python interpreter (${interp})`);
  }
  return { searched };
}

export function isLaunch(r: Launch | NotFound): r is Launch {
  return (r as Launch).command !== undefined;
}

/** How a trial run of `trainlint server --help` ended. */
export interface ProbeRun {
  /** the spawn error's code (ENOENT when there is no such file) */
  errorCode?: string;
  exitCode: number | null;
  stderr: string;
  timedOut?: boolean;
}

export type Probe =
  | { kind: "ok" }
  | { kind: "missing"; detail: string }
  | { kind: "too-old"; detail: string }
  | { kind: "failed"; detail: string };

function lastLines(text: string, n: number): string {
  return text.trim().split(/\r?\n/).slice(-n).join("\n");
}

/** Reads the trial run: there is no such command, the trainlint there has no `server` command
 * (argparse's `invalid choice`), the interpreter has no trainlint, or it failed otherwise. */
export function classifyProbe(run: ProbeRun): Probe {
  if (run.errorCode === "ENOENT") {
    return { kind: "missing", detail: "no such file" };
  }
  if (run.timedOut) {
    return { kind: "failed", detail: "`trainlint server --help` did not answer in time" };
  }
  if (run.errorCode !== undefined) {
    return { kind: "failed", detail: run.errorCode };
  }
  if (run.exitCode === 0) {
    return { kind: "ok" };
  }
  if (/invalid choice: '?server'?/.test(run.stderr)) {
    return { kind: "too-old", detail: "it has no `server` command" };
  }
  if (/No module named '?trainlint'?/.test(run.stderr)) {
    return { kind: "missing", detail: "this Python has no trainlint package" };
  }
  const tail = lastLines(run.stderr, 3);
  return { kind: "failed", detail: tail === "" ? `exit code ${run.exitCode}` : tail };
}

/** The command that installs the server with its libraries: trainlint is not on PyPI, so from its
 * repository at a release tag, as the README's recipes (scripts/release.py re-pins the tag). */
export const INSTALL = 'pip install "trainlint[server] @ git+https://github.com/trainlint/trainlint@v0.1.0"';
export const UPGRADE = 'pip install --upgrade "trainlint[server] @ git+https://github.com/trainlint/trainlint@v0.1.0"';

/** Why a server that started stopped before it answered, from the end of its stderr: a trainlint
 * installed without the `server` extra says that pygls or lsprotocol is missing, and how to add it
 * for its own version, which the extension passes on. */
export function explainExit(stderr: string): { kind: "missing" | "failed"; detail: string } {
  if (/needs pygls and lsprotocol|No module named '?(pygls|lsprotocol)\b/.test(stderr)) {
    const advised = /needs pygls and lsprotocol \([^)\n]*\): (.+)$/m.exec(stderr);
    const how = advised === null ? INSTALL : advised[1].trim();
    return { kind: "missing", detail: `its language server libraries (pygls, lsprotocol) are not installed: ${how}` };
  }
  const tail = lastLines(stderr, 3);
  return { kind: "failed", detail: tail === "" ? "it wrote nothing on its standard error" : tail };
}

/** The command line as a person would type it (for the log). */
export function commandLine(launch: Launch): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return [launch.command, ...launch.args].map(quote).join(" ");
}

/** The same command line with `server ...` replaced by `rest`, for the trial runs. */
export function withSubcommand(launch: Launch, rest: string[]): Launch {
  const at = launch.args.indexOf("server");
  return { ...launch, args: [...launch.args.slice(0, at), ...rest] };
}

// The trainlint extension: starts `trainlint server` (LSP over stdio) for the files trainlint reads.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";

import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  type InitializeError,
  LanguageClient,
  type LanguageClientOptions,
  type ResponseError,
  RevealOutputChannelOn,
  type ServerOptions,
} from "vscode-languageclient/node";

import {
  classifyProbe,
  commandLine,
  documentSelector,
  explainExit,
  type Host,
  INSTALL,
  isLaunch,
  type Launch,
  type NotFound,
  type Probe,
  type ProbeRun,
  resolveLaunch,
  type Settings,
  UPGRADE,
  withSubcommand,
} from "./launch";

const SECTION = "trainlint";
const LAUNCH_SETTINGS = ["path", "interpreter", "args"].map((k) => `${SECTION}.${k}`);
const PROBE_TIMEOUT_MS = 20_000;
// how long a server that failed to start is given to exit and flush its stderr
const EXIT_WAIT_MS = 2_000;
// how much of the server's stderr is kept to explain a failed start
const STDERR_TAIL = 4_000;
// a server that stops is started again, up to this many times in RESTART_WINDOW_MS
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

let output: vscode.LogOutputChannel | undefined;
let client: LanguageClient | undefined;
let serverProcess: ChildProcess | undefined;
// starts and stops run one after the other, never interleaved
let queue: Promise<void> = Promise.resolve();

function log(): vscode.LogOutputChannel {
  if (output === undefined) {
    output = vscode.window.createOutputChannel("trainlint", { log: true });
  }
  return output;
}

function settings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    path: config.get<string>("path", "trainlint"),
    interpreter: config.get<string>("interpreter", ""),
    args: config.get<string[]>("args", []).filter((a) => typeof a === "string"),
  };
}

function host(pythonInterpreter?: string): Host {
  return {
    platform: process.platform,
    env: process.env,
    home: os.homedir(),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    isFile: (p) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    },
    pythonInterpreter,
  };
}

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter the Python extension has selected for the first workspace folder, if it is installed. */
async function selectedInterpreter(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>("ms-python.python");
  if (ext === undefined) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (envs === undefined) {
      return undefined;
    }
    const active = envs.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    const resolved = await envs.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (err) {
    log().warn(`could not ask the Python extension for its interpreter: ${String(err)}`);
    return undefined;
  }
}

async function findServer(): Promise<Launch | NotFound> {
  const s = settings();
  const first = resolveLaunch(s, host());
  if (isLaunch(first)) {
    return first;
  }
  const interpreter = await selectedInterpreter();
  return interpreter === undefined ? first : resolveLaunch(s, host(interpreter));
}

function run(launch: Launch, cwd: string | undefined): Promise<ProbeRun & { stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      launch.command,
      launch.args,
      { cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true, encoding: "utf8" },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { killed?: boolean; code?: string | number }) | null;
        resolve({
          errorCode: typeof err?.code === "string" ? err.code : undefined,
          exitCode: err === null ? 0 : typeof err.code === "number" ? err.code : null,
          timedOut: err?.killed === true,
          stderr,
          stdout,
        });
      },
    );
  });
}

async function probe(launch: Launch, cwd: string | undefined): Promise<Probe> {
  const help = await run(withSubcommand(launch, ["server", "--help"]), cwd);
  const outcome = classifyProbe(help);
  if (outcome.kind === "too-old") {
    const version = await run(withSubcommand(launch, ["--version"]), cwd);
    const said = version.stdout.trim();
    if (said !== "") {
      return { kind: "too-old", detail: `${said}: ${outcome.detail}` };
    }
  }
  return outcome;
}

/** The language client, quiet while it starts: a failed start is explained once, by the extension,
 * from what the server wrote (the client alone would only say it could not connect). */
class TrainlintClient extends LanguageClient {
  starting = true;

  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    super.error(message, data, this.starting ? false : showNotification);
  }
}

async function tell(message: string): Promise<void> {
  log().error(message);
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", SECTION);
  } else if (choice === "Show Output") {
    log().show(true);
  }
}

const HOW_TO_INSTALL = `Install it in the environment you train from (${INSTALL}) or set trainlint.path.`;

/** Resolves when the process has exited, or after `ms`. */
function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function start(): Promise<void> {
  const found = await findServer();
  if (!isLaunch(found)) {
    void tell(`trainlint was not found (searched: ${found.searched.join(", ")}). ${HOW_TO_INSTALL}`);
    return;
  }
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  log().info(`starting ${commandLine(found)} (from ${found.origin})`);
  const outcome = await probe(found, cwd);
  if (outcome.kind === "missing") {
    void tell(`trainlint was not found: ${found.command} (from ${found.origin}): ${outcome.detail}. ${HOW_TO_INSTALL}`);
    return;
  }
  if (outcome.kind === "too-old") {
    void tell(
      `The trainlint at ${found.command} is too old for the editor (${outcome.detail}). ` +
        `Upgrade it to a version with \`trainlint server\` (${UPGRADE}).`,
    );
    return;
  }
  if (outcome.kind === "failed") {
    void tell(`${commandLine(withSubcommand(found, ["server", "--help"]))} failed: ${outcome.detail}`);
    return;
  }
  // the extension spawns the server itself to keep the end of its stderr, which explains a failed
  // start (the client also copies all of it to the output)
  let stderr = "";
  let child: ChildProcess | undefined;
  const serverOptions: ServerOptions = async () => {
    child = spawn(found.command, found.args, { cwd, windowsHide: true });
    serverProcess = child;
    child.stderr?.on("data", (data: Buffer) => {
      stderr = (stderr + data.toString("utf8")).slice(-STDERR_TAIL);
    });
    return child;
  };
  let running = false;
  let restarts: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: log(),
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: {
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: () => {
        // a server that never ran is explained once, by the failed start() below
        if (!running) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        restarts = [...restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
        if (restarts.length <= MAX_RESTARTS) {
          log().warn("trainlint server stopped: starting it again");
          return { action: CloseAction.Restart, handled: true };
        }
        void tell(
          `trainlint server stopped ${restarts.length} times in 3 minutes and is left stopped ` +
            `(trainlint: Restart Server starts it again): ${explainExit(stderr).detail}`,
        );
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
    // a failed initialize rejects start() below, which says so once
    initializationFailedHandler: (error: ResponseError<InitializeError> | Error | unknown) => {
      log().error(`initialize failed: ${String(error)}`);
      return false;
    },
  };
  // the client's id is the settings section the client reads `trace.server` from
  const next = new TrainlintClient("trainlint", "trainlint", serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
    // a server that exits while it is asked to initialize can leave start() resolved, not rejected
    if (!next.isRunning()) {
      throw new Error("the server stopped before it answered");
    }
    running = true;
    next.starting = false;
  } catch (err) {
    client = undefined;
    if (child !== undefined) {
      await exited(child, EXIT_WAIT_MS);
    }
    void next.dispose().catch(() => undefined);
    const exit = explainExit(stderr);
    if (exit.kind === "missing") {
      void tell(`The trainlint at ${found.command} cannot start its language server: ${exit.detail}`);
    } else {
      const why = err instanceof Error ? err.message : String(err);
      void tell(`trainlint server did not start (${why}): ${exit.detail}`);
    }
  }
}

async function stop(): Promise<void> {
  const current = client;
  const child = serverProcess;
  client = undefined;
  serverProcess = undefined;
  if (current !== undefined) {
    try {
      await current.stop();
    } catch (err) {
      log().warn(`stopping the server: ${String(err)}`);
    }
  }
  // the client asked it to exit; one that did not is ended
  if (child !== undefined) {
    await exited(child, EXIT_WAIT_MS);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
    }
  }
}

function restart(): Promise<void> {
  queue = queue.then(stop).then(start);
  return queue;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    log(),
    vscode.commands.registerCommand("trainlint.restart", restart),
    vscode.commands.registerCommand("trainlint.showOutput", () => log().show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (LAUNCH_SETTINGS.some((k) => e.affectsConfiguration(k))) {
        log().info("the server's settings changed: restarting it");
        void restart();
      }
    }),
  );
  await restart();
}

export function deactivate(): Promise<void> {
  queue = queue.then(stop);
  return queue;
}

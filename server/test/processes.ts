/**
 * Child processes in tests: the `sonny` CLI and `npm start`'s server run as real Node 24
 * processes, exactly as an operator runs them. Every process a test starts is killed after it,
 * even when the test fails; a server counts as started when it prints its ready line, never
 * when a pattern shows up in its banner.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { GRAPHQL_PATH } from '../../protocol/index.ts';
import { originOfReadyLine } from '../ops/ready-line.ts';

/** The checkout's root, the working directory of every process started here. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The Node the project runs on (the `node` devDependency), whatever Node runs vitest. */
export const NODE = path.resolve(ROOT, 'node_modules/.bin/node');
const CLI = path.resolve(ROOT, 'server/cli.ts');
const SERVER = path.resolve(ROOT, 'server/index.ts');

/** Longest a CLI command may run before it is killed; PGlite boots in a few seconds. */
const COMMAND_TIMEOUT_MS = 60_000;
/** Longest a server may take to print its ready line, unless the test says otherwise. */
const SERVER_READY_TIMEOUT_MS = 60_000;
/** Longest a server may take to exit after SIGTERM. */
const SERVER_STOP_TIMEOUT_MS = 15_000;

/** The runner's settings that would change what a started process does, left out by {@link ownEnv}. */
const RUNNER_SETTINGS = [
  'DATABASE_URL',
  'REDIS_URL',
  'PUBLIC_URL',
  'PORT',
  'HOST',
  'NODE_ENV',
  'SONNY_DEMO',
  'SONNY_SECRET_KEY',
  'SONNY_PASSWORD',
  'SONNY_WORKERS',
  'METRICS_PORT',
  'METRICS_TOKEN',
];

/**
 * The environment of a process that runs as `settings` say, whatever the runner's: without
 * DATABASE_URL (so on the embedded database) and every other setting of the runner's that
 * would change its behaviour, with `settings` on top.
 */
export function ownEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of RUNNER_SETTINGS) delete env[name];
  return { ...env, ...settings };
}

/** A child process whose output a test reads as it arrives. */
export interface WatchedProcess {
  readonly child: ChildProcess;
  /** Everything printed so far: stdout and stderr, in arrival order. */
  output(): string;
  /** What was printed on stdout alone. */
  stdout(): string;
  /** What was printed on stderr alone. */
  stderr(): string;
  /**
   * Resolves with the first match of `pattern` in the output; rejects, showing the output, if
   * the process exits first or `timeoutMs` passes.
   */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves once the process has exited and its output has ended. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start`'s server in a child process, from its launch on. */
export interface ServerProcess extends WatchedProcess {
  /**
   * Resolves with the origin of the ready line (where the server really listens) once it is
   * printed; rejects, showing the output, if the server exits first or `timeoutMs` passes.
   */
  ready(timeoutMs?: number): Promise<string>;
  /** Sends SIGTERM and resolves with the exit code; fails when the server does not exit. */
  stop(): Promise<number | null>;
}

/** A server that printed its ready line. */
export interface StartedServer extends ServerProcess {
  readonly origin: string;
  readonly graphqlUrl: string;
}

/** What a finished process printed and how it ended. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, in arrival order. */
  readonly output: string;
}

/** Spawn options of a watched process, and whether the test writes to its stdin. */
export interface WatchOptions extends SpawnOptions {
  readonly stdin?: 'ignore' | 'pipe';
}

/** How to launch a server: `wrapper` runs before Node (e.g. `unshare …` for a fresh pid 1). */
export interface ServerOptions {
  readonly wrapper?: readonly string[];
}

/** The processes of one test file and their scratch directories; see {@link childProcesses}. */
export interface ChildProcesses {
  /** A new empty directory, removed after the running test once its processes have exited. */
  tempDir(prefix: string): string;
  /** Spawns a process that is killed after the running test if it still runs. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * Like `spawn`, with stdout and stderr piped and readable as they arrive; stdin is closed, or
   * a pipe the test writes to with `stdin: 'pipe'`.
   */
  watch(command: string, args: readonly string[], options?: WatchOptions): WatchedProcess;
  /** Runs `sonny ...args` in `env` to completion (killed after 60 s). */
  sonny(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Finished>;
  /** Launches `node server/index.ts` in `env`; see {@link ServerProcess.ready}. */
  server(env: NodeJS.ProcessEnv, options?: ServerOptions): ServerProcess;
  /** Launches the server and resolves once it has printed its ready line. */
  startServer(env: NodeJS.ProcessEnv, options?: ServerOptions): Promise<StartedServer>;
}

/**
 * The child processes of a test file. Call it at the top level: it registers the `afterEach`
 * that kills every process still running and waits for each to exit, so none outlives its test,
 * then removes the test's directories (never under a process still writing to them).
 */
export function childProcesses(): ChildProcesses {
  const running = new Set<ChildProcess>();
  const directories: string[] = [];
  afterEach(async () => {
    await Promise.all([...running].map(kill));
    running.clear();
    for (const dir of directories.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function track(
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): ChildProcess {
    const child = spawn(command, args, options);
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  }

  function watch(command: string, args: readonly string[], options: WatchOptions = {}): Watched {
    const { stdin = 'ignore', ...spawnOptions } = options;
    return watched(track(command, args, { ...spawnOptions, stdio: [stdin, 'pipe', 'pipe'] }));
  }

  function server(env: NodeJS.ProcessEnv, options: ServerOptions = {}): ServerProcess {
    const [command = NODE, ...prefix] = options.wrapper ?? [];
    const args = options.wrapper === undefined ? [SERVER] : [...prefix, NODE, SERVER];
    const launched = watch(command, args, { cwd: ROOT, env });
    return {
      ...launched,
      ready: (timeoutMs = SERVER_READY_TIMEOUT_MS) =>
        until(launched, timeoutMs, 'ready line', () => readyOrigin(launched.stdout())),
      async stop() {
        launched.child.kill('SIGTERM');
        const { code } = await within(
          launched.closed,
          SERVER_STOP_TIMEOUT_MS,
          'The server exit after SIGTERM',
        );
        return code;
      },
    };
  }

  return {
    tempDir(prefix) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      directories.push(dir);
      return dir;
    },
    spawn: track,
    watch,
    async sonny(env, ...args) {
      const command = watch(NODE, [CLI, ...args], { cwd: ROOT, env });
      const timer = setTimeout(() => command.child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
      try {
        const { code, signal } = await command.closed;
        if (signal !== null) {
          throw new Error(`sonny ${args.join(' ')} was killed by ${signal}\n${command.output()}`);
        }
        return {
          code,
          stdout: command.stdout(),
          stderr: command.stderr(),
          output: command.output(),
        };
      } finally {
        clearTimeout(timer);
      }
    },
    server,
    async startServer(env, options) {
      const launched = server(env, options);
      const origin = await launched.ready();
      return { ...launched, origin, graphqlUrl: `${origin}${GRAPHQL_PATH}` };
    },
  };
}

/** The origin of the first ready line among the complete lines of `stdout`. */
function readyOrigin(stdout: string): string | null {
  for (const line of stdout.split('\n').slice(0, -1)) {
    const origin = originOfReadyLine(line);
    if (origin !== null) return origin;
  }
  return null;
}

interface Watched extends WatchedProcess {
  /** Calls `listener` whenever output arrives; returns the function that stops it. */
  onOutput(listener: () => void): () => void;
}

function watched(child: ChildProcess): Watched {
  const printed = { all: '', stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const append = (stream: 'stdout' | 'stderr') => (chunk: string) => {
    printed[stream] += chunk;
    printed.all += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', append('stdout'));
  child.stderr?.setEncoding('utf8').on('data', append('stderr'));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const watching: Watched = {
    child,
    output: () => printed.all,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    closed,
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor: (pattern, timeoutMs) =>
      until(watching, timeoutMs, String(pattern), () => pattern.exec(printed.all)),
  };
  return watching;
}

/**
 * Resolves with `found()` once it is not null, checked whenever output arrives; rejects,
 * showing the output, if the process exits first or `timeoutMs` passes.
 */
function until<T>(
  watching: Watched,
  timeoutMs: number,
  what: string,
  found: () => T | null,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopListening();
      outcome();
    };
    const check = () => {
      const value = found();
      if (value !== null) settle(() => resolve(value));
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new Error(`No ${what} within ${timeoutMs} ms. Output:\n${watching.output()}`)),
        ),
      timeoutMs,
    );
    const stopListening = watching.onOutput(check);
    void watching.closed.then(({ code, signal }) => {
      check();
      settle(() =>
        reject(
          new Error(`Exited (${code ?? signal}) before ${what}. Output:\n${watching.output()}`),
        ),
      );
    });
    check();
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

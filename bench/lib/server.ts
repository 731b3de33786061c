/**
 * The server under test: `node server/index.ts` in a child process, started as production
 * starts it, on the run's Postgres, with the per-address limits off so one machine may open
 * thousands of visitors. Its memory is read through the inspector (`--inspect` on loopback):
 * a full GC first, then `process.memoryUsage()`, so the server needs no test hook and the
 * client's memory is never counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { GRAPHQL_PATH } from '../../protocol/index.ts';
import { originOfReadyLine } from '../../server/ops/ready-line.ts';

/** The checkout's root: the server and the CLI run from it. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = fileURLToPath(new URL('../../server/index.ts', import.meta.url));

/** Longest a server may take to print its ready line (it migrates first). */
const READY_TIMEOUT_MS = 60_000;
/** Longest a server may take to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 20_000;
/** How much of the server's output is kept, to show when it fails. */
const OUTPUT_TAIL_CHARS = 20_000;

export interface ServerOptions {
  readonly databaseUrl: string;
  readonly secretKey: string;
  /** Pub/sub and limits over this Redis; in-process when absent. */
  readonly redisUrl?: string;
  /** `SONNY_WORKERS`; unset when absent. */
  readonly workers?: number;
  /** Opens the inspector on loopback, for {@link BenchServer.memory}. */
  readonly inspect?: boolean;
}

/** Heap and RSS of the server process after a full GC, in bytes. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
  /** Buffers outside the heap (socket buffers among them). */
  readonly external: number;
}

export interface BenchServer {
  readonly pid: number;
  readonly origin: string;
  /** `ws://…/graphql`. */
  readonly wsUrl: string;
  /** `http://…/graphql`. */
  readonly httpUrl: string;
  /** The server's memory after a full GC; needs `inspect`. */
  memory(): Promise<MemorySample>;
  /** The pids of the processes the server started (cluster workers, if any). */
  children(): number[];
  /** The last lines it printed. */
  output(): string;
  /** SIGTERM, then SIGKILL if it does not exit in time. */
  stop(): Promise<void>;
}

/** Every server started and not yet exited: none may outlive the run, however it ends. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a server and resolves once it prints its ready line. */
export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    SONNY_SECRET_KEY: options.secretKey,
    HOST: '127.0.0.1',
    PORT: '0',
    SONNY_DEMO: 'off',
    SONNY_RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl }),
    ...(options.workers === undefined ? {} : { SONNY_WORKERS: String(options.workers) }),
  };
  const args = [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), SERVER];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: string) => {
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  running.add(child);
  const exited = once(child, 'exit');
  void exited.then(() => running.delete(child));

  try {
    const [origin, inspectorUrl] = await Promise.all([
      waitForLine(child, 'stdout', originOfReadyLine),
      options.inspect
        ? waitForLine(child, 'stderr', (line) => /Debugger listening on (ws:\S+)/.exec(line)?.[1])
        : null,
    ]);
    const inspector = inspectorUrl === null ? null : await connectInspector(inspectorUrl);
    const pid = child.pid as number;
    const graphqlUrl = `${origin}${GRAPHQL_PATH}`;
    return {
      pid,
      origin,
      httpUrl: graphqlUrl,
      wsUrl: graphqlUrl.replace(/^http/, 'ws'),
      async memory() {
        if (inspector === null) throw new Error('memory() needs a server started with inspect');
        return inspector.memoryAfterGc();
      },
      children: () => childPids(pid),
      output: () => tail,
      async stop() {
        inspector?.close();
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`The server did not start: ${(error as Error).message}\n${tail}`);
  }
}

/** What the table says when the server runs no worker processes with SONNY_WORKERS set. */
export const WORKERS_UNSUPPORTED = 'n/a (SONNY_WORKERS unsupported)';

/**
 * Starts a server with `SONNY_WORKERS=workers` (as configured when null). When the server
 * refuses the variable, or ignores it and runs no worker processes, the answer is why, as
 * the table says it.
 */
export async function startServerWithWorkers(
  options: ServerOptions,
  workers: number | null,
): Promise<{ readonly server: BenchServer } | { readonly unavailable: string }> {
  if (workers === null) return { server: await startServer(options) };
  let server: BenchServer;
  try {
    server = await startServer({ ...options, workers });
  } catch (error) {
    const refusal = /SONNY_WORKERS[^\n]*/.exec((error as Error).message)?.[0];
    if (refusal === undefined) throw error;
    return { unavailable: `n/a (the server refused it: ${refusal.trim()})` };
  }
  // One worker is one process, no cluster: nothing to look for.
  if (workers === 1) return { server };
  // Workers may still be forking when the ready line is printed.
  await new Promise((resolve) => setTimeout(resolve, WORKERS_SETTLE_MS));
  if (server.children().length > 0) return { server };
  await server.stop();
  return { unavailable: WORKERS_UNSUPPORTED };
}

/** How long after the ready line a server's worker processes must all exist. */
const WORKERS_SETTLE_MS = 1_000;

/** The first value `match` finds in a line of the child's stream; fails if it exits first. */
function waitForLine(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  match: (line: string) => string | null | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const onData = (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const found = match(line);
        if (found) {
          done();
          resolve(found);
          return;
        }
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`it exited (${code}) before printing the line awaited on ${stream}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no line awaited on ${stream} within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      child[stream]?.off('data', onData);
      child.off('exit', onExit);
    };
    child[stream]?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** The pids whose parent is `pid`, read from /proc. */
function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may hold spaces and parentheses: the fields resume after its last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // The process ended while we read.
    }
  }
  return found;
}

interface Inspector {
  memoryAfterGc(): Promise<MemorySample>;
  close(): void;
}

/** A Chrome DevTools Protocol session with the server's main thread. */
async function connectInspector(url: string): Promise<Inspector> {
  const socket = new WebSocket(url);
  await once(socket, 'open');
  let lastId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++lastId;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async memoryAfterGc() {
      // Twice: the first collection may leave what finalizers freed for the second.
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const evaluated = (await call('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: string } };
      const usage = JSON.parse(evaluated.result.value) as NodeJS.MemoryUsage;
      return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
    },
    close: () => socket.close(),
  };
}

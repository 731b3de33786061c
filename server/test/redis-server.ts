import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './postgres-cluster.ts';

/**
 * Whether `redis-server` can be run here. When it cannot and `CI` is set, that is an error, so
 * a suite that needs its own Redis never silently skips there.
 */
export function canRunRedisServer(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) {
    throw new Error('redis-server is not on PATH: the Redis outage suite must run in CI.');
  }
  return found;
}

/** A Redis server of a test file's own, on a free port: kill it and start it again at will. */
export interface RedisServer {
  readonly url: string;
  /** Starts it (again, on the same port), resolving once it accepts connections. */
  start(): Promise<void>;
  /** Kills it with SIGKILL, as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
}

/** A stopped redis-server without persistence: each start begins empty. Call `start()`. */
export async function redisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('Ready to accept connections')) resolve();
        });
        started.once('exit', (code) =>
          reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
        );
      });
    },
    async kill() {
      const running = child;
      child = null;
      if (running === null || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
  };
}

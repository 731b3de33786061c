import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';

/** Kills every child still running and waits for each to exit: no process outlives its test. */
export async function killAll(children: Set<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    }),
  );
  children.clear();
}

/** A child process whose output a test reads as it arrives. */
export interface WatchedProcess {
  readonly child: ChildProcess;
  /** Everything printed so far: stdout and stderr, in arrival order. */
  output(): string;
  /**
   * Resolves with the first match of `pattern` in the output; rejects, showing the output, if
   * the process exits first or `timeoutMs` passes.
   */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves once the process has exited and its output has ended. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `command` with piped output, adds it to `children` (see {@link killAll}). */
export function watchProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  children: Set<ChildProcess>,
): WatchedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: string) => {
    output += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    child,
    output: () => output,
    closed,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match === null) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`No ${pattern} within ${timeoutMs} ms. Output:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void closed.then(({ code, signal }) => {
          if (!listeners.has(check)) return;
          check();
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`Exited (${code ?? signal}) before ${pattern}. Output:\n${output}`));
        });
        check();
      });
    },
  };
}

/**
 * Load generators run in processes of their own, so the client's CPU is never billed to the
 * server and a busy client shows as its own process. A scenario module exports
 * `clientMethods`; the parent starts a process that imports that module and calls its
 * methods over IPC, one promise per call. State the methods keep (open sockets) lives in the
 * child between calls.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./client-entry.ts', import.meta.url));

/** What a scenario module exports for its client process: async methods of one argument. */
export type ClientMethods = Record<string, (input: never) => Promise<unknown>>;

export interface ClientProcess<M extends ClientMethods> {
  readonly pid: number;
  call<K extends keyof M & string>(
    method: K,
    input: Parameters<M[K]>[0],
  ): Promise<Awaited<ReturnType<M[K]>>>;
  /** Ends the process (its sockets close with it). */
  stop(): Promise<void>;
}

/** A request from the parent, as the child reads it. */
export interface ClientRequest {
  readonly id: number;
  readonly method: string;
  readonly input: unknown;
}

/** The child's answer to one request. */
export type ClientResponse =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Starts a client process serving the `clientMethods` of the module at `moduleUrl`. */
export function startClientProcess<M extends ClientMethods>(moduleUrl: string): ClientProcess<M> {
  const child: ChildProcess = fork(ENTRY, [moduleUrl], {
    execPath: process.execPath,
    // Structured clone: latency samples cross as typed arrays.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let lastId = 0;
  const waiting = new Map<number, { resolve(value: never): void; reject(e: Error): void }>();
  child.on('message', (message: ClientResponse) => {
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.ok) waiter?.resolve(message.output as never);
    else waiter?.reject(new Error(`client process: ${message.error}`));
  });
  const exited = once(child, 'exit');
  void exited.then(([code, signal]) => {
    for (const waiter of waiting.values()) {
      waiter.reject(new Error(`client process exited (${code ?? signal})`));
    }
    waiting.clear();
  });
  return {
    pid: child.pid as number,
    call(method, input) {
      return new Promise((resolve, reject) => {
        const id = ++lastId;
        waiting.set(id, { resolve, reject });
        child.send({ id, method, input } satisfies ClientRequest);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

import type { Worker } from 'node:cluster';

/** What the primary and its workers tell each other over node:cluster's IPC channel. */
export type ClusterMessage =
  /** Worker → primary, first: it holds the port (answering 503 while it starts). */
  | { readonly type: 'sonny:bound' }
  /**
   * Primary → a worker that holds the port, once the database is ready: build the app, with
   * what every worker must share.
   */
  | { readonly type: 'sonny:start'; readonly rateLimitKeySecret: string }
  /** Worker → primary: it accepts connections, at `origin`. */
  | { readonly type: 'sonny:listening'; readonly origin: string }
  /**
   * Worker → primary: it could not start, and why; the primary says so, once for the whole
   * cluster, and ends the worker.
   */
  | { readonly type: 'sonny:failed'; readonly message: string }
  /** Primary → worker: shut down gracefully, as on SIGTERM. */
  | { readonly type: 'sonny:stop' }
  /** Either end asks the other, which answers with the same `id`. */
  | { readonly type: 'sonny:ask'; readonly id: number; readonly question: Question }
  | {
      readonly type: 'sonny:answer';
      readonly id: number;
      readonly value?: unknown;
      readonly error?: string;
    };

/**
 * `worker-metrics`: the primary asks a worker for its own metrics (prom-client's JSON).
 * `cluster-metrics`: a worker asks the primary for every worker's, in the text format.
 */
export type Question = 'worker-metrics' | 'cluster-metrics';

/** One end of the channel, as seen from the other. */
export interface Peer {
  send(message: ClusterMessage): void;
  /** Calls `listener` with each of our messages that arrives; returns what stops it. */
  listen(listener: (message: ClusterMessage) => void): () => void;
}

/** How long a question waits for its answer, unless the asker says otherwise. */
export const ANSWER_TIMEOUT_MS = 2_000;

/** The primary's end, in a worker. */
export function primaryPeer(): Peer {
  return {
    send: (message) => {
      process.send?.(message);
    },
    listen: (listener) => listenOn(process, listener),
  };
}

/** A worker's end, in the primary. Messages to a worker that has gone are dropped. */
export function workerPeer(worker: Worker): Peer {
  return {
    send: (message) => {
      if (worker.isConnected()) worker.send(message);
    },
    listen: (listener) => listenOn(worker, listener),
  };
}

interface MessageEmitter {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

function listenOn(emitter: MessageEmitter, listener: (message: ClusterMessage) => void) {
  // Other modules talk on the same channel (node:cluster itself): keep to ours.
  const ours = (message: unknown) => {
    if (isClusterMessage(message)) listener(message);
  };
  emitter.on('message', ours);
  return () => {
    emitter.off('message', ours);
  };
}

function isClusterMessage(message: unknown): message is ClusterMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('sonny:');
}

let lastQuestionId = 0;

/** Asks `peer`; rejects when it answers with an error or not within `timeoutMs`. */
export function ask(
  peer: Peer,
  question: Question,
  timeoutMs: number = ANSWER_TIMEOUT_MS,
): Promise<unknown> {
  const id = ++lastQuestionId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopListening();
      reject(new Error(`No answer to ${question} within ${timeoutMs} ms`));
    }, timeoutMs);
    // Only answers come back on this end for questions asked from it: ids cannot mix.
    const stopListening = peer.listen((message) => {
      if (message.type !== 'sonny:answer' || message.id !== id) return;
      clearTimeout(timer);
      stopListening();
      if (message.error === undefined) resolve(message.value);
      else reject(new Error(message.error));
    });
    peer.send({ type: 'sonny:ask', id, question });
  });
}

/** Answers `peer`'s questions with `answers`; a question without an answer is left unanswered. */
export function answer(
  peer: Peer,
  answers: Partial<Record<Question, () => Promise<unknown>>>,
): void {
  peer.listen((message) => {
    if (message.type !== 'sonny:ask') return;
    const answerOf = answers[message.question];
    if (answerOf === undefined) return;
    const { id } = message;
    answerOf().then(
      (value) => peer.send({ type: 'sonny:answer', id, value }),
      (error: unknown) =>
        peer.send({
          type: 'sonny:answer',
          id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}

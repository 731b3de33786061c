/**
 * Sending what the visitor types: queued in the thread (shown as pending, kept in storage),
 * sent one at a time and in order whenever the socket is up, each with its clientMessageId so
 * a resend is stored once. A temporary failure (no answer, or an error with
 * `retryAfterSeconds` such as SERVICE_UNAVAILABLE) keeps the message pending and resends it
 * later; only a refusal of the message itself shows it as failed.
 */
import { backoffDelay, NETWORK_ERROR, WidgetError } from './client.ts';
import type { Link } from './link.ts';
import { SEND_MESSAGE_MUTATION } from './operations.ts';
import type { StoredMessage } from './storage.ts';
import type { Thread } from './thread.ts';

export interface OutboxOptions {
  readonly link: Link;
  readonly thread: Thread;
  /** The thread changed. */
  readonly changed: () => void;
  /** The server stored a message new to this page. */
  readonly announce: (message: StoredMessage) => void;
}

export class Outbox {
  readonly #options: OutboxOptions;
  #flushing = false;
  /** The resend after a temporary failure, while one is scheduled. */
  #resend: ReturnType<typeof setTimeout> | undefined;
  /** Temporary failures in a row: the resend waits longer after each. */
  #failures = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Queues a message and sends it as soon as the socket is up; shown as pending until then. */
  send(body: string): void {
    this.#options.thread.queue(body);
    this.#options.changed();
    // Behind a message waiting for its resend: it goes with that one, not before it.
    if (this.#resend === undefined) void this.flush();
  }

  /** Sends a failed message again; an unknown key does nothing. */
  retry(clientMessageId: string): void {
    if (!this.#options.thread.retry(clientMessageId)) return;
    this.#options.changed();
    void this.flush();
  }

  /**
   * Sends pending messages one at a time, in order, at once (a scheduled resend is brought
   * forward: the session calls this at every connect); graphql-ws resends across reconnects.
   */
  async flush(): Promise<void> {
    clearTimeout(this.#resend);
    this.#resend = undefined;
    if (this.#flushing) return;
    this.#flushing = true;
    const { link, thread } = this.#options;
    try {
      for (;;) {
        const connection = link.connection;
        const next = thread.nextToSend();
        if (!link.connected || connection === null || next === undefined) return;
        const generation = link.generation;
        next.inFlight = true;
        try {
          const data = await connection.execute('mutation', SEND_MESSAGE_MUTATION, {
            input: { body: next.body, clientMessageId: next.clientMessageId },
          });
          if (!link.isCurrent(generation)) return;
          this.#failures = 0;
          const added = thread.confirm(next, data.sendMessage);
          if (added !== null) this.#options.announce(added);
          this.#options.changed();
        } catch (error) {
          if (!link.isCurrent(generation)) return;
          next.inFlight = false;
          const failure = error instanceof WidgetError ? error : new WidgetError(NETWORK_ERROR);
          if (failure.code === NETWORK_ERROR || failure.retryAfterSeconds > 0) {
            // Nothing is wrong with the message: it stays pending, and the next ones wait
            // behind it. Resent after the server's wait plus a jittered backoff, or at the
            // next connect, whichever comes first.
            const delay = failure.retryAfterSeconds * 1000 + backoffDelay(this.#failures++);
            this.#resend = setTimeout(() => void this.flush(), delay);
            return;
          }
          next.state = 'failed';
          this.#options.changed();
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}

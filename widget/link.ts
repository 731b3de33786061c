/**
 * The visitor's current connection: which socket is the live one, whether its join was
 * acknowledged, and a generation bumped whenever it is replaced or the visitor forgotten, so
 * the late answers of an older one are recognised and dropped.
 */
import { Connection, type Join, type Refusal } from './client.ts';

export interface LinkHandlers {
  /** The join for `visitorId`, read at every (re)connect. */
  readonly join: (visitorId: string) => Join;
  /** The current connection's join was acknowledged (first connect and every reconnect). */
  readonly onConnected: (connection: Connection, generation: number) => void;
  /** The current connection's socket closed; it retries with backoff. */
  readonly onDisconnected: () => void;
  /** The server refused the current connection's join; it is disposed already. */
  readonly onRefused: (refusal: Refusal) => void;
}

export class Link {
  readonly #serverUrl: string;
  readonly #handlers: LinkHandlers;
  #connection: Connection | null = null;
  #connected = false;
  #generation = 0;

  constructor(serverUrl: string, handlers: LinkHandlers) {
    this.#serverUrl = serverUrl;
    this.#handlers = handlers;
  }

  /** The current connection, joined or not; null before the first connect. */
  get connection(): Connection | null {
    return this.#connection;
  }

  /** Whether the current connection's join is acknowledged and its socket still open. */
  get connected(): boolean {
    return this.#connected;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Whether an answer obtained under `generation` still concerns the current visitor. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  /**
   * Opens a new connection for `visitorId` and makes it the current one. The previous one is
   * left open: the caller disposes it (or first sends it a last mutation, as `reset` does).
   */
  connect(visitorId: string): void {
    const generation = this.#invalidate();
    const current = () => this.isCurrent(generation);
    const connection = new Connection({
      serverUrl: this.#serverUrl,
      join: () => this.#handlers.join(visitorId),
      onConnected: () => {
        if (!current()) return;
        this.#connected = true;
        this.#handlers.onConnected(connection, generation);
      },
      onDisconnected: () => {
        if (!current()) return;
        this.#connected = false;
        this.#handlers.onDisconnected();
      },
      onRefused: (refusal) => {
        if (!current()) return;
        this.#connection?.dispose();
        this.#connected = false;
        this.#handlers.onRefused(refusal);
      },
    });
    this.#connection = connection;
  }

  /** Drops every late answer of the current connection, which stays open. */
  forget(): void {
    this.#invalidate();
  }

  /** Closes the current connection for good; nothing of it is reported afterwards. */
  dispose(): void {
    this.#connection?.dispose();
  }

  #invalidate(): number {
    this.#connected = false;
    this.#generation += 1;
    return this.#generation;
  }
}

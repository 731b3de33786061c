/**
 * The conversation as the visitor sees it: the server's messages, in order and each once, and
 * the messages typed but not yet acknowledged. Every change is saved to storage.
 */
import type { MessageData } from './operations.ts';
import type { PendingMessage, StoredMessage, VisitorStore } from './storage.ts';
import type { ViewMessage } from './ui/message.ts';

export interface Pending extends PendingMessage {
  state: 'pending' | 'failed';
  /** Sent and not answered yet (graphql-ws resends it after a reconnect). */
  inFlight: boolean;
}

export class Thread {
  readonly #store: VisitorStore;
  #messages: StoredMessage[];
  #pending: Pending[];
  /** Server message id → the clientMessageId it was shown under while pending. */
  readonly #localKeys = new Map<string, string>();

  constructor(store: VisitorStore) {
    this.#store = store;
    this.#messages = store.history();
    this.#pending = store
      .pending()
      .map((message) => ({ ...message, state: 'pending', inFlight: false }));
  }

  lastMessageId(): string | null {
    return this.#messages.at(-1)?.id ?? null;
  }

  hasVisitorWritten(): boolean {
    return (
      this.#pending.length > 0 || this.#messages.some((message) => message.author === 'VISITOR')
    );
  }

  /**
   * Adds a server message unless known, in time order, and settles the pending message it
   * echoes: the one with its clientMessageId (a body can be typed twice, or on another device).
   * Returns the message as stored when it is new here, else null.
   */
  add(message: MessageData): StoredMessage | null {
    const { clientMessageId, ...stored } = message;
    const echoed = this.#pending.find((item) => item.clientMessageId === clientMessageId);
    if (message.author === 'VISITOR' && echoed !== undefined) this.#settle(echoed, message.id);
    if (this.#messages.some((known) => known.id === message.id)) return null;
    let index = this.#messages.length;
    while (index > 0 && (this.#messages[index - 1]?.createdAt ?? '') > message.createdAt) index--;
    this.#messages.splice(index, 0, stored);
    this.#store.saveHistory(this.#messages);
    return stored;
  }

  /** A message the visitor typed, pending until the server acknowledges it. */
  queue(body: string): Pending {
    const message: Pending = {
      clientMessageId: crypto.randomUUID(),
      body,
      createdAt: new Date().toISOString(),
      state: 'pending',
      inFlight: false,
    };
    this.#pending.push(message);
    this.#savePending();
    return message;
  }

  /** The oldest pending message not sent yet. */
  nextToSend(): Pending | undefined {
    return this.#pending.find((message) => message.state === 'pending' && !message.inFlight);
  }

  /** The server stored `pending` as `message`; returns it as stored when it is new here. */
  confirm(pending: Pending, message: MessageData): StoredMessage | null {
    this.#settle(pending, message.id);
    return this.add(message);
  }

  /** Marks a failed message pending again; returns false for an unknown key. */
  retry(clientMessageId: string): boolean {
    const message = this.#pending.find((pending) => pending.clientMessageId === clientMessageId);
    if (message === undefined) return false;
    message.state = 'pending';
    return true;
  }

  /** Forgets everything in memory (storage is cleared by the caller's startOver). */
  clear(): void {
    this.#messages = [];
    this.#pending = [];
    this.#localKeys.clear();
  }

  /** What the UI shows: sent messages, then pending ones, each under a stable key. */
  view(): ViewMessage[] {
    const shown: ViewMessage[] = this.#messages.map((message) => ({
      key: this.#localKeys.get(message.id) ?? message.id,
      author: message.author,
      authorName: message.authorName,
      body: message.body,
      createdAt: message.createdAt,
      state: 'sent',
    }));
    for (const message of this.#pending) {
      shown.push({
        key: message.clientMessageId,
        author: 'VISITOR',
        authorName: null,
        body: message.body,
        createdAt: message.createdAt,
        state: message.state,
      });
    }
    return shown;
  }

  #settle(pending: Pending, messageId: string): void {
    this.#pending = this.#pending.filter((item) => item !== pending);
    this.#localKeys.set(messageId, pending.clientMessageId);
    this.#savePending();
  }

  #savePending(): void {
    this.#store.savePending(
      this.#pending.map(({ clientMessageId, body, createdAt }) => ({
        clientMessageId,
        body,
        createdAt,
      })),
    );
  }
}

/**
 * The visitor's messages from the server: the history loaded at every connect, then the live
 * events from the last known message on, so nothing sent while the page was away is lost.
 */
import { ErrorCode } from '../protocol/index.ts';
import type { Connection } from './client.ts';
import type { Link } from './link.ts';
import { type Look, VISITOR_EVENTS_SUBSCRIPTION, VISITOR_QUERY } from './operations.ts';
import type { StoredMessage } from './storage.ts';
import type { Thread } from './thread.ts';

/** What the server says about the visitor's identity, as the visitor query reports it. */
export interface ServerIdentity {
  readonly identified: boolean;
  readonly email: string | null;
}

export interface FeedOptions {
  readonly link: Link;
  readonly thread: Thread;
  /** The visitor query answered: the server's view of the identity. */
  readonly learned: (server: ServerIdentity) => void;
  /** The visitor query answered: the workspace's team name, greeting and colour. */
  readonly lookLearned: (look: Look) => void;
  /** The thread changed. */
  readonly changed: () => void;
  /** A message new to this page arrived live. */
  readonly announce: (message: StoredMessage) => void;
}

export class Feed {
  readonly #options: FeedOptions;
  #stopEvents: (() => void) | null = null;

  constructor(options: FeedOptions) {
    this.#options = options;
  }

  /**
   * Loads the visitor (identity, history and its workspace's look) and follows its events from
   * the last message.
   * Run at every connect, and after a verified identify: the visitor now sees its contact's
   * conversations from other devices. Returns false when a newer connection took over.
   */
  async load(connection: Connection, generation: number): Promise<boolean> {
    const { link, thread } = this.#options;
    try {
      const { visitor } = await connection.execute('query', VISITOR_QUERY, {});
      if (!link.isCurrent(generation)) return false;
      this.#options.learned({ identified: visitor.identified, email: visitor.email });
      this.#options.lookLearned(visitor.workspace);
      const history = visitor.conversations.flatMap((conversation) => conversation.messages);
      for (const message of history) thread.add(message);
    } catch {
      // The socket went down again: the next connect loads the history.
      if (!link.isCurrent(generation)) return false;
    }
    this.#follow(connection, generation, true);
    this.#options.changed();
    return true;
  }

  /** Stops following events (the socket closed, or the visitor is forgotten). */
  stop(): void {
    this.#stopEvents?.();
    this.#stopEvents = null;
  }

  /** Forgets the subscription of a connection that is disposed already, without stopping it. */
  drop(): void {
    this.#stopEvents = null;
  }

  /** Follows new messages; `after` the last known one when `withAfter`. */
  #follow(connection: Connection, generation: number, withAfter: boolean): void {
    const { link, thread } = this.#options;
    this.stop();
    const after = withAfter ? thread.lastMessageId() : null;
    this.#stopEvents = connection.subscribe(
      VISITOR_EVENTS_SUBSCRIPTION,
      { after },
      (data) => {
        const message = data.visitorEvents.message;
        if (!link.isCurrent(generation) || message === undefined) return;
        const added = thread.add(message);
        if (added !== null) this.#options.announce(added);
        this.#options.changed();
      },
      (error) => {
        // A cached history from before a server-side reset names a message this visitor
        // cannot see: follow from now on instead.
        if (link.isCurrent(generation) && error.code === ErrorCode.BAD_USER_INPUT && withAfter) {
          this.#follow(connection, generation, false);
        }
      },
    );
  }
}

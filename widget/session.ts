/**
 * One site's visitor, after `init`: it wires the stored state, the connection, the identity,
 * the thread and the UI together, and decides what a close code or another tab's reset means.
 * Each job lives in its own module: `link.ts` (the current connection), `identity.ts`
 * (identify and the join's identity), `feed.ts` (history and live events), `outbox.ts`
 * (sending what the visitor types), `thread.ts` (the messages shown).
 */
import { CloseCode, ErrorCode, ForbiddenReason } from '../protocol/index.ts';
import { type Connection, NETWORK_ERROR, type Refusal, WidgetError } from './client.ts';
import type { Emitter } from './events.ts';
import { Feed } from './feed.ts';
import { type IdentifyInput, Identity, normalizeEmail } from './identity.ts';
import { Link } from './link.ts';
import { type IdentifyResult, RESET_MUTATION } from './operations.ts';
import { Outbox } from './outbox.ts';
import { type StoredMessage, VisitorStore } from './storage.ts';
import { Thread } from './thread.ts';
import { ChatView } from './ui/view.ts';

/** How long `reset` waits for the server to end the old visitor before giving up on it. */
const RESET_TIMEOUT_MS = 5_000;

/** At most this many "visitor was reset" refusals within {@link REFUSAL_WINDOW_MS} start over. */
const MAX_RESTARTS = 3;
const REFUSAL_WINDOW_MS = 30_000;

export class Session {
  readonly #siteId: string;
  readonly #events: Emitter;
  readonly #warn: (message: string) => void;
  readonly #store: VisitorStore;
  readonly #view: ChatView;
  readonly #thread: Thread;
  readonly #link: Link;
  readonly #identity: Identity;
  readonly #feed: Feed;
  readonly #outbox: Outbox;
  #visitorId: string;
  #refusals: number[] = [];
  /** Set when the server refused this site for good (unknown siteId): nothing will connect. */
  #stopped: WidgetError | null = null;

  constructor(options: {
    siteId: string;
    serverUrl: string;
    events: Emitter;
    warn: (message: string) => void;
  }) {
    this.#siteId = options.siteId;
    this.#events = options.events;
    this.#warn = options.warn;
    this.#store = new VisitorStore(this.#siteId);
    this.#visitorId = this.#store.ensureVisitorId();
    this.#thread = new Thread(this.#store);
    const changed = () => this.#render();
    const announce = (message: StoredMessage) => this.#announce(message);
    this.#link = new Link(options.serverUrl, {
      join: (visitorId) => this.#identity.join(this.#siteId, visitorId),
      onConnected: (connection, generation) => void this.#onConnected(connection, generation),
      onDisconnected: () => {
        this.#feed.stop();
        if (this.#stopped === null) this.#view.setStatus('offline');
      },
      onRefused: (refusal) => this.#onRefused(refusal),
    });
    this.#feed = new Feed({
      link: this.#link,
      thread: this.#thread,
      learned: (server) => this.#identity.learned(server),
      lookLearned: (look) => {
        this.#store.saveLook(look);
        this.#view.setLook(look);
      },
      changed,
      announce,
    });
    this.#identity = new Identity({
      store: this.#store,
      events: this.#events,
      warn: this.#warn,
      link: this.#link,
      changed,
      reload: (connection, generation) => this.#feed.load(connection, generation),
    });
    this.#outbox = new Outbox({ link: this.#link, thread: this.#thread, changed, announce });
    this.#view = new ChatView({
      send: (body) => this.send(body),
      submitEmail: (email) => this.#submitEmail(email),
      retry: (key) => this.#outbox.retry(key),
      openChanged: () => {},
    });
    this.#store.onExternalChange((change) => {
      if (change === 'visitor') this.#followExternalReset();
      else {
        this.#identity.adoptStored();
        this.#render();
      }
    });
    this.#view.setLook(this.#store.look());
    this.#view.mount();
    this.#render();
    this.#connect();
  }

  open(): void {
    this.#view.open();
  }

  close(): void {
    this.#view.close();
  }

  /** Queues a message and sends it as soon as the socket is up; shown as pending until then. */
  send(body: string): void {
    // A refused site never gets a message that could only wait forever.
    if (this.#stopped !== null) return;
    this.#outbox.send(body);
  }

  /**
   * Stores the identity (the next join carries it) and has the server confirm it. A different
   * email than the known one starts over first: the next user of a shared browser never sees
   * the previous user's conversations.
   */
  async identify(input: IdentifyInput): Promise<IdentifyResult> {
    if (this.#stopped !== null) throw this.#stopped;
    const known = this.#identity.knownEmail();
    if (known !== null && normalizeEmail(known) !== normalizeEmail(input.email)) {
      await this.reset().catch(() => {});
    }
    return this.#identity.identify(input);
  }

  /**
   * Ends the visitor on the server (when connected), forgets every stored datum, and joins
   * again with a fresh visitorId. Local state is cleared whatever the server answers.
   */
  async reset(): Promise<void> {
    const old = this.#link.connection;
    const wasConnected = this.#link.connected;
    this.#startOver();
    if (old === null) return;
    try {
      if (wasConnected)
        await withTimeout(old.execute('mutation', RESET_MUTATION, {}), RESET_TIMEOUT_MS);
    } finally {
      old.dispose();
    }
  }

  #connect(): void {
    this.#view.setStatus('connecting');
    this.#link.connect(this.#visitorId);
  }

  async #onConnected(connection: Connection, generation: number): Promise<void> {
    this.#view.setStatus('online');
    if (!(await this.#feed.load(connection, generation))) return;
    void this.#identity.confirm();
    void this.#outbox.flush();
    this.#events.emit('ready', { identified: this.#identity.isIdentified() });
  }

  #onRefused(refusal: Refusal): void {
    // The connection is disposed already, its subscription with it.
    this.#feed.drop();
    if (refusal.code === CloseCode.Forbidden) {
      const now = Date.now();
      this.#refusals = [...this.#refusals.filter((at) => now - at < REFUSAL_WINDOW_MS), now];
      if (refusal.reason !== ForbiddenReason.VisitorEnded || this.#refusals.length > MAX_RESTARTS) {
        this.#stopped = new WidgetError(ErrorCode.FORBIDDEN, refusal.reason);
        this.#identity.failWaiters(this.#stopped);
        this.#view.setStatus('unavailable');
        this.#warn(`the server refused to connect: ${refusal.reason}`);
        return;
      }
      // The visitor was ended elsewhere (another tab's reset): start over, never loop.
      if (!this.#adoptStoredVisitor()) this.#startOver();
      return;
    }
    // 4400: the identity the join carried was refused; nothing was written.
    const code = refusal.reason || ErrorCode.BAD_USER_INPUT;
    const identity = this.#identity.current;
    if (code === ErrorCode.IDENTITY_CONFLICT && identity !== null) {
      // The server knows this visitorId as someone else: a new visitor takes the identity.
      this.#forget({ keepWaiters: true });
      this.#visitorId = this.#store.startOver();
      this.#identity.set(identity);
      this.#events.emit('reset', {});
    } else this.#identity.refused(code);
    this.#connect();
  }

  /** Forgets the visitor here and in storage, and joins again with a fresh visitorId. */
  #startOver(): void {
    this.#forget();
    this.#visitorId = this.#store.startOver();
    this.#events.emit('reset', {});
    this.#connect();
  }

  /** Another tab reset (or the host cleared storage): follow it to the stored visitorId. */
  #followExternalReset(): void {
    if (this.#store.visitorId() === this.#visitorId) return;
    this.#adoptStoredVisitor() || this.#reconnectAsNewVisitor();
  }

  #adoptStoredVisitor(): boolean {
    const stored = this.#store.visitorId();
    if (stored === null || stored === this.#visitorId) return false;
    this.#link.dispose();
    this.#forget();
    this.#visitorId = stored;
    this.#identity.adoptStored();
    this.#events.emit('reset', {});
    this.#connect();
    return true;
  }

  #reconnectAsNewVisitor(): void {
    this.#link.dispose();
    this.#forget();
    this.#visitorId = this.#store.ensureVisitorId();
    this.#events.emit('reset', {});
    this.#connect();
  }

  /** Clears the in-memory visitor and the UI (storage is the caller's business). */
  #forget(options: { keepWaiters: boolean } = { keepWaiters: false }): void {
    this.#feed.stop();
    this.#link.forget();
    this.#identity.forget(options);
    this.#thread.clear();
    this.#view.clear();
    this.#render();
  }

  async #submitEmail(email: string): Promise<string | null> {
    try {
      await this.identify({ email });
      return null;
    } catch (error) {
      const code = error instanceof WidgetError ? error.code : '';
      return code === ErrorCode.BAD_USER_INPUT
        ? 'That email address does not look right.'
        : 'Could not save your email. Please try again.';
    }
  }

  /** A message new to this page: the `message` event, and the unread badge for an agent's. */
  #announce(message: StoredMessage): void {
    if (message.author === 'AGENT') this.#view.addUnread();
    this.#events.emit('message', message);
  }

  #render(): void {
    this.#view.setMessages(this.#thread.view());
    this.#view.setPromptWanted(this.#thread.hasVisitorWritten() && !this.#identity.isIdentified());
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new WidgetError(NETWORK_ERROR, 'Timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

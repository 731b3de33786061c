/**
 * One site's visitor, after `init`: it keeps the stored state, the connection and the UI in
 * step. Identity, reset, the email prompt, pending messages and catch-up all happen here.
 */
import { ForbiddenReason, JoinCloseCode } from '../server/protocol.ts';
import { Connection, type Join, NETWORK_ERROR, type Refusal, WidgetError } from './client.ts';
import type { Emitter } from './events.ts';
import {
  IDENTIFY_MUTATION,
  type IdentifyData,
  type IdentifyResult,
  type IdentifyVariables,
  RESET_MUTATION,
  SEND_MESSAGE_MUTATION,
  type SendMessageData,
  VISITOR_EVENTS_SUBSCRIPTION,
  VISITOR_QUERY,
  type VisitorData,
  type VisitorEventsData,
} from './operations.ts';
import { type StoredIdentity, type StoredMessage, VisitorStore } from './storage.ts';
import { Thread } from './thread.ts';
import { ChatView } from './ui/view.ts';

/** What `identify` accepts, validated. */
export interface IdentifyInput {
  readonly email: string;
  readonly name?: string;
  readonly token?: string;
}

interface IdentifyWaiter {
  readonly identity: StoredIdentity;
  readonly previous: StoredIdentity | null;
  resolve(result: IdentifyResult): void;
  reject(error: WidgetError): void;
}

/** How long `reset` waits for the server to end the old visitor before giving up on it. */
const RESET_TIMEOUT_MS = 5_000;

export class Session {
  readonly #siteId: string;
  readonly #serverUrl: string;
  readonly #events: Emitter;
  readonly #warn: (message: string) => void;
  readonly #store: VisitorStore;
  readonly #view: ChatView;
  #visitorId: string;
  #identity: StoredIdentity | null;
  /** What the server last said about this visitor's identity. */
  #server = { identified: false, email: null as string | null };
  readonly #thread: Thread;
  #waiters: IdentifyWaiter[] = [];
  #connection: Connection | null = null;
  #connected = false;
  /** Bumped whenever the connection is replaced; late answers of an older one are dropped. */
  #generation = 0;
  #stopEvents: (() => void) | null = null;
  #flushing = false;
  #confirming = false;
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
    this.#serverUrl = options.serverUrl;
    this.#events = options.events;
    this.#warn = options.warn;
    this.#store = new VisitorStore(this.#siteId);
    this.#visitorId = this.#store.ensureVisitorId();
    this.#identity = this.#store.identity();
    this.#thread = new Thread(this.#store);
    this.#view = new ChatView({
      send: (body) => this.send(body),
      submitEmail: (email) => this.#submitEmail(email),
      retry: (key) => this.#retry(key),
      openChanged: () => {},
    });
    this.#store.onExternalChange((change) => {
      if (change === 'visitor') this.#followExternalReset();
      else {
        this.#identity = this.#store.identity();
        this.#render();
      }
    });
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
    this.#thread.queue(body);
    this.#render();
    void this.#flushPending();
  }

  /**
   * Stores the identity (the next join carries it) and has the server confirm it. A different
   * email than the known one starts over first: the next user of a shared browser never sees
   * the previous user's conversations.
   */
  async identify(input: IdentifyInput): Promise<IdentifyResult> {
    if (this.#stopped !== null) throw this.#stopped;
    const known = this.#identity?.email ?? this.#server.email;
    if (known !== null && normalizeEmail(known) !== normalizeEmail(input.email)) {
      await this.reset().catch(() => {});
    }
    const previous = this.#identity;
    const sameEmail =
      previous !== null && normalizeEmail(previous.email) === normalizeEmail(input.email);
    const token = input.token ?? (sameEmail ? previous.token : null);
    const identity: StoredIdentity = {
      email: input.email,
      name: input.name ?? (sameEmail ? previous.name : null),
      token,
      tokenExpiresAt:
        input.token !== undefined
          ? tokenExpiry(input.token)
          : sameEmail
            ? previous.tokenExpiresAt
            : null,
    };
    this.#setIdentity(identity);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ identity, previous, resolve, reject });
      void this.#confirmIdentities();
    });
  }

  /**
   * Ends the visitor on the server (when connected), forgets every stored datum, and joins
   * again with a fresh visitorId. Local state is cleared whatever the server answers.
   */
  async reset(): Promise<void> {
    const old = this.#connection;
    const wasConnected = this.#connected;
    this.#forget();
    this.#visitorId = this.#store.startOver();
    this.#events.emit('reset', {});
    this.#connect();
    if (old === null) return;
    try {
      if (wasConnected)
        await withTimeout(old.execute('mutation', RESET_MUTATION), RESET_TIMEOUT_MS);
    } finally {
      old.dispose();
    }
  }

  #connect(): void {
    const generation = ++this.#generation;
    const visitorId = this.#visitorId;
    this.#connected = false;
    this.#view.setStatus('connecting');
    const current = () => generation === this.#generation;
    const connection = new Connection({
      serverUrl: this.#serverUrl,
      join: () => this.#join(visitorId),
      onConnected: () => {
        if (current()) void this.#onConnected(connection, generation);
      },
      onDisconnected: () => {
        if (!current()) return;
        this.#connected = false;
        this.#stopEvents?.();
        this.#stopEvents = null;
        this.#view.setStatus('offline');
      },
      onRefused: (refusal) => {
        if (current()) this.#onRefused(refusal);
      },
    });
    this.#connection = connection;
  }

  #join(visitorId: string): Join {
    const identity = this.#identity;
    if (identity === null) return { siteId: this.#siteId, visitorId };
    // A verified identity travels only with its token: without it the join would identify
    // the visitor unverified. A token the server has not judged yet always goes (the server
    // answers expired or not); a stored one past its expiry means the join carries no
    // identity, and the visitor, already bound, stays bound.
    const { token } = identity;
    if (token !== null) {
      const unjudged = this.#waiters.some((waiter) => waiter.identity === identity);
      if (!unjudged && (identity.tokenExpiresAt ?? 0) <= Date.now()) {
        return { siteId: this.#siteId, visitorId };
      }
    }
    return {
      siteId: this.#siteId,
      visitorId,
      email: identity.email,
      ...(identity.name === null ? {} : { name: identity.name }),
      ...(token === null ? {} : { identityToken: token }),
    };
  }

  async #onConnected(connection: Connection, generation: number): Promise<void> {
    this.#connected = true;
    this.#view.setStatus('online');
    if (!(await this.#loadVisitor(connection, generation))) return;
    void this.#confirmIdentities();
    void this.#flushPending();
    this.#events.emit('ready', { identified: this.#isIdentified() });
  }

  /**
   * Loads the visitor (identity and history) and follows its events from the last message.
   * Run at every connect, and after an identify: a verified visitor now sees its contact's
   * conversations from other devices. Returns false when a newer connection took over.
   */
  async #loadVisitor(connection: Connection, generation: number): Promise<boolean> {
    try {
      const { visitor } = await connection.execute<VisitorData>('query', VISITOR_QUERY);
      if (generation !== this.#generation) return false;
      this.#server = { identified: visitor.identified, email: visitor.email };
      const history = visitor.conversations.flatMap((conversation) => conversation.messages);
      for (const message of history) this.#thread.add(message);
    } catch {
      // The socket went down again: the next connect loads the history.
      if (generation !== this.#generation) return false;
    }
    this.#startEvents(connection, generation, true);
    this.#render();
    return true;
  }

  /** Follows new messages; `after` the last known one, so nothing missed while away is lost. */
  #startEvents(connection: Connection, generation: number, withAfter: boolean): void {
    this.#stopEvents?.();
    const after = withAfter ? this.#thread.lastMessageId() : null;
    this.#stopEvents = connection.subscribe<VisitorEventsData>(
      VISITOR_EVENTS_SUBSCRIPTION,
      { after },
      (data) => {
        const message = data.visitorEvents.message;
        if (generation !== this.#generation || message === undefined) return;
        const added = this.#thread.add(message);
        if (added !== null) this.#announce(added);
        this.#render();
      },
      (error) => {
        // A cached history from before a server-side reset names a message this visitor
        // cannot see: follow from now on instead.
        if (generation === this.#generation && error.code === 'BAD_USER_INPUT' && withAfter) {
          this.#startEvents(connection, generation, false);
        }
      },
    );
  }

  #onRefused(refusal: Refusal): void {
    this.#connection?.dispose();
    this.#connected = false;
    this.#stopEvents = null;
    if (refusal.code === JoinCloseCode.Forbidden) {
      const now = Date.now();
      this.#refusals = [...this.#refusals.filter((at) => now - at < 30_000), now];
      if (refusal.reason !== ForbiddenReason.VisitorEnded || this.#refusals.length > 3) {
        this.#stopped = new WidgetError('FORBIDDEN', refusal.reason);
        this.#failWaiters(this.#stopped);
        this.#view.setStatus('offline');
        this.#warn(`the server refused to connect: ${refusal.reason}`);
        return;
      }
      // The visitor was ended elsewhere (another tab's reset): start over, never loop.
      if (this.#adoptStoredVisitor()) return;
      this.#forget();
      this.#visitorId = this.#store.startOver();
      this.#events.emit('reset', {});
      this.#connect();
      return;
    }
    // 4400: the identity the join carried was refused; nothing was written.
    const code = refusal.reason || 'BAD_USER_INPUT';
    if (code === 'IDENTITY_CONFLICT' && this.#identity !== null) {
      // The server knows this visitorId as someone else: a new visitor takes the identity.
      const identity = this.#identity;
      this.#forget({ keepWaiters: true });
      this.#visitorId = this.#store.startOver();
      this.#setIdentity(identity);
      this.#events.emit('reset', {});
    } else {
      this.#warn(`the server refused the identity: ${code}`);
      const identity = this.#identity;
      const waiter = this.#waiters.find((item) => item.identity === identity);
      this.#failWaiters(new WidgetError(code));
      if (waiter !== undefined) {
        // A fresh identify was refused: back to what the visitor was before it.
        this.#setIdentity(waiter.previous);
      } else if (identity?.token && code.startsWith('IDENTITY_TOKEN')) {
        // A stored token went stale in flight: the next join carries no identity.
        this.#setIdentity({ ...identity, tokenExpiresAt: 0 });
      } else this.#setIdentity(null);
    }
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
    this.#connection?.dispose();
    this.#forget();
    this.#visitorId = stored;
    this.#identity = this.#store.identity();
    this.#events.emit('reset', {});
    this.#connect();
    return true;
  }

  #reconnectAsNewVisitor(): void {
    this.#connection?.dispose();
    this.#forget();
    this.#visitorId = this.#store.ensureVisitorId();
    this.#events.emit('reset', {});
    this.#connect();
  }

  /** Clears the in-memory visitor and the UI (storage is the caller's business). */
  #forget(options: { keepWaiters?: boolean } = {}): void {
    this.#stopEvents?.();
    this.#stopEvents = null;
    this.#generation += 1;
    this.#connected = false;
    if (!options.keepWaiters) this.#failWaiters(new WidgetError('RESET'));
    this.#identity = null;
    this.#server = { identified: false, email: null };
    this.#thread.clear();
    this.#view.clear();
    this.#render();
  }

  async #confirmIdentities(): Promise<void> {
    if (this.#confirming) return;
    this.#confirming = true;
    try {
      for (;;) {
        const connection = this.#connection;
        const waiter = this.#waiters[0];
        if (!this.#connected || connection === null || waiter === undefined) return;
        const generation = this.#generation;
        const { email, name, token } = waiter.identity;
        const input = {
          email,
          ...(name === null ? {} : { name }),
          ...(token === null ? {} : { identityToken: token }),
        };
        try {
          const data = await connection.execute<IdentifyData>('mutation', IDENTIFY_MUTATION, {
            input,
          } satisfies IdentifyVariables);
          if (generation !== this.#generation) continue;
          this.#waiters.shift();
          const result = data.identifyVisitor;
          this.#server = { identified: true, email: result.contact.email };
          this.#render();
          if (waiter.identity.token !== null) await this.#loadVisitor(connection, generation);
          waiter.resolve(result);
          this.#events.emit('identified', result);
        } catch (error) {
          const failure = error instanceof WidgetError ? error : new WidgetError(NETWORK_ERROR);
          // A replaced connection: the waiter stays for the next one.
          if (generation !== this.#generation || failure.code === NETWORK_ERROR) return;
          this.#waiters.shift();
          if (this.#identity === waiter.identity) this.#setIdentity(waiter.previous);
          this.#warn(`the server refused the identity: ${failure.code}`);
          waiter.reject(failure);
          this.#events.emit('identify_failed', { email, code: failure.code });
        }
      }
    } finally {
      this.#confirming = false;
    }
  }

  #failWaiters(error: WidgetError): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      waiter.reject(error);
      this.#events.emit('identify_failed', { email: waiter.identity.email, code: error.code });
    }
  }

  async #submitEmail(email: string): Promise<string | null> {
    try {
      await this.identify({ email });
      return null;
    } catch (error) {
      const code = error instanceof WidgetError ? error.code : '';
      return code === 'BAD_USER_INPUT'
        ? 'That email address does not look right.'
        : 'Could not save your email. Please try again.';
    }
  }

  /** Sends pending messages one at a time, in order; graphql-ws resends across reconnects. */
  async #flushPending(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (;;) {
        const connection = this.#connection;
        const next = this.#thread.nextToSend();
        if (!this.#connected || connection === null || next === undefined) return;
        const generation = this.#generation;
        next.inFlight = true;
        try {
          const data = await connection.execute<SendMessageData>(
            'mutation',
            SEND_MESSAGE_MUTATION,
            {
              input: { body: next.body, clientMessageId: next.clientMessageId },
            },
          );
          if (generation !== this.#generation) return;
          const added = this.#thread.confirm(next, data.sendMessage);
          if (added !== null) this.#announce(added);
          this.#render();
        } catch (error) {
          if (generation !== this.#generation) return;
          next.inFlight = false;
          const code = error instanceof WidgetError ? error.code : NETWORK_ERROR;
          if (code === NETWORK_ERROR) return;
          next.state = 'failed';
          this.#render();
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #retry(key: string): void {
    if (!this.#thread.retry(key)) return;
    this.#render();
    void this.#flushPending();
  }

  /** A message new to this page: the `message` event, and the unread badge for an agent's. */
  #announce(message: StoredMessage): void {
    if (message.author === 'AGENT') this.#view.addUnread();
    this.#events.emit('message', message);
  }

  #setIdentity(identity: StoredIdentity | null): void {
    this.#identity = identity;
    if (identity === null) this.#store.clearIdentity();
    else this.#store.saveIdentity(identity);
    this.#render();
  }

  #isIdentified(): boolean {
    return this.#identity !== null || this.#server.identified;
  }

  #render(): void {
    this.#view.setMessages(this.#thread.view());
    this.#view.setPromptWanted(this.#thread.hasVisitorWritten() && !this.#isIdentified());
  }
}
/** Emails match as the server matches them: trimmed, NFC-normalised, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** The `exp` of a JWT in epoch ms; one hour from now when it cannot be read. */
export function tokenExpiry(token: string, now = Date.now()): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp: unknown = JSON.parse(json).exp;
    if (typeof exp === 'number') return exp * 1000;
  } catch {
    // Not a JWT we can read: the server decides; keep it for the default lifetime.
  }
  return now + 3_600_000;
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

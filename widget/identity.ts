/**
 * Who the visitor is: the identity the page gave (`identify` or the email prompt), kept in
 * storage and carried by the join, what the server last said about it, and the identifies the
 * server has yet to confirm.
 */
import { ErrorCode } from '../protocol/index.ts';
import { type Connection, type Join, NETWORK_ERROR, WidgetError } from './client.ts';
import type { Emitter } from './events.ts';
import type { ServerIdentity } from './feed.ts';
import type { Link } from './link.ts';
import { IDENTIFY_MUTATION, type IdentifyResult } from './operations.ts';
import type { StoredIdentity, VisitorStore } from './storage.ts';

/** What `identify` accepts, validated. */
export interface IdentifyInput {
  readonly email: string;
  readonly name?: string;
  readonly identityToken?: string;
}

interface IdentifyWaiter {
  readonly identity: StoredIdentity;
  readonly previous: StoredIdentity | null;
  resolve(result: IdentifyResult): void;
  reject(error: WidgetError): void;
}

export interface IdentityOptions {
  readonly store: VisitorStore;
  readonly events: Emitter;
  readonly warn: (message: string) => void;
  readonly link: Link;
  /** The identity changed (the email prompt depends on it). */
  readonly changed: () => void;
  /** A verified identity was confirmed: load the visitor again, with its contact's history. */
  readonly reload: (connection: Connection, generation: number) => Promise<unknown>;
}

const ANONYMOUS: ServerIdentity = { identified: false, email: null };

export class Identity {
  readonly #options: IdentityOptions;
  #current: StoredIdentity | null;
  /** What the server last said about this visitor's identity. */
  #server = ANONYMOUS;
  #waiters: IdentifyWaiter[] = [];
  #confirming = false;

  constructor(options: IdentityOptions) {
    this.#options = options;
    this.#current = options.store.identity();
  }

  /** The identity the page gave, as stored; null when anonymous to the page. */
  get current(): StoredIdentity | null {
    return this.#current;
  }

  /** The email the visitor is known by, to the page or to the server. */
  knownEmail(): string | null {
    return this.#current?.email ?? this.#server.email;
  }

  isIdentified(): boolean {
    return this.#current !== null || this.#server.identified;
  }

  /** The server's view, from the visitor query. */
  learned(server: ServerIdentity): void {
    this.#server = server;
  }

  /** Takes the identity another tab stored (storage is already written). */
  adoptStored(): void {
    this.#current = this.#options.store.identity();
  }

  /** Stores the identity (null forgets it): the next join carries it. */
  set(identity: StoredIdentity | null): void {
    this.#current = identity;
    if (identity === null) this.#options.store.clearIdentity();
    else this.#options.store.saveIdentity(identity);
    this.#options.changed();
  }

  /**
   * Stores the identity and has the server confirm it; resolves or rejects once it has. The
   * token and the name of the same email are kept when the page does not give them again.
   */
  identify(input: IdentifyInput): Promise<IdentifyResult> {
    const previous = this.#current;
    const sameEmail =
      previous !== null && normalizeEmail(previous.email) === normalizeEmail(input.email);
    const identityToken = input.identityToken ?? (sameEmail ? previous.identityToken : null);
    const identity: StoredIdentity = {
      email: input.email,
      name: input.name ?? (sameEmail ? previous.name : null),
      identityToken,
      identityTokenExpiresAt:
        input.identityToken !== undefined
          ? tokenExpiry(input.identityToken)
          : sameEmail
            ? previous.identityTokenExpiresAt
            : null,
    };
    this.set(identity);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ identity, previous, resolve, reject });
      void this.confirm();
    });
  }

  /** The join for `visitorId` of `siteId`, with the identity it may carry. */
  join(siteId: string, visitorId: string): Join {
    const identity = this.#current;
    if (identity === null) return { siteId, visitorId };
    // A verified identity travels only with its token: without it the join would identify
    // the visitor unverified. A token the server has not judged yet always goes (the server
    // answers expired or not); a stored one past its expiry means the join carries no
    // identity, and the visitor, already bound, stays bound.
    const { identityToken } = identity;
    if (identityToken !== null) {
      const unjudged = this.#waiters.some((waiter) => waiter.identity === identity);
      if (!unjudged && (identity.identityTokenExpiresAt ?? 0) <= Date.now()) {
        return { siteId, visitorId };
      }
    }
    return {
      siteId,
      visitorId,
      email: identity.email,
      ...(identity.name === null ? {} : { name: identity.name }),
      ...(identityToken === null ? {} : { identityToken }),
    };
  }

  /** Has the server confirm the waiting identifies, in order, while the socket is up. */
  async confirm(): Promise<void> {
    if (this.#confirming) return;
    this.#confirming = true;
    const { link, events } = this.#options;
    try {
      for (;;) {
        const connection = link.connection;
        const waiter = this.#waiters[0];
        if (!link.connected || connection === null || waiter === undefined) return;
        const generation = link.generation;
        const { email, name, identityToken } = waiter.identity;
        const input = {
          email,
          ...(name === null ? {} : { name }),
          ...(identityToken === null ? {} : { identityToken }),
        };
        try {
          const data = await connection.execute('mutation', IDENTIFY_MUTATION, { input });
          if (!link.isCurrent(generation)) continue;
          this.#waiters.shift();
          const result = data.identifyVisitor;
          this.#server = { identified: true, email: result.contact.email };
          this.#options.changed();
          if (waiter.identity.identityToken !== null)
            await this.#options.reload(connection, generation);
          waiter.resolve(result);
          events.emit('identified', result);
        } catch (error) {
          const failure = error instanceof WidgetError ? error : new WidgetError(NETWORK_ERROR);
          // A replaced connection: the waiter stays for the next one.
          if (!link.isCurrent(generation) || failure.code === NETWORK_ERROR) return;
          this.#waiters.shift();
          if (this.#current === waiter.identity) this.set(waiter.previous);
          this.#options.warn(`the server refused the identity: ${failure.code}`);
          waiter.reject(failure);
          events.emit('identify_failed', { email, code: failure.code });
        }
      }
    } finally {
      this.#confirming = false;
    }
  }

  /**
   * The join's identity was refused (close code 4400, any code but IDENTITY_CONFLICT): a
   * fresh identify goes back to what the visitor was before it, a stale token stops riding
   * on the join, anything else is forgotten.
   */
  refused(code: string): void {
    this.#options.warn(`the server refused the identity: ${code}`);
    const identity = this.#current;
    const waiter = this.#waiters.find((item) => item.identity === identity);
    this.failWaiters(new WidgetError(code));
    if (waiter !== undefined) this.set(waiter.previous);
    else if (identity?.identityToken && code === ErrorCode.IDENTITY_TOKEN_EXPIRED) {
      // A stored token went stale in flight: the next join carries no identity.
      this.set({ ...identity, identityTokenExpiresAt: 0 });
    } else this.set(null);
  }

  /** Rejects every waiting identify with `error`. */
  failWaiters(error: WidgetError): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      waiter.reject(error);
      this.#options.events.emit('identify_failed', {
        email: waiter.identity.email,
        code: error.code,
      });
    }
  }

  /** Forgets the identity in memory (storage is the caller's business). */
  forget(options: { keepWaiters: boolean }): void {
    if (!options.keepWaiters) this.failWaiters(new WidgetError('RESET'));
    this.#current = null;
    this.#server = ANONYMOUS;
  }
}

/** Emails match as the server matches them: trimmed, NFC-normalised, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** The `exp` of a JWT in epoch ms; one hour from now when it cannot be read. */
export function tokenExpiry(identityToken: string, now = Date.now()): number {
  try {
    const payload = identityToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp: unknown = JSON.parse(json).exp;
    if (typeof exp === 'number') return exp * 1000;
  } catch {
    // Not a JWT we can read: the server decides; keep it for the default lifetime.
  }
  return now + 3_600_000;
}

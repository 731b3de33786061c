/**
 * The visitor's state in the browser: localStorage keys namespaced by siteId, so two Sonny
 * workspaces embedded on one origin never share a visitor. Every key is listed in
 * {@link storageKeys}; `reset` removes them all but the workspace's look, which is nobody's.
 */

/** A message as the widget keeps it: the server's fields, nothing derived. */
export interface StoredMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly author: 'VISITOR' | 'AGENT';
  /** The agent's name on an agent's message; null on the visitor's. */
  readonly authorName: string | null;
  readonly body: string;
  readonly createdAt: string;
}

/** What the widget shows of its workspace, as the visitor query last told it; null: default. */
export interface StoredLook {
  readonly teamName: string | null;
  readonly greeting: string | null;
  readonly brandColor: string | null;
}

/** A message typed but not yet acknowledged by the server; resent with the same id. */
export interface PendingMessage {
  readonly clientMessageId: string;
  readonly body: string;
  readonly createdAt: string;
}

/** The identity the page gave with `identify` (or the email prompt). */
export interface StoredIdentity {
  readonly email: string;
  readonly name: string | null;
  /** The signed identity token, sent as `identityToken` until it expires. */
  readonly identityToken: string | null;
  /** When the token expires, in epoch milliseconds; null without a token. */
  readonly identityTokenExpiresAt: number | null;
}

/** At most this many messages are cached for an instant history on the next page load. */
export const HISTORY_LIMIT = 200;

/** Every key the widget writes for one site. */
export function storageKeys(siteId: string) {
  const prefix = `sonny:${siteId}:`;
  return {
    visitorId: `${prefix}visitorId`,
    email: `${prefix}email`,
    name: `${prefix}name`,
    identityToken: `${prefix}identityToken`,
    identityTokenExpiresAt: `${prefix}identityTokenExpiresAt`,
    history: `${prefix}history`,
    pending: `${prefix}pending`,
    look: `${prefix}look`,
  } as const;
}

type Keys = ReturnType<typeof storageKeys>;

/** What another tab changed: a new visitor (reset) or a new identity. */
export type ExternalChange = 'visitor' | 'identity';

export class VisitorStore {
  readonly keys: Keys;
  readonly #storage: Storage;

  constructor(siteId: string, storage: Storage = browserStorage()) {
    this.keys = storageKeys(siteId);
    this.#storage = storage;
  }

  visitorId(): string | null {
    return this.#get(this.keys.visitorId);
  }

  /** The stored visitorId, or a new random one stored now. */
  ensureVisitorId(): string {
    const stored = this.visitorId();
    if (stored !== null) return stored;
    const created = crypto.randomUUID();
    this.#set(this.keys.visitorId, created);
    return created;
  }

  /**
   * The stored identity. A token is returned with its expiry even when past it: the identity
   * was a verified one, and the join must not replay it unverified (see `Identity.join`).
   */
  identity(): StoredIdentity | null {
    const email = this.#get(this.keys.email);
    if (email === null) return null;
    const identityToken = this.#get(this.keys.identityToken);
    const identityTokenExpiresAt = Number(this.#get(this.keys.identityTokenExpiresAt));
    return {
      email,
      name: this.#get(this.keys.name),
      identityToken,
      identityTokenExpiresAt:
        identityToken === null
          ? null
          : Number.isFinite(identityTokenExpiresAt)
            ? identityTokenExpiresAt
            : 0,
    };
  }

  /**
   * Stores the identity with the email written last (and removed first): another tab that
   * reads an email always reads the token that goes with it, never a verified identity
   * without its token.
   */
  saveIdentity(identity: StoredIdentity): void {
    this.#remove(this.keys.email);
    this.#setOrRemove(this.keys.identityToken, identity.identityToken);
    this.#setOrRemove(
      this.keys.identityTokenExpiresAt,
      identity.identityTokenExpiresAt === null ? null : String(identity.identityTokenExpiresAt),
    );
    this.#setOrRemove(this.keys.name, identity.name);
    this.#set(this.keys.email, identity.email);
  }

  clearIdentity(): void {
    for (const key of [
      this.keys.email,
      this.keys.name,
      this.keys.identityToken,
      this.keys.identityTokenExpiresAt,
    ]) {
      this.#remove(key);
    }
  }

  history(): StoredMessage[] {
    // A history cached before messages had names has none: null until the server's copy.
    return this.#getList(this.keys.history, isStoredMessage).map((message) => ({
      ...message,
      authorName: message.authorName ?? null,
    }));
  }

  saveHistory(messages: readonly StoredMessage[]): void {
    if (messages.length === 0) this.#remove(this.keys.history);
    else this.#set(this.keys.history, JSON.stringify(messages.slice(-HISTORY_LIMIT)));
  }

  /** The workspace's look shown on the previous page, so the header is right before a join. */
  look(): StoredLook | null {
    const raw = this.#get(this.keys.look);
    if (raw === null) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isStoredLook(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  saveLook(look: StoredLook): void {
    this.#set(this.keys.look, JSON.stringify(look));
  }

  pending(): PendingMessage[] {
    return this.#getList(this.keys.pending, isPendingMessage);
  }

  savePending(messages: readonly PendingMessage[]): void {
    if (messages.length === 0) this.#remove(this.keys.pending);
    else this.#set(this.keys.pending, JSON.stringify(messages));
  }

  /**
   * Forgets every visitor datum and stores a fresh visitorId, returned. The visitorId is
   * written last: another tab that sees it change finds everything else already cleared. The
   * workspace's look stays: it is the same for every visitor of the site.
   */
  startOver(): string {
    for (const [name, key] of Object.entries(this.keys)) {
      if (name !== 'visitorId' && name !== 'look') this.#remove(key);
    }
    const visitorId = crypto.randomUUID();
    this.#set(this.keys.visitorId, visitorId);
    return visitorId;
  }

  /**
   * Calls `listener` when another tab of this site changes the visitor (a reset there) or
   * the identity. Returns the function that stops listening.
   */
  onExternalChange(listener: (change: ExternalChange) => void): () => void {
    const onStorage = (event: StorageEvent) => {
      if (event.storageArea !== this.#storage) return;
      // `localStorage.clear()` reports a null key: every datum went, the visitor too.
      if (event.key === null || event.key === this.keys.visitorId) listener('visitor');
      else if (event.key === this.keys.email || event.key === this.keys.name) listener('identity');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }

  #get(key: string): string | null {
    try {
      return this.#storage.getItem(key);
    } catch {
      return null;
    }
  }

  #set(key: string, value: string): void {
    try {
      this.#storage.setItem(key, value);
    } catch {
      // Full or forbidden storage: the widget still works for this page view.
    }
  }

  #remove(key: string): void {
    try {
      this.#storage.removeItem(key);
    } catch {
      // As above.
    }
  }

  #setOrRemove(key: string, value: string | null): void {
    if (value === null) this.#remove(key);
    else this.#set(key, value);
  }

  #getList<T>(key: string, isItem: (value: unknown) => value is T): T[] {
    const raw = this.#get(key);
    if (raw === null) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isItem) : [];
    } catch {
      return [];
    }
  }
}

/** localStorage, or an in-memory stand-in when the browser refuses it (privacy modes). */
function browserStorage(): Storage {
  try {
    const probe = 'sonny:probe';
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isTextOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isStoredLook(value: unknown): value is StoredLook {
  return (
    isRecord(value) &&
    isTextOrNull(value.teamName) &&
    isTextOrNull(value.greeting) &&
    isTextOrNull(value.brandColor)
  );
}

function isStoredMessage(value: unknown): value is StoredMessage {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.conversationId === 'string' &&
    (value.author === 'VISITOR' || value.author === 'AGENT') &&
    (value.authorName === undefined || isTextOrNull(value.authorName)) &&
    typeof value.body === 'string' &&
    typeof value.createdAt === 'string'
  );
}

function isPendingMessage(value: unknown): value is PendingMessage {
  return (
    isRecord(value) &&
    typeof value.clientMessageId === 'string' &&
    typeof value.body === 'string' &&
    typeof value.createdAt === 'string'
  );
}

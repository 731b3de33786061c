/**
 * The commands behind `window.sonny`, validated. Before `init` there is no siteId, so no
 * storage namespace: commands wait, in order, and run when `init` creates the session.
 */
import { WidgetError } from './client.ts';
import { Emitter, type EventName, isEventName, type WidgetEvents } from './events.ts';
import type { IdentifyInput } from './identity.ts';
import type { IdentifyResult } from './operations.ts';
import { Session } from './session.ts';

/** A command called with arguments it cannot use; reported with one console.warn. */
export class CommandError extends Error {}

const INIT_OPTIONS = ['siteId', 'serverUrl'];
const IDENTIFY_FIELDS = ['email', 'name', 'identityToken'];

export class Sonny {
  readonly #events = new Emitter();
  /** The origin widget.js was loaded from: the default server. */
  readonly #scriptOrigin: string | null;
  #session: Session | null = null;
  #initialised = false;
  readonly #waiting: Array<(session: Session) => void> = [];

  constructor(options: { scriptOrigin: string | null }) {
    this.#scriptOrigin = options.scriptOrigin;
  }

  init(options: unknown): void {
    if (this.#initialised) throw new CommandError('init was already called; this call is ignored');
    if (!isRecord(options)) throw new CommandError('init needs an options object with a siteId');
    const { siteId, serverUrl } = options;
    if (typeof siteId !== 'string' || siteId.trim() === '') {
      throw new CommandError('init needs a siteId string (find it in your Sonny workspace)');
    }
    const server = serverUrl === undefined ? this.#scriptOrigin : parseOrigin(serverUrl);
    if (server === null) {
      throw new CommandError(
        serverUrl === undefined
          ? 'cannot tell which server widget.js came from; pass init a serverUrl'
          : 'serverUrl must be an http(s) URL',
      );
    }
    const unknown = Object.keys(options).filter((key) => !INIT_OPTIONS.includes(key));
    this.#initialised = true;
    const session = new Session({ siteId, serverUrl: server, events: this.#events, warn });
    this.#session = session;
    for (const run of this.#waiting.splice(0)) run(session);
    if (unknown.length > 0) warn(`init ignores unknown options: ${unknown.join(', ')}`);
  }

  identify(input: unknown): Promise<IdentifyResult> {
    const identity = parseIdentify(input);
    return handled(this.#withSession((session) => session.identify(identity)));
  }

  reset(): Promise<void> {
    return handled(this.#withSession((session) => session.reset()));
  }

  open(): void {
    void this.#withSession((session) => session.open());
  }

  close(): void {
    void this.#withSession((session) => session.close());
  }

  on<E extends EventName>(event: unknown, handler: unknown): () => void {
    if (!isEventName(event)) {
      throw new CommandError(
        `on: unknown event ${JSON.stringify(event)}; events are ready, identified, identify_failed, reset, message`,
      );
    }
    if (typeof handler !== 'function') throw new CommandError('on needs a handler function');
    return this.#events.on(event as E, handler as (payload: WidgetEvents[E]) => void);
  }

  /** Runs `task` now, or once `init` has created the session. */
  #withSession<T>(task: (session: Session) => T | Promise<T>): Promise<T> {
    const session = this.#session;
    if (session !== null) return Promise.resolve().then(() => task(session));
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push((ready) => {
        Promise.resolve()
          .then(() => task(ready))
          .then(resolve, reject);
      });
    });
  }
}

/** Validates identify's argument: `{ email, name?, identityToken? }`, all strings. */
function parseIdentify(input: unknown): IdentifyInput {
  if (!isRecord(input)) throw new CommandError('identify needs an object: { email, name? }');
  const { email, name, identityToken } = input;
  if (typeof email !== 'string' || email.trim() === '') {
    throw new CommandError('identify needs an email string');
  }
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw new CommandError('identify: name must be a string');
  }
  if (identityToken !== undefined && identityToken !== null && typeof identityToken !== 'string') {
    throw new CommandError('identify: identityToken must be a string');
  }
  const unknown = Object.keys(input).filter((key) => !IDENTIFY_FIELDS.includes(key));
  if (unknown.length > 0) warn(`identify ignores unknown fields: ${unknown.join(', ')}`);
  return {
    email: email.trim(),
    ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
    ...(typeof identityToken === 'string' && identityToken !== '' ? { identityToken } : {}),
  };
}

/**
 * The page may ignore the Promise (the snippet does): a failure must not surface as an
 * unhandled rejection. The caller's own `.then`/`.catch` still sees it.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The one way the widget complains to the page's developer. */
export function warn(message: string): void {
  console.warn(`Sonny: ${message}`);
}

function parseOrigin(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { WidgetError };

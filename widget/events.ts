/** The widget's events, as `sonny('on', name, handler)` offers them. */
import type { IdentifyResult } from './operations.ts';
import type { StoredMessage } from './storage.ts';

export interface WidgetEvents {
  /** The first join was acknowledged and the history loaded. */
  ready: { readonly identified: boolean };
  /** The server bound the visitor to the contact (identify or the email prompt). */
  identified: IdentifyResult;
  /** The server refused an identify; `code` is its error code. */
  identify_failed: { readonly email: string; readonly code: string };
  /** The visitor started over: this tab's reset, another tab's, or the server's. */
  reset: Record<string, never>;
  /** A message was added to the visitor's conversations, by either side, while the page was open. */
  message: StoredMessage;
}

export type EventName = keyof WidgetEvents;

export const EVENT_NAMES: readonly EventName[] = [
  'ready',
  'identified',
  'identify_failed',
  'reset',
  'message',
];

export function isEventName(name: unknown): name is EventName {
  return EVENT_NAMES.includes(name as EventName);
}

type Handler<E extends EventName> = (payload: WidgetEvents[E]) => void;

export class Emitter {
  readonly #handlers = new Map<EventName, Set<Handler<never>>>();
  /** `ready` fires once; a handler added later is called with its payload at once. */
  #ready: WidgetEvents['ready'] | null = null;

  on<E extends EventName>(event: E, handler: Handler<E>): () => void {
    let set = this.#handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(handler as Handler<never>);
    const ready = this.#ready;
    if (event === 'ready' && ready !== null) {
      queueMicrotask(() => call(handler as Handler<'ready'>, ready));
    }
    return () => set.delete(handler as Handler<never>);
  }

  emit<E extends EventName>(event: E, payload: WidgetEvents[E]): void {
    if (event === 'ready') {
      if (this.#ready !== null) return;
      this.#ready = payload as WidgetEvents['ready'];
    }
    for (const handler of this.#handlers.get(event) ?? []) call(handler as Handler<E>, payload);
  }
}

/** A host handler's exception is the host's: reported like an uncaught error, never ours. */
function call<T>(handler: (payload: T) => void, payload: T): void {
  try {
    handler(payload);
  } catch (error) {
    if (typeof reportError === 'function') reportError(error);
    else
      setTimeout(() => {
        throw error;
      });
  }
}

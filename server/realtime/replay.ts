import { Repeater } from '@repeaterjs/repeater';

/** How a subscription reads its events: live from pub/sub, and from the database by position. */
export interface ReplayOptions<Event> {
  /** Listens to live events; returns the function that stops listening. */
  listen: (onEvent: (event: Event) => void) => () => void;
  /** Calls back each time live delivery may have lost events (`PubSub.onResumed`). */
  onResumed: (listener: () => void) => () => void;
  /** The client's `after`, as a position: replay what came later. Null starts from now on. */
  after: string | null;
  /** The newest position now: where a subscription without `after` starts. */
  newestPosition: () => Promise<string>;
  /** The events after a position, oldest first, as the database has them. */
  loadAfter: (position: string) => Promise<Event[]>;
  /** What identifies an event: a live copy of a replayed event has the same key. */
  key: (event: Event) => string;
  /** An event's position (a decimal bigint, `seq`): the order `loadAfter` returns them in. */
  position: (event: Event) => string;
  /** Told when a catch-up failed (the subscription retries, or ends), for the log. */
  onError: (message: string, error: unknown) => void;
}

/** How long a failed catch-up waits before it reads the database again. */
const CATCH_UP_RETRY_MS = 1_000;

/**
 * Replays what a client missed, then continues live, losing and repeating nothing — also when
 * live delivery breaks: each time pub/sub resumes after a gap (Redis restarted), the
 * subscription catches up from the database, after the last position it knows complete.
 *
 * Listening starts before the database is read, so an event committed meanwhile arrives from
 * the database, live, or both; `key` drops the second copy. While a catch-up runs, live events
 * wait behind it, so what was missed comes first and in order. Publishers may deliver out of
 * order, so live events are never dropped by position, only by key.
 *
 * Why catch up on the server rather than close the sockets so clients resubscribe with
 * `after`: every subscriber is covered, including integrators that do not resubscribe, and
 * including a subscription that has delivered nothing yet (it knows where it started); a Redis
 * restart costs one database read per subscription, not a reconnect of every socket at once.
 */
export function replayThenLive<Event>(options: ReplayOptions<Event>): AsyncIterable<Event> {
  return new Repeater<Event>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const delivered = new DeliveredEvents(options.key, options.position);
    /** Live events held while a catch-up runs; null when none does. */
    let held: Event[] | null = [];
    let catchUpWanted = options.after !== null;

    // Awaiting the consumer keeps a long backlog within the repeater's pending-push limit.
    const deliver = async (events: Event[]) => {
      for (const event of events) if (delivered.add(event)) await push(event);
    };
    const load = async (mayRetry: boolean): Promise<Event[]> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await options.loadAfter(delivered.cursor);
        } catch (error) {
          // The first read's failure is the client's answer; a later one must not end a
          // subscription the client believes live, so it is retried until it succeeds.
          if (!mayRetry) throw error;
          if (attempt === 0) options.onError('A subscription could not catch up; retrying', error);
          await Promise.race([
            stop,
            new Promise((resolve) => setTimeout(resolve, CATCH_UP_RETRY_MS)),
          ]);
          if (stopped) return [];
        }
      }
    };
    /** Runs the wanted catch-ups, then the held live events, until nothing is left. */
    const drain = async (first: boolean) => {
      for (;;) {
        if (catchUpWanted) {
          catchUpWanted = false;
          const events = await load(!first);
          await deliver(events);
          delivered.caughtUp(events);
        }
        while (held !== null && held.length > 0) {
          const batch: Event[] = held;
          held = [];
          await deliver(batch);
        }
        // No await between this check and the next line: nothing can slip in between.
        if (!catchUpWanted || stopped) {
          held = null;
          return;
        }
      }
    };
    const catchUp = () => {
      catchUpWanted = true;
      if (held !== null) return; // the running drain sees the wish
      held = [];
      drain(false).catch((error: unknown) => {
        held = null;
        options.onError('A subscription failed while catching up', error);
      });
    };

    const unlisten = options.listen((event) => {
      if (held !== null) held.push(event);
      else if (delivered.add(event)) {
        void push(event);
        if (delivered.needsSync()) catchUp();
      }
    });
    const unresume = options.onResumed(catchUp);
    try {
      delivered.cursor = options.after ?? (await options.newestPosition());
      await drain(true);
    } catch (error) {
      unlisten();
      unresume();
      throw error;
    }
    await stop;
    unlisten();
    unresume();
  });
}

/**
 * How long after its delivery an event's live copy may still arrive. Events are published
 * right after their commit, within the publish timeout; this is far beyond it.
 */
const LIVE_COPY_WINDOW_MS = 60_000;
/** After this many new remembered events, a catch-up moves the cursor so memory stays bounded. */
const SYNC_EVERY = 1_000;

/**
 * What a subscription delivered, so it delivers nothing twice with bounded memory. `cursor` is
 * a position up to which the database has been read: everything the subscription may see up
 * to it was delivered. Events delivered after it are remembered by key; so are those at or
 * before it for {@link LIVE_COPY_WINDOW_MS}, since their live copy may still be on its way.
 */
class DeliveredEvents<Event> {
  cursor = '0';
  readonly #key: (event: Event) => string;
  readonly #position: (event: Event) => string;
  readonly #seen = new Map<string, { position: bigint; at: number }>();
  #syncAt = SYNC_EVERY;

  constructor(key: (event: Event) => string, position: (event: Event) => string) {
    this.#key = key;
    this.#position = position;
  }

  /** Remembers the event; false when it was delivered already. */
  add(event: Event): boolean {
    const key = this.#key(event);
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, { position: BigInt(this.#position(event)), at: Date.now() });
    return true;
  }

  /** Whether enough was remembered since the last catch-up that another should run. */
  needsSync(): boolean {
    return this.#seen.size >= this.#syncAt;
  }

  /** The database was read after the cursor and `events` (oldest first) were delivered. */
  caughtUp(events: readonly Event[]): void {
    const last = events.at(-1);
    if (last !== undefined && BigInt(this.#position(last)) > BigInt(this.cursor)) {
      this.cursor = this.#position(last);
    }
    const cursor = BigInt(this.cursor);
    const forgettable = Date.now() - LIVE_COPY_WINDOW_MS;
    for (const [key, { position, at }] of this.#seen) {
      if (position <= cursor && at < forgettable) this.#seen.delete(key);
    }
    this.#syncAt = this.#seen.size + SYNC_EVERY;
  }
}

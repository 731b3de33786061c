import { Repeater } from '@repeaterjs/repeater';

/** One read of a log after a position (the inbox's: `readInboxLogAfter`). */
export interface LogRead<Event> {
  /** Events after the position in the log's order, final: none can come before them later. */
  readonly events: readonly Event[];
  /** What follows them: nothing yet, `more` to read now, or events `held` back a while. */
  readonly rest: 'none' | 'more' | 'held';
}

/** Where a subscription that starts now starts. */
export interface LogStart<Position> {
  readonly position: Position;
  /**
   * Events after `position` that are older than the subscription (committed already, their
   * place not final yet), by key: read, but not delivered.
   */
  readonly before: readonly string[];
}

/** How a subscription follows a log: wake-ups from pub/sub, events from the database. */
export interface FollowLogOptions<Event, Position> {
  /** Listens to the log's appends (their live copies); returns the function that stops. */
  listen: (onAppended: () => void) => () => void;
  /** Calls back each time live delivery may have lost appends (`PubSub.onResumed`). */
  onResumed: (listener: () => void) => () => void;
  /** The client's `after`, as a position: deliver what comes after it. Null: from now on. */
  after: Position | null;
  /** Where a subscription without `after` starts. */
  start: () => Promise<LogStart<Position>>;
  /** Reads the log after a position. */
  readAfter: (position: Position) => Promise<LogRead<Event>>;
  /** An event's position: the next read starts after the last event read. */
  position: (event: Event) => Position;
  /** What identifies an event, as {@link LogStart.before} lists it. */
  key: (event: Event) => string;
  /** Told when a read failed (the subscription retries, or ends), for the log. */
  onError: (message: string, error: unknown) => void;
}

/** The first re-read of held events waits this long; each next one twice as long, up to the max. */
const FIRST_HELD_RETRY_MS = 10;
const MAX_HELD_RETRY_MS = 1_000;
/** How long a failed read waits before it reads the database again. */
const FAILED_READ_RETRY_MS = 1_000;

/**
 * Delivers a log's events after a position, then each new one, exactly once and in the log's
 * order: every event comes from a database read after the last one delivered, never from
 * pub/sub. An append's live copy only wakes the subscription, which then reads; wake-ups that
 * come while it reads are answered by one more read. Pub/sub resuming after a gap (Redis
 * restarted) wakes it too, since appends may have gone unheard.
 *
 * A read may find events held back: written, but not yet final in the log's order (the inbox's
 * wait for the transactions that were running when they were written to end). Those may end
 * without an append of this log to wake anyone, so the subscription reads again on its own,
 * 10 ms later, then twice as long each time nothing moved, up to 1 s. A subscription that
 * starts now reads past the events that committed before it but were held (`LogStart.before`)
 * without delivering them: they are not news, and skipping any other could lose one.
 *
 * The first read's failure is the client's answer; a later one must not end a subscription
 * the client believes live, so it is retried every second until it succeeds.
 */
export function followLog<Event, Position>(
  options: FollowLogOptions<Event, Position>,
): AsyncIterable<Event> {
  return new Repeater<Event>(async (push, stop) => {
    let stopped = false;
    let readWanted = true;
    let wake = () => {};
    const wakeUp = () => {
      readWanted = true;
      wake();
    };
    let timer: NodeJS.Timeout | undefined;
    const wakeUpIn = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(wakeUp, ms);
    };
    void stop.then(() => {
      stopped = true;
      wake();
    });
    const unlisten = options.listen(wakeUp);
    const unresume = options.onResumed(wakeUp);
    try {
      let position: Position;
      let notNews = new Set<string>();
      if (options.after === null) {
        const start = await options.start();
        position = start.position;
        notNews = new Set(start.before);
      } else {
        position = options.after;
      }
      let heldRetryMs = FIRST_HELD_RETRY_MS;
      let first = true;
      let failing = false;
      while (!stopped) {
        if (!readWanted) {
          // Nothing runs between the check above and this: no wake-up can slip in between.
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        readWanted = false;
        let read: LogRead<Event>;
        try {
          read = await options.readAfter(position);
        } catch (error) {
          if (first) throw error;
          if (!failing)
            options.onError('A subscription could not read its events; retrying', error);
          failing = true;
          wakeUpIn(FAILED_READ_RETRY_MS);
          continue;
        }
        first = false;
        failing = false;
        // Awaiting the consumer keeps a long backlog within the repeater's pending-push limit.
        for (const event of read.events) {
          if (!notNews.delete(options.key(event))) await push(event);
          position = options.position(event);
        }
        if (read.rest === 'more') readWanted = true;
        if (read.rest !== 'held') {
          heldRetryMs = FIRST_HELD_RETRY_MS;
          continue;
        }
        if (read.events.length > 0) heldRetryMs = FIRST_HELD_RETRY_MS;
        wakeUpIn(heldRetryMs);
        heldRetryMs = Math.min(heldRetryMs * 2, MAX_HELD_RETRY_MS);
      }
    } finally {
      clearTimeout(timer);
      unlisten();
      unresume();
    }
  });
}

import { Repeater } from '@repeaterjs/repeater';

/**
 * Replays what a client missed, then continues live, losing and repeating nothing.
 *
 * Listening starts before the backlog is read, so an event committed while the backlog query
 * runs arrives in the backlog, live, or both; `key` drops the second copy. Publishers may
 * deliver out of order, so live events are never dropped by position, only by key.
 */
export function replayThenLive<Event>(options: {
  listen: (onEvent: (event: Event) => void) => () => void;
  loadBacklog: () => Promise<Event[]>;
  key: (event: Event) => string;
}): AsyncIterable<Event> {
  return new Repeater<Event>(async (push, stop) => {
    let arrivedDuringReplay: Event[] | null = [];
    const replayed = new Set<string>();
    const unlisten = options.listen((event) => {
      if (arrivedDuringReplay) arrivedDuringReplay.push(event);
      else if (!replayed.has(options.key(event))) void push(event);
    });
    // Awaiting the consumer keeps a long backlog within the repeater's pending-push limit.
    const replay = async (events: Event[]) => {
      for (const event of events) {
        const key = options.key(event);
        if (replayed.has(key)) continue;
        replayed.add(key);
        await push(event);
      }
    };
    try {
      await replay(await options.loadBacklog());
      while (arrivedDuringReplay.length > 0) {
        const batch = arrivedDuringReplay;
        arrivedDuringReplay = [];
        await replay(batch);
      }
      // No await between the last check and this line: nothing can slip in between.
      arrivedDuringReplay = null;
    } catch (error) {
      unlisten();
      throw error;
    }
    await stop;
    unlisten();
  });
}

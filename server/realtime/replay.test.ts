import { describe, expect, it } from 'vitest';
import { replayThenLive } from './replay.ts';

interface Event {
  id: string;
}

/** A hand-driven event source: `emit` plays the publisher. */
function source() {
  const listeners = new Set<(event: Event) => void>();
  return {
    listen(onEvent: (event: Event) => void) {
      listeners.add(onEvent);
      return () => listeners.delete(onEvent);
    },
    emit(id: string) {
      for (const listener of listeners) listener({ id });
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}

async function take(iterator: AsyncIterator<Event>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await iterator.next()).value.id);
  return ids;
}

describe('replayThenLive', () => {
  it('yields the backlog, then what arrived while reading it, then live events, each once', async () => {
    const events = source();
    const stream = replayThenLive<Event>({
      listen: events.listen,
      loadBacklog: async () => {
        // Published while the backlog query runs: "b" is also in the backlog, "c" is not.
        events.emit('b');
        events.emit('c');
        return [{ id: 'a' }, { id: 'b' }];
      },
      key: (event) => event.id,
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect(await take(iterator, 3)).toEqual(['a', 'b', 'c']);
    events.emit('d');
    events.emit('b');
    events.emit('e');
    expect(await take(iterator, 2)).toEqual(['d', 'e']);
    await iterator.return?.();
    expect(events.listenerCount).toBe(0);
  });

  it('replays a backlog longer than the repeater’s 1024 pending pushes', async () => {
    const events = source();
    const backlog = Array.from({ length: 3000 }, (_, index) => ({ id: String(index) }));
    const iterator = replayThenLive<Event>({
      listen: events.listen,
      loadBacklog: async () => backlog,
      key: (event) => event.id,
    })[Symbol.asyncIterator]();
    const ids = await take(iterator, 3000);
    expect(ids).toEqual(backlog.map((event) => event.id));
    await iterator.return?.();
  });

  it('stops listening when the consumer leaves before any event', async () => {
    const events = source();
    const iterator = replayThenLive<Event>({
      listen: events.listen,
      loadBacklog: async () => [],
      key: (event) => event.id,
    })[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.listenerCount).toBe(1);
    await iterator.return?.();
    await pending;
    expect(events.listenerCount).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { type ReplayOptions, replayThenLive } from './replay.ts';

interface Event {
  id: string;
  seq: string;
}

/**
 * A hand-driven world: `commit` writes an event to the "database", `emit` plays the publisher
 * (live delivery), `resume` plays pub/sub coming back after a gap.
 */
function world() {
  const listeners = new Set<(event: Event) => void>();
  const resumeListeners = new Set<() => void>();
  const rows: Event[] = [];
  let failReads = 0;
  const reads: string[] = [];
  const event = (id: string) => {
    const found = rows.find((row) => row.id === id);
    if (found === undefined) throw new Error(`no event ${id}`);
    return found;
  };
  return {
    commit(...ids: string[]) {
      for (const id of ids) rows.push({ id, seq: String(rows.length + 1) });
    },
    emit(...ids: string[]) {
      for (const id of ids) for (const listener of [...listeners]) listener(event(id));
    },
    resume() {
      for (const listener of [...resumeListeners]) listener();
    },
    /** The next `count` database reads fail. */
    failNextReads(count: number) {
      failReads = count;
    },
    /** The positions the database was read after, in order. */
    reads,
    get listenerCount() {
      return listeners.size + resumeListeners.size;
    },
    options(after: string | null = null): ReplayOptions<Event> {
      return {
        listen(onEvent) {
          listeners.add(onEvent);
          return () => listeners.delete(onEvent);
        },
        onResumed(listener) {
          resumeListeners.add(listener);
          return () => resumeListeners.delete(listener);
        },
        after: after === null ? null : event(after).seq,
        newestPosition: async () => String(rows.length),
        loadAfter: async (seq) => {
          reads.push(seq);
          if (failReads > 0) {
            failReads--;
            throw new Error('the database is away');
          }
          return rows.filter((row) => BigInt(row.seq) > BigInt(seq));
        },
        key: (row) => row.id,
        position: (row) => row.seq,
        onError: () => {},
      };
    },
  };
}

/**
 * Starts a subscription as graphql-ws does (a repeater runs once its first event is asked
 * for) and collects what it yields.
 */
function subscribe(options: ReplayOptions<Event>) {
  const iterator = replayThenLive<Event>(options)[Symbol.asyncIterator]();
  const received: string[] = [];
  let failure: unknown = null;
  let wake = () => {};
  let done = false;
  const pump = (async () => {
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.done) return;
        received.push(result.value.id);
        wake();
      }
    } catch (error) {
      failure = error;
      wake();
    } finally {
      done = true;
    }
  })();
  /** Waits until `count` events came (or the subscription failed) and takes them. */
  const take = async (count: number, timeoutMs = 2_000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (received.length < count && failure === null && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
    }
    if (failure !== null) throw failure;
    return received.splice(0, count);
  };
  return {
    take,
    /** Resolves once nothing more arrived within `ms`, with what did. */
    async rest(ms: number): Promise<string[]> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return received.splice(0);
    },
    get done() {
      return done;
    },
    async stop() {
      await iterator.return?.();
      await pump;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('replayThenLive', () => {
  it('yields the backlog, then what arrived while reading it, then live events, each once', async () => {
    const w = world();
    w.commit('start', 'a', 'b');
    const options = w.options('start');
    const events = subscribe({
      ...options,
      loadAfter: async (seq) => {
        // Published while the backlog query runs: "b" is also in the backlog, "c" is not.
        w.commit('c');
        w.emit('b', 'c');
        return (await options.loadAfter(seq)).filter((row) => row.id !== 'c');
      },
    });
    expect(await events.take(3)).toEqual(['a', 'b', 'c']);
    w.commit('d', 'e');
    w.emit('d', 'b', 'e');
    expect(await events.rest(50)).toEqual(['d', 'e']);
    await events.stop();
    expect(w.listenerCount).toBe(0);
  });

  it('replays a backlog longer than the repeater’s 1024 pending pushes', async () => {
    const w = world();
    w.commit('start');
    const ids = Array.from({ length: 3000 }, (_, index) => `e${index}`);
    w.commit(...ids);
    const events = subscribe(w.options('start'));
    expect(await events.take(3000)).toEqual(ids);
    await events.stop();
  });

  it('stops listening when the consumer leaves before any event', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    expect(w.listenerCount).toBe(2);
    await events.stop();
    expect(w.listenerCount).toBe(0);
  });

  it('after a gap in live delivery, yields what it missed from the database, in order, then what was held back, each once', async () => {
    const w = world();
    w.commit('old');
    const events = subscribe(w.options());
    await tick();
    w.commit('live');
    w.emit('live');
    expect(await events.take(1)).toEqual(['live']);

    // Redis is down: these are committed but never published.
    w.commit('missed-1', 'missed-2');
    w.resume();
    // Right behind the resume, a live event: it waits for the catch-up.
    w.commit('after');
    w.emit('after');
    expect(await events.take(3)).toEqual(['missed-1', 'missed-2', 'after']);
    // Late live copies of what the catch-up delivered are dropped.
    w.emit('missed-2', 'live');
    expect(await events.rest(50)).toEqual([]);
    await events.stop();
  });

  it('catches up from where it started when it has delivered nothing yet', async () => {
    const w = world();
    w.commit('before-1', 'before-2');
    const events = subscribe(w.options());
    await tick();
    w.commit('missed');
    w.resume();
    expect(await events.rest(50)).toEqual(['missed']);
    await events.stop();
  });

  it('keeps reading the database after a failed catch-up until it succeeds, holding live events', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    w.commit('missed');
    w.failNextReads(1);
    w.resume();
    w.commit('live');
    w.emit('live');
    expect(await events.take(2)).toEqual(['missed', 'live']);
    expect(w.reads).toEqual(['0', '0']);
    expect(events.done).toBe(false);
    await events.stop();
  });

  it('answers the first read’s failure to the client instead of retrying it', async () => {
    const w = world();
    w.commit('start');
    w.failNextReads(1);
    const events = subscribe(w.options('start'));
    await expect(events.take(1)).rejects.toThrow('the database is away');
    expect(w.listenerCount).toBe(0);
  });

  it('repeats nothing after thousands of live events and a gap, reading only after what it knows complete', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    const ids = Array.from({ length: 2500 }, (_, index) => `e${index}`);
    w.commit(...ids);
    for (const id of ids) {
      w.emit(id);
      await Promise.resolve();
    }
    expect(await events.take(2500)).toEqual(ids);
    w.commit('missed');
    w.resume();
    expect(await events.rest(50)).toEqual(['missed']);
    // Catch-ups along the way moved the read position forward: memory stays bounded.
    expect(w.reads.length).toBeGreaterThan(1);
    expect(BigInt(w.reads.at(-1) ?? '0')).toBeGreaterThan(0n);
    await events.stop();
  });
});

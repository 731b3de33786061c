import { describe, expect, it } from 'vitest';
import { type FollowLogOptions, followLog, type LogRead } from './follow-log.ts';

interface Entry {
  id: string;
  position: number;
  settled: boolean;
}

const PAGE = 3;

/**
 * A hand-driven log: `append` writes events (settled, or held back until `settle`), `wake`
 * plays their live copies arriving, `resume` plays pub/sub coming back after a gap.
 */
function world() {
  const entries: Entry[] = [];
  const listeners = new Set<() => void>();
  const resumeListeners = new Set<() => void>();
  const reads: number[] = [];
  let failReads = 0;
  let readStarted: (() => void) | null = null;
  let readGate: Promise<void> | null = null;
  const entry = (id: string) => {
    const found = entries.find((candidate) => candidate.id === id);
    if (found === undefined) throw new Error(`no event ${id}`);
    return found;
  };
  return {
    append(ids: string[], { held = false } = {}) {
      for (const id of ids) entries.push({ id, position: entries.length + 1, settled: !held });
    },
    settle(...ids: string[]) {
      for (const id of ids) entry(id).settled = true;
    },
    wake() {
      for (const listener of [...listeners]) listener();
    },
    resume() {
      for (const listener of [...resumeListeners]) listener();
    },
    failNextReads(count: number) {
      failReads = count;
    },
    /** Holds the next reads until the returned function is called; `started` once one began. */
    holdReads(): { started: Promise<void>; release: () => void } {
      let release = () => {};
      readGate = new Promise((resolve) => {
        release = () => {
          readGate = null;
          resolve();
        };
      });
      const started = new Promise<void>((resolve) => {
        readStarted = resolve;
      });
      return { started, release };
    },
    /** The positions the log was read after, in order. */
    reads,
    get listenerCount() {
      return listeners.size + resumeListeners.size;
    },
    options(after: string | null = null): FollowLogOptions<Entry, number> {
      return {
        listen(onAppended) {
          listeners.add(onAppended);
          return () => listeners.delete(onAppended);
        },
        onResumed(listener) {
          resumeListeners.add(listener);
          return () => resumeListeners.delete(listener);
        },
        after: after === null ? null : entry(after).position,
        async start() {
          // After every settled event; the held ones after it are committed already.
          const firstHeld = entries.findIndex((candidate) => !candidate.settled);
          const position = firstHeld === -1 ? entries.length : firstHeld;
          const before = entries.filter((candidate) => candidate.position > position);
          return { position, before: before.map((candidate) => candidate.id) };
        },
        async readAfter(position): Promise<LogRead<Entry>> {
          reads.push(position);
          readStarted?.();
          readStarted = null;
          if (readGate !== null) await readGate;
          if (failReads > 0) {
            failReads--;
            throw new Error('the database is away');
          }
          const later = entries.filter((candidate) => candidate.position > position);
          const heldAt = later.findIndex((candidate) => !candidate.settled);
          const settled = heldAt === -1 ? later : later.slice(0, heldAt);
          const events = settled.slice(0, PAGE).map((candidate) => ({ ...candidate }));
          const rest = heldAt !== -1 ? 'held' : settled.length > PAGE ? 'more' : 'none';
          return { events, rest };
        },
        position: (event) => event.position,
        key: (event) => event.id,
        onError: () => {},
      };
    },
  };
}

/**
 * Starts a subscription as graphql-ws does (a repeater runs once its first event is asked
 * for) and collects what it yields.
 */
function subscribe(options: FollowLogOptions<Entry, number>) {
  const iterator = followLog(options)[Symbol.asyncIterator]();
  const received: string[] = [];
  let failure: unknown = null;
  const pump = (async () => {
    try {
      for (;;) {
        const result = await iterator.next();
        if (result.done) return;
        received.push(result.value.id);
      }
    } catch (error) {
      failure = error;
    }
  })();
  return {
    /** Waits until `count` events came (or the subscription failed) and takes them. */
    async take(count: number, timeoutMs = 2_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && failure === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (failure !== null) throw failure;
      return received.splice(0, count);
    },
    /** What arrived within `ms`. */
    async rest(ms: number): Promise<string[]> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return received.splice(0);
    },
    async stop() {
      await iterator.return?.();
      await pump;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('followLog', () => {
  it('replays the log after `after` page by page, then each woken append, each once', async () => {
    const w = world();
    w.append(['start', 'a', 'b', 'c', 'd', 'e']);
    const events = subscribe(w.options('start'));
    expect(await events.take(5)).toEqual(['a', 'b', 'c', 'd', 'e']);
    w.append(['f']);
    w.wake();
    w.wake();
    expect(await events.take(1)).toEqual(['f']);
    expect(await events.rest(30)).toEqual([]);
    await events.stop();
    expect(w.listenerCount).toBe(0);
  });

  it('starts from now without `after`, and stops listening when the consumer leaves', async () => {
    const w = world();
    w.append(['old']);
    const events = subscribe(w.options());
    await tick();
    expect(w.listenerCount).toBe(2);
    w.append(['new']);
    w.wake();
    expect(await events.take(1)).toEqual(['new']);
    await events.stop();
    expect(w.listenerCount).toBe(0);
  });

  it('answers the wake-ups that came during a read with one more read', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    const { started, release } = w.holdReads();
    w.append(['a']);
    w.wake();
    await started;
    w.append(['b', 'c']);
    w.wake();
    w.wake();
    release();
    expect(await events.take(3)).toEqual(['a', 'b', 'c']);
    await tick();
    // Two wake-ups during the read, one read after it.
    expect(w.reads).toEqual([0, 0, 3]);
    await events.stop();
  });

  it('keeps an event held back from taking a place, and delivers it once settled without another wake-up', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    w.append(['early'], { held: true });
    w.append(['late']);
    w.wake();
    // `late` committed, but `early` may still take a place before it: nothing yet.
    expect(await events.rest(50)).toEqual([]);
    w.settle('early');
    expect(await events.take(2)).toEqual(['early', 'late']);
    // Nothing is held any more: the subscription stops reading on its own.
    const reads = w.reads.length;
    expect(await events.rest(100)).toEqual([]);
    expect(w.reads.length).toBe(reads);
    await events.stop();
  });

  it('starting from now, never delivers what committed before it, even if its place was not final yet', async () => {
    const w = world();
    w.append(['held-1'], { held: true });
    w.append(['old', 'held-2'], { held: true });
    const events = subscribe(w.options());
    await tick();
    w.append(['new']);
    w.settle('held-1', 'old', 'held-2');
    w.wake();
    expect(await events.take(1)).toEqual(['new']);
    expect(await events.rest(30)).toEqual([]);
    await events.stop();
  });

  it('reads again after pub/sub resumes: appends heard by nobody are delivered', async () => {
    const w = world();
    const events = subscribe(w.options());
    await tick();
    w.append(['missed-1', 'missed-2']);
    expect(await events.rest(30)).toEqual([]);
    w.resume();
    expect(await events.take(2)).toEqual(['missed-1', 'missed-2']);
    await events.stop();
  });

  it('answers the first read’s failure to the client, and retries a later one until it succeeds', async () => {
    const refused = world();
    refused.append(['start']);
    refused.failNextReads(1);
    const failed = subscribe(refused.options('start'));
    await expect(failed.take(1)).rejects.toThrow('the database is away');
    expect(refused.listenerCount).toBe(0);

    const w = world();
    const events = subscribe(w.options());
    await tick();
    w.failNextReads(1);
    w.append(['a']);
    w.wake();
    expect(await events.take(1, 3_000)).toEqual(['a']);
    expect(w.reads).toEqual([0, 0, 0]);
    await events.stop();
  });
});

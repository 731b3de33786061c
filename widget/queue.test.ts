import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher, replayQueue, type SonnyFunction } from './queue.ts';
import { Sonny } from './sonny.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the command queue', () => {
  it('replays queued calls in order, including calls queued while replaying', () => {
    const calls: unknown[][] = [];
    const queue: ArrayLike<unknown>[] = [];
    const stub: SonnyFunction = (...args) => {
      queue.push(args);
    };
    stub.q = queue;
    stub('on', 'ready', () => {});
    stub('open');
    const dispatch: SonnyFunction = (...args) => {
      calls.push(args);
      if (args[0] === 'on') stub('close');
    };
    replayQueue(stub, dispatch);
    expect(calls.map((call) => call[0])).toEqual(['on', 'open', 'close']);
    expect(stub.q).toEqual([]);
  });

  it('warns once per bad call and never throws', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const sonny = createDispatcher(new Sonny({ scriptOrigin: 'https://chat.example.com' }));
    expect(sonny.loaded).toBe(true);
    expect(sonny('nope')).toBeUndefined();
    expect(sonny('init')).toBeUndefined();
    expect(sonny('init', { siteId: '' })).toBeUndefined();
    expect(sonny('on', 'ready')).toBeUndefined();
    const rejected = sonny('identify', { name: 'No email' }) as Promise<unknown>;
    await expect(rejected).rejects.toThrow('identify needs an email string');
    expect(warn.mock.calls.map((call) => call[0])).toEqual([
      'Sonny: unknown command "nope"; commands are init, identify, reset, open, close, on',
      'Sonny: init needs an options object with a siteId',
      'Sonny: init needs a siteId string (find it in your Sonny workspace)',
      'Sonny: on needs a handler function',
      'Sonny: identify needs an email string',
    ]);
  });

  it('returns an unsubscribe function from on', () => {
    const sonny = createDispatcher(new Sonny({ scriptOrigin: null }));
    expect(typeof sonny('on', 'message', () => {})).toBe('function');
  });
});

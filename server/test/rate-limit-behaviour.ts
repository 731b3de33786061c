import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { enforceRateLimit, type RateLimit, type RateRule } from '../access/rate-limit.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every `RateLimit` shares, on the real clock with short windows: call it inside
 * a `describe` with a factory for the implementation under test.
 */
export function behavesAsASlidingWindow(limitOf: (rule: RateRule) => RateLimit): void {
  // Every test run uses fresh keys, so a Redis shared by earlier runs holds no count for them.
  const key = () => `key-${randomUUID()}`;

  it('allows `limit` attempts, refuses the next with a wait within the window, and allows again after it', async () => {
    const limit = limitOf({ name: `test-${randomUUID()}`, limit: 3, windowMs: 300 });
    const visitor = key();
    const verdicts = [];
    for (let attempt = 0; attempt < 3; attempt++) verdicts.push(await limit.take(visitor));
    expect(verdicts).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    const refused = await limit.take(visitor);
    expect(refused.allowed).toBe(false);
    const retryAfterMs = refused.allowed ? 0 : refused.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(300);
    await sleep(retryAfterMs + 20);
    expect(await limit.take(visitor)).toEqual({ allowed: true });
  });

  it('does not count refused attempts', async () => {
    const limit = limitOf({ name: `test-${randomUUID()}`, limit: 1, windowMs: 300 });
    const visitor = key();
    expect((await limit.take(visitor)).allowed).toBe(true);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await limit.take(visitor)).allowed).toBe(false);
    }
    await sleep(320);
    expect((await limit.take(visitor)).allowed).toBe(true);
  });

  it('counts each key on its own', async () => {
    const limit = limitOf({ name: `test-${randomUUID()}`, limit: 1, windowMs: 10_000 });
    const [a, b] = [key(), key()];
    expect((await limit.take(a)).allowed).toBe(true);
    expect((await limit.take(b)).allowed).toBe(true);
    expect((await limit.take(a)).allowed).toBe(false);
  });

  it('turns a refusal into RATE_LIMITED with whole retryAfterSeconds', async () => {
    const limit = limitOf({ name: `test-${randomUUID()}`, limit: 1, windowMs: 10_000 });
    const visitor = key();
    await enforceRateLimit(limit, visitor, 'Too many.');
    await expect(enforceRateLimit(limit, visitor, 'Too many.')).rejects.toMatchObject({
      message: 'Too many.',
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 10 },
    });
  });
}

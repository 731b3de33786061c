import { describe, expect, it } from 'vitest';
import {
  FIRST_RESTART_DELAY_MS,
  MAX_RESTART_DELAY_MS,
  RESTART_WINDOW_MS,
  RestartBackoff,
} from './restart-backoff.ts';

describe('RestartBackoff', () => {
  it('waits a second after a lone exit, doubling with each exit close after, up to 30 s', () => {
    const backoff = new RestartBackoff();
    const waits = Array.from({ length: 8 }, (_, index) => backoff.exited(index * 1_000));
    expect(FIRST_RESTART_DELAY_MS).toBe(1_000);
    expect(MAX_RESTART_DELAY_MS).toBe(30_000);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('forgets exits older than five minutes: a crash now and then is mended at once', () => {
    const backoff = new RestartBackoff();
    expect(backoff.exited(0)).toBe(1_000);
    expect(backoff.exited(60_000)).toBe(2_000);
    expect(backoff.exited(60_000 + RESTART_WINDOW_MS)).toBe(1_000);
  });
});

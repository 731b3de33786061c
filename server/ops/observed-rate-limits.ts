import type { RateLimit, RateLimits } from '../access/rate-limit.ts';
import type { Activity } from './activity.ts';

/**
 * The same limits, each reporting its refusals to `activity` under its name in
 * {@link RateLimits} (`visitorMessages`, `loginsByIp`, …): every limit there is, without a list
 * to keep up to date.
 */
export function observeRateLimits(limits: RateLimits, activity: Activity): RateLimits {
  const observed: RateLimits = { ...limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!isRateLimit(value)) continue;
    Object.assign(observed, {
      [name]: {
        async take(key: string) {
          const verdict = await value.take(key);
          if (!verdict.allowed) activity.rateLimited(name);
          return verdict;
        },
      } satisfies RateLimit,
    });
  }
  return observed;
}

function isRateLimit(value: unknown): value is RateLimit {
  return typeof (value as Partial<RateLimit> | null)?.take === 'function';
}

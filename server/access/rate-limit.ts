import { createHash, randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { ErrorCode } from '../../protocol/index.ts';
import { SonnyError } from '../errors.ts';

/** What a limit answers for one attempt: go ahead, or wait this long before trying again. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-window limit on how often one key (a visitor, an email) may act: at most `limit`
 * attempts in any `windowMs`. A refused attempt is not counted.
 */
export interface RateLimit {
  /** Records an attempt for `key` if allowed; otherwise says how long until one is. */
  take(key: string): Promise<RateVerdict>;
}

/** A limit's name (part of its Redis keys), size and window. */
export interface RateRule {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** How many messages one visitor may send: 20 in any 10 seconds. */
export const VISITOR_MESSAGE_RATE = {
  name: 'visitor-messages',
  limit: 20,
  windowMs: 10_000,
} as const satisfies RateRule;

/** How many times one agent email may try to log in: 10 in any 5 minutes, against guessing. */
export const LOGIN_ATTEMPT_RATE = {
  name: 'login',
  limit: 10,
  windowMs: 5 * 60_000,
} as const satisfies RateRule;

/** The limits the resolvers consume. */
export interface RateLimits {
  /** By visitor id. */
  readonly visitorMessages: RateLimit;
  /** By email, trimmed and lower-cased. */
  readonly loginAttempts: RateLimit;
  /** How the limits fared with Redis, for monitoring; never active without Redis. */
  readonly fallback: RateLimitFallbackStats;
}

/** The limits' dealings with Redis since start, as metrics read them. */
export interface RateLimitFallbackStats {
  /** True while Redis is unreachable and this instance counts on its own. */
  readonly active: boolean;
  /** How many times Redis became unreachable. */
  readonly outages: number;
  /** Attempts counted in this process because Redis was unreachable. */
  readonly localAttempts: number;
}

/**
 * The server's limits: shared by every instance through Redis when given one, otherwise kept in
 * this process (a single instance). While Redis is unreachable each instance counts on its own
 * (see {@link RedisOutage}): a cache outage must not become a chat outage, and N instances
 * allowing N times the limit for a while is the lesser harm.
 */
export function createRateLimits(redis: Redis | null): RateLimits {
  if (redis === null) {
    return {
      visitorMessages: new MemoryRateLimit(VISITOR_MESSAGE_RATE),
      loginAttempts: new MemoryRateLimit(LOGIN_ATTEMPT_RATE),
      fallback: { active: false, outages: 0, localAttempts: 0 },
    };
  }
  const outage = new RedisOutage(redis);
  const limitOf = (rule: RateRule): RateLimit =>
    new SharedOrLocalRateLimit(new RedisRateLimit(redis, rule), new MemoryRateLimit(rule), outage);
  return {
    visitorMessages: limitOf(VISITOR_MESSAGE_RATE),
    loginAttempts: limitOf(LOGIN_ATTEMPT_RATE),
    fallback: outage,
  };
}

/**
 * Takes an attempt for `key`, or throws `RATE_LIMITED` with `retryAfterSeconds` (whole seconds,
 * rounded up) and `message`.
 */
export async function enforceRateLimit(
  limit: RateLimit,
  key: string,
  message: string,
): Promise<void> {
  const verdict = await limit.take(key);
  if (!verdict.allowed) {
    throw new SonnyError(ErrorCode.RATE_LIMITED, message, {
      details: { retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) },
    });
  }
}

/** How often Redis is pinged during an outage; its first answer ends the outage. */
const OUTAGE_PROBE_MS = 1_000;

/**
 * Whether the limits' Redis answers. A failed command starts an outage, logged once; while it
 * lasts no attempt waits for Redis, and a probe pings it every {@link OUTAGE_PROBE_MS}. The
 * first answer ends the outage, logged once too. Read as {@link RateLimitFallbackStats}.
 */
export class RedisOutage implements RateLimitFallbackStats {
  readonly #redis: Redis;
  #active = false;
  #outages = 0;
  #localAttempts = 0;
  #since = 0;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  get active(): boolean {
    return this.#active;
  }

  get outages(): number {
    return this.#outages;
  }

  get localAttempts(): number {
    return this.#localAttempts;
  }

  /** A command failed with `error`: starts an outage unless one is on. */
  begin(error: unknown): void {
    if (this.#active) return;
    this.#active = true;
    this.#outages++;
    this.#since = Date.now();
    console.warn(
      `Rate limits cannot reach Redis (${(error as Error).message}): each instance counts ` +
        'on its own until it answers again.',
    );
    this.#probeLater();
  }

  /** An attempt was counted in this process. */
  countedLocally(): void {
    this.#localAttempts++;
  }

  #probeLater(): void {
    setTimeout(() => {
      // Closed for good (the server stops): nothing to wait for.
      if (this.#redis.status === 'end') return;
      this.#redis.ping().then(
        () => {
          this.#active = false;
          const seconds = Math.round((Date.now() - this.#since) / 1000);
          console.warn(
            `Rate limits reach Redis again after ${seconds} s: counts are shared again.`,
          );
        },
        () => this.#probeLater(),
      );
    }, OUTAGE_PROBE_MS).unref();
  }
}

/**
 * The shared limit while its Redis answers, the local one during an outage. Counts made
 * locally stay local: when Redis is back, it alone decides again.
 */
class SharedOrLocalRateLimit implements RateLimit {
  readonly #shared: RateLimit;
  readonly #local: RateLimit;
  readonly #outage: RedisOutage;

  constructor(shared: RateLimit, local: RateLimit, outage: RedisOutage) {
    this.#shared = shared;
    this.#local = local;
    this.#outage = outage;
  }

  async take(key: string): Promise<RateVerdict> {
    if (!this.#outage.active) {
      try {
        return await this.#shared.take(key);
      } catch (error) {
        this.#outage.begin(error);
      }
    }
    this.#outage.countedLocally();
    return this.#local.take(key);
  }
}

/**
 * A limit kept in this process: right for a single instance. Behind N instances each keeps its
 * own count, so a key spread over them gets up to N times the limit; use {@link RedisRateLimit}.
 */
export class MemoryRateLimit implements RateLimit {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(rule: Omit<RateRule, 'name'>, now: () => number = Date.now) {
    this.#limit = rule.limit;
    this.#windowMs = rule.windowMs;
    this.#now = now;
  }

  async take(key: string): Promise<RateVerdict> {
    const now = this.#now();
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - this.#windowMs);
    if (recent.length >= this.#limit) {
      this.#hits.set(key, recent);
      return { allowed: false, retryAfterMs: (recent[0] ?? now) + this.#windowMs - now };
    }
    recent.push(now);
    this.#hits.set(key, recent);
    this.#forgetIdle(now);
    return { allowed: true };
  }

  #forgetIdle(now: number): void {
    // Bounded memory: drop keys whose newest hit left the window, at most every window.
    if (this.#hits.size < 10_000) return;
    for (const [key, hits] of this.#hits) {
      if ((hits.at(-1) ?? 0) <= now - this.#windowMs) this.#hits.delete(key);
    }
  }
}

/** The prefix of every rate-limit key in Redis: `sonny:rate:<rule name>:<SHA-256 of the key>`. */
export const REDIS_KEY_PREFIX = 'sonny:rate:';

/**
 * One atomic step of the sliding window in a sorted set of attempts scored by time: drop those
 * that left the window, count the rest, add this one if under the limit and keep the set alive
 * for one window. Returns 0 when allowed, else the milliseconds until the oldest attempt leaves.
 * The clock is Redis's own (TIME), so instances with skewed clocks still share one window.
 * KEYS[1] the set; ARGV[1] limit, ARGV[2] window in ms, ARGV[3] a unique member.
 */
const SLIDING_WINDOW_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** {@link SLIDING_WINDOW_LUA}, defined by {@link RedisRateLimit}. */
    sonnyRateLimitTake(
      key: string,
      limit: number,
      windowMs: number,
      member: string,
    ): Result<number, Context>;
  }
}

/**
 * A limit shared by every server instance on the same Redis. Keys are stored as SHA-256
 * digests, so no email or visitor id is kept in Redis in clear. A Redis error rejects `take`;
 * {@link createRateLimits} then counts locally.
 */
export class RedisRateLimit implements RateLimit {
  readonly #redis: Redis;
  readonly #rule: RateRule;

  constructor(redis: Redis, rule: RateRule) {
    // Sent as EVALSHA, falling back to EVAL when Redis does not have the script yet.
    redis.defineCommand('sonnyRateLimitTake', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
    this.#redis = redis;
    this.#rule = rule;
  }

  async take(key: string): Promise<RateVerdict> {
    const { name, limit, windowMs } = this.#rule;
    const retryAfterMs = await this.#redis.sonnyRateLimitTake(
      `${REDIS_KEY_PREFIX}${name}:${createHash('sha256').update(key).digest('hex')}`,
      limit,
      windowMs,
      randomUUID(),
    );
    return retryAfterMs === 0 ? { allowed: true } : { allowed: false, retryAfterMs };
  }
}

import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
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

/** The per-address and per-workspace limits, as configured (`RATE_LIMIT_*`). */
export interface AbuseLimitSettings {
  /** False with `SONNY_RATE_LIMITS=off`: no per-address or per-workspace limit. */
  readonly enabled: boolean;
  /** New visitors (first joins) per client address per hour. */
  readonly newVisitorsPerIpPerHour: number;
  /** Identifies that bind a visitor to a contact, per client address per hour. */
  readonly identifiesPerIpPerHour: number;
  /** Login attempts per client address per hour, whatever the email. */
  readonly loginsPerIpPerHour: number;
  /** Visitor messages per client address per minute, whatever the visitorId. */
  readonly messagesPerIpPerMinute: number;
  /** Contacts created per workspace per hour, by identifies and joins. */
  readonly contactsPerWorkspacePerHour: number;
  /**
   * How long the window of the per-hour limits lasts, in ms: an hour unless set. Not read from
   * the environment: tests shorten it to watch a window pass.
   */
  readonly hourlyWindowMs?: number;
}

/** The defaults: far above what one office behind one address does in an hour. */
export const ABUSE_LIMIT_DEFAULTS: AbuseLimitSettings = Object.freeze({
  enabled: true,
  newVisitorsPerIpPerHour: 300,
  identifiesPerIpPerHour: 300,
  loginsPerIpPerHour: 100,
  messagesPerIpPerMinute: 300,
  contactsPerWorkspacePerHour: 1000,
});

/** The limits the resolvers and the join consume. */
export interface RateLimits {
  /** By visitor id. */
  readonly visitorMessages: RateLimit;
  /** By email, trimmed and lower-cased. */
  readonly loginAttempts: RateLimit;
  /** How the limits fared with Redis, for monitoring; never active without Redis. */
  readonly fallback: RateLimitFallbackStats;
  /** By client address: first joins. */
  readonly newVisitorsByIp: RateLimit;
  /** By client address: identifies that bind a visitor to a contact. */
  readonly identifiesByIp: RateLimit;
  /** By client address: login attempts. */
  readonly loginsByIp: RateLimit;
  /** By client address: visitor messages. */
  readonly messagesByIp: RateLimit;
  /** By workspace id: contacts created. */
  readonly contactsByWorkspace: RateLimit;
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

/** What {@link createRateLimits} needs beside Redis. */
export interface RateLimitOptions {
  readonly abuse: AbuseLimitSettings;
  /**
   * The secret the keys are HMACed under, so no address, email or id is kept in clear and no
   * one can aim at a key. Null: a random one for this process, which is right for a single
   * instance only; instances sharing a Redis need the same one (`SONNY_SECRET_KEY`).
   */
  readonly keySecret: Uint8Array | null;
  /** Told when the limits lose Redis and when they reach it again. */
  readonly warn: (line: string) => void;
}

/**
 * The server's limits: shared by every instance through Redis when given one, otherwise kept in
 * this process (a single instance). While Redis is unreachable each instance counts on its own
 * (see {@link RedisOutage}): a cache outage must not become a chat outage, and N instances
 * allowing N times the limit for a while is the lesser harm.
 */
export function createRateLimits(redis: Redis | null, options: RateLimitOptions): RateLimits {
  const secret = options.keySecret ?? randomBytes(32);
  const { abuse } = options;
  const outage = redis === null ? null : new RedisOutage(redis, options.warn);
  const limitOf = (rule: RateRule): RateLimit =>
    new HmacKeyedRateLimit(
      redis === null || outage === null
        ? new MemoryRateLimit(rule)
        : new SharedOrLocalRateLimit(
            new RedisRateLimit(redis, rule),
            new MemoryRateLimit(rule),
            outage,
          ),
      secret,
      rule.name,
    );
  const abuseLimitOf = (name: string, limit: number, windowMs: number): RateLimit =>
    abuse.enabled ? limitOf({ name, limit, windowMs }) : UNLIMITED;
  const hour = abuse.hourlyWindowMs ?? HOUR;
  return {
    visitorMessages: limitOf(VISITOR_MESSAGE_RATE),
    loginAttempts: limitOf(LOGIN_ATTEMPT_RATE),
    newVisitorsByIp: abuseLimitOf('ip-new-visitors', abuse.newVisitorsPerIpPerHour, hour),
    identifiesByIp: abuseLimitOf('ip-identifies', abuse.identifiesPerIpPerHour, hour),
    loginsByIp: abuseLimitOf('ip-logins', abuse.loginsPerIpPerHour, hour),
    messagesByIp: abuseLimitOf('ip-messages', abuse.messagesPerIpPerMinute, MINUTE),
    contactsByWorkspace: abuseLimitOf(
      'workspace-contacts',
      abuse.contactsPerWorkspacePerHour,
      hour,
    ),
    fallback: outage ?? { active: false, outages: 0, localAttempts: 0 },
  };
}

/**
 * The limits on what an identify makes, from `clientAddress`: first bindings by address, new
 * contacts by workspace. For {@link IdentifyGuards}-shaped hooks of the identity domain.
 */
export function admissionGuards(
  limits: RateLimits,
  clientAddress: string,
): {
  beforeFirstBinding: () => Promise<void>;
  afterNewContact: (workspaceId: string) => Promise<void>;
} {
  return {
    beforeFirstBinding: () =>
      enforceRateLimit(
        limits.identifiesByIp,
        clientAddress,
        'Too many identifies from this address; wait a moment.',
      ),
    afterNewContact: (workspaceId) =>
      enforceRateLimit(
        limits.contactsByWorkspace,
        workspaceId,
        'Too many new contacts for this site; wait a moment.',
      ),
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A limit that allows everything: the per-address limits with `SONNY_RATE_LIMITS=off`. */
const UNLIMITED: RateLimit = { take: async () => ({ allowed: true }) };

/**
 * Passes `HMAC(secret, rule name + key)` to the limit it wraps: a fixed-size key whatever the
 * caller's, unguessable without the secret.
 */
class HmacKeyedRateLimit implements RateLimit {
  readonly #inner: RateLimit;
  readonly #secret: Uint8Array;
  readonly #name: string;

  constructor(inner: RateLimit, secret: Uint8Array, name: string) {
    this.#inner = inner;
    this.#secret = secret;
    this.#name = name;
  }

  take(key: string): Promise<RateVerdict> {
    const digest = createHmac('sha256', this.#secret)
      .update(`${this.#name}\0${key}`)
      .digest('base64url');
    return this.#inner.take(digest);
  }
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
  readonly #warn: (line: string) => void;
  #active = false;
  #outages = 0;
  #localAttempts = 0;
  #since = 0;

  constructor(redis: Redis, warn: (line: string) => void) {
    this.#redis = redis;
    this.#warn = warn;
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
    this.#warn(
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
          this.#warn(`Rate limits reach Redis again after ${seconds} s: counts are shared again.`);
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
  /** By SHA-256 of the key; in order of last use, so the first is the least recently used. */
  readonly #hits = new Map<string, number[]>();
  /** How many attempt times {@link #hits} holds in all. */
  #storedHits = 0;

  constructor(rule: Omit<RateRule, 'name'>, now: () => number = Date.now) {
    this.#limit = rule.limit;
    this.#windowMs = rule.windowMs;
    this.#now = now;
  }

  async take(key: string): Promise<RateVerdict> {
    const now = this.#now();
    // A fixed-size key whatever the caller passes: memory does not grow with key length.
    const digest = createHash('sha256').update(key).digest('base64url');
    const stored = this.#hits.get(digest) ?? [];
    const recent = stored.filter((at) => at > now - this.#windowMs);
    this.#hits.delete(digest);
    this.#storedHits -= stored.length;
    if (recent.length >= this.#limit) {
      this.#remember(digest, recent);
      return { allowed: false, retryAfterMs: (recent[0] ?? now) + this.#windowMs - now };
    }
    recent.push(now);
    this.#remember(digest, recent);
    return { allowed: true };
  }

  /** How many keys this limit tracks now (tests of its bound). */
  get trackedKeys(): number {
    return this.#hits.size;
  }

  #remember(digest: string, hits: number[]): void {
    this.#hits.set(digest, hits);
    this.#storedHits += hits.length;
    // Bounded memory whatever the keys: past either cap, forget the least recently used keys.
    // An evicted key starts afresh, which only ever errs towards allowing.
    for (const [oldest, oldestHits] of this.#hits) {
      if (this.#hits.size <= MEMORY_MAX_KEYS && this.#storedHits <= MEMORY_MAX_HITS) break;
      this.#hits.delete(oldest);
      this.#storedHits -= oldestHits.length;
    }
  }
}

/** The most keys one in-memory limit tracks: about 100 bytes each. */
export const MEMORY_MAX_KEYS = 100_000;
/** The most attempt times one in-memory limit keeps over all its keys: 8 bytes each. */
export const MEMORY_MAX_HITS = 1_000_000;

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

/**
 * A sliding-window limit on how often one key (a visitor) may act. Kept per server instance:
 * behind a load balancer a visitor's sockets usually stay on one instance, and a visitor
 * spread over N instances gets at most N times the limit.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Records a hit for `key` if allowed; otherwise returns the milliseconds until one is. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
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

/** How many messages one visitor may send: 20 in any 10 seconds. */
export const VISITOR_MESSAGE_RATE = { limit: 20, windowMs: 10_000 } as const;

/** How many times one agent email may try to log in: 10 in any 5 minutes, against guessing. */
export const LOGIN_ATTEMPT_RATE = { limit: 10, windowMs: 5 * 60_000 } as const;

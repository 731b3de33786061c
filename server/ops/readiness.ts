import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { pendingMigrations } from '../db/migrate.ts';
import type { WebHandler } from '../web/serve.ts';
import { jsonEndpoint } from './json-endpoint.ts';

/** Where load balancers and orchestrators ask whether this instance can take traffic. */
export const READINESS_PATH = '/readyz';

/** A dependency that has not answered by then counts as down: a probe must not hang. */
export const READINESS_TIMEOUT_MS = 2_000;

/** One dependency's answer: whether it is fine, and how long it took to say so. */
export interface Check {
  readonly ok: boolean;
  /** Milliseconds, rounded; absent for checks that ask nothing (draining). */
  readonly latencyMs?: number;
  /** Why it is not fine: a short reason, never a message that could carry a host or secret. */
  readonly error?: string;
  /** Migrations only: the names this code has that the database has not run. */
  readonly pending?: readonly string[];
}

/**
 * What `/readyz` answers. 200: `ready` when every check is ok, `degraded` when only Redis is
 * not (the server works on without it: see docs/operations.md, "Redis outages"). 503:
 * `draining` once the server shuts down, whatever the rest says; else `unavailable`.
 */
export interface Readiness {
  readonly status: 'ready' | 'degraded' | 'unavailable' | 'draining';
  readonly checks: {
    readonly database: Check;
    /** Only when REDIS_URL is set; its failure degrades, it does not make the server unready. */
    readonly redis?: Check;
    readonly migrations: Check;
    readonly draining: Check;
  };
}

/** What readiness asks. */
export interface ReadinessDependencies {
  readonly db: Db;
  /** The Redis to PING; null without REDIS_URL (no `redis` entry then). */
  readonly redis: { ping(): Promise<unknown> } | null;
  /**
   * True once the server is shutting down: it finishes what it has but wants nothing new.
   * Supplied by whoever owns the shutdown.
   */
  readonly isDraining: () => boolean;
}

/**
 * Asks every dependency at once, each bounded by {@link READINESS_TIMEOUT_MS}: the database
 * answers `select 1`, Redis answers `PING`, no migration is pending, and the server is not
 * draining. Redis alone is not required: every instance shares it, so failing readiness on it
 * would take them all out of the load balancer together, turning a degraded service (rate
 * limits per instance, events from other instances late) into none.
 */
export async function checkReadiness(dependencies: ReadinessDependencies): Promise<Readiness> {
  const { db, redis } = dependencies;
  const [database, redisCheck, migrations] = await Promise.all([
    timed(async () => {
      await sql`select 1`.execute(db);
      return { ok: true };
    }),
    redis === null
      ? null
      : timed(async () => {
          await redis.ping();
          return { ok: true };
        }),
    timed(async () => {
      const pending = await pendingMigrations(db);
      if (pending.length === 0) return { ok: true, pending };
      const count = pending.length === 1 ? '1 migration' : `${pending.length} migrations`;
      return { ok: false, pending, error: `${count} pending: run \`sonny migrate\`` };
    }),
  ]);
  const draining: Check = dependencies.isDraining()
    ? { ok: false, error: 'shutting down' }
    : { ok: true };
  const checks = {
    database,
    ...(redisCheck === null ? {} : { redis: redisCheck }),
    migrations,
    draining,
  };
  const status = !draining.ok
    ? 'draining'
    : !database.ok || !migrations.ok
      ? 'unavailable'
      : redisCheck?.ok === false
        ? 'degraded'
        : 'ready';
  return { status, checks };
}

/**
 * `GET /readyz`: the {@link Readiness} as JSON, 200 when ready, otherwise 503. Never cached.
 */
export function readinessHandler(dependencies: ReadinessDependencies): WebHandler {
  return jsonEndpoint(READINESS_PATH, async () => {
    const readiness = await checkReadiness(dependencies);
    const serving = readiness.status === 'ready' || readiness.status === 'degraded';
    return { status: serving ? 200 : 503, body: readiness };
  });
}

/** Runs `check` within the timeout, measuring it; a throw or a timeout makes it not ok. */
async function timed(check: () => Promise<Omit<Check, 'latencyMs'>>): Promise<Check> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Omit<Check, 'latencyMs'>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `no answer within ${READINESS_TIMEOUT_MS} ms` }),
      READINESS_TIMEOUT_MS,
    );
  });
  const answer = check().catch((error: unknown) => ({ ok: false, error: reasonOf(error) }));
  try {
    const { ok, ...details } = await Promise.race([answer, timeout]);
    return { ok, latencyMs: latency(), ...details };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A failure in a few words anyone may read (the probe is public): the error's code when it
 * has a symbolic one (`ECONNREFUSED`, a SQLSTATE), else `failed`. The server's log has more.
 */
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'failed';
}

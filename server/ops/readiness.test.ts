import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_DEFAULTS, IN_MEMORY_DATA_DIR } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import type { Database, Db } from '../db/database.ts';
import { createPool } from '../db/postgres.ts';
import { sharedTestServer } from '../test/harness.ts';
import { LIVENESS_PATH } from './liveness.ts';
import {
  READINESS_PATH,
  READINESS_TIMEOUT_MS,
  type Readiness,
  type ReadinessDependencies,
  readinessHandler,
} from './readiness.ts';

const server = sharedTestServer();

/** Every migration file's name, as the Migrator names it: the file name without `.ts`. */
const MIGRATIONS = readdirSync(new URL('../../migrations', import.meta.url))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

describe('GET /readyz on a running server', () => {
  it('answers 200 "ready" with one passing check per dependency and its latency, never cached', async () => {
    const response = await fetch(`${server.origin}${READINESS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Readiness;
    const withRedis = Boolean(process.env.REDIS_URL);
    expect(Object.keys(body.checks)).toEqual([
      'database',
      ...(withRedis ? ['redis'] : []),
      'migrations',
      'draining',
    ]);
    expect(body).toMatchObject({
      status: 'ready',
      checks: {
        database: { ok: true, latencyMs: expect.any(Number) },
        migrations: { ok: true, latencyMs: expect.any(Number), pending: [] },
        draining: { ok: true },
      },
    });
    if (withRedis) expect(body.checks.redis).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(body.checks.database.latencyMs).toBeLessThan(READINESS_TIMEOUT_MS);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(`${server.origin}${READINESS_PATH}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${server.origin}${READINESS_PATH}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GET /healthz', () => {
  it('answers 200 "alive" with the uptime, asking no dependency, never cached', async () => {
    const response = await fetch(`${server.origin}${LIVENESS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toEqual({ status: 'alive', uptimeSeconds: expect.any(Number) });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('GET /readyz when a dependency fails', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An HTTP server answering only /readyz, on these dependencies (the server's by default). */
  async function probe(dependencies: Partial<ReadinessDependencies>): Promise<string> {
    const handle = readinessHandler({
      db: server.app.db,
      redis: null,
      isDraining: () => false,
      ...dependencies,
    });
    const http: Server = createServer((request, response) => {
      void handle(request, response);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}${READINESS_PATH}`;
  }

  async function readiness(url: string): Promise<{ status: number; body: Readiness }> {
    const response = await fetch(url);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return { status: response.status, body: (await response.json()) as Readiness };
  }

  /**
   * The pool the server would open for `url`. (`connectDatabase` waits for Postgres at start;
   * the probe is for a database that is gone after it.)
   */
  function postgresAt(url: string): Db {
    const pool = createPool(url, DATABASE_DEFAULTS, {
      statementTimeout: true,
      onUnavailable: () => {},
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    cleanups.push(() => db.destroy());
    return db;
  }

  it('answers 503 naming the database when Postgres refuses connections', async () => {
    // Port 1: nothing listens there, so every connection is refused at once.
    const url = await probe({ db: postgresAt('postgres://sonny@127.0.0.1:1/sonny') });
    const { status, body } = await readiness(url);
    expect(status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.checks.database).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'ECONNREFUSED',
    });
    expect(body.checks.draining).toEqual({ ok: true });
  });

  it(`answers 503 after ${READINESS_TIMEOUT_MS} ms when Postgres accepts but stays silent`, async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const url = await probe({ db: postgresAt(`postgres://sonny@127.0.0.1:${port}/sonny`) });
    // Runs before the database closes: dropping the connections ends the query it waits on.
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    const started = performance.now();
    const { status, body } = await readiness(url);
    const waited = performance.now() - started;

    expect(status).toBe(503);
    expect(body.checks.database).toMatchObject({
      ok: false,
      error: `no answer within ${READINESS_TIMEOUT_MS} ms`,
    });
    expect(waited).toBeGreaterThanOrEqual(READINESS_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(READINESS_TIMEOUT_MS + 3_000);
  });

  it('answers 200 "degraded" naming redis when Redis is unreachable: the server works on without it', async () => {
    // Nothing listens on port 1; no retries and no offline queue, as the limits' connection.
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    await redis.connect().catch(() => {});
    cleanups.push(async () => redis.disconnect());

    const { status, body } = await readiness(await probe({ redis }));
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.redis).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: 'failed',
    });
    expect(body.checks.database).toMatchObject({ ok: true });
  });

  it('answers 503 naming the pending migrations on a database never migrated', async () => {
    const fresh = await connectDatabase({ databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR });
    cleanups.push(() => fresh.close());

    const { status, body } = await readiness(await probe({ db: fresh.db }));
    expect(status).toBe(503);
    expect(MIGRATIONS.length).toBeGreaterThan(1);
    expect(body.checks.migrations).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      pending: MIGRATIONS,
      error: `${MIGRATIONS.length} migrations pending: run \`sonny migrate\``,
    });
    expect(body.checks.database).toMatchObject({ ok: true });
  });

  it('answers 503 "draining" once the server shuts down, whatever the database says', async () => {
    let draining = false;
    const url = await probe({ isDraining: () => draining });
    expect((await readiness(url)).status).toBe(200);
    draining = true;
    const { status, body } = await readiness(url);
    expect(status).toBe(503);
    expect(body.status).toBe('draining');
    expect(body.checks.draining).toEqual({ ok: false, error: 'shutting down' });
    expect(body.checks.database).toMatchObject({ ok: true });
  });
});

import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_DEFAULTS } from '../config.ts';
import type { Database } from '../db/database.ts';
import { createPool } from '../db/postgres.ts';
import { sharedTestServer } from '../test/harness.ts';
import { READINESS_DATABASE_TIMEOUT_MS, READINESS_PATH, readinessHandler } from './readiness.ts';

const server = sharedTestServer();

describe('GET /readyz on a running server', () => {
  it('answers 200 {"status":"ready"}, never cached', async () => {
    const response = await fetch(`${server.origin}${READINESS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ready' });
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

describe('GET /readyz while the server shuts down', () => {
  it('answers 503 {"status":"draining"}, whatever the database says', async () => {
    const handle = readinessHandler();
    const http: Server = createServer((request, response) => {
      void handle(request, response, { db: server.app.db, draining: true });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}${READINESS_PATH}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ status: 'draining' });
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

describe('GET /readyz when the database does not answer', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * An HTTP server answering only /readyz, on the pool the server would open for `url`.
   * (`connectDatabase` waits for Postgres at start; the probe is for a database that is gone
   * after it.)
   */
  async function probeOn(url: string): Promise<string> {
    const pool = createPool(url, DATABASE_DEFAULTS, { statementTimeout: true });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const handle = readinessHandler();
    const http: Server = createServer((request, response) => {
      void handle(request, response, { db, draining: false });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await db.destroy();
    });
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}${READINESS_PATH}`;
  }

  it('answers 503 {"status":"unavailable"} when Postgres refuses connections', async () => {
    // Port 1: nothing listens there, so every connection is refused at once.
    const url = await probeOn('postgres://sonny@127.0.0.1:1/sonny');
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'unavailable' });
  });

  it(`answers 503 after ${READINESS_DATABASE_TIMEOUT_MS} ms when Postgres accepts but stays silent`, async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const url = await probeOn(`postgres://sonny@127.0.0.1:${port}/sonny`);
    // Runs before the database closes: dropping the connections ends the query it waits on.
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    const started = performance.now();
    const response = await fetch(url);
    const waited = performance.now() - started;

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable' });
    expect(waited).toBeGreaterThanOrEqual(READINESS_DATABASE_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(READINESS_DATABASE_TIMEOUT_MS + 3_000);
  });
});

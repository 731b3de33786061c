import { afterAll, describe, expect, it, vi } from 'vitest';
import { CloseCode, ErrorCode, retryAfterOfReason } from '../../protocol/index.ts';
import {
  codeOf,
  newVisitorId,
  openWidgetSocket,
  type Result,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from '../test/harness.ts';
import { ABUSE_LIMIT_DEFAULTS, MEMORY_MAX_KEYS, MemoryRateLimit } from './rate-limit.ts';

// Each test boots its own server (its own PGlite), slow on a loaded runner.
vi.setConfig({ testTimeout: 120_000 });

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** A server with low limits that believes one proxy hop, so `X-Forwarded-For` picks the address. */
async function serverWith(limits: Partial<typeof ABUSE_LIMIT_DEFAULTS>): Promise<TestServer> {
  const server = await startTestServer({
    abuseLimits: { ...ABUSE_LIMIT_DEFAULTS, ...limits },
    trustProxy: { kind: 'hops', hops: 1 },
  });
  servers.push(server);
  return server;
}

/** Joins as a new visitor with a new email from `address`; resolves with how the join ended. */
async function joinFrom(
  server: TestServer,
  siteId: string,
  address: string,
  email: string | null = uniqueEmail(),
) {
  const socket = openWidgetSocket(
    server.wsUrl,
    { siteId, visitorId: newVisitorId(), email },
    { headers: { 'x-forwarded-for': address } },
  );
  try {
    await socket.joined;
    return { accepted: true as const, socket };
  } catch (close) {
    return { accepted: false as const, close: close as { code: number; reason: string } };
  }
}

async function contactCount(server: TestServer, workspaceId: string): Promise<number> {
  const row = await server.app.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function postFrom(server: TestServer, address: string, query: string, variables: object) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result;
}

describe('per-address limit on new visitors', () => {
  it('refuses the join past the limit with 4420 and a retry-after, writing nothing; another address still joins', async () => {
    const server = await serverWith({ newVisitorsPerIpPerHour: 3 });
    const site = await server.createWorkspace();
    const attempts = [];
    for (let i = 0; i < 5; i++) attempts.push(await joinFrom(server, site.siteId, '203.0.113.7'));
    expect(attempts.map((attempt) => attempt.accepted)).toEqual([true, true, true, false, false]);
    const refused = attempts[3];
    if (refused?.accepted !== false) throw new Error('expected a refusal');
    expect(refused.close.code).toBe(CloseCode.RateLimited);
    const wait = retryAfterOfReason(refused.close.reason);
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
    // The refused joins created no contact: 30 joins do not make 30 contacts.
    expect(await contactCount(server, site.id)).toBe(3);
    expect((await joinFrom(server, site.siteId, '198.51.100.9')).accepted).toBe(true);
  });

  it('lets a returning visitor rejoin past the limit: only first joins count', async () => {
    const server = await serverWith({ newVisitorsPerIpPerHour: 1 });
    const site = await server.createWorkspace();
    const visitorId = newVisitorId();
    for (let i = 0; i < 3; i++) {
      const socket = openWidgetSocket(
        server.wsUrl,
        { siteId: site.siteId, visitorId },
        { headers: { 'x-forwarded-for': '203.0.113.8' } },
      );
      await socket.joined;
      await socket.dispose();
    }
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: the socket’s peer is counted', async () => {
    const server = await startTestServer({
      abuseLimits: { ...ABUSE_LIMIT_DEFAULTS, newVisitorsPerIpPerHour: 2 },
    });
    servers.push(server);
    const site = await server.createWorkspace();
    const outcomes = [];
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      outcomes.push((await joinFrom(server, site.siteId, address)).accepted);
    }
    expect(outcomes).toEqual([true, true, false]);
  });

  it('counts nothing with SONNY_RATE_LIMITS=off', async () => {
    const server = await serverWith({ enabled: false, newVisitorsPerIpPerHour: 1 });
    const site = await server.createWorkspace();
    for (let i = 0; i < 4; i++) {
      expect((await joinFrom(server, site.siteId, '203.0.113.7')).accepted).toBe(true);
    }
  });
});

describe('per-workspace limit on new contacts', () => {
  it('refuses a join that would create a contact past the limit, from any address; known emails still join', async () => {
    const server = await serverWith({ contactsPerWorkspacePerHour: 2 });
    const site = await server.createWorkspace();
    const known = uniqueEmail();
    expect((await joinFrom(server, site.siteId, '203.0.113.1', known)).accepted).toBe(true);
    expect((await joinFrom(server, site.siteId, '203.0.113.2')).accepted).toBe(true);
    const third = await joinFrom(server, site.siteId, '203.0.113.3');
    expect(third.accepted ? 0 : third.close.code).toBe(CloseCode.RateLimited);
    expect(await contactCount(server, site.id)).toBe(2);
    // A second visitor of a known email creates no contact.
    expect((await joinFrom(server, site.siteId, '203.0.113.4', known)).accepted).toBe(true);
    // Another workspace has its own count.
    const other = await server.createWorkspace();
    expect((await joinFrom(server, other.siteId, '203.0.113.5')).accepted).toBe(true);
  });

  it('answers identifyVisitor past the limit with RATE_LIMITED and writes nothing', async () => {
    const server = await serverWith({ contactsPerWorkspacePerHour: 1 });
    const site = await server.createWorkspace();
    expect((await joinFrom(server, site.siteId, '203.0.113.1')).accepted).toBe(true);
    const joined = await joinFrom(server, site.siteId, '203.0.113.2', null);
    if (!joined.accepted) throw new Error('a join without email creates no contact');
    const result = await joined.socket.execute(
      'mutation ($email: String!) { identifyVisitor(input: { email: $email }) { contact { id } } }',
      { email: uniqueEmail() },
    );
    expect(codeOf(result)).toBe(ErrorCode.RATE_LIMITED);
    expect(result.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await contactCount(server, site.id)).toBe(1);
    await joined.socket.dispose();
  });
});

describe('per-address limit on identifies', () => {
  it('refuses the first binding past the limit', async () => {
    const server = await serverWith({ identifiesPerIpPerHour: 2 });
    const site = await server.createWorkspace();
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push((await joinFrom(server, site.siteId, '203.0.113.7')).accepted);
    }
    expect(outcomes).toEqual([true, true, false]);
  });
});

describe('per-address limit on messages', () => {
  it('is not reset by a fresh visitorId', async () => {
    const server = await serverWith({ messagesPerIpPerMinute: 3 });
    const site = await server.createWorkspace();
    const codes = [];
    for (let visitor = 0; visitor < 2; visitor++) {
      const joined = await joinFrom(server, site.siteId, '203.0.113.7', null);
      if (!joined.accepted) throw new Error('join refused');
      for (let message = 0; message < 2; message++) {
        const result = await joined.socket.execute(
          'mutation ($id: ID!) { sendMessage(input: { body: "hi", clientMessageId: $id }) { id } }',
          { id: newVisitorId() },
        );
        codes.push(codeOf(result) ?? 'OK');
      }
      await joined.socket.dispose();
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', ErrorCode.RATE_LIMITED]);
  });
});

describe('per-address limit on logins', () => {
  const LOGIN =
    'mutation ($email: String!) { login(email: $email, password: "wrong-password") { token } }';

  it('refuses logins past the limit whatever the email', async () => {
    const server = await serverWith({ loginsPerIpPerHour: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push(codeOf(await postFrom(server, '203.0.113.7', LOGIN, { email: uniqueEmail() })));
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', ErrorCode.RATE_LIMITED]);
    expect(codeOf(await postFrom(server, '198.51.100.1', LOGIN, { email: uniqueEmail() }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses an oversized email before any limit counts it', async () => {
    const server = await serverWith({ loginsPerIpPerHour: 1 });
    const huge = `${'a'.repeat(500_000)}@example.com`;
    for (let i = 0; i < 3; i++) {
      const result = await postFrom(server, '203.0.113.7', LOGIN, { email: huge });
      expect(codeOf(result)).toBe(ErrorCode.BAD_USER_INPUT);
      expect(result.errors?.[0]?.extensions?.field).toBe('email');
    }
    // None counted: the one allowed attempt is still there.
    expect(codeOf(await postFrom(server, '203.0.113.7', LOGIN, { email: uniqueEmail() }))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('MemoryRateLimit memory', () => {
  it('tracks at most MEMORY_MAX_KEYS keys, however many and however long', async () => {
    const limit = new MemoryRateLimit({ limit: 5, windowMs: 60_000 });
    const long = 'x'.repeat(10_000);
    for (let i = 0; i < MEMORY_MAX_KEYS + 500; i++) await limit.take(`${long}${i}`);
    expect(limit.trackedKeys).toBe(MEMORY_MAX_KEYS);
    // The most recent keys are still counted.
    const recent = `${long}${MEMORY_MAX_KEYS + 499}`;
    for (let i = 0; i < 4; i++) await limit.take(recent);
    expect((await limit.take(recent)).allowed).toBe(false);
  }, 60_000);
});

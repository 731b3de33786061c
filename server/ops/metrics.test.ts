import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_MESSAGE_RATE } from '../access/rate-limit.ts';
import { PHASE_METRIC_NAMES } from '../graphql/phase-metrics.ts';
import {
  codeOf,
  newVisitorId,
  sharedTestServer,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from '../test/harness.ts';
import { mintIdentityToken } from '../test/identity-tokens.ts';
import { MAX_OPERATION_NAMES, METRIC_NAMES, OTHER_OPERATION } from './metrics.ts';
import { METRICS_PATH } from './metrics-endpoint.ts';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

const server = sharedTestServer({ metricsToken: METRICS_TOKEN });

/** Scrapes `/metrics` at `origin` with the token; fails unless it answers 200. */
async function scrape(origin = server.origin, token: string | null = METRICS_TOKEN) {
  const response = await fetch(`${origin}${METRICS_PATH}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(await response.text());
}

/** One scrape in Prometheus's text format, read the way a query would. */
class Scrape {
  readonly #samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) continue;
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1] as string] = pair[2] as string;
      }
      this.#samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
    }
  }

  /** The sum of the samples of `name` whose labels include `labels`; 0 when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.#samples
      .filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      )
      .reduce((sum, sample) => sum + sample.value, 0);
  }

  has(name: string): boolean {
    return this.#samples.some((sample) => sample.name === name);
  }

  /** Whether any sample of the metric `name` is there: its own, or its histogram's or summary's. */
  hasFamily(name: string): boolean {
    const family = new Set([name, `${name}_bucket`, `${name}_sum`, `${name}_count`]);
    return this.#samples.some((sample) => family.has(sample.name));
  }

  /** The values `label` takes on the samples of `name`. */
  labelValues(name: string, label: string): Set<string | undefined> {
    return new Set(
      this.#samples.filter((sample) => sample.name === name).map((sample) => sample.labels[label]),
    );
  }
}

const SEND = `mutation SendMessage($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;
const REPLY = `mutation Reply($conversationId: ID!, $body: String!, $id: ID!) {
  replyToConversation(input: { conversationId: $conversationId, body: $body, clientMessageId: $id }) { id }
}`;
const IDENTIFY = `mutation Identify($email: String!) {
  identifyVisitor(input: { email: $email }) { contact { id } }
}`;
const RESET = 'mutation Reset { resetVisitor { endedVisitorId } }';
const EVENTS = 'subscription VisitorEvents { visitorEvents { __typename } }';

/** Polls `read` until it returns `expected` (server-side closes land a moment after the client's). */
async function eventually(read: () => Promise<number>, expected: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  expect(value).toBe(expected);
}

describe('GET /metrics after a scripted session', () => {
  let before: Scrape;
  let during: Scrape;
  let after: Scrape;

  beforeAll(async () => {
    before = await scrape();
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);

    // A visitor who joins anonymously, then identifies without a token (unverified).
    const anna = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await anna.joined;
    const annasEvents = anna.subscribe(EVENTS);
    expect((await anna.execute(IDENTIFY, { email: uniqueEmail('anna') })).errors).toBeUndefined();
    // A visitor whose join carries an identity token (verified).
    const email = uniqueEmail('ben');
    const ben = await server.join({
      siteId: site.siteId,
      visitorId: newVisitorId(),
      email,
      identityToken: await mintIdentityToken(site.identitySecret, { email }),
    });
    await ben.joined;
    // A join for a site that does not exist.
    const stray = await server.join({ siteId: 'site_nope', visitorId: newVisitorId() });
    await stray.closed;
    const inbox = await server.connect(agent.token);
    await inbox.joined;
    during = await scrape();

    const sent = await anna.execute(SEND, { body: 'Hello?', id: 'm0' });
    const conversationId = sent.data?.sendMessage.conversationId;
    const replied = await server.http(
      REPLY,
      { conversationId, body: 'Hi Anna', id: 'r1' },
      agent.token,
    );
    expect(replied.errors).toBeUndefined();
    // One message over the limit.
    const codes = [];
    for (let i = 1; i <= VISITOR_MESSAGE_RATE.limit; i++) {
      codes.push(codeOf(await anna.execute(SEND, { body: `Message ${i}`, id: `m${i}` })));
    }
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codes.slice(0, -1).every((code) => code === undefined)).toBe(true);
    // The server sees the subscription end a moment after the client stops it.
    const subscriptionsEnded = async () =>
      (await scrape()).value(`${PHASE_METRIC_NAMES.subscribe}_count`, {
        operationName: 'VisitorEvents',
      });
    const endedBefore = await subscriptionsEnded();
    await annasEvents.close();
    await eventually(subscriptionsEnded, endedBefore + 1);

    expect((await anna.execute(RESET)).errors).toBeUndefined();
    await anna.closed;
    await ben.dispose();
    await inbox.dispose();
    // The server sees the closes a moment after the clients.
    await eventually(
      async () => (await scrape()).value(METRIC_NAMES.openSockets),
      before.value(METRIC_NAMES.openSockets),
    );
    after = await scrape();
  });

  const moved = (name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels) - before.value(name, labels);

  it('counts joins by outcome, identifies verified and unverified, and resets', () => {
    expect(moved(METRIC_NAMES.joins, { outcome: 'accepted' })).toBe(2);
    expect(moved(METRIC_NAMES.joins, { outcome: 'unknown-site' })).toBe(1);
    expect(moved(METRIC_NAMES.identifies, { verification: 'unverified' })).toBe(1);
    expect(moved(METRIC_NAMES.identifies, { verification: 'verified' })).toBe(1);
    expect(moved(METRIC_NAMES.resets)).toBe(1);
  });

  it('counts open sockets by kind while they are open, and not after', () => {
    const opened = (kind: string) =>
      during.value(METRIC_NAMES.openSockets, { kind }) -
      before.value(METRIC_NAMES.openSockets, { kind });
    expect(opened('visitor')).toBe(2);
    expect(opened('agent')).toBe(1);
    expect(opened('key')).toBe(0);
    for (const kind of ['visitor', 'agent', 'key']) {
      expect(moved(METRIC_NAMES.openSockets, { kind })).toBe(0);
    }
  });

  it('times every operation by name and type, and counts errors by code', () => {
    const count = `${METRIC_NAMES.operationDuration}_count`;
    expect(moved(count, { operation: 'SendMessage', type: 'mutation' })).toBe(
      1 + VISITOR_MESSAGE_RATE.limit,
    );
    expect(moved(count, { operation: 'Reply', type: 'mutation' })).toBe(1);
    expect(moved(count, { operation: 'Identify', type: 'mutation' })).toBe(1);
    expect(moved(count, { operation: 'Reset', type: 'mutation' })).toBe(1);
    expect(
      after.value(`${METRIC_NAMES.operationDuration}_sum`, { operation: 'Reply' }),
    ).toBeGreaterThan(0);
    expect(moved(METRIC_NAMES.errors, { code: 'RATE_LIMITED' })).toBe(1);
    expect(moved(count, { operation: 'VisitorEvents', type: 'subscription' })).toBe(1);
  });

  it('times the GraphQL phases of operations over graphql-ws and HTTP alike', () => {
    const count = (name: string) => `${name}_count`;
    const sends = { operationName: 'SendMessage', operationType: 'mutation' };
    // The widget's messages, over its socket.
    for (const phase of [
      PHASE_METRIC_NAMES.parse,
      PHASE_METRIC_NAMES.validate,
      PHASE_METRIC_NAMES.execute,
    ]) {
      expect(moved(count(phase), sends)).toBe(1 + VISITOR_MESSAGE_RATE.limit);
    }
    expect(moved(count(PHASE_METRIC_NAMES.http), { operationName: 'SendMessage' })).toBe(0);
    // The agent's reply, over HTTP.
    expect(moved(count(PHASE_METRIC_NAMES.execute), { operationName: 'Reply' })).toBe(1);
    expect(
      moved(count(PHASE_METRIC_NAMES.http), {
        operationName: 'Reply',
        method: 'POST',
        statusCode: '200',
      }),
    ).toBe(1);
    expect(
      after.value(`${PHASE_METRIC_NAMES.execute}_sum`, { operationName: 'Reply' }),
    ).toBeGreaterThan(0);
    // A subscription is observed once it ends.
    expect(
      moved(count(PHASE_METRIC_NAMES.subscribe), {
        operationName: 'VisitorEvents',
        operationType: 'subscription',
      }),
    ).toBe(1);
    // The message over the limit was refused while it executed.
    expect(moved(PHASE_METRIC_NAMES.errors, { ...sends, phase: 'execute' })).toBe(1);
  });

  it('leaves out the per-resolver series and those that cost a walk of each document', () => {
    for (const name of [
      'graphql_envelop_execute_resolver',
      'graphql_envelop_deprecated_field',
      'graphql_envelop_request_time_summary',
      'graphql_envelop_request_duration',
      'graphql_envelop_request',
      'graphql_envelop_phase_context',
      'graphql_envelop_schema_change',
    ]) {
      expect(after.hasFamily(name), name).toBe(false);
    }
  });

  it('counts rate-limit refusals by limit', () => {
    expect(moved(METRIC_NAMES.rateLimitRefusals, { limit: 'visitorMessages' })).toBe(1);
    // The per-address limit counted the same messages, far below its own limit.
    expect(moved(METRIC_NAMES.rateLimitRefusals, { limit: 'messagesByIp' })).toBe(0);
    expect(moved(METRIC_NAMES.rateLimitRefusals, { limit: 'loginAttempts' })).toBe(0);
  });

  it('reports the database pool, pub/sub failures and the event loop lag', () => {
    if (server.app.engine === 'pglite') {
      expect(after.value(METRIC_NAMES.poolInUse)).toBe(1);
    } else {
      expect(after.value(METRIC_NAMES.poolInUse)).toBeGreaterThanOrEqual(0);
    }
    expect(after.value(METRIC_NAMES.poolWaiting)).toBe(0);
    expect(after.has(METRIC_NAMES.publishFailures)).toBe(true);
    expect(after.has(METRIC_NAMES.pubsubReconnects)).toBe(true);
    expect(after.value(METRIC_NAMES.rateLimitRedisOutage)).toBe(0);
    expect(after.has(METRIC_NAMES.rateLimitLocalAttempts)).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(after.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('answers 401 without the token or with another one, and sends nothing', async () => {
    for (const authorization of [null, 'Bearer wrong-token-0123456789', `Basic ${METRICS_TOKEN}`]) {
      const response = await fetch(`${server.origin}${METRICS_PATH}`, {
        headers: authorization === null ? {} : { authorization },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain('sonny_');
    }
  });
});

describe('GET /metrics with METRICS_PORT', () => {
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer({ metricsPort: 0 });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('serves the metrics on that port alone, without a token, and nothing else there', async () => {
    const metricsOrigin = own.app.metricsOrigin();
    expect(metricsOrigin).not.toBeNull();
    expect(metricsOrigin).not.toBe(own.origin);
    const scraped = await scrape(metricsOrigin ?? '', null);
    expect(scraped.has(METRIC_NAMES.joins)).toBe(true);
    expect((await fetch(`${metricsOrigin}/readyz`)).status).toBe(404);
    expect((await fetch(`${own.origin}${METRICS_PATH}`)).status).toBe(404);
  });

  it('labels at most MAX_OPERATION_NAMES operation names, the later ones as other', async () => {
    // Operation names are the client's: each new one would be a series kept for good.
    const extra = 5;
    for (let i = 0; i < MAX_OPERATION_NAMES + extra; i++) {
      expect((await own.http(`query Name${i} { __typename }`)).errors).toBeUndefined();
    }
    const scraped = await scrape(own.app.metricsOrigin() ?? '', null);
    for (const [name, label] of [
      [`${METRIC_NAMES.operationDuration}_count`, 'operation'],
      [`${PHASE_METRIC_NAMES.parse}_count`, 'operationName'],
      [`${PHASE_METRIC_NAMES.validate}_count`, 'operationName'],
      [`${PHASE_METRIC_NAMES.execute}_count`, 'operationName'],
      [`${PHASE_METRIC_NAMES.http}_count`, 'operationName'],
    ] as const) {
      const names = scraped.labelValues(name, label);
      expect(names.size, name).toBe(MAX_OPERATION_NAMES + 1);
      expect(names.has(`Name${MAX_OPERATION_NAMES - 1}`), name).toBe(true);
      expect(names.has(`Name${MAX_OPERATION_NAMES}`), name).toBe(false);
      expect(scraped.value(name, { [label]: OTHER_OPERATION }), name).toBe(extra);
    }
  });
});

import type { Client } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/index.ts';
import { newVisitorId, type Result, sharedTestServer, type WidgetSocket } from '../test/harness.ts';
import { SOCKET_LIMITS } from './websocket.ts';

const server = sharedTestServer();

const VISITOR_EVENTS =
  'subscription { visitorEvents { ... on VisitorMessageAdded { message { body } } } }';

/** What one operation of a raw client did: its events and how it ended. */
interface Tracked {
  readonly events: Result[];
  /** The errors of an `error` message, once one came. */
  errors: unknown;
  stop(): void;
}

function track(client: Client, query: string): Tracked {
  const tracked: Tracked = {
    events: [],
    errors: undefined,
    stop: client.subscribe(
      { query },
      {
        next: (value) => tracked.events.push(value),
        error: (errors) => {
          tracked.errors = errors;
        },
        complete: () => {},
      },
    ),
  };
  return tracked;
}

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tooMany = (max: number) => [
  expect.objectContaining({ extensions: { code: 'TOO_MANY_OPERATIONS', max } }),
];

async function joinedVisitor(visitorId = newVisitorId()): Promise<{
  socket: WidgetSocket;
  siteId: string;
  visitorId: string;
}> {
  const site = await server.createWorkspace();
  const socket = await server.join({ siteId: site.siteId, visitorId });
  await socket.joined;
  return { socket, siteId: site.siteId, visitorId };
}

describe('message size', () => {
  it(`reads a message of up to ${SOCKET_LIMITS.messageBytes} bytes and closes the socket with 1009 on a larger one`, async () => {
    const { socket } = await joinedVisitor();
    // White space pads a document without adding tokens.
    const padded = (bytes: number) => {
      const query = '{ visitor { id } }';
      // The subscribe message around the query: {"id":"…","type":"subscribe","payload":{"query":"…"}}.
      return query + ' '.repeat(bytes - query.length - 120);
    };
    const answered = await socket.execute(padded(SOCKET_LIMITS.messageBytes));
    expect(answered.data?.visitor.id).toEqual(expect.any(String));

    socket.execute(padded(SOCKET_LIMITS.messageBytes + 1024)).catch(() => {});
    expect(await socket.closed).toMatchObject({ code: CloseCode.MessageTooBig });
  });
});

describe('operations at once', () => {
  it(`runs ${SOCKET_LIMITS.visitorOperations} on a visitor's socket and refuses one more, subscriptions and queries alike`, async () => {
    const { socket } = await joinedVisitor();
    const subscriptions = Array.from({ length: SOCKET_LIMITS.visitorOperations }, () =>
      track(socket.client, VISITOR_EVENTS),
    );
    const extra = track(socket.client, VISITOR_EVENTS);
    await until(() => extra.errors !== undefined);
    expect(extra.errors).toEqual(tooMany(SOCKET_LIMITS.visitorOperations));
    expect(subscriptions.every((subscription) => subscription.errors === undefined)).toBe(true);
    await expect(socket.execute('{ visitor { id } }')).rejects.toEqual(
      tooMany(SOCKET_LIMITS.visitorOperations),
    );

    // Completing one frees its place: the server reads the complete before the next subscribe.
    subscriptions[0]?.stop();
    const result = await socket.execute('{ visitor { id } }');
    expect(result.data?.visitor.id).toEqual(expect.any(String));
  });

  it('delivers a message to the few subscriptions a visitor may hold, not to 200', async () => {
    const { socket, siteId, visitorId } = await joinedVisitor();
    const subscriptions = Array.from({ length: 200 }, () => track(socket.client, VISITOR_EVENTS));
    await until(
      () =>
        subscriptions.filter((subscription) => subscription.errors !== undefined).length ===
        200 - SOCKET_LIMITS.visitorOperations,
    );
    // The same visitor, from a second tab.
    const sender = await server.join({ siteId, visitorId });
    await sender.joined;
    await sender.execute(
      'mutation { sendMessage(input: { body: "once", clientMessageId: "c1" }) { id } }',
    );
    const delivered = () =>
      subscriptions.reduce((count, subscription) => count + subscription.events.length, 0);
    await until(() => delivered() === SOCKET_LIMITS.visitorOperations);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(delivered()).toBe(SOCKET_LIMITS.visitorOperations);
  });

  it(`runs ${SOCKET_LIMITS.agentOperations} on an agent's socket and refuses one more`, async () => {
    const site = await server.createWorkspace();
    const agent = await server.createAgent(site.id);
    const socket = await server.connect(agent.token);
    await socket.joined;
    const inboxEvents = 'subscription { inboxEvents { id } }';
    const subscriptions = Array.from({ length: SOCKET_LIMITS.agentOperations }, () =>
      track(socket.client, inboxEvents),
    );
    const extra = track(socket.client, inboxEvents);
    await until(() => extra.errors !== undefined);
    expect(extra.errors).toEqual(tooMany(SOCKET_LIMITS.agentOperations));
    expect(subscriptions.every((subscription) => subscription.errors === undefined)).toBe(true);
  });
});

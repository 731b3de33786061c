import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from '../db/connect.ts';
import type { Db } from '../db/database.ts';
import { runUnitOfWork } from '../db/unit-of-work.ts';
import {
  createSite,
  newVisitorId,
  type Subscription,
  sharedTestServer,
  type TestSite,
} from '../test/harness.ts';
import { lockConversation, updateConversationStatus } from './conversations.ts';
import type { DomainEventPublisher } from './events.ts';
import { appendInboxEvent } from './inbox-events.ts';

// Writers of one workspace no longer wait for each other's commits, so their events commit in
// any order. These tests hold transactions open and commit them out of order, and check what
// an inbox sees: each event once, never one after a position a resume would start from.

const INBOX = `subscription ($after: ID) {
  inboxEvents(after: $after) { id kind conversation { id } message { body } }
}`;
const SEND = `mutation ($body: String!, $id: ID!) {
  sendMessage(input: { body: $body, clientMessageId: $id }) { id conversationId }
}`;

const server = sharedTestServer();
/** Transactions held open at once need connections of their own: on Postgres, a second pool. */
const onPostgres = Boolean(process.env.DATABASE_URL);
let writers: DatabaseHandle | null = null;
beforeAll(async () => {
  if (onPostgres) {
    writers = await connectDatabase({
      databaseUrl: process.env.DATABASE_URL ?? null,
      dataDir: IN_MEMORY_DATA_DIR,
      databasePoolSize: 30,
    });
  }
});
afterAll(async () => {
  await writers?.close();
});
/** Where the held transactions run: their own pool on Postgres; PGlite's one connection. */
const writerDb = (): Db => writers?.db ?? server.app.db;

interface InboxEvent {
  id: string;
  kind: string;
  conversation: { id: string } | null;
  message: { body: string } | null;
}

/** An agent's inbox subscription, started once the server has it (proved by a round trip). */
async function inbox(site: TestSite, after?: string): Promise<Subscription> {
  const socket = await server.connect(site.agentToken);
  const events = socket.subscribe(INBOX, after === undefined ? {} : { after });
  // Operations on one socket are handled in order: once this answers, the subscription listens.
  await socket.execute('{ __typename }');
  return events;
}

async function take(events: Subscription, count: number): Promise<InboxEvent[]> {
  const taken: InboxEvent[] = [];
  for (let i = 0; i < count; i++) {
    const result = await events.next(10_000);
    expect(result.errors).toBeUndefined();
    taken.push(result.data?.inboxEvents);
  }
  return taken;
}

/** Resuming after each event the live stream showed replays exactly what it showed later. */
async function expectEveryResumeToContinue(site: TestSite, live: InboxEvent[]): Promise<void> {
  for (const [index, event] of live.entries()) {
    const resumed = await inbox(site, event.id);
    const rest = live.slice(index + 1).map(({ id }) => id);
    expect((await take(resumed, rest.length)).map(({ id }) => id)).toEqual(rest);
    await resumed.expectSilence(50);
    await resumed.close();
  }
}

/** Conversations of the site, one per new visitor, each opened by a message. */
async function openConversations(site: TestSite, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    const sent = await visitor.execute(SEND, { body: `hello ${i}`, id: 'hello' });
    ids.push(sent.data?.sendMessage.conversationId);
  }
  return ids;
}

/**
 * Closes a conversation as `closeConversation` does, in a transaction that stays open after
 * its event is written until `commit()` is called. `written` resolves once the event is in.
 */
function heldClose(site: TestSite, conversationId: string) {
  let commit = () => {};
  const committing = new Promise<void>((resolve) => {
    commit = resolve;
  });
  let markWritten = () => {};
  const written = new Promise<void>((resolve) => {
    markWritten = resolve;
  });
  const committed = runUnitOfWork(writerDb(), server.app.publisher, async (work) => {
    const locked = await lockConversation(work.trx, site.id, conversationId);
    const conversation = await updateConversationStatus(work.trx, locked.id, 'closed');
    await appendInboxEvent(work, {
      workspaceId: site.id,
      kind: 'conversation_closed',
      conversationId,
      visitorId: conversation.visitorId,
      contactId: conversation.contactId,
    });
    markWritten();
    await committing;
  });
  return { written, commit, committed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms)),
  ]);
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inbox event order', () => {
  it('shows the events of visitors writing at once each once, in an order a resume after any of them continues', async () => {
    const site = await createSite(server);
    const live = await inbox(site);
    const visitors = 6;
    const bodies = ['one', 'two', 'three'];
    await Promise.all(
      Array.from({ length: visitors }, async (_, index) => {
        const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
        for (const body of bodies) {
          const sent = await visitor.execute(SEND, { body: `${body} ${index}`, id: body });
          expect(sent.errors).toBeUndefined();
        }
      }),
    );
    const events = await take(live, visitors * (1 + bodies.length));
    await live.expectSilence(100);
    expect(new Set(events.map(({ id }) => id)).size).toBe(events.length);
    // Each visitor's events come in the order its writes committed.
    const byConversation = Map.groupBy(events, (event) => event.conversation?.id);
    expect(byConversation.size).toBe(visitors);
    for (const conversationEvents of byConversation.values()) {
      const index = conversationEvents[1]?.message?.body.split(' ')[1];
      expect(conversationEvents.map((event) => event.message?.body ?? event.kind)).toEqual([
        'CONVERSATION_CREATED',
        ...bodies.map((body) => `${body} ${index}`),
      ]);
    }
    await expectEveryResumeToContinue(site, events);
  });

  it.runIf(onPostgres)(
    'lets a transaction write its event while an older one is open, and holds what committed first until the older one commits',
    async () => {
      const site = await createSite(server);
      const conversations = await openConversations(site, 5);
      const live = await inbox(site);

      // Opened in order, so each has a larger transaction id than the one before; none waits.
      const held = [];
      for (const conversationId of conversations) {
        const close = heldClose(site, conversationId);
        await within(close.written, 5_000, 'a writer waited for an older transaction');
        held.push(close);
      }
      // The newest commit first, the oldest last.
      for (const close of held.slice(1).reverse()) {
        close.commit();
        await close.committed;
        await pause(20);
      }
      // Committed, but the oldest transaction could still have taken a place before them.
      await live.expectSilence(300);
      held[0]?.commit();
      await held[0]?.committed;

      const events = await take(live, conversations.length);
      expect(events.map((event) => [event.kind, event.conversation?.id])).toEqual(
        conversations.map((id) => ['CONVERSATION_CLOSED', id]),
      );
      await live.expectSilence(100);
      await expectEveryResumeToContinue(site, events);
    },
  );

  it.runIf(onPostgres)(
    'shows each event once every older writer has ended, live and to an inbox resuming after each commit in random order',
    async () => {
      const site = await createSite(server);
      const conversations = await openConversations(site, 8);
      const live = await inbox(site);
      let resumed = await inbox(site);
      const held = [];
      for (const conversationId of conversations) {
        const close = heldClose(site, conversationId);
        await close.written;
        held.push(close);
      }
      const commitOrder = shuffled([...held.keys()]);
      const committed = new Set<number>();
      const liveIds: string[] = [];
      const resumedIds: string[] = [];
      for (const index of commitOrder) {
        held[index]?.commit();
        await held[index]?.committed;
        committed.add(index);
        // The events of the oldest writers, up to the first one still open.
        let settled = 0;
        while (committed.has(settled)) settled++;
        const fresh = conversations.slice(liveIds.length, settled);
        const shown = await take(live, fresh.length);
        expect(shown.map((event) => event.conversation?.id)).toEqual(fresh);
        liveIds.push(...shown.map(({ id }) => id));
        const caughtUp = await take(resumed, fresh.length);
        resumedIds.push(...caughtUp.map(({ id }) => id));
        // Without an event seen yet there is nothing to resume after.
        const last = resumedIds.at(-1);
        if (last === undefined) continue;
        await resumed.close();
        resumed = await inbox(site, last);
      }
      expect(resumedIds).toEqual(liveIds);
      await live.expectSilence(100);
      await resumed.expectSilence(0);
    },
  );

  it('keeps every event of writers committing in random order, for a live inbox and one that keeps resuming', async () => {
    const site = await createSite(server);
    const conversations = await openConversations(site, 16);
    const live = await inbox(site);
    let resumable = await inbox(site);
    /** When each write began and each commit was done, to check the order against. */
    const began = new Map<string, number>();
    const done = new Map<string, number>();
    const writes = conversations.map(async (conversationId) => {
      await pause(Math.random() * 30);
      began.set(conversationId, performance.now());
      const close = heldClose(site, conversationId);
      await close.written;
      await pause(Math.random() * 40);
      close.commit();
      await close.committed;
      done.set(conversationId, performance.now());
    });

    // An inbox whose socket drops every few events, resuming after the last one it saw.
    const resuming = (async () => {
      const seen: InboxEvent[] = [];
      while (seen.length < conversations.length) {
        const batch = Math.min(
          1 + Math.floor(Math.random() * 3),
          conversations.length - seen.length,
        );
        seen.push(...(await take(resumable, batch)));
        await resumable.close();
        resumable = await inbox(site, seen.at(-1)?.id);
      }
      await resumable.expectSilence(100);
      return seen;
    })();

    await Promise.all(writes);
    const events = await take(live, conversations.length);
    await live.expectSilence(100);
    expect(new Set(events.map(({ id }) => id)).size).toBe(conversations.length);
    expect((await resuming).map(({ id }) => id)).toEqual(events.map(({ id }) => id));
    // A write that began after another had committed comes after it.
    const order = events.map((event) => event.conversation?.id ?? '');
    for (const [earlier, committedAt] of done) {
      for (const [later, beganAt] of began) {
        if (beganAt > committedAt)
          expect(order.indexOf(later)).toBeGreaterThan(order.indexOf(earlier));
      }
    }
  });

  it('replays a backlog longer than one read of the log, in order', async () => {
    const site = await createSite(server);
    const live = await inbox(site);
    const visitor = await server.join({ siteId: site.siteId, visitorId: newVisitorId() });
    await visitor.execute(SEND, { body: 'hello', id: 'hello' });
    const [created, added] = await take(live, 2);
    // A backlog written at once, and published like any other write.
    const appended: string[] = [];
    const publisher: DomainEventPublisher = {
      publish(events) {
        for (const event of events) {
          if (event.kind === 'inbox-event-appended') appended.push(event.event.id);
        }
        server.app.publisher.publish(events);
      },
    };
    await runUnitOfWork(server.app.db, publisher, async (work) => {
      for (let i = 0; i < 600; i++) {
        await appendInboxEvent(work, {
          workspaceId: site.id,
          kind: 'conversation_reopened',
          conversationId: created?.conversation?.id ?? null,
        });
      }
    });
    const resumed = await inbox(site, created?.id);
    const expected = [added?.id, ...appended];
    expect((await take(resumed, expected.length)).map(({ id }) => id)).toEqual(expected);
    await resumed.expectSilence(100);
  });
});

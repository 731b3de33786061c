/**
 * Many sockets in one client process: visitors as the widget holds them (joined, subscribed to
 * `visitorEvents`, optionally with a conversation started by a first message) and agent
 * sockets that reply to their conversations. Replies are sent open-loop at a fixed rate and
 * timed from the moment each was due to the moment its visitor's subscription delivered it,
 * so a server (or a client) that falls behind shows in the latency instead of slowing the
 * load. The state lives in this process between the parent's calls (`clientMethods`).
 */
import { randomUUID } from 'node:crypto';
import { SEND_MESSAGE_MUTATION, VISITOR_EVENTS_SUBSCRIPTION } from '../../widget/operations.ts';
import { type BenchSocket, errorOf, openSocket, type Result, runConcurrently } from './sockets.ts';

/** Sockets opened at once while a fleet connects. */
const OPEN_CONCURRENCY = 64;
/** Below the server's 50 operations at once per agent socket. */
const AGENT_SOCKET_OPERATIONS = 40;
/** How long the answers may lag behind the end of a load before the rest count as unanswered. */
const DRAIN_MS = 10_000;
/** How long a delivery may take after the last reply was answered before it counts as lost. */
const DELIVERY_GRACE_MS = 5_000;

const REPLY_MUTATION = /* GraphQL */ `mutation Reply($input: ReplyToConversationInput!) {
  replyToConversation(input: $input) { id }
}`;
const INBOX_EVENTS_SUBSCRIPTION = /* GraphQL */ `subscription Inbox { inboxEvents { id kind } }`;

interface Visitor {
  readonly visitorId: string;
  conversationId: string | null;
  socket: BenchSocket | null;
  /** Acknowledged by the server and not closed since. */
  open: boolean;
}

const visitors: Visitor[] = [];
let agents: BenchSocket[] = [];
/**
 * Operations each agent socket has running. Kept across loads: replies a saturated server
 * still runs after a load gave up on them count against the socket's limit in the next.
 */
let agentRunning: number[] = [];
let inboxEventsSeen = 0;

/** A reply sent and not yet delivered. */
interface Pending {
  /** When it was due (performance.now()): its latency counts from here. */
  readonly due: number;
  /** The index of the visitor it is for. */
  readonly visitor: number;
  answered: boolean;
}
const pending = new Map<string, Pending>();
let deliveries: number[] = [];
let misdelivered = 0;

function onVisitorEvent(index: number, result: Result): void {
  const message = result.data?.visitorEvents?.message;
  if (message?.author !== 'AGENT') return;
  const sent = pending.get(message.clientMessageId);
  if (sent === undefined) return;
  pending.delete(message.clientMessageId);
  if (sent.visitor !== index) misdelivered++;
  else deliveries.push(performance.now() - sent.due);
}

async function joinVisitor(url: string, siteId: string, index: number): Promise<void> {
  const visitor = visitors[index] as Visitor;
  const socket = openSocket(url, { siteId, visitorId: visitor.visitorId });
  visitor.socket = socket;
  void socket.closed.then(() => {
    if (visitor.socket === socket) visitor.open = false;
  });
  await socket.connected;
  visitor.open = true;
  socket.subscribe(VISITOR_EVENTS_SUBSCRIPTION, {}, (result) => onVisitorEvent(index, result));
}

export interface OpenVisitorsInput {
  readonly url: string;
  readonly siteId: string;
  readonly count: number;
  /**
   * How many of the new visitors send a first message, so that an agent has a conversation
   * to reply to (the first ones; the others only listen).
   */
  readonly conversing: number;
}

/**
 * Joins `count` new visitors, each subscribed to `visitorEvents`, the first `conversing` of
 * them with a conversation.
 */
async function openVisitors(
  input: OpenVisitorsInput,
): Promise<{ open: number; failures: string[] }> {
  const first = visitors.length;
  for (let i = 0; i < input.count; i++) {
    visitors.push({ visitorId: randomUUID(), conversationId: null, socket: null, open: false });
  }
  const failures = await runConcurrently(input.count, OPEN_CONCURRENCY, async (offset) => {
    const index = first + offset;
    await joinVisitor(input.url, input.siteId, index);
    if (offset >= input.conversing) return;
    const visitor = visitors[index] as Visitor;
    const sent = await visitor.socket?.execute(SEND_MESSAGE_MUTATION, {
      input: { body: 'Hello, is anyone there?', clientMessageId: randomUUID() },
    });
    const conversationId = sent?.data?.sendMessage?.conversationId;
    if (typeof conversationId !== 'string') throw new Error(`sendMessage: ${JSON.stringify(sent)}`);
    visitor.conversationId = conversationId;
  });
  return { open: openCount(), failures: summarize(failures) };
}

/** Joins every known visitor again (same visitorId) at `url`, subscribed as before. */
async function reconnectVisitors(input: {
  readonly url: string;
  readonly siteId: string;
}): Promise<{ open: number; failures: string[] }> {
  const failures = await runConcurrently(visitors.length, OPEN_CONCURRENCY, (index) =>
    joinVisitor(input.url, input.siteId, index),
  );
  return { open: openCount(), failures: summarize(failures) };
}

/** Closes every visitor's socket; the visitors stay known, for {@link reconnectVisitors}. */
async function closeVisitors(): Promise<void> {
  await runConcurrently(visitors.length, OPEN_CONCURRENCY * 4, async (index) => {
    const visitor = visitors[index] as Visitor;
    const socket = visitor.socket;
    visitor.socket = null;
    visitor.open = false;
    await socket?.close();
  });
}

/** The visitors whose socket is open. */
function openCount(): number {
  return visitors.filter((visitor) => visitor.open).length;
}

/** Opens `count` agent sockets with the session token; the first watches `inboxEvents`. */
async function connectAgents(input: {
  readonly url: string;
  readonly token: string;
  readonly count: number;
  readonly watchInbox: boolean;
}): Promise<void> {
  await Promise.all(agents.map((socket) => socket.close()));
  agents = Array.from({ length: input.count }, () =>
    openSocket(input.url, { authToken: input.token }),
  );
  agentRunning = agents.map(() => 0);
  await Promise.all(agents.map((socket) => socket.connected));
  if (input.watchInbox) {
    agents[0]?.subscribe(INBOX_EVENTS_SUBSCRIPTION, {}, () => {
      inboxEventsSeen++;
    });
  }
}

/**
 * Calls `send(i, due)` for i = 0… at `rate` per second for `seconds`, each when it is due
 * (late ones at once, in order): the load does not wait for the server.
 */
async function openLoop(
  rate: number,
  seconds: number,
  send: (i: number, due: number) => void,
): Promise<void> {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + (next * 1000) / rate <= now) {
      send(next, start + (next * 1000) / rate);
      next++;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Agent sockets with a bound on operations at once per socket; the rest wait in line. */
function agentSender() {
  const running = agentRunning;
  let waiting: Array<(socket: number) => void> = [];
  const acquire = (): Promise<number> => {
    let least = 0;
    running.forEach((count, socket) => {
      if (count < (running[least] ?? 0)) least = socket;
    });
    if ((running[least] ?? 0) >= AGENT_SOCKET_OPERATIONS) {
      return new Promise((resolve) => waiting.push(resolve));
    }
    running[least] = (running[least] ?? 0) + 1;
    return Promise.resolve(least);
  };
  // A freed place goes to the first in line, else back to the socket.
  const release = (socket: number) => {
    const next = waiting.shift();
    if (next) next(socket);
    else running[socket] = (running[socket] ?? 1) - 1;
  };
  return {
    async send(query: string, variables: Record<string, unknown>): Promise<Result> {
      const socket = await acquire();
      try {
        return await (agents[socket] as BenchSocket).execute(query, variables);
      } finally {
        release(socket);
      }
    },
    /** Drops the replies still in line: they are never sent, and never answered. */
    abandon() {
      waiting = [];
    },
  };
}

export interface ReplyOutput {
  readonly sent: number;
  /** Replies whose mutation answered with an error. */
  readonly errors: number;
  readonly firstError: string | null;
  /**
   * Replies with no answer once the load ended and the answers had {@link DRAIN_MS} more:
   * the server (or the agents' sockets) fell that far behind.
   */
  readonly unanswered: number;
  /** Replies delivered to their visitor's subscription; latency per delivery, ms. */
  readonly samples: Float64Array;
  /** Replies the server accepted that no subscription delivered within the grace period. */
  readonly lost: number;
  /** Replies delivered to a visitor other than the one they were for. */
  readonly misdelivered: number;
}

/**
 * Agents reply at `rate` per second for `seconds` to the conversations of the open visitors,
 * each visitor in turn (shuffled), and the deliveries are timed. Waiting for the answers and
 * the deliveries is bounded, so a saturated server makes the figures bad, never the run long.
 */
async function replies(input: {
  readonly rate: number;
  readonly seconds: number;
}): Promise<ReplyOutput> {
  const targets = shuffled(
    visitors.flatMap((visitor, index) =>
      visitor.conversationId !== null && visitor.open ? [index] : [],
    ),
  );
  if (targets.length === 0) throw new Error('no open visitor has a conversation');
  pending.clear();
  deliveries = [];
  misdelivered = 0;
  const sender = agentSender();
  let sent = 0;
  let answered = 0;
  let errors = 0;
  let firstError: string | null = null;
  await openLoop(input.rate, input.seconds, (i, due) => {
    sent++;
    const index = targets[i % targets.length] as number;
    const clientMessageId = randomUUID();
    const entry: Pending = { due, visitor: index, answered: false };
    pending.set(clientMessageId, entry);
    const refused = (error: string) => {
      errors++;
      firstError ??= error;
      pending.delete(clientMessageId);
    };
    const reply = {
      conversationId: (visitors[index] as Visitor).conversationId,
      body: `Reply ${i}`,
      clientMessageId,
    };
    sender.send(REPLY_MUTATION, { input: reply }).then(
      (result) => {
        answered++;
        const error = errorOf(result);
        if (error === null) entry.answered = true;
        else refused(error);
      },
      (error: unknown) => {
        answered++;
        refused(error instanceof Error ? error.message : String(error));
      },
    );
  });
  await waitUntil(() => answered >= sent, DRAIN_MS);
  sender.abandon();
  await waitUntil(() => ![...pending.values()].some((entry) => entry.answered), DELIVERY_GRACE_MS);
  let lost = 0;
  let unanswered = 0;
  for (const entry of pending.values()) {
    if (entry.answered) lost++;
    else unanswered++;
  }
  pending.clear();
  return {
    sent,
    errors,
    firstError,
    unanswered,
    samples: Float64Array.from(deliveries),
    lost,
    misdelivered,
  };
}

/** Resolves once `done()` holds, or after `ms`. */
async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ChatOutput extends ReplyOutput {
  readonly visitorMessages: number;
  /** Visitor messages refused, or unanswered within {@link DRAIN_MS} of the load's end. */
  readonly visitorErrors: number;
  readonly inboxEvents: number;
}

/**
 * A steady chat for `seconds`: visitors send messages at `visitorRate` per second, agents
 * reply at `replyRate` (timed as {@link replies}), and one agent socket watches `inboxEvents`
 * (see {@link connectAgents}).
 */
async function chat(input: {
  readonly seconds: number;
  readonly visitorRate: number;
  readonly replyRate: number;
}): Promise<ChatOutput> {
  let sent = 0;
  let visitorMessages = 0;
  let visitorErrors = 0;
  const open = visitors.filter((visitor) => visitor.open);
  const visitorLoad = openLoop(input.visitorRate, input.seconds, (i) => {
    sent++;
    const visitor = open[Math.floor(Math.random() * open.length)] as Visitor;
    (visitor.socket as BenchSocket)
      .execute(SEND_MESSAGE_MUTATION, {
        input: { body: `Message ${i}`, clientMessageId: randomUUID() },
      })
      .then(
        (result) => (errorOf(result) === null ? visitorMessages++ : visitorErrors++),
        () => visitorErrors++,
      );
  });
  const seenBefore = inboxEventsSeen;
  const [replied] = await Promise.all([
    replies({ rate: input.replyRate, seconds: input.seconds }),
    visitorLoad.then(() => waitUntil(() => visitorMessages + visitorErrors >= sent, DRAIN_MS)),
  ]);
  return {
    ...replied,
    visitorMessages,
    visitorErrors: sent - visitorMessages,
    inboxEvents: inboxEventsSeen - seenBefore,
  };
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** The distinct failure messages and how often each happened, at most five. */
function summarize(failures: Error[]): string[] {
  const counts = new Map<string, number>();
  for (const failure of failures)
    counts.set(failure.message, (counts.get(failure.message) ?? 0) + 1);
  return [...counts].slice(0, 5).map(([message, count]) => `${count}× ${message}`);
}

export const clientMethods = {
  openVisitors,
  reconnectVisitors,
  closeVisitors,
  connectAgents,
  replies,
  chat,
};

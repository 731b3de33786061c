// Owns the table `inbox_events`: every read and write of it is here.
//
// The order of the log. A subscriber resumes with `after` (an event it saw) and gets what
// came later, so no event may ever take a place before one already delivered: a client
// resuming after the delivered one would skip it. Insert order (`seq`) cannot be that order
// alone, since a transaction may take a smaller seq and commit after another's larger one;
// a lock per workspace held until commit made seq order commit order, but queued every
// event-producing transaction of a workspace behind the previous one's commit.
//
// So each event carries a `horizon`, a transaction id its column's default fixes at insert:
// the larger of its insert snapshot's xmax (past every transaction that had ended) and its
// own transaction's id + 1. The
// log is ordered by (horizon, seq), and readers take only the events *settled* in the
// snapshot they read in: horizon at most `pg_snapshot_xmin`, below which every transaction
// has ended. The settled set is final. An event a reader cannot see yet belongs to a
// transaction still running or not yet begun, whose id is at least that xmin, and its
// horizon is above its own transaction's id: above xmin. Whatever appears later sorts after
// every settled event, so a cursor at the last event delivered misses nothing, and delivers
// nothing twice.
//
// The order agrees with the commits it can matter for: an event inserted after a
// transaction committed has a horizon above that transaction's id and at least its events'
// horizons (a later snapshot's xmax is never smaller), and a later seq. So an event follows the
// events of every transaction that committed before it was written, among them those its
// writer waited for; events of overlapping transactions are ordered among themselves.
//
// The cost is latency, not throughput: an event waits until every transaction holding an id
// when it was written has ended, anywhere on the Postgres server (xmin is not per database),
// usually a few milliseconds. A transaction that wrote and stays open holds back every later
// event until it ends; the server's own statements end within DATABASE_STATEMENT_TIMEOUT, and
// docs/operations.md asks the same of other sessions. Read-only ones (pg_dump) hold no id and
// hold nothing back. On PGlite, one connection, every committed event is settled at once.
// Subscribers read the log (`server/realtime/follow-log.ts`); the event published after
// commit only wakes them.
import { sql } from 'kysely';
import type { Executor, InboxEventKind, InboxEventRow } from '../db/database.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';

/** Where an event stands in its workspace's log, ordered by horizon, then seq. */
export interface InboxLogPosition {
  /** A transaction id, a decimal bigint: the event is settled once every one below has ended. */
  readonly horizon: string;
  /** Insert order, a decimal bigint. */
  readonly seq: string;
}

/**
 * One entry of a workspace's inbox log, as the API and pub/sub carry it. Plain JSON, so it
 * crosses Redis unchanged; the objects it names are read when a subscriber resolves it.
 */
export interface InboxEventModel {
  readonly id: string;
  readonly position: InboxLogPosition;
  readonly workspaceId: string;
  readonly kind: InboxEventKind;
  readonly conversationId: string | null;
  readonly messageId: string | null;
  readonly visitorId: string | null;
  readonly contactId: string | null;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** The one mapping from an inbox event row to its model. */
export function toInboxEvent(row: InboxEventRow): InboxEventModel {
  return {
    id: row.id,
    position: { horizon: row.horizon, seq: row.seq },
    workspaceId: row.workspace_id,
    kind: row.kind,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    visitorId: row.visitor_id,
    contactId: row.contact_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * The horizon events are settled up to in the statement's snapshot: every transaction below
 * it has ended. A subquery, so it is computed once per statement.
 */
const settledBelow = sql<string>`(select pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`;

/** The domain event of an appended inbox event: published on its workspace's channel. */
export interface InboxEventAppended {
  readonly kind: 'inbox-event-appended';
  readonly event: InboxEventModel;
}

export interface NewInboxEvent {
  readonly workspaceId: string;
  readonly kind: InboxEventKind;
  readonly conversationId?: string | null;
  readonly messageId?: string | null;
  readonly visitorId?: string | null;
  readonly contactId?: string | null;
}

/**
 * Records an event in the workspace's log, inside the unit of work of the change it records:
 * the event exists exactly when the change does, and is published once the unit commits.
 * Appends never wait for each other (see the log's order, above); take the row locks the
 * change needs (the visitor's) before calling this, so the event sorts after those of the
 * transactions it waited for.
 */
export async function appendInboxEvent(
  work: UnitOfWork<InboxEventAppended>,
  event: NewInboxEvent,
): Promise<void> {
  const row = await work.trx
    .insertInto('inbox_events')
    .values({
      workspace_id: event.workspaceId,
      kind: event.kind,
      conversation_id: event.conversationId ?? null,
      message_id: event.messageId ?? null,
      visitor_id: event.visitorId ?? null,
      contact_id: event.contactId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  work.record({ kind: 'inbox-event-appended', event: toInboxEvent(row) });
}

/** The position of an event, if it belongs to the workspace. */
export async function findInboxEventPosition(
  db: Executor,
  workspaceId: string,
  eventId: string,
): Promise<InboxLogPosition | undefined> {
  return db
    .selectFrom('inbox_events')
    .select(['horizon', 'seq'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', eventId)
    .executeTakeFirst();
}

/** The largest bigint: with a horizon, a position after every event of that horizon. */
const LAST_SEQ = '9223372036854775807';

/** Where a subscriber that starts now starts reading a workspace's log. */
export interface InboxLogStart {
  /** Right after every settled event: whatever is not settled yet sorts after it. */
  readonly position: InboxLogPosition;
  /** The workspace's events after `position` that are committed already: not news. */
  readonly before: string[];
}

/** Where a subscriber of the workspace's log that starts now starts, in one snapshot. */
export async function inboxLogStart(db: Executor, workspaceId: string): Promise<InboxLogStart> {
  const committedUnsettled = db
    .selectFrom('inbox_events')
    .select(sql<string>`id::text`.as('id'))
    .where('workspace_id', '=', workspaceId)
    .where('horizon', '>', settledBelow);
  const row = await db
    .selectNoFrom([
      settledBelow.as('horizon'),
      sql<string[]>`array(${committedUnsettled})`.as('before'),
    ])
    .executeTakeFirstOrThrow();
  return { position: { horizon: row.horizon, seq: LAST_SEQ }, before: row.before };
}

/** How many events one read of the log returns at most. */
const INBOX_LOG_PAGE = 500;

/** One read of a workspace's log after a position. */
export interface InboxLogRead {
  /** Settled events after the position, in the log's order: none can ever come before them. */
  readonly events: InboxEventModel[];
  /**
   * What the log holds after them: nothing; `more` settled events (the page was full); or
   * events `held` back until the transactions that were running when they were written end.
   */
  readonly rest: 'none' | 'more' | 'held';
}

/**
 * The workspace's settled events after `after`, in the log's order, at most
 * {@link INBOX_LOG_PAGE}. One statement, so the events and the horizon they are settled by
 * come from the same snapshot: an event committed between two snapshots could otherwise be
 * passed over.
 */
export async function readInboxLogAfter(
  db: Executor,
  workspaceId: string,
  after: InboxLogPosition,
): Promise<InboxLogRead> {
  const rows = await db
    .selectFrom('inbox_events')
    .selectAll()
    .select((eb) => eb('horizon', '<=', settledBelow).as('settled'))
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb(eb.refTuple('horizon', 'seq'), '>', eb.tuple(after.horizon, after.seq)))
    .orderBy('horizon')
    .orderBy('seq')
    .limit(INBOX_LOG_PAGE + 1)
    .execute();
  // Settled events come first: they are the ones whose horizon is at most the snapshot's.
  const settled = rows.filter((row) => row.settled);
  const events = settled.slice(0, INBOX_LOG_PAGE).map(toInboxEvent);
  const rest =
    settled.length < rows.length ? 'held' : rows.length > INBOX_LOG_PAGE ? 'more' : 'none';
  return { events, rest };
}

// Owns the table `inbox_events`: every read and write of it is here.
import { sql } from 'kysely';
import type { Executor, InboxEventKind, InboxEventRow } from '../db/database.ts';
import type { UnitOfWork } from '../db/unit-of-work.ts';

/**
 * One entry of a workspace's inbox log, as the API and pub/sub carry it. Plain JSON, so it
 * crosses Redis unchanged; the objects it names are read when a subscriber resolves it.
 */
export interface InboxEventModel {
  readonly id: string;
  /** Position in the log, a decimal bigint: within a workspace, equal to commit order. */
  readonly seq: string;
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
    seq: row.seq,
    workspaceId: row.workspace_id,
    kind: row.kind,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    visitorId: row.visitor_id,
    contactId: row.contact_id,
    createdAt: row.created_at.toISOString(),
  };
}

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

/** Namespace of the advisory locks below, so they never collide with another use of them. */
const INBOX_LOG_LOCK = 0x1b0c;

/**
 * Records an event in the workspace's log, inside the unit of work of the change it records:
 * the event exists exactly when the change does, and is published once the unit commits.
 *
 * Appends in one workspace are serialised until commit (a transaction-scoped advisory lock),
 * so `seq` order is commit order and `inboxEvents(after)` can never skip an event that
 * committed late with a smaller `seq`. Take row locks (the visitor's) before calling this.
 */
export async function appendInboxEvent(
  work: UnitOfWork<InboxEventAppended>,
  event: NewInboxEvent,
): Promise<void> {
  const { trx } = work;
  await sql`select pg_advisory_xact_lock(${INBOX_LOG_LOCK}, hashtext(${event.workspaceId}))`.execute(
    trx,
  );
  const row = await trx
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
export async function findInboxEventSeq(
  db: Executor,
  workspaceId: string,
  eventId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('inbox_events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.seq;
}

/** The position of the workspace's newest event, `'0'` when it has none. */
export async function newestInboxEventSeq(db: Executor, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('inbox_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.seq ?? '0';
}

/** The workspace's events after position `afterSeq`, oldest first. */
export async function listInboxEventsAfter(
  db: Executor,
  workspaceId: string,
  afterSeq: string,
): Promise<InboxEventModel[]> {
  const rows = await db
    .selectFrom('inbox_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return rows.map(toInboxEvent);
}

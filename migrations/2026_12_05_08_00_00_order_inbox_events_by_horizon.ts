import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Each event's transaction-id horizon: it takes its final place in the log once every
  // transaction whose id is below it has ended, so appends no longer wait for each other's
  // commits (server/conversations/inbox-events.ts explains the order). It is the larger of
  // the insert's snapshot's xmax (past every transaction that had ended) and the writer's own
  // id + 1. A default, so that every insert gets it, whatever code writes it. The events
  // written before had their order fixed at commit already: horizon 0 keeps their seq order,
  // before every new one.
  await db.schema
    .alterTable('inbox_events')
    .addColumn('horizon', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('inbox_events')
    .alterColumn('horizon', (col) =>
      col.setDefault(
        sql`greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, pg_current_xact_id()::text::bigint + 1)`,
      ),
    )
    .execute();
  await db.schema
    .createIndex('inbox_events_workspace_horizon_seq_index')
    .on('inbox_events')
    .columns(['workspace_id', 'horizon', 'seq'])
    .execute();
  await db.schema.dropIndex('inbox_events_workspace_seq_index').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('inbox_events_workspace_seq_index')
    .on('inbox_events')
    .columns(['workspace_id', 'seq'])
    .execute();
  await db.schema.dropIndex('inbox_events_workspace_horizon_seq_index').execute();
  await db.schema.alterTable('inbox_events').dropColumn('horizon').execute();
}

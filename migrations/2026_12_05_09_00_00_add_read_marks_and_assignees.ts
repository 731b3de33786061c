import { type Kysely, sql } from 'kysely';

const KINDS_BEFORE = [
  'conversation_created',
  'message_added',
  'visitor_identified',
  'conversation_closed',
  'conversation_reopened',
];

function kindCheck(kinds: readonly string[]) {
  return sql`kind in (${sql.join(kinds.map((kind) => sql.lit(kind)))})`;
}

export async function up(db: Kysely<any>): Promise<void> {
  // A conversation is assigned to at most one agent, of its own workspace: the pair references
  // the agent, so no write can hand it to another workspace's agent. Deleting the agent leaves
  // it unassigned (only the agent column is cleared; the workspace stays).
  await db.schema
    .alterTable('agents')
    .addUniqueConstraint('agents_workspace_id_id_unique', ['workspace_id', 'id'])
    .execute();
  await db.schema.alterTable('conversations').addColumn('assignee_agent_id', 'uuid').execute();
  await sql`
    alter table conversations add constraint conversations_assignee_fkey
    foreign key (workspace_id, assignee_agent_id) references agents (workspace_id, id)
    on delete set null (assignee_agent_id)
  `.execute(db);
  // The inbox's Mine and Unassigned lists page by activity within one assignee (null included).
  await db.schema
    .createIndex('conversations_workspace_assignee_activity_index')
    .on('conversations')
    .columns(['workspace_id', 'assignee_agent_id', 'last_activity_at desc', 'id desc'])
    .execute();

  await db.schema.alterTable('inbox_events').dropConstraint('inbox_events_kind_check').execute();
  await db.schema
    .alterTable('inbox_events')
    .addCheckConstraint(
      'inbox_events_kind_check',
      kindCheck([...KINDS_BEFORE, 'conversation_assigned']),
    )
    .execute();

  // Each agent's read mark per conversation: the position (messages.seq) of the newest message
  // when the agent last read it. Visitor messages after it are unread for that agent.
  await db.schema
    .createTable('conversation_reads')
    .addColumn('agent_id', 'uuid', (col) =>
      col.notNull().references('agents.id').onDelete('cascade'),
    )
    .addColumn('conversation_id', 'uuid', (col) =>
      col.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('last_read_seq', 'bigint', (col) => col.notNull())
    .addColumn('read_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversation_reads_pkey', ['agent_id', 'conversation_id'])
    .execute();
  await db.schema
    .createIndex('conversation_reads_conversation_id_index')
    .on('conversation_reads')
    .column('conversation_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_reads').execute();
  await db.deleteFrom('inbox_events').where('kind', '=', 'conversation_assigned').execute();
  await db.schema.alterTable('inbox_events').dropConstraint('inbox_events_kind_check').execute();
  await db.schema
    .alterTable('inbox_events')
    .addCheckConstraint('inbox_events_kind_check', kindCheck(KINDS_BEFORE))
    .execute();
  await db.schema.dropIndex('conversations_workspace_assignee_activity_index').execute();
  await db.schema.alterTable('conversations').dropColumn('assignee_agent_id').execute();
  await db.schema.alterTable('agents').dropConstraint('agents_workspace_id_id_unique').execute();
}

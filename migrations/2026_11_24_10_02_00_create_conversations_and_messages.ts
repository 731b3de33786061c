import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('visitor_id', 'uuid', (col) =>
      col.notNull().references('visitors.id').onDelete('cascade'),
    )
    .addColumn('contact_id', 'uuid', (col) => col.references('contacts.id').onDelete('set null'))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('open').check(sql`status in ('open', 'closed')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_activity_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('conversations_visitor_id_index')
    .on('conversations')
    .column('visitor_id')
    .execute();
  await db.schema
    .createIndex('conversations_contact_id_index')
    .on('conversations')
    .column('contact_id')
    .execute();
  await db.schema
    .createIndex('conversations_workspace_activity_index')
    .on('conversations')
    .columns(['workspace_id', 'last_activity_at desc'])
    .execute();
  // A visitor writes into one open conversation at a time, even under concurrent sends.
  await db.schema
    .createIndex('conversations_one_open_per_visitor')
    .on('conversations')
    .column('visitor_id')
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Orders messages across conversations, so a reconnecting client can ask for "everything after".
    .addColumn('seq', 'bigint', (col) => col.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('conversation_id', 'uuid', (col) =>
      col.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('author', 'text', (col) => col.notNull().check(sql`author in ('visitor', 'agent')`))
    .addColumn('author_visitor_id', 'uuid', (col) =>
      col.references('visitors.id').onDelete('cascade'),
    )
    .addColumn('client_message_id', 'text')
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Idempotency is per author: another visitor reusing an id must never reach this message.
    .addUniqueConstraint('messages_visitor_client_id_unique', [
      'author_visitor_id',
      'client_message_id',
    ])
    .execute();
  await db.schema
    .createIndex('messages_conversation_seq_index')
    .on('messages')
    .columns(['conversation_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('conversations').execute();
}

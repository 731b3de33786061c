import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .addColumn('require_verified_identity', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();

  // An HMAC key must be readable to verify a signature, so identity secrets cannot be stored
  // as digests. A rotated secret keeps verifying until `expires_at` (its grace period).
  await db.schema
    .createTable('identity_secrets')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('kid', 'text', (col) => col.notNull().unique())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('identity_secrets_workspace_id_index')
    .on('identity_secrets')
    .column('workspace_id')
    .execute();
  // One current (unexpiring) secret per workspace.
  await db.schema
    .createIndex('identity_secrets_one_current_per_workspace')
    .on('identity_secrets')
    .column('workspace_id')
    .unique()
    .where(sql.ref('expires_at'), 'is', null)
    .execute();
  // Workspaces made before this migration get their first secret here. gen_random_uuid is
  // core Postgres (pgcrypto's gen_random_bytes may be missing); two give 244 random bits.
  await sql`
    insert into identity_secrets (workspace_id, kid, secret)
    select id, 'kid_' || replace(gen_random_uuid()::text, '-', ''),
           replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
    from workspaces
  `.execute(db);

  // An agent belongs to one workspace; login is by email alone, so emails are unique overall.
  await db.schema
    .createTable('agents')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('email_normalized', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // Session tokens are random secrets: stored as SHA-256 digests, like API keys.
  await db.schema
    .createTable('agent_sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('agent_id', 'uuid', (col) =>
      col.notNull().references('agents.id').onDelete('cascade'),
    )
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // Verified: bound through a valid identity token. Only then may the visitor read the
  // contact's conversations from other visitors (devices).
  await db.schema
    .alterTable('visitors')
    .addColumn('identity_verified', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  // Set when a verified identify or an integrator vouched for the contact: from then on an
  // unverified identify may not rename it.
  await db.schema.alterTable('contacts').addColumn('verified_at', 'timestamptz').execute();

  // The workspace's event log, so an inbox that reconnects can replay what it missed.
  await db.schema
    .createTable('inbox_events')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seq', 'bigint', (col) => col.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`kind in ('conversation_created', 'message_added', 'visitor_identified', 'conversation_closed', 'conversation_reopened')`,
        ),
    )
    .addColumn('conversation_id', 'uuid', (col) =>
      col.references('conversations.id').onDelete('cascade'),
    )
    .addColumn('message_id', 'uuid', (col) => col.references('messages.id').onDelete('cascade'))
    .addColumn('visitor_id', 'uuid', (col) => col.references('visitors.id').onDelete('cascade'))
    .addColumn('contact_id', 'uuid', (col) => col.references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('inbox_events_workspace_seq_index')
    .on('inbox_events')
    .columns(['workspace_id', 'seq'])
    .execute();

  // The agents' contact list pages newest first within a workspace.
  await db.schema
    .createIndex('contacts_workspace_created_index')
    .on('contacts')
    .columns(['workspace_id', 'created_at desc', 'id desc'])
    .execute();

  // Agents reply with their own idempotency keys.
  await db.schema
    .alterTable('messages')
    .addColumn('author_agent_id', 'uuid', (col) => col.references('agents.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('messages_agent_client_id_unique')
    .on('messages')
    .columns(['conversation_id', 'client_message_id'])
    .unique()
    .where(sql.ref('author'), '=', 'agent')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_agent_client_id_unique').execute();
  await db.schema.dropIndex('contacts_workspace_created_index').execute();
  await db.schema.alterTable('messages').dropColumn('author_agent_id').execute();
  await db.schema.dropTable('inbox_events').execute();
  await db.schema.alterTable('contacts').dropColumn('verified_at').execute();
  await db.schema.alterTable('visitors').dropColumn('identity_verified').execute();
  await db.schema.dropTable('agent_sessions').execute();
  await db.schema.dropTable('agents').execute();
  await db.schema.dropTable('identity_secrets').execute();
  await db.schema.alterTable('workspaces').dropColumn('require_verified_identity').execute();
}

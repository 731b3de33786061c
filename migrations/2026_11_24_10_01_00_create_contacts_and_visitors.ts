import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    // The address as the visitor gave it, for display.
    .addColumn('email', 'text', (col) => col.notNull())
    // Trimmed, NFC-normalised and lower-cased: the identity key.
    .addColumn('email_normalized', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('contacts_workspace_email_unique', ['workspace_id', 'email_normalized'])
    .execute();

  // The visitorId a browser generates is its credential; only its SHA-256 digest is stored.
  await db.schema
    .createTable('visitors')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) =>
      col.notNull().references('workspaces.id').onDelete('cascade'),
    )
    .addColumn('credential_hash', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'uuid', (col) => col.references('contacts.id').onDelete('set null'))
    .addColumn('identified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addUniqueConstraint('visitors_workspace_credential_unique', [
      'workspace_id',
      'credential_hash',
    ])
    .execute();
  await db.schema
    .createIndex('visitors_contact_id_index')
    .on('visitors')
    .column('contact_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('visitors').execute();
  await db.schema.dropTable('contacts').execute();
}

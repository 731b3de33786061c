import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // What a visitor gave at its identify: an unverified visitor is shown this, never what its
  // contact holds, because an unsigned email proves nothing about whose contact it found.
  await db.schema
    .alterTable('visitors')
    .addColumn('given_email', 'text')
    .addColumn('given_name', 'text')
    .execute();
  // Bound visitors keep showing their email. Their names are left out: an unverified one may
  // have been shown someone else's, and the widget sends its own with its next join anyway.
  await sql`
    update visitors set given_email = contacts.email
    from contacts
    where contacts.id = visitors.contact_id
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('visitors')
    .dropColumn('given_email')
    .dropColumn('given_name')
    .execute();
}

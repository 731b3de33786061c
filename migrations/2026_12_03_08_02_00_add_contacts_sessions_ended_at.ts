import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // When the person's sessions were last ended (`endContactSessions`): identity tokens issued
  // before then no longer verify, so a token copied with a visitorId dies with it.
  await db.schema.alterTable('contacts').addColumn('sessions_ended_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('sessions_ended_at').execute();
}

import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A verified visitor reads its contact's history only until the `exp` of the newest identity
  // token it presented; `identity_verified` keeps saying that it once did.
  await db.schema
    .alterTable('visitors')
    .addColumn('identity_verified_until', 'timestamptz')
    .execute();
  // The tokens of visitors verified before this column are unknown: their verification ends
  // now, and a widget still holding a valid token renews it at its next join.
  await sql`update visitors set identity_verified_until = now() where identity_verified`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('visitors').dropColumn('identity_verified_until').execute();
}

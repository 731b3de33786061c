import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The key `npm start` mints for its demo workspace at every start and prints: the next start
  // revokes it and mints another, so the banner always shows a key that works while keys stay
  // stored as digests. Keys made by the CLI or in the inbox are never demo keys.
  await db.schema
    .alterTable('api_keys')
    .addColumn('demo', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('demo').execute();
}

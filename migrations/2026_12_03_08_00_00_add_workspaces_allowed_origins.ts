import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The origins whose pages may join as visitors of the workspace, as `scheme://host[:port]`.
  // Empty admits any origin, as before this column existed.
  await db.schema
    .alterTable('workspaces')
    .addColumn('allowed_origins', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('allowed_origins').execute();
}

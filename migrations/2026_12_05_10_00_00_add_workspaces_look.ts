import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // What the widget shows of the workspace: the team name in its header, the greeting of an
  // empty conversation and the brand colour (`#rrggbb`). Null leaves the widget's defaults.
  await db.schema
    .alterTable('workspaces')
    .addColumn('team_name', 'text')
    .addColumn('greeting', 'text')
    .addColumn('brand_color', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('workspaces')
    .dropColumn('team_name')
    .dropColumn('greeting')
    .dropColumn('brand_color')
    .execute();
}

/** Row counts the integration tests check writes against, read straight from the database. */
import type { Db } from '../db/database.ts';

/** The tables that carry a `workspace_id`, so a test can count one workspace's rows. */
export type WorkspaceTable = 'contacts' | 'visitors' | 'conversations' | 'inbox_events';

/** How many rows of `table` belong to the workspace. */
export async function countWorkspaceRows(
  db: Db,
  table: WorkspaceTable,
  workspaceId: string,
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

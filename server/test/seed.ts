/** Data a test writes before it starts a server process, straight to the database. */
import { randomUUID } from 'node:crypto';
import { createAgent, login } from '../access/agents.ts';
import { secretBox } from '../access/secret-box.ts';
import { createWorkspace } from '../access/workspaces.ts';
import { connectDatabase, type DatabaseSettings } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { TEST_SECRET_KEY, uniqueEmail } from './harness.ts';

/** A seeded workspace's siteId, and the session token of its logged-in agent. */
export interface SeededWorkspace {
  readonly siteId: string;
  readonly token: string;
}

/**
 * Migrates the database of `settings` and writes a workspace named `name` with one agent,
 * logged in; identity secrets are sealed with {@link TEST_SECRET_KEY}, as the test servers do.
 * The database is closed again: an embedded one belongs to the server started next.
 */
export async function seedWorkspace(
  settings: DatabaseSettings,
  name: string,
): Promise<SeededWorkspace> {
  const database = await connectDatabase(settings);
  try {
    await migrateToLatest(database.db);
    const { workspace } = await createWorkspace(database.db, secretBox(TEST_SECRET_KEY), name);
    const email = uniqueEmail('agent');
    const password = `pw-${randomUUID()}`;
    await createAgent(database.db, { workspaceId: workspace.id, email, name: 'Al', password });
    const { token } = await login(database.db, email, password);
    return { siteId: workspace.site_id, token };
  } finally {
    await database.close();
  }
}

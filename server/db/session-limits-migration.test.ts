import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

// A database from before allowed origins, lapsing verification and ended sessions, with rows,
// then migrated to the latest.
const BEFORE = '2026_11_25_08_00_00_create_agents_and_identity_secrets';
const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

let database: DatabaseHandle;
const ids = { workspace: '', contact: '', verified: '', unverified: '' };
let migratedAt: Date;

async function insert(table: string, values: Record<string, unknown>): Promise<string> {
  const columns = Object.keys(values);
  const row = await sql<{ id: string }>`insert into ${sql.table(table)} (${sql.join(
    columns.map((column) => sql.ref(column)),
  )}) values (${sql.join(Object.values(values))}) returning id`.execute(database.db);
  return row.rows[0]?.id ?? '';
}

beforeAll(async () => {
  database = await connectDatabase({ databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR });
  const migrator = new Migrator({
    db: database.db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
  const { error } = await migrator.migrateTo(BEFORE);
  if (error !== undefined) throw error;

  ids.workspace = await insert('workspaces', { name: 'Old', site_id: 'site_old' });
  ids.contact = await insert('contacts', {
    workspace_id: ids.workspace,
    email: 'jane@example.com',
    email_normalized: 'jane@example.com',
  });
  ids.verified = await insert('visitors', {
    workspace_id: ids.workspace,
    credential_hash: 'verified',
    contact_id: ids.contact,
    identity_verified: true,
  });
  ids.unverified = await insert('visitors', {
    workspace_id: ids.workspace,
    credential_hash: 'unverified',
    contact_id: ids.contact,
  });
  await migrateToLatest(database.db);
  migratedAt = new Date();
});

afterAll(async () => {
  await database?.close();
});

describe('the migrations to allowed origins, lapsing verification and ended sessions', () => {
  it('let an existing workspace admit any origin, as before', async () => {
    const workspace = await database.db
      .selectFrom('workspaces')
      .select('allowed_origins')
      .where('id', '=', ids.workspace)
      .executeTakeFirstOrThrow();
    expect(workspace.allowed_origins).toEqual([]);
  });

  it('end the verification of visitors whose token is unknown, and touch no other', async () => {
    const rows = await database.db
      .selectFrom('visitors')
      .select(['id', 'identity_verified', 'identity_verified_until'])
      .where('workspace_id', '=', ids.workspace)
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const verified = byId.get(ids.verified);
    // Still verified once (its conversations stay in the history), reading it no longer.
    expect(verified?.identity_verified).toBe(true);
    expect(verified?.identity_verified_until?.getTime()).toBeLessThanOrEqual(migratedAt.getTime());
    expect(byId.get(ids.unverified)?.identity_verified_until).toBeNull();
  });

  it('leave every contact with sessions never ended', async () => {
    const contact = await database.db
      .selectFrom('contacts')
      .select('sessions_ended_at')
      .where('id', '=', ids.contact)
      .executeTakeFirstOrThrow();
    expect(contact.sessions_ended_at).toBeNull();
  });
});

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { FileMigrationProvider, Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

// The database as it was before email keys folded compatibility forms and IDNA domains, with
// rows written under the old rule (NFC and lower-case only), then migrated to the latest.
const BEFORE = '2026_11_25_08_00_00_create_agents_and_identity_secrets';
const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

let database: DatabaseHandle;
const warnings: string[] = [];
const ids: Record<string, string> = {};

async function insert(table: string, values: Record<string, unknown>): Promise<string> {
  const columns = Object.keys(values);
  const row = await sql<{ id: string }>`insert into ${sql.table(table)} (${sql.join(
    columns.map((column) => sql.ref(column)),
  )}) values (${sql.join(Object.values(values))}) returning id`.execute(database.db);
  return row.rows[0]?.id ?? '';
}

/** A contact as the old rule keyed it, created `minutesAgo` minutes ago. */
function oldContact(workspaceId: string, email: string, minutesAgo: number, extra = {}) {
  return insert('contacts', {
    workspace_id: workspaceId,
    email,
    email_normalized: email.trim().normalize('NFC').toLowerCase(),
    created_at: new Date(Date.now() - minutesAgo * 60_000),
    ...extra,
  });
}

beforeAll(async () => {
  database = await connectDatabase({ databaseUrl: null, dataDir: IN_MEMORY_DATA_DIR });
  const migrator = new Migrator({
    db: database.db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
  const { error } = await migrator.migrateTo(BEFORE);
  if (error !== undefined) throw error;

  const workspace = await insert('workspaces', { name: 'Old', site_id: 'site_old' });
  ids.workspace = workspace;
  // Jane, vouched, and a stranger's spelling of her address with a fullwidth j, newer.
  ids.jane = await oldContact(workspace, 'jane@example.com', 60, {
    name: null,
    verified_at: new Date(),
  });
  ids.fullwidthJane = await oldContact(workspace, '\uff4aane@example.com', 30, { name: 'J.' });
  ids.strangerVisitor = await insert('visitors', {
    workspace_id: workspace,
    credential_hash: 'stranger',
    contact_id: ids.fullwidthJane,
    identity_verified: true,
  });
  ids.strangerConversation = await insert('conversations', {
    workspace_id: workspace,
    visitor_id: ids.strangerVisitor,
    contact_id: ids.fullwidthJane,
  });
  ids.event = await insert('inbox_events', {
    workspace_id: workspace,
    kind: 'visitor_identified',
    visitor_id: ids.strangerVisitor,
    contact_id: ids.fullwidthJane,
  });
  ids.janeVisitor = await insert('visitors', {
    workspace_id: workspace,
    credential_hash: 'jane',
    contact_id: ids.jane,
    identity_verified: true,
  });
  // Sam: the older contact has the Unicode domain, the newer vouched one the ASCII form.
  ids.samUnicode = await oldContact(workspace, 'Sam@BÜCHER.de', 50, { name: 'Sam' });
  ids.samAscii = await oldContact(workspace, 'sam@xn--bcher-kva.de', 10, {
    name: 'Sam Lee',
    verified_at: new Date(),
  });
  // Bob has one spelling only: his key changes, nothing merges.
  ids.bob = await oldContact(workspace, 'bob@bücher.de', 5, { name: 'Bob' });

  const agent = (email: string, minutesAgo: number) =>
    insert('agents', {
      workspace_id: workspace,
      email,
      email_normalized: email.normalize('NFC').toLowerCase(),
      name: email,
      password_hash: 'x',
      created_at: new Date(Date.now() - minutesAgo * 60_000),
    });
  ids.agent = await agent('ann@bücher.de', 20);
  ids.olderAgent = await agent('max@example.com', 20);
  ids.newerAgent = await agent('max@\uff45xample.com', 10);

  const warn = vi.spyOn(console, 'warn').mockImplementation((message: string) => {
    warnings.push(message);
  });
  try {
    await migrateToLatest(database.db);
  } finally {
    warn.mockRestore();
  }
});

afterAll(async () => {
  await database?.close();
});

async function contacts() {
  return database.db
    .selectFrom('contacts')
    .select(['id', 'email', 'email_normalized', 'name'])
    .select((eb) => eb('verified_at', 'is not', null).as('vouched'))
    .orderBy('created_at')
    .execute();
}

describe('renormalising email keys', () => {
  it('rekeys every contact by the new rule and merges the spellings of one address', async () => {
    expect(await contacts()).toEqual([
      {
        id: ids.jane,
        email: 'jane@example.com',
        email_normalized: 'jane@example.com',
        // Not named by the spelling nobody vouched for.
        name: null,
        vouched: true,
      },
      {
        id: ids.samAscii,
        email: 'sam@xn--bcher-kva.de',
        email_normalized: 'sam@xn--bcher-kva.de',
        name: 'Sam Lee',
        vouched: true,
      },
      {
        id: ids.bob,
        email: 'bob@bücher.de',
        email_normalized: 'bob@xn--bcher-kva.de',
        name: 'Bob',
        vouched: false,
      },
    ]);
  });

  it('moves the merged contact’s visitors, conversations and events, unverifying the visitors', async () => {
    const visitors = await database.db
      .selectFrom('visitors')
      .select(['id', 'contact_id', 'identity_verified', 'given_email'])
      .orderBy('credential_hash')
      .execute();
    expect(visitors).toEqual([
      {
        id: ids.janeVisitor,
        contact_id: ids.jane,
        identity_verified: true,
        given_email: 'jane@example.com',
      },
      // It proved the fullwidth address, which was another contact's when it did.
      {
        id: ids.strangerVisitor,
        contact_id: ids.jane,
        identity_verified: false,
        given_email: '\uff4aane@example.com',
      },
    ]);
    const conversation = await database.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', ids.strangerConversation ?? '')
      .executeTakeFirstOrThrow();
    expect(conversation.contact_id).toBe(ids.jane);
    const event = await database.db
      .selectFrom('inbox_events')
      .select('contact_id')
      .where('id', '=', ids.event ?? '')
      .executeTakeFirstOrThrow();
    expect(event.contact_id).toBe(ids.jane);
  });

  it('rekeys agents, and leaves and names an agent whose address now equals another’s', async () => {
    const agents = await database.db
      .selectFrom('agents')
      .select(['id', 'email_normalized'])
      .orderBy('email')
      .execute();
    expect(agents).toEqual([
      { id: ids.agent, email_normalized: 'ann@xn--bcher-kva.de' },
      { id: ids.olderAgent, email_normalized: 'max@example.com' },
      { id: ids.newerAgent, email_normalized: 'max@\uff45xample.com' },
    ]);
    expect(warnings).toEqual([expect.stringContaining(`max@\uff45xample.com (${ids.newerAgent})`)]);
  });
});

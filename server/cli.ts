#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createWorkspace } from './access/workspaces.ts';
import { loadConfig } from './config.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { isMainModule } from './main-module.ts';

const USAGE = `Usage: sonny <command>

Commands:
  migrate                                 apply pending database migrations
  workspace create --name NAME [--json]   create a workspace; prints its siteId and a secret API key

The database is DATABASE_URL when set, otherwise the embedded one in SONNY_DATA_DIR (default ./.sonny).`;

class UsageError extends Error {}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, subcommand, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return 0;
  }
  try {
    if (command === 'migrate' && subcommand === undefined) return await migrate();
    if (command === 'workspace' && subcommand === 'create') return await workspaceCreate(rest);
    throw new UsageError(`Unknown command: ${argv.join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`sonny: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function migrate(): Promise<number> {
  return withDatabase(async ({ db }) => {
    const applied = await migrateToLatest(db);
    console.log(
      applied.length === 0 ? 'Database is up to date.' : `Applied ${applied.length} migration(s):`,
    );
    for (const name of applied) console.log(`  ${name}`);
    return 0;
  });
}

async function workspaceCreate(args: string[]): Promise<number> {
  const { values } = parseOrThrow(args, {
    name: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const name = values.name?.trim();
  if (!name) throw new UsageError('workspace create needs --name NAME');
  if (name.length > 200) throw new UsageError('--name is longer than 200 characters');

  return withDatabase(async ({ db }) => {
    await migrateToLatest(db);
    const { workspace, apiKey } = await createWorkspace(db, name);
    if (values.json) {
      console.log(JSON.stringify({ workspaceId: workspace.id, siteId: workspace.site_id, apiKey }));
    } else {
      console.log(`Created workspace "${workspace.name}".`);
      console.log(`  workspaceId: ${workspace.id}`);
      console.log(`  siteId:      ${workspace.site_id}`);
      console.log(`  API key:     ${apiKey}`);
      console.log('The API key is shown once: store it now. Sonny keeps only a digest of it.');
    }
    return 0;
  });
}

function parseOrThrow<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function withDatabase(run: (database: DatabaseHandle) => Promise<number>): Promise<number> {
  const database = await connectDatabase(loadConfig());
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2));
}

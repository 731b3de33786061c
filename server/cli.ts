#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAgent } from './access/agents.ts';
import { createApiKey } from './access/api-keys.ts';
import { secretBox } from './access/secret-box.ts';
import { createWorkspace, findWorkspaceBySiteId } from './access/workspaces.ts';
import { PASSWORD_IN_ARGV_REFUSAL, PasswordInputError, readNewPassword } from './cli-password.ts';
import { IN_MEMORY_DATA_DIR, loadConfig } from './config.ts';
import { BackupError, backupDataDir, restoreDataDir } from './db/backup.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { SonnyError } from './errors.ts';
import { isMainModule } from './main-module.ts';
import { print, printError } from './print.ts';

const USAGE = `Usage: sonny <command> [--json]

Commands:
  migrate                                 apply pending database migrations
  workspace create --name NAME            create a workspace; prints its siteId, a secret API key
                                          and its identity secret
  apikey create --site-id ID              create another secret API key for the workspace
  agent create --site-id ID --email E --name N [--password-file FILE]
                                          create an agent who logs in to the inbox; the
                                          password is typed at a prompt (nothing echoed),
                                          or read from FILE or SONNY_PASSWORD, never
                                          taken as an argument
  backup FILE                             write the embedded database (SONNY_DATA_DIR) to FILE,
                                          a gzipped tarball; stop the server first
  restore FILE                            load a backup into SONNY_DATA_DIR, which must be empty;
                                          then start the server on it

With --json a command prints one JSON object on stdout and nothing else there.
The database is DATABASE_URL when set, otherwise the embedded one in SONNY_DATA_DIR (default ./.sonny).
backup and restore are for the embedded database; with DATABASE_URL use pg_dump and pg_restore
(docs/operations.md).`;

class UsageError extends Error {}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, subcommand, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    print(USAGE);
    return 0;
  }
  try {
    if (command === 'migrate') return await migrate(argv.slice(1));
    if (command === 'workspace' && subcommand === 'create') return await workspaceCreate(rest);
    if (command === 'apikey' && subcommand === 'create') return await apiKeyCreate(rest);
    if (command === 'agent' && subcommand === 'create') return await agentCreate(rest);
    if (command === 'backup') return await backup(argv.slice(1));
    if (command === 'restore') return await restore(argv.slice(1));
    throw new UsageError(`Unknown command: ${argv.join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    // A refused input names the option it came from, e.g. "email: An agent with … exists".
    if (error instanceof SonnyError && error.field !== null) {
      // The password comes from a prompt, a file or SONNY_PASSWORD, never from --password.
      const source = error.field === 'password' ? 'the password' : `--${error.field}`;
      printError(`sonny: ${source}: ${error.message}`);
      return 2;
    }
    printError(`sonny: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function backup(args: string[]): Promise<number> {
  const { file, dataDir, json } = embeddedDataDir('backup', args);
  const bytes = await backupDataDir(dataDir, path.resolve(file));
  if (json) print(JSON.stringify({ file: path.resolve(file), dataDir, bytes }));
  else {
    print(
      `Backed up the embedded database in ${dataDir} to ${file} (${(bytes / 1e6).toFixed(1)} MB).`,
    );
  }
  return 0;
}

async function restore(args: string[]): Promise<number> {
  const { file, dataDir, json } = embeddedDataDir('restore', args);
  await restoreDataDir(path.resolve(file), dataDir);
  if (json) print(JSON.stringify({ file: path.resolve(file), dataDir }));
  else print(`Restored ${file} into ${dataDir}. Start the server on it: npm start.`);
  return 0;
}

/** The backup file and the on-disk embedded database that `backup FILE` or `restore FILE` use. */
function embeddedDataDir(
  command: string,
  args: string[],
): { file: string; dataDir: string; json: boolean } {
  const { values, positionals } = parseOrThrow(
    args,
    { json: { type: 'boolean', default: false } },
    { positionals: true },
  );
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) {
    throw new UsageError(`${command} needs exactly one argument: FILE`);
  }
  const config = loadConfig();
  if (config.databaseUrl !== null) {
    throw new BackupError(
      `${command} works on the embedded database, and DATABASE_URL is set: ` +
        'use pg_dump and pg_restore for Postgres (see docs/operations.md).',
    );
  }
  if (config.dataDir === IN_MEMORY_DATA_DIR) {
    throw new BackupError(`${command} needs SONNY_DATA_DIR on disk, not ${IN_MEMORY_DATA_DIR}.`);
  }
  return { file, dataDir: config.dataDir, json: values.json };
}

async function migrate(args: string[]): Promise<number> {
  const { values } = parseOrThrow(args, { json: { type: 'boolean', default: false } });
  return withDatabase(async ({ db }) => {
    const applied = await migrateToLatest(db);
    if (values.json) print(JSON.stringify({ applied }));
    else {
      print(
        applied.length === 0
          ? 'Database is up to date.'
          : `Applied ${applied.length} migration(s):`,
      );
      for (const name of applied) print(`  ${name}`);
    }
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
    const { workspace, apiKey, identitySecret } = await createWorkspace(
      db,
      secretBox(loadConfig().secretKey),
      name,
    );
    if (values.json) {
      print(
        JSON.stringify({
          workspaceId: workspace.id,
          siteId: workspace.site_id,
          apiKey,
          identitySecret: identitySecret.secret,
          identitySecretKid: identitySecret.kid,
        }),
      );
    } else {
      print(`Created workspace "${workspace.name}".`);
      print(`  workspaceId:     ${workspace.id}`);
      print(`  siteId:          ${workspace.site_id}`);
      print(`  API key:         ${apiKey}`);
      print(`  identity secret: ${identitySecret.secret}  (kid ${identitySecret.kid})`);
      print('The API key is shown once: store it now. Sonny keeps only a digest of it.');
      print('Sign identity tokens (HS256) with the identity secret on your backend only.');
    }
    return 0;
  });
}

async function apiKeyCreate(args: string[]): Promise<number> {
  const { values } = parseOrThrow(args, {
    'site-id': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const siteId = requireOption(values['site-id'], 'apikey create needs --site-id ID');
  return withWorkspace(siteId, async (db, workspaceId) => {
    const { apiKey, secret } = await createApiKey(db, workspaceId);
    if (values.json) print(JSON.stringify({ apiKeyId: apiKey.id, apiKey: secret }));
    else {
      print(`API key: ${secret}`);
      print('Shown once: store it now. Sonny keeps only a digest of it.');
    }
    return 0;
  });
}

async function agentCreate(args: string[]): Promise<number> {
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(PASSWORD_IN_ARGV_REFUSAL);
  }
  const { values } = parseOrThrow(args, {
    'site-id': { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    'password-file': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const usage = 'agent create needs --site-id ID --email E --name N';
  const siteId = requireOption(values['site-id'], usage);
  const email = requireOption(values.email, usage);
  const name = requireOption(values.name, usage);
  let password: string;
  try {
    password = await readNewPassword({
      passwordFile: values['password-file'],
      environment: process.env.SONNY_PASSWORD,
      terminal: process.stdin.isTTY ? { input: process.stdin, output: process.stderr } : null,
    });
  } catch (error) {
    if (error instanceof PasswordInputError) throw new UsageError(error.message);
    throw error;
  }
  return withWorkspace(siteId, async (db, workspaceId) => {
    const agent = await createAgent(db, { workspaceId, email, name, password });
    if (values.json) {
      print(JSON.stringify({ agentId: agent.id, email: agent.email, name: agent.name }));
    } else {
      print(`Created agent ${agent.name} <${agent.email}>. They log in to the inbox.`);
    }
    return 0;
  });
}

function requireOption(value: string | undefined, usage: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(usage);
  return value;
}

/** Runs `run` on the migrated database with the workspace of this siteId, or fails naming it. */
async function withWorkspace(
  siteId: string,
  run: (db: DatabaseHandle['db'], workspaceId: string) => Promise<number>,
): Promise<number> {
  return withDatabase(async ({ db }) => {
    await migrateToLatest(db);
    const workspace = await findWorkspaceBySiteId(db, siteId);
    if (workspace === undefined) {
      printError(`sonny: no workspace has siteId ${siteId}`);
      return 1;
    }
    return run(db, workspace.id);
  });
}

function parseOrThrow<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: string[],
  options: T,
  { positionals = false }: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function withDatabase(run: (database: DatabaseHandle) => Promise<number>): Promise<number> {
  // Migrations may rightly run for minutes on a large database.
  const database = await connectDatabase(loadConfig(), { withoutStatementTimeout: true });
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2));
}

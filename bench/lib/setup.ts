/**
 * What a run stands on: its Postgres database (DATABASE_URL, or one created for the run on
 * the local server and dropped after it) and the workspaces and agents of its scenarios,
 * made with the `sonny` CLI as an operator makes them.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { ROOT } from './server.ts';

const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
const run = promisify(execFile);

/** The local Postgres a run creates its database on when DATABASE_URL is unset. */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly url: string;
  /** Drops the database if the run created it. */
  release(): Promise<void>;
}

/**
 * DATABASE_URL when set (its workspaces stay: point it at a scratch database), otherwise a
 * database created for this run on the local server.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  if (given) return { url: given, release: async () => {} };
  const name = `sonny_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(LOCAL_POSTGRES);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    release: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: LOCAL_POSTGRES });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A SONNY_SECRET_KEY for one run: 32 random bytes, base64. */
export function randomSecretKey(): string {
  return randomBytes(32).toString('base64');
}

export interface BenchWorkspace {
  readonly workspaceId: string;
  readonly siteId: string;
}

interface CliEnvironment {
  readonly databaseUrl: string;
  readonly secretKey: string;
}

/** `sonny workspace create --json`: a fresh workspace, so scenarios never share rows. */
export async function createWorkspace(
  environment: CliEnvironment,
  name: string,
): Promise<BenchWorkspace> {
  const created = await sonny(environment, {}, 'workspace', 'create', '--name', name, '--json');
  const { workspaceId, siteId } = JSON.parse(created) as BenchWorkspace;
  return { workspaceId, siteId };
}

/** `sonny agent create`, then `login` over HTTP: the agent's session token. */
export async function createAgentSession(
  environment: CliEnvironment,
  siteId: string,
  graphqlUrl: string,
): Promise<string> {
  const email = `bench-agent-${randomUUID()}@example.com`;
  const password = `bench-${randomUUID()}`;
  await sonny(
    environment,
    { SONNY_PASSWORD: password },
    ...['agent', 'create', '--site-id', siteId, '--email', email, '--name', 'Bench Agent'],
    '--json',
  );
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
      variables: { email, password },
    }),
  });
  const result = (await response.json()) as { data?: { login?: { token: string } } };
  const token = result.data?.login?.token;
  if (token === undefined) throw new Error(`login failed: ${JSON.stringify(result)}`);
  return token;
}

async function sonny(
  environment: CliEnvironment,
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: environment.databaseUrl,
      SONNY_SECRET_KEY: environment.secretKey,
      ...extraEnv,
    },
  });
  return stdout;
}

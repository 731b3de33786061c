import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The directory of Postgres's server programs (`initdb`, `pg_ctl`): `PG_BIN` when set, else the
 * newest `/usr/lib/postgresql/<version>/bin` (Debian's layout). Null when there is none; in CI
 * (`CI` set) that is an error, so a fault suite never silently skips there.
 */
export function postgresBinDir(): string | null {
  const found = findBinDir();
  if (found === null && process.env.CI) {
    throw new Error(
      'initdb was not found (set PG_BIN or install postgresql): the Postgres fault suites must run in CI.',
    );
  }
  return found;
}

function findBinDir(): string | null {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : readdirOrEmpty('/usr/lib/postgresql')
        .filter((version) => /^\d+$/.test(version))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => path.join('/usr/lib/postgresql', version, 'bin'));
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb'))) ?? null;
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export type ShutdownMode = 'fast' | 'immediate';

/** A throwaway Postgres server of a test's own, on a free port: stop and start it at will. */
export interface PostgresCluster {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication). */
  url(database?: string): string;
  /** `pg_ctl stop -m <mode>`: fast ends sessions politely, immediate kills every process. */
  stop(mode: ShutdownMode): Promise<void>;
  /** `pg_ctl start`, resolving once it accepts connections. */
  start(): Promise<void>;
  /** Stops it (immediately) and deletes its files. */
  destroy(): Promise<void>;
}

/**
 * Creates and starts a cluster in a temporary directory with `initdb`. Postgres refuses to run
 * as root, so as root its programs run as the `postgres` user.
 */
export async function startPostgresCluster(binDir: string): Promise<PostgresCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sonny-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgProgram = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(binDir, program), ...args])
      : run(path.join(binDir, program), args);

  await pgProgram('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: the machine never crashes under a test, and it makes restarts quick.
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await pgProgram('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', 'start']);
  };
  const stop = async (mode: ShutdownMode) => {
    await pgProgram('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  };
  await start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    async destroy() {
      await stop('immediate').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

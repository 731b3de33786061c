/**
 * pgbench on the run's database: what Postgres alone does with the identify's writes, the
 * baseline the page views are held against.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IDENTIFY_SCRIPT = fileURLToPath(new URL('../identify.pgbench.sql', import.meta.url));

export interface PgbenchResult {
  /** Transactions per second, without the initial connection time. */
  readonly tps: number;
  readonly latencyAverageMs: number | null;
  readonly failedTransactions: number;
}

/**
 * Runs `identify.pgbench.sql` with `clients` connections (two pgbench threads) for
 * `seconds`, in the workspace `workspaceId`. Extended protocol, as node-postgres speaks it.
 */
export async function pgbenchIdentify(options: {
  readonly databaseUrl: string;
  readonly workspaceId: string;
  readonly clients: number;
  readonly seconds: number;
}): Promise<PgbenchResult> {
  const args = [
    '--no-vacuum',
    '--protocol=extended',
    `--client=${options.clients}`,
    '--jobs=2',
    `--time=${options.seconds}`,
    `--define=workspace_id=${options.workspaceId}`,
    `--file=${IDENTIFY_SCRIPT}`,
    options.databaseUrl,
  ];
  const { stdout } = await run('pgbench', args, { maxBuffer: 1 << 24 });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  if (tps === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  const failed = /number of failed transactions: (\d+)/.exec(stdout)?.[1];
  return {
    tps: Number(tps),
    latencyAverageMs: latency === undefined ? null : Number(latency),
    failedTransactions: Number(failed ?? 0),
  };
}

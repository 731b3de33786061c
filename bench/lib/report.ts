/** The run's table, as printed and as bench/README.md shows it, and its JSON record. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Row } from './scenario.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Where and on what a run measured: the table's caption and the JSON's header. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly postgres: string;
  readonly commit: string;
  /** The 1-minute load average when the run started: other work on the machine shows here. */
  readonly loadAverageAtStart: number;
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('show server_version');
  await client.end();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a checkout: the JSON says so.
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
    commit,
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

/** The caption above the table. */
export function caption(machine: Machine, startedAt: Date): string {
  return (
    `Sonny bench ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${machine.commit}: ` +
    `${machine.cores} × ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}, ` +
    `Postgres ${machine.postgres}; load generators and server share the machine ` +
    `(load average ${machine.loadAverageAtStart.toFixed(2)} at start).`
  );
}

/** The rows as a Markdown table, columns padded. */
export function renderTable(rows: readonly Row[]): string {
  const cells = [
    ['figure', 'measured', 'target', 'holds'],
    ...rows.map((row) => [
      row.figure,
      row.measured,
      row.target,
      row.holds === null ? '' : row.holds ? 'yes' : 'NO',
    ]),
  ];
  const widths = [0, 1, 2, 3].map((column) =>
    Math.max(...cells.map((line) => (line[column] ?? '').length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join(
    '\n',
  );
}

/** Writes the run to `bench/results/<start time>.json`; returns the file's path. */
export function writeResults(startedAt: Date, record: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = `${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
  const file = `${RESULTS_DIR}${name}`;
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

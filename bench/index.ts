/**
 * `npm run bench [-- scenario… options]`: runs the scenarios against a real Postgres, prints
 * one table (stdout; progress goes to stderr) and saves it with the raw figures to
 * `bench/results/<start time>.json`. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { fanOut } from './fan-out.ts';
import { idleSockets } from './idle-sockets.ts';
import { caption, describeMachine, renderTable, writeResults } from './lib/report.ts';
import type { BenchContext, BenchOptions, Row, Scenario } from './lib/scenario.ts';
import { benchDatabase, randomSecretKey } from './lib/setup.ts';
import { pageViews } from './page-views.ts';
import { returningPageViews } from './returning-page-views.ts';
import { sizes } from './sizes.ts';
import { soak } from './soak.ts';

const SCENARIOS: readonly Scenario[] = [
  pageViews,
  returningPageViews,
  idleSockets,
  fanOut,
  sizes,
  soak,
];

const DEFAULTS: BenchOptions = { seconds: 20, sockets: 10_000, workers: null, minutes: 10 };

function usage(): string {
  const names = SCENARIOS.map(
    (scenario) =>
      `  ${scenario.name.padEnd(10)} ${scenario.summary}${scenario.byDefault ? '' : ' (only when named)'}`,
  );
  return [
    'Usage: npm run bench -- [scenario…] [--seconds N] [--sockets N] [--workers N] [--minutes N]',
    '',
    'Scenarios (all but the soak when none is named):',
    ...names,
    '',
    'Options:',
    `  --seconds N   seconds of each measured load (default ${DEFAULTS.seconds})`,
    `  --sockets N   idle sockets, and sockets connected during fan-out (default ${DEFAULTS.sockets})`,
    '  --workers N   SONNY_WORKERS=N on the page-view scenarios’ server',
    `  --minutes N   length of the soak (default ${DEFAULTS.minutes})`,
    '',
    'Postgres: DATABASE_URL, else a database created (and dropped) on postgres@127.0.0.1:5432.',
    'Redis (fan-out across two servers): REDIS_URL, else redis://127.0.0.1:6379.',
  ].join('\n');
}

class UsageError extends Error {}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  }
  return number;
}

function readArguments(argv: string[]): { scenarios: Scenario[]; options: BenchOptions } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const unknown = positionals.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new UsageError(`Unknown scenario: ${unknown.join(', ')}`);
  const scenarios =
    positionals.length === 0
      ? SCENARIOS.filter((scenario) => scenario.byDefault)
      : SCENARIOS.filter((scenario) => positionals.includes(scenario.name));
  const workers =
    values.workers === undefined ? null : positiveInteger(values.workers, 'workers', 1);
  return {
    scenarios,
    options: {
      seconds: positiveInteger(values.seconds, 'seconds', DEFAULTS.seconds),
      sockets: positiveInteger(values.sockets, 'sockets', DEFAULTS.sockets),
      workers,
      minutes: positiveInteger(values.minutes, 'minutes', DEFAULTS.minutes),
    },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      seconds: { type: 'string' },
      sockets: { type: 'string' },
      workers: { type: 'string' },
      minutes: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('help')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  let chosen: ReturnType<typeof readArguments>;
  try {
    chosen = readArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${usage()}\n`);
    return 2;
  }

  const startedAt = new Date();
  const log = (message: string) => {
    const elapsed = ((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[bench ${elapsed} s] ${message}\n`);
  };
  const database = await benchDatabase();
  // The database the run created must not outlive it; on exit the servers are killed
  // (lib/server.ts) and the client processes, disconnected, end themselves.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void database.release().finally(() => process.exit(1));
    });
  }
  const context: BenchContext = {
    databaseUrl: database.url,
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    secretKey: randomSecretKey(),
    options: chosen.options,
    log,
  };
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  let failed = false;
  try {
    const machine = await describeMachine(database.url);
    for (const scenario of chosen.scenarios) {
      log(`${scenario.name}: ${scenario.summary}`);
      const began = Date.now();
      try {
        const result = await scenario.run(context);
        rows.push(...result.rows);
        results[scenario.name] = { ...result.data, seconds: (Date.now() - began) / 1000 };
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        log(`${scenario.name} failed: ${error instanceof Error ? error.stack : message}`);
        rows.push({
          figure: scenario.name,
          measured: `failed: ${message.split('\n')[0]}`,
          target: '',
          holds: null,
        });
        results[scenario.name] = { error: message };
      }
    }
    const title = caption(machine, startedAt);
    const table = renderTable(rows);
    const file = writeResults(startedAt, {
      startedAt: startedAt.toISOString(),
      totalSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine,
      options: chosen.options,
      scenarios: chosen.scenarios.map((scenario) => scenario.name),
      table: rows,
      results,
    });
    process.stdout.write(`${title}\n\n${table}\n`);
    log(`saved ${file}`);
  } finally {
    await database.release();
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

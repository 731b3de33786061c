/** What every scenario takes and gives back; the runner (`bench/index.ts`) prints and saves it. */

/** The options of `npm run bench`, after defaults. */
export interface BenchOptions {
  /** Seconds each measured load runs (a page-view level, a pgbench run, a fan-out rate). */
  readonly seconds: number;
  /** Idle sockets, and the sockets connected during fan-out. */
  readonly sockets: number;
  /** `SONNY_WORKERS` for the page-view scenarios' server; null leaves it unset. */
  readonly workers: number | null;
  /** How long the soak runs, in minutes. */
  readonly minutes: number;
}

/** The services a run measures against, and its options. */
export interface BenchContext {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** SONNY_SECRET_KEY of every server and CLI call of the run (random per run). */
  readonly secretKey: string;
  readonly options: BenchOptions;
  /** A progress line on stderr; stdout holds only the table. */
  log(message: string): void;
}

/** One line of the table: a figure, its target when it has one, and whether it holds. */
export interface Row {
  readonly figure: string;
  readonly measured: string;
  /** e.g. `≤ 10 KB`; empty when the figure has no target. */
  readonly target: string;
  /** null when there is no target, or nothing was measured. */
  readonly holds: boolean | null;
}

export interface ScenarioResult {
  readonly rows: readonly Row[];
  /** The raw figures, saved in the results JSON. */
  readonly data: Record<string, unknown>;
}

export interface Scenario {
  /** The name that runs it alone: `npm run bench -- <name>`. */
  readonly name: string;
  /** One line for `npm run bench -- --help`. */
  readonly summary: string;
  /** Part of a run that names no scenario (the soak is not: it runs for minutes). */
  readonly byDefault: boolean;
  run(context: BenchContext): Promise<ScenarioResult>;
}

/**
 * What the two page-view scenarios share: their server (with `--workers`, or the row saying
 * the server has none), their client process (page-view-load.ts), and one measured level.
 */
import { startClientProcess } from './client-process.ts';
import type { clientMethods, PageViewInput } from './page-view-load.ts';
import type { BenchContext, ScenarioResult } from './scenario.ts';
import { startServerWithWorkers } from './server.ts';
import { formatError, formatLatency, formatRate, type Latency, latencyOf } from './stats.ts';

/** Concurrent clients of each level. */
export const CLIENT_LEVELS = [16, 64] as const;
const WARMUP_SECONDS = 2;

/** One level of page views, measured. */
export interface PageViewLevel {
  readonly clients: number;
  readonly pageViewsPerSecond: number;
  readonly latencyMs: Latency;
  readonly failures: number;
  readonly firstError: string | null;
  /** `412/s; p50 35 ms, p99 80 ms`, and the failures if any. */
  readonly summary: string;
}

export interface PageViewRun {
  /** Runs `clients` page-view loops for `--seconds` after a short warm-up. */
  measure(
    siteId: string,
    clients: number,
    visitors: PageViewInput['visitors'],
  ): Promise<PageViewLevel>;
}

/**
 * Starts the server (SONNY_WORKERS from `--workers`) and the client process, runs `body`,
 * stops both. When the server has no workers to give, the result is one row per level saying
 * so, named by `figure`.
 */
export async function runPageViews(
  context: BenchContext,
  figure: (clients: number) => string,
  body: (run: PageViewRun) => Promise<ScenarioResult>,
): Promise<ScenarioResult> {
  const { workers, seconds } = context.options;
  // Workers share events and limits through Redis, as a cluster in production does.
  const redis = workers !== null && workers > 1 ? { redisUrl: context.redisUrl } : {};
  const started = await startServerWithWorkers(
    { databaseUrl: context.databaseUrl, secretKey: context.secretKey, ...redis },
    workers,
  );
  if ('unavailable' in started) {
    const rows = CLIENT_LEVELS.map((clients) => ({
      figure: figure(clients),
      measured: started.unavailable,
      target: '',
      holds: null,
    }));
    return { rows, data: { workers, unavailable: started.unavailable } };
  }
  const { server } = started;
  const client = startClientProcess<typeof clientMethods>(
    new URL('./page-view-load.ts', import.meta.url).href,
  );
  try {
    return await body({
      async measure(siteId, clients, visitors) {
        context.log(`${visitors} visitors' page views: ${clients} clients for ${seconds} s`);
        const load = await client.call('pageViews', {
          url: server.wsUrl,
          siteId,
          clients,
          warmupSeconds: WARMUP_SECONDS,
          seconds,
          visitors,
        });
        const rate = load.samples.length / load.measuredSeconds;
        const latency = latencyOf(load.samples);
        const failed =
          load.failures === 0 ? '' : `; ${load.failures} failed (${formatError(load.firstError)})`;
        return {
          clients,
          pageViewsPerSecond: rate,
          latencyMs: latency,
          failures: load.failures,
          firstError: load.firstError,
          summary: `${formatRate(rate)}; ${formatLatency(latency)}${failed}`,
        };
      },
    });
  } finally {
    await client.stop();
    await server.stop();
  }
}

/** `, SONNY_WORKERS=2` when `--workers` was given. */
export function workersLabel(context: BenchContext): string {
  const { workers } = context.options;
  return workers === null ? '' : `, SONNY_WORKERS=${workers}`;
}

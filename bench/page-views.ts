/**
 * Identified page views per second, against what Postgres alone does with the same writes.
 * At 16 and then 64 clients: page views (a new visitor joining with an email and name, the
 * widget's `visitor` query, the close) from a client process for `--seconds`, then pgbench
 * running the identify's transaction (`identify.pgbench.sql`) with as many clients for as
 * long, on the same database. The ratio of the two is the headline figure.
 */
import { CLIENT_LEVELS, runPageViews, workersLabel } from './lib/page-view-runs.ts';
import { pgbenchIdentify } from './lib/pgbench.ts';
import type { BenchContext, Row, Scenario, ScenarioResult } from './lib/scenario.ts';
import { createWorkspace } from './lib/setup.ts';
import { formatRate } from './lib/stats.ts';

/** The target: page views at 16 clients reach half of pgbench's transactions. */
const TARGET_RATIO = 0.5;
const TARGET_CLIENTS = 16;

export const pageViews: Scenario = {
  name: 'pageviews',
  summary: 'identified page views/s at 16 and 64 clients, against pgbench (--workers N)',
  byDefault: true,
  run(context: BenchContext): Promise<ScenarioResult> {
    const figure = (clients: number) =>
      `identified page views, ${clients} clients${workersLabel(context)}`;
    return runPageViews(context, figure, async (run) => {
      const { siteId } = await createWorkspace(context, 'Bench page views');
      const scratch = await createWorkspace(context, 'Bench pgbench scratch');
      const rows: Row[] = [];
      const levels = [];
      for (const clients of CLIENT_LEVELS) {
        const level = await run.measure(siteId, clients, 'new');
        context.log(`pgbench: ${clients} clients for ${context.options.seconds} s`);
        const pgbench = await pgbenchIdentify({
          databaseUrl: context.databaseUrl,
          workspaceId: scratch.workspaceId,
          clients,
          seconds: context.options.seconds,
        });
        const ratio = level.pageViewsPerSecond / pgbench.tps;
        const checked = clients === TARGET_CLIENTS;
        rows.push(
          { figure: figure(clients), measured: level.summary, target: '', holds: null },
          {
            figure: `pgbench identify transaction, ${clients} clients`,
            measured: formatRate(pgbench.tps),
            target: '',
            holds: null,
          },
          {
            figure: `page views ÷ pgbench, ${clients} clients`,
            measured: `${ratio.toFixed(2)}×`,
            target: checked ? `≥ ${TARGET_RATIO}×` : '',
            holds: checked ? ratio >= TARGET_RATIO && level.failures === 0 : null,
          },
        );
        levels.push({ ...level, pgbench, ratio });
      }
      return { rows, data: { workers: context.options.workers, levels } };
    });
  },
};

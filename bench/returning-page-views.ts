/**
 * Returning page views per second: each client is one visitor, identified before the clock
 * starts, opening the page again and again (the same visitorId, email and name in every
 * join, as the widget re-sends its identity), at 16 and 64 clients.
 */
import { CLIENT_LEVELS, runPageViews, workersLabel } from './lib/page-view-runs.ts';
import type { BenchContext, Scenario, ScenarioResult } from './lib/scenario.ts';
import { createWorkspace } from './lib/setup.ts';

export const returningPageViews: Scenario = {
  name: 'returning',
  summary: 'returning page views/s (same visitorId, already identified) at 16 and 64 clients',
  byDefault: true,
  run(context: BenchContext): Promise<ScenarioResult> {
    const figure = (clients: number) =>
      `returning page views, ${clients} clients${workersLabel(context)}`;
    return runPageViews(context, figure, async (run) => {
      const { siteId } = await createWorkspace(context, 'Bench returning page views');
      const levels = [];
      for (const clients of CLIENT_LEVELS)
        levels.push(await run.measure(siteId, clients, 'returning'));
      return {
        rows: levels.map((level) => ({
          figure: figure(level.clients),
          measured: level.summary,
          target: '',
          holds: null,
        })),
        data: { workers: context.options.workers, levels },
      };
    });
  },
};

/**
 * Idle visitor sockets: N visitors joined and subscribed to `visitorEvents`, as N open pages
 * with the widget, doing nothing. The server's heap and RSS after a full GC, before and with
 * them, divided by N.
 */
import { startFleet } from './lib/fleet-setup.ts';
import type { BenchContext, Scenario, ScenarioResult } from './lib/scenario.ts';
import { startServer } from './lib/server.ts';
import { createWorkspace } from './lib/setup.ts';
import { formatError, formatKb } from './lib/stats.ts';

/** The target: at most 10 KB of heap per idle visitor socket. */
const TARGET_HEAP_PER_SOCKET = 10 * 1024;
/** Sockets opened and closed before the baseline, so the join's code is loaded and compiled. */
const WARMUP_SOCKETS = 200;
/** How long the server gets to finish starting the last subscriptions before it is measured. */
const SETTLE_MS = 5_000;

export const idleSockets: Scenario = {
  name: 'idle',
  summary: 'idle visitor sockets (--sockets, default 10,000): server heap and RSS per socket',
  byDefault: true,
  async run(context: BenchContext): Promise<ScenarioResult> {
    const count = context.options.sockets;
    const server = await startServer({
      databaseUrl: context.databaseUrl,
      secretKey: context.secretKey,
      inspect: true,
    });
    const client = startFleet();
    try {
      const { siteId } = await createWorkspace(context, 'Bench idle sockets');
      const url = server.wsUrl;
      await client.call('openVisitors', { url, siteId, count: WARMUP_SOCKETS, conversing: 0 });
      await client.call('closeVisitors', undefined);
      await sleep(SETTLE_MS);
      const before = await server.memory();
      context.log(`idle sockets: opening ${count}`);
      const opened = await client.call('openVisitors', { url, siteId, count, conversing: 0 });
      await sleep(SETTLE_MS);
      const after = await server.memory();
      const perSocket = {
        heapUsed: (after.heapUsed - before.heapUsed) / opened.open,
        rss: (after.rss - before.rss) / opened.open,
        external: (after.external - before.external) / opened.open,
      };
      const failed =
        opened.failures.length === 0 ? '' : `; ${formatError(opened.failures[0] ?? null)}`;
      const sockets = `${opened.open.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} open${failed}`;
      return {
        rows: [
          {
            figure: 'idle visitor socket: server heap',
            measured: `${formatKb(perSocket.heapUsed)} per socket (${sockets})`,
            target: `≤ ${formatKb(TARGET_HEAP_PER_SOCKET)}`,
            holds: perSocket.heapUsed <= TARGET_HEAP_PER_SOCKET && opened.open === count,
          },
          {
            figure: 'idle visitor socket: server RSS',
            measured: `${formatKb(perSocket.rss)} per socket (external ${formatKb(perSocket.external)})`,
            target: '',
            holds: null,
          },
        ],
        data: {
          sockets: count,
          open: opened.open,
          failures: opened.failures,
          before,
          after,
          perSocket,
        },
      };
    } finally {
      await client.stop();
      await server.stop();
    }
  },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

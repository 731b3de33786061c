/**
 * 1:1 fan-out: with `--sockets` visitors connected (each with a conversation and its
 * `visitorEvents` subscription), agents reply at 250, 500 and 1,000 replies/s; each reply is
 * timed from the moment it was due to its visitor's `next`, and a reply the server accepted
 * that no subscription delivered is lost. Then the same with the visitors on one server and
 * the agents on another, over Redis.
 */
import { connect } from 'node:net';
import { type Fleet, startConversations, startFleet } from './lib/fleet-setup.ts';
import type { BenchContext, Row, Scenario, ScenarioResult } from './lib/scenario.ts';
import { type BenchServer, startServer } from './lib/server.ts';
import { formatError, formatLatency, latencyOf } from './lib/stats.ts';

const RATES = [250, 500, 1000] as const;
/** The target, at 1,000 replies/s on one server: p99 ≤ 50 ms, none lost. */
const TARGET_RATE = 1000;
const TARGET_P99_MS = 50;
/**
 * Visitors with a conversation, among the sockets: the replies go to them in turn (at
 * 1,000/s for 10 s, five each), the other sockets only listen. Fewer conversations than
 * sockets keeps the setup short; a visitor's replies are seconds apart either way.
 */
const CONVERSATIONS = 2_000;
/** The agents' sockets: replies spread over them, as over the inboxes of a team. */
const AGENT_SOCKETS = 8;

export const fanOut: Scenario = {
  name: 'fanout',
  summary: 'agent replies to visitors at 250/500/1,000 per second; one server, then two over Redis',
  byDefault: true,
  async run(context: BenchContext): Promise<ScenarioResult> {
    // Half the measured time of the other scenarios per rate: six rates to run.
    const seconds = Math.max(5, Math.round(context.options.seconds / 2));
    const base = { databaseUrl: context.databaseUrl, secretKey: context.secretKey };
    const fleet = startFleet();
    const running: BenchServer[] = [];
    const start = async (options: Parameters<typeof startServer>[0]) => {
      const server = await startServer(options);
      running.push(server);
      return server;
    };
    try {
      const single = await start(base);
      const conversations = await startConversations(context, fleet, single, {
        workspace: 'Bench fan-out',
        visitors: context.options.sockets,
        conversing: Math.min(CONVERSATIONS, context.options.sockets),
        agentSockets: AGENT_SOCKETS,
        watchInbox: false,
      });
      const sockets = `${conversations.open.toLocaleString('en-US')} sockets`;
      const rows: Row[] = [];
      const runs = await measureRates(context, fleet, seconds, `${sockets}, one server`, rows);
      await fleet.call('closeVisitors', undefined);
      await single.stop();

      const label = `${sockets}, two servers over Redis`;
      if (await redisAnswers(context.redisUrl)) {
        const withRedis = { ...base, redisUrl: context.redisUrl };
        const [visitorsServer, agentsServer] = [await start(withRedis), await start(withRedis)];
        context.log('fan-out: the visitors join one server, the agents the other');
        await fleet.call('reconnectVisitors', {
          url: visitorsServer.wsUrl,
          siteId: conversations.siteId,
        });
        await fleet.call('connectAgents', {
          url: agentsServer.wsUrl,
          token: conversations.token,
          count: AGENT_SOCKETS,
          watchInbox: false,
        });
        runs.push(...(await measureRates(context, fleet, seconds, label, rows)));
      } else {
        const measured = `n/a (no Redis at ${context.redisUrl})`;
        rows.push({ figure: `1:1 fan-out, ${label}`, measured, target: '', holds: null });
      }
      const { open, failures } = conversations;
      return { rows, data: { sockets: context.options.sockets, open, failures, seconds, runs } };
    } finally {
      await fleet.stop();
      await Promise.all(running.map((server) => server.stop()));
    }
  },
};

/** Each rate in turn on the connected fleet; the target applies on one server. */
async function measureRates(
  context: BenchContext,
  fleet: Fleet,
  seconds: number,
  label: string,
  rows: Row[],
) {
  const runs = [];
  for (const rate of RATES) {
    context.log(`fan-out: ${rate} replies/s for ${seconds} s (${label})`);
    const result = await fleet.call('replies', { rate, seconds });
    const latency = latencyOf(result.samples);
    const checked = rate === TARGET_RATE && label.endsWith('one server');
    const faults = [
      `${latency.count} of ${result.sent} delivered, ${result.lost} lost`,
      result.errors === 0 ? '' : `${result.errors} errors (${formatError(result.firstError)})`,
      result.unanswered === 0 ? '' : `${result.unanswered} unanswered`,
      result.misdelivered === 0 ? '' : `${result.misdelivered} delivered to the wrong visitor`,
    ].filter(Boolean);
    rows.push({
      figure: `1:1 fan-out, ${rate.toLocaleString('en-US')} replies/s, ${label}`,
      measured: `${formatLatency(latency)}; ${faults.join('; ')}`,
      target: checked ? `p99 ≤ ${TARGET_P99_MS} ms, 0 lost` : '0 lost',
      holds:
        result.lost === 0 &&
        result.errors === 0 &&
        result.unanswered === 0 &&
        result.misdelivered === 0 &&
        (!checked || latency.p99 <= TARGET_P99_MS),
    });
    const { samples: _, ...counts } = result;
    runs.push({ label, rate, seconds, latencyMs: latency, ...counts });
  }
  return runs;
}

/** Whether a Redis answers PING at `url` within a second. */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    // NOAUTH answers too: the servers authenticate with the URL's password.
    socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(String(data))));
  });
}

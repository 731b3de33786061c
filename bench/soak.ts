/**
 * The soak: 2,000 visitors chatting with agents at a steady rate for `--minutes`; the
 * server's heap and RSS after a full GC at the end of every minute. The first minute warms
 * up; from its sample to the last, neither may grow by more than 5%.
 */
import { startConversations, startFleet } from './lib/fleet-setup.ts';
import type { BenchContext, Row, Scenario, ScenarioResult } from './lib/scenario.ts';
import { type MemorySample, startServer } from './lib/server.ts';
import { formatLatency, latencyOf } from './lib/stats.ts';

const SOCKETS = 2_000;
/** Visitor messages and agent replies per second, across all the visitors. */
const VISITOR_RATE = 10;
const REPLY_RATE = 10;
const AGENT_SOCKETS = 4;
/** The bound on growth after the warm-up. */
const MAX_GROWTH = 0.05;

export const soak: Scenario = {
  name: 'soak',
  summary: `${SOCKETS.toLocaleString('en-US')} sockets chatting for --minutes: heap and RSS growth after warm-up`,
  byDefault: false,
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { minutes } = context.options;
    const server = await startServer({
      databaseUrl: context.databaseUrl,
      secretKey: context.secretKey,
      inspect: true,
    });
    const fleet = startFleet();
    try {
      const opened = await startConversations(context, fleet, server, {
        workspace: 'Bench soak',
        visitors: SOCKETS,
        conversing: SOCKETS,
        agentSockets: AGENT_SOCKETS,
        watchInbox: true,
      });
      const samples: Array<MemorySample & { minute: number }> = [];
      const minutesOut = [];
      const delivered: number[] = [];
      let lost = 0;
      let errors = 0;
      for (let minute = 1; minute <= minutes; minute++) {
        const chat = await fleet.call('chat', {
          seconds: 60,
          visitorRate: VISITOR_RATE,
          replyRate: REPLY_RATE,
        });
        const memory = await server.memory();
        samples.push({ minute, ...memory });
        delivered.push(...chat.samples);
        lost += chat.lost;
        errors += chat.errors + chat.unanswered + chat.visitorErrors + chat.misdelivered;
        minutesOut.push({
          minute,
          memory,
          visitorMessages: chat.visitorMessages,
          replies: chat.sent,
          lost: chat.lost,
          errors: chat.errors,
          visitorErrors: chat.visitorErrors,
          inboxEvents: chat.inboxEvents,
          latencyMs: latencyOf(chat.samples),
        });
        context.log(
          `soak minute ${minute}/${minutes}: heap ${mb(memory.heapUsed)}, RSS ${mb(memory.rss)}, ${chat.visitorMessages} visitor messages, ${chat.samples.length} replies delivered, ${chat.lost} lost`,
        );
      }
      const label = `soak ${minutes} min, ${opened.open.toLocaleString('en-US')} sockets`;
      const rows: Row[] = [
        growthRow(`${label}: heap growth after warm-up`, samples, 'heapUsed'),
        growthRow(`${label}: RSS growth after warm-up`, samples, 'rss'),
        {
          figure: `${label}: replies`,
          measured: `${formatLatency(latencyOf(delivered))}; ${delivered.length} delivered, ${lost} lost, ${errors} errors`,
          target: '0 lost',
          holds: lost === 0 && errors === 0,
        },
      ];
      const verdict = rows.slice(0, 2).every((row) => row.holds === true)
        ? 'holds'
        : 'does not hold';
      context.log(
        `soak verdict: heap and RSS within ${MAX_GROWTH * 100}% after warm-up: ${verdict}`,
      );
      return {
        rows,
        data: {
          sockets: SOCKETS,
          open: opened.open,
          visitorRate: VISITOR_RATE,
          replyRate: REPLY_RATE,
          minutes: minutesOut,
        },
      };
    } finally {
      await fleet.stop();
      await server.stop();
    }
  },
};

/** Growth from the first sample (the end of the warm-up minute) to the last. */
function growthRow(
  figure: string,
  samples: ReadonlyArray<MemorySample>,
  field: 'heapUsed' | 'rss',
): Row {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const target = `≤ +${MAX_GROWTH * 100}%`;
  if (first === undefined || last === undefined || samples.length < 2) {
    return { figure, measured: 'n/a (needs --minutes 2 or more)', target, holds: null };
  }
  const growth = last[field] / first[field] - 1;
  const sign = growth >= 0 ? '+' : '';
  return {
    figure,
    measured: `${sign}${(growth * 100).toFixed(1)}% (${mb(first[field])} → ${mb(last[field])})`,
    target,
    holds: growth <= MAX_GROWTH,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

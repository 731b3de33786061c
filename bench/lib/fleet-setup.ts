/** The parent's side of fleet.ts: its client process, and visitors in conversation with agents. */
import { type ClientProcess, startClientProcess } from './client-process.ts';
import type { clientMethods } from './fleet.ts';
import type { BenchContext } from './scenario.ts';
import type { BenchServer } from './server.ts';
import { createAgentSession, createWorkspace } from './setup.ts';

export type Fleet = ClientProcess<typeof clientMethods>;

/** A client process holding visitor and agent sockets (fleet.ts). */
export function startFleet(): Fleet {
  return startClientProcess<typeof clientMethods>(new URL('./fleet.ts', import.meta.url).href);
}

export interface Conversations {
  readonly siteId: string;
  /** The agents' session token. */
  readonly token: string;
  /** Visitors whose socket is open. */
  readonly open: number;
  readonly failures: readonly string[];
}

/**
 * A new workspace with `visitors` visitors joined to `server`, each subscribed, the first
 * `conversing` of them with a conversation they started, and `agentSockets` sockets of one of
 * its agents.
 */
export async function startConversations(
  context: BenchContext,
  fleet: Fleet,
  server: BenchServer,
  options: {
    readonly workspace: string;
    readonly visitors: number;
    readonly conversing: number;
    readonly agentSockets: number;
    readonly watchInbox: boolean;
  },
): Promise<Conversations> {
  const { siteId } = await createWorkspace(context, options.workspace);
  const token = await createAgentSession(context, siteId, server.httpUrl);
  context.log(`${options.visitors} visitors join, ${options.conversing} start a conversation`);
  const opened = await fleet.call('openVisitors', {
    url: server.wsUrl,
    siteId,
    count: options.visitors,
    conversing: options.conversing,
  });
  await fleet.call('connectAgents', {
    url: server.wsUrl,
    token,
    count: options.agentSockets,
    watchInbox: options.watchInbox,
  });
  return { siteId, token, open: opened.open, failures: opened.failures };
}

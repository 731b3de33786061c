import cluster from 'node:cluster';
import { type App, buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../ops/logger.ts';
import { bindPort } from '../ops/port.ts';
import { exitOnShutdownSignals } from '../ops/shutdown-signals.ts';
import { primaryPeer } from './ipc.ts';
import { shareWorkerMetrics } from './metrics.ts';

/**
 * One worker of a cluster (SONNY_WORKERS > 1): the whole app, listening on the port the
 * workers share (node:cluster hands each a turn of the connections). It takes the port first,
 * then waits for the primary to ready the database. It prints nothing: the primary prints the
 * banner and the ready line once every worker listens, or why the start failed. Its log lines
 * carry `worker`, its id in the cluster.
 */
export async function runWorker(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel }).child({ worker: cluster.worker?.id });
  const primary = primaryPeer();
  let app: App | null = null;
  const shutdown = exitOnShutdownSignals({
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      // Asked to stop before listening: nothing is in flight yet.
      await app?.stop();
      return 0;
    },
  });
  const keySecret = new Promise<string>((resolve) => {
    const stopListening = primary.listen((message) => {
      if (message.type !== 'sonny:start') return;
      stopListening();
      resolve(message.rateLimitKeySecret);
    });
  });
  primary.listen((message) => {
    if (message.type === 'sonny:stop') shutdown.begin('Asked to stop by the primary');
  });
  try {
    const port = await bindPort(config);
    primary.send({ type: 'sonny:bound' });
    const rateLimitKeySecret = Buffer.from(await keySecret, 'base64');
    app = await buildApp(
      // One key for all, so the workers count each address's attempts together in Redis.
      { ...config, rateLimitKeySecret },
      { logger, port, clusterMetrics: (own) => shareWorkerMetrics(primary, own) },
    );
    await app.start();
  } catch (error) {
    // Every worker would fail alike: the primary says why once, and ends this one.
    const message = error instanceof Error ? error.message : String(error);
    primary.send({ type: 'sonny:failed', message });
    return;
  }
  logger.info({ origin: app.origin() }, 'worker listening');
  primary.send({ type: 'sonny:listening', origin: app.origin() });
}

import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { type DemoWorkspace, ensureDemoWorkspace } from '../access/demo.ts';
import { secretBox } from '../access/secret-box.ts';
import { prepareDatabase } from '../app.ts';
import { printBanner } from '../banner.ts';
import type { Config } from '../config.ts';
import { connectDatabase } from '../db/connect.ts';
import type { Logger } from '../ops/logger.ts';
import { metricsHandler, metricsListener, metricsLocation } from '../ops/metrics-endpoint.ts';
import { readyLine } from '../ops/ready-line.ts';
import { exitOnShutdownSignals, SHUTDOWN_CLOSE_MARGIN_MS } from '../ops/shutdown-signals.ts';
import { print } from '../print.ts';
import { answer, type Peer, workerPeer } from './ipc.ts';
import { clusterMetrics } from './metrics.ts';
import { RestartBackoff } from './restart-backoff.ts';

/** How much longer than a worker's own deadline the primary waits for the workers to exit. */
const WORKER_EXIT_MARGIN_MS = 1_000;

/**
 * The primary of a cluster (SONNY_WORKERS > 1). It serves no traffic itself: it forks the
 * workers, which take the port they share first; once they all hold it, it readies the
 * database once (migrations, the demo workspace) so the workers never race for it, and lets
 * them build the app. It prints the banner and the ready line once every worker listens,
 * replaces a worker that exits (with a growing wait), serves METRICS_PORT with every worker's
 * metrics summed, and on SIGTERM or SIGINT has every worker drain and exits once they all have
 * (0 when each exited 0).
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  // Without SONNY_SECRET_KEY each process would draw its own: one drawn here keeps the
  // workers' rate-limit keys, and so their counts in Redis, the same.
  const rateLimitKeySecret = Buffer.from(config.rateLimitKeySecret ?? randomBytes(32)).toString(
    'base64',
  );

  /** The workers that hold the port, and those that listen, by the end of the channel to each. */
  const bound = new Map<Worker, Peer>();
  const listening = new Map<Worker, Peer>();
  const backoff = new RestartBackoff();
  const restarts = new Set<NodeJS.Timeout>();
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  let databaseReady = false;
  const metrics = clusterMetrics(() => listening.values());
  const allBound = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<string>();
  /** Rejects with why the start failed, as soon as one worker cannot start. */
  const startFailed = Promise.withResolvers<never>();
  startFailed.promise.catch(() => {});

  const fork = () => {
    const worker = cluster.fork();
    const peer = workerPeer(worker);
    answer(peer, { 'cluster-metrics': () => metrics.metrics() });
    peer.listen((message) => {
      if (message.type === 'sonny:bound') {
        bound.set(worker, peer);
        if (databaseReady) peer.send({ type: 'sonny:start', rateLimitKeySecret });
        else if (bound.size === config.workers) allBound.resolve();
      } else if (message.type === 'sonny:listening') {
        listening.set(worker, peer);
        if (phase === 'starting' && listening.size === config.workers) {
          phase = 'running';
          ready.resolve(message.origin);
        }
      } else if (message.type === 'sonny:failed') {
        if (phase === 'starting') startFailed.reject(new Error(message.message));
        else {
          logger.error({ worker: worker.id, workerPid: worker.process.pid }, message.message);
          worker.process.kill('SIGKILL');
        }
      }
    });
    worker.once('exit', (code, signal) => {
      bound.delete(worker);
      listening.delete(worker);
      const how = signal ?? `code ${code}`;
      if (phase === 'starting') {
        startFailed.reject(new Error(`A worker exited (${how}) before the server was ready.`));
      } else if (phase === 'running') {
        const delay = backoff.exited();
        logger.error(
          { worker: worker.id, workerPid: worker.process.pid, code, signal },
          `A worker exited (${how}): starting another in ${delay / 1000} s.`,
        );
        const timer = setTimeout(() => {
          restarts.delete(timer);
          fork();
        }, delay);
        restarts.add(timer);
      }
    });
  };

  const ownMetrics =
    config.metricsPort === null
      ? null
      : metricsListener({
          port: config.metricsPort,
          host: config.host,
          handler: metricsHandler(metrics, config.metricsToken),
          onError: (error) => logger.error({ err: error }, 'Could not serve /metrics'),
        });
  await ownMetrics?.start();
  for (let index = 0; index < config.workers; index++) fork();
  let demo: DemoWorkspace | null;
  let origin: string;
  try {
    // The port before the database, as without a cluster: a taken one stops the start having
    // created nothing. The workers take it (node:cluster binds it in this process for them) and
    // hold it while the database is readied, so no other process can take it meanwhile; a
    // probe bound and closed here instead would leave it free until the workers listen.
    await Promise.race([allBound.promise, startFailed.promise]);
    demo = await prepareOnce(config, logger);
    databaseReady = true;
    for (const peer of bound.values()) peer.send({ type: 'sonny:start', rateLimitKeySecret });
    origin = await Promise.race([ready.promise, startFailed.promise]);
  } catch (error) {
    // Whatever started serves nobody yet: the start failed as a whole.
    phase = 'stopping';
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    await ownMetrics?.stop();
    throw error;
  }

  printBanner(config, { engine: 'postgres', origin, demo });
  const metricsWhere = metricsLocation(ownMetrics?.origin() ?? null, config, origin);
  logger.info({ origin, metrics: metricsWhere, workers: config.workers }, 'listening');
  print(readyLine(origin));

  exitOnShutdownSignals({
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    // The workers exit by their own deadline first; this one is for a worker that hangs.
    closeMarginMs: SHUTDOWN_CLOSE_MARGIN_MS + WORKER_EXIT_MARGIN_MS,
    async stop() {
      phase = 'stopping';
      for (const timer of restarts) clearTimeout(timer);
      const workers = Object.values(cluster.workers ?? {}).filter((worker) => !!worker);
      const exitCodes = workers.map((worker) =>
        worker.isDead()
          ? worker.process.exitCode
          : new Promise<number | null>((resolve) => worker.once('exit', resolve)),
      );
      for (const worker of workers) workerPeer(worker).send({ type: 'sonny:stop' });
      const codes = await Promise.all(exitCodes);
      await ownMetrics?.stop();
      return codes.every((code) => code === 0) ? 0 : 1;
    },
  });
}

/**
 * What the cluster needs done once, before any worker builds its app: the database migrated
 * and its identity secrets ready, and the demo workspace when the demo is on.
 */
async function prepareOnce(config: Config, logger: Logger): Promise<DemoWorkspace | null> {
  const database = await connectDatabase(config, { warn: (line) => logger.warn(line) });
  try {
    const secrets = secretBox(config.secretKey);
    await prepareDatabase(database.db, secrets);
    return config.demo ? await ensureDemoWorkspace(database.db, secrets) : null;
  } finally {
    await database.close();
  }
}

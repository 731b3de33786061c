import cluster from 'node:cluster';
import { ensureDemoWorkspace } from './access/demo.ts';
import { buildApp } from './app.ts';
import { printBanner } from './banner.ts';
import { runPrimary } from './cluster/primary.ts';
import { runWorker } from './cluster/worker.ts';
import { type Config, loadConfig } from './config.ts';
import { createLogger, type Logger } from './ops/logger.ts';
import { metricsLocation } from './ops/metrics-endpoint.ts';
import { bindPort } from './ops/port.ts';
import { readyLine } from './ops/ready-line.ts';
import { exitOnShutdownSignals } from './ops/shutdown-signals.ts';
import { print, printError } from './print.ts';

/**
 * `npm start`: the server on the configured database, with a demo workspace ready when the
 * demo is on (`SONNY_DEMO`). One process, or with `SONNY_WORKERS` above 1 a primary that
 * forks the workers serving the port; a worker runs this file too.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isWorker) return runWorker(config);
  const logger = createLogger({ level: config.logLevel });
  if (config.secretKey === null) {
    logger.warn(
      'SONNY_SECRET_KEY is not set: identity secrets are stored in clear. Set it (openssl rand -base64 32) before going to production; the next start encrypts them.',
    );
  }
  if (config.workers > 1) return runPrimary(config, logger);
  return runAlone(config, logger);
}

/** The server in this one process. */
async function runAlone(config: Config, logger: Logger): Promise<void> {
  // The port before the database: a taken one stops the start having created nothing.
  const port = await bindPort(config);
  const app = await buildApp(config, { logger, port });
  const demo = config.demo ? await ensureDemoWorkspace(app.db, app.secrets) : null;
  await app.start();
  printBanner(config, { engine: app.engine, origin: app.origin(), demo });
  const metrics = metricsLocation(app.metricsOrigin(), config, app.origin());
  logger.info({ origin: app.origin(), metrics }, 'listening');
  // Last, after everything above: whoever waits for it has read the whole banner.
  print(readyLine(app.origin()));
  exitOnShutdownSignals({
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    stop: async () => {
      await app.stop();
      return 0;
    },
  });
}

main().catch((error: unknown) => {
  printError(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

import { constants } from 'node:os';
import { GRAPHQL_PATH } from '../protocol/index.ts';
import { ensureDemoWorkspace } from './access/demo.ts';
import { type App, buildApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { createLogger } from './ops/logger.ts';
import { readyLine } from './ops/ready-line.ts';
import { print, printError } from './print.ts';

/**
 * `npm start`: the server on the configured database, with a demo workspace ready when the
 * demo is on (`SONNY_DEMO`).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  if (config.secretKey === null) {
    logger.warn(
      'SONNY_SECRET_KEY is not set: identity secrets are stored in clear. Set it (openssl rand -base64 32) before going to production; the next start encrypts them.',
    );
  }
  const app = await buildApp(config, { logger });
  const demo = config.demo ? await ensureDemoWorkspace(app.db, app.secrets) : null;
  await app.start();
  const origin = config.publicUrl ?? app.origin();

  const database =
    app.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'Postgres (DATABASE_URL)';
  // The banner is for the person who ran `npm start` (it shows the demo's secrets): plain
  // lines on stdout, never log lines.
  print(
    `Sonny is running on ${database}.`,
    `  GraphQL (HTTP and WebSocket): ${origin}${GRAPHQL_PATH}`,
  );
  if (demo !== null) {
    print(`  Demo workspace siteId:        ${demo.workspace.site_id}`);
    if (demo.apiKey !== null) {
      print(`  Demo workspace API key:       ${demo.apiKey}  (shown once; stored hashed)`);
    }
    print(`  Demo page:                    ${origin}/`);
  }
  print(`  Agent inbox:                  ${origin}/inbox`);
  if (demo?.login) {
    print(
      `  Inbox login:                  ${demo.login.email} / ${demo.login.password}  (new at every start)`,
    );
  }
  if (demo === null) print('  Demo:                         off (SONNY_DEMO)');
  logger.info({ origin: app.origin(), metrics: metricsWhere(app, config) }, 'listening');
  // Last, after everything above: whoever waits for it has read the whole banner.
  print(readyLine(app.origin()));

  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) {
      // The operator insists: no more waiting. 128 + the signal's number, as a shell reports it.
      logger.warn({ signal }, `${signal} received again: exiting now.`);
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    const seconds = config.shutdownTimeoutMs / 1000;
    logger.info(
      { signal },
      `${signal} received: finishing what is in flight (up to ${seconds} s).`,
    );
    // Closing pools and Redis after the drain takes a moment; past this, something hangs.
    setTimeout(() => {
      logger.error('The shutdown did not finish in time: exiting.');
      process.exit(1);
    }, config.shutdownTimeoutMs + SHUTDOWN_CLOSE_MARGIN_MS).unref();
    app.stop().then(
      () => {
        logger.info('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'The shutdown failed.');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** How long closing sockets, pub/sub, Redis and the database may take after the drain. */
const SHUTDOWN_CLOSE_MARGIN_MS = 5_000;

/** Where /metrics is served, for the log: METRICS_PORT's listener, the main port, or nowhere. */
function metricsWhere(app: App, config: Config): string {
  const own = app.metricsOrigin();
  if (own !== null) return `${own}/metrics`;
  return config.metricsToken === null ? 'off' : `${app.origin()}/metrics (METRICS_TOKEN)`;
}

main().catch((error: unknown) => {
  printError(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

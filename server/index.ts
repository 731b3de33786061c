import { constants } from 'node:os';
import { GRAPHQL_PATH } from '../protocol/index.ts';
import { ensureDemoWorkspace } from './access/demo.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { readyLine } from './ops/ready-line.ts';

/** `npm start`: the server on the configured database, with a demo workspace ready. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  const demo = await ensureDemoWorkspace(app.db);
  await app.start();
  const origin = config.publicUrl ?? app.origin();

  const database =
    app.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'Postgres (DATABASE_URL)';
  console.log(`Sonny is running on ${database}.`);
  console.log(`  GraphQL (HTTP and WebSocket): ${origin}${GRAPHQL_PATH}`);
  console.log(`  Demo workspace siteId:        ${demo.workspace.site_id}`);
  if (demo.apiKey !== null) {
    console.log(`  Demo workspace API key:       ${demo.apiKey}  (shown once; stored hashed)`);
  }
  console.log(`  Demo page:                    ${origin}/`);
  console.log(`  Agent inbox:                  ${origin}/inbox`);
  if (demo.login !== null) {
    console.log(
      `  Inbox login:                  ${demo.login.email} / ${demo.login.password}  (new at every start)`,
    );
  }
  // Last, after everything above: whoever waits for it has read the whole banner.
  console.log(readyLine(app.origin()));

  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) {
      // The operator insists: no more waiting. 128 + the signal's number, as a shell reports it.
      console.log(`${signal} received again: exiting now.`);
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    const seconds = config.shutdownTimeoutMs / 1000;
    console.log(`\n${signal} received: finishing what is in flight (up to ${seconds} s).`);
    // Closing pools and Redis after the drain takes a moment; past this, something hangs.
    setTimeout(() => {
      console.error('The shutdown did not finish in time: exiting.');
      process.exit(1);
    }, config.shutdownTimeoutMs + SHUTDOWN_CLOSE_MARGIN_MS).unref();
    app.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('The shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** How long closing sockets, pub/sub, Redis and the database may take after the drain. */
const SHUTDOWN_CLOSE_MARGIN_MS = 5_000;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

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
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, shutting down.`);
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

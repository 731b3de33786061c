import { GRAPHQL_PATH } from '../protocol/index.ts';
import type { DemoWorkspace } from './access/demo.ts';
import type { Config } from './config.ts';
import { print } from './print.ts';

/** What `npm start` tells the person who ran it, once the server listens. */
export interface Banner {
  readonly engine: 'pglite' | 'postgres';
  /** Where the server really listens (with `PORT=0`, the port it was given). */
  readonly origin: string;
  readonly demo: DemoWorkspace | null;
}

/**
 * Prints the banner. It shows the demo's secrets and is for the person who ran `npm start`:
 * plain lines on stdout, never log lines. The ready line comes after it.
 */
export function printBanner(
  config: Pick<Config, 'dataDir' | 'publicUrl' | 'workers'>,
  banner: Banner,
): void {
  const { demo } = banner;
  const origin = config.publicUrl ?? banner.origin;
  const database =
    banner.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'Postgres (DATABASE_URL)';
  print(
    `Sonny is running on ${database}.`,
    `  GraphQL (HTTP and WebSocket): ${origin}${GRAPHQL_PATH}`,
  );
  if (config.workers > 1) {
    print(`  Workers:                      ${config.workers} processes (SONNY_WORKERS)`);
  }
  const credentials = demo?.credentials ?? null;
  if (demo !== null) {
    print(`  Demo workspace siteId:        ${demo.workspace.site_id}`);
    if (credentials !== null) {
      const { apiKey, identitySecret } = credentials;
      print(
        `  Demo workspace API key:       ${apiKey}  (new at every start; the last one is revoked)`,
        `  Demo identity secret:         ${identitySecret.secret}  (kid ${identitySecret.kid})`,
      );
    }
    print(`  Demo page:                    ${origin}/`);
  }
  print(`  Agent inbox:                  ${origin}/inbox`);
  if (credentials !== null) {
    const { login } = credentials;
    print(
      `  Inbox login:                  ${login.email} / ${login.password}  (new at every start)`,
    );
  }
  if (demo === null) print('  Demo:                         off (SONNY_DEMO)');
}

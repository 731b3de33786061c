import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { sendText } from '../web/respond.ts';
import type { WebHandler } from '../web/serve.ts';

/** Where load balancers and orchestrators ask whether this instance can take traffic. */
export const READINESS_PATH = '/readyz';

/** A database that has not answered by then counts as down: a probe must not hang. */
export const READINESS_DATABASE_TIMEOUT_MS = 2_000;

/** What `/readyz` answers: `ready` (200), or `unavailable` or `draining` (503). */
export interface Readiness {
  readonly status: 'ready' | 'unavailable' | 'draining';
}

/**
 * `GET /readyz`: 200 `{"status":"ready"}` when the database answers `select 1` within
 * {@link READINESS_DATABASE_TIMEOUT_MS}, otherwise 503 `{"status":"unavailable"}`; 503
 * `{"status":"draining"}` from the moment the server starts shutting down. Never cached.
 */
export function readinessHandler(): WebHandler {
  return async (request, response, context) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (context === undefined || path !== READINESS_PATH) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    // A server shutting down takes no new traffic, whatever its database says.
    const readiness: Readiness = {
      status: context.draining
        ? 'draining'
        : (await databaseAnswers(context.db))
          ? 'ready'
          : 'unavailable',
    };
    const body = JSON.stringify(readiness);
    response.writeHead(readiness.status === 'ready' ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_DATABASE_TIMEOUT_MS);
  });
  const answer = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

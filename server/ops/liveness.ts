import type { WebHandler } from '../web/serve.ts';
import { jsonEndpoint } from './json-endpoint.ts';

/** Where a supervisor asks whether the process still runs; restart it when this stops answering. */
export const LIVENESS_PATH = '/healthz';

/** What `/healthz` answers. */
export interface Liveness {
  readonly status: 'alive';
  /** Whole seconds since the process started. */
  readonly uptimeSeconds: number;
}

/**
 * `GET /healthz`: always 200 `{"status":"alive","uptimeSeconds":…}`, never cached. It asks no
 * dependency: that an answer comes at all shows the event loop turns. A database outage is
 * `/readyz`'s business; restarting the process would not end it.
 */
export function livenessHandler(): WebHandler {
  return jsonEndpoint(LIVENESS_PATH, async () => ({
    status: 200,
    body: { status: 'alive', uptimeSeconds: Math.floor(process.uptime()) } satisfies Liveness,
  }));
}

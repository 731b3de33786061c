import type { Config } from '../config.ts';
import type { WebHandler } from '../web/serve.ts';
import { livenessHandler } from './liveness.ts';
import type { Logger } from './logger.ts';
import {
  type MetricsListener,
  type MetricsSource,
  metricsHandler,
  metricsListener,
} from './metrics-endpoint.ts';
import { type ReadinessDependencies, readinessHandler } from './readiness.ts';

/** What operators and their tools read, and where. */
export interface OpsEndpoints {
  /** For the main port, before any other path: /healthz, /readyz and maybe /metrics. */
  readonly handlers: readonly WebHandler[];
  /**
   * The METRICS_PORT listener; null when /metrics is not on a port of its own, or when another
   * process (a cluster's primary) listens there.
   */
  readonly metricsListener: MetricsListener | null;
}

/**
 * `/healthz` and `/readyz` on the main port, and `/metrics` where the configuration says:
 * on METRICS_PORT alone when it is set (bearer METRICS_TOKEN too when that is set), else on
 * the main port behind METRICS_TOKEN, else nowhere (404): metrics tell an outsider too much
 * about the traffic to serve them to anyone.
 */
export function opsEndpoints(options: {
  readonly config: Pick<Config, 'host' | 'metricsPort' | 'metricsToken'>;
  readonly readiness: ReadinessDependencies;
  readonly metrics: MetricsSource;
  readonly logger: Logger;
  /** False in a worker of a cluster: the primary listens on METRICS_PORT. Default true. */
  readonly ownsMetricsPort?: boolean;
}): OpsEndpoints {
  const { config, metrics, logger, ownsMetricsPort = true } = options;
  const probes = [livenessHandler(), readinessHandler(options.readiness)];
  const scrape = metricsHandler(metrics, config.metricsToken);
  if (config.metricsPort !== null) {
    return {
      handlers: probes,
      metricsListener: ownsMetricsPort
        ? metricsListener({
            port: config.metricsPort,
            host: config.host,
            handler: scrape,
            onError: (error) => logger.error({ err: error }, 'Could not serve /metrics'),
          })
        : null,
    };
  }
  return {
    handlers: config.metricsToken === null ? probes : [...probes, scrape],
    metricsListener: null,
  };
}

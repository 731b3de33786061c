import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import type { MetricsSource } from '../ops/metrics-endpoint.ts';
import { ANSWER_TIMEOUT_MS, answer, ask, type Peer } from './ipc.ts';

/**
 * In a worker: answers the primary's requests for this worker's metrics, and returns what this
 * worker's `/metrics` serves: the whole cluster's, asked of the primary. A scrape of any worker
 * then shows the same sums, whichever worker the connection landed on.
 */
export function shareWorkerMetrics(primary: Peer, own: Registry): MetricsSource {
  answer(primary, { 'worker-metrics': () => own.getMetricsAsJSON() });
  return {
    contentType: own.contentType,
    // Longer than the primary waits for each worker: it answers, even without a slow one.
    metrics: async () => String(await ask(primary, 'cluster-metrics', 2 * ANSWER_TIMEOUT_MS)),
  };
}

/**
 * In the primary: every worker's metrics, each series summed over the workers (prom-client's
 * aggregation: counters, histograms and most gauges add up; event-loop lag is averaged, the
 * Redis-outage gauge is the highest). A worker that does not answer in time, or not yet, is
 * left out of this scrape rather than failing it.
 */
export function clusterMetrics(workers: () => Iterable<Peer>): MetricsSource {
  return {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const answers = await Promise.all(
        [...workers()].map((worker) => ask(worker, 'worker-metrics').catch(() => null)),
      );
      const each = answers.filter(
        (metrics): metrics is MetricObjectWithValues<MetricValue<string>>[] =>
          Array.isArray(metrics),
      );
      return AggregatorRegistry.aggregate(each).metrics();
    },
  };
}

import {
  type Aggregator,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry as PromRegistry,
  type Registry,
} from 'prom-client';
import type { RateLimitFallbackStats } from '../access/rate-limit.ts';
import type { Activity, SocketKind } from './activity.ts';

/** How busy the database pool is: connections checked out, and operations waiting for one. */
export interface PoolUsage {
  readonly inUse: number;
  readonly waiting: number;
}

/** The pub/sub's own counts since start; zero without Redis. */
export interface PubSubCounts {
  readonly failedPublishes: number;
  readonly reconnects: number;
}

/** Where the metrics read what they do not count themselves, at each scrape. */
export interface MetricSources {
  readonly pool: () => PoolUsage;
  readonly pubsub: () => PubSubCounts;
  /** How the rate limits fare with Redis. */
  readonly rateLimits: () => RateLimitFallbackStats;
}

/** The kind of GraphQL operation, as a label. */
export type OperationType = 'query' | 'mutation' | 'subscription';

/**
 * At most this many distinct operation names get a label of their own; later ones count as
 * `other`. Operation names come from clients, and each label value is a time series kept in
 * memory for good: without a bound, random names would exhaust it.
 */
export const MAX_OPERATION_NAMES = 100;

/** The label of an operation sent without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';

/** The label of an operation name past {@link MAX_OPERATION_NAMES}. */
export const OTHER_OPERATION = 'other';

/** The server's metrics, on a registry of their own (several apps may share a process). */
export interface Metrics {
  readonly registry: Registry;
  /** Counts what the transport and GraphQL layers report. */
  readonly activity: Activity;
  /** Records one finished GraphQL operation (a subscription: once it is set up). */
  operationFinished(operation: {
    readonly name: string | null;
    readonly type: OperationType;
    readonly durationMs: number;
  }): void;
  /** Counts one error sent to a client, by its `extensions.code`. */
  errorSent(code: string): void;
  /**
   * The label of an operation name, for every per-name series: the name itself while fewer
   * than {@link MAX_OPERATION_NAMES} distinct ones were seen, else `other`; `anonymous` for null.
   */
  operationLabel(name: string | null): string;
}

/** Every metric name this module registers, beside prom-client's default ones. */
export const METRIC_NAMES = {
  operationDuration: 'sonny_graphql_operation_duration_seconds',
  errors: 'sonny_graphql_errors_total',
  openSockets: 'sonny_open_sockets',
  joins: 'sonny_visitor_joins_total',
  identifies: 'sonny_visitor_identifies_total',
  resets: 'sonny_visitor_resets_total',
  rateLimitRefusals: 'sonny_rate_limit_refusals_total',
  rateLimitRedisOutage: 'sonny_rate_limit_redis_outage',
  rateLimitLocalAttempts: 'sonny_rate_limit_local_attempts_total',
  publishFailures: 'sonny_pubsub_publish_failures_total',
  pubsubReconnects: 'sonny_pubsub_reconnects_total',
  poolInUse: 'sonny_db_pool_connections_in_use',
  poolWaiting: 'sonny_db_pool_waiting_requests',
} as const;

/**
 * Creates the metrics of one app: its own counters and gauges, the values read from `sources`
 * at each scrape, and prom-client's default process metrics (event-loop lag, memory, CPU, GC).
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new PromRegistry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const operationDuration = new Histogram({
    name: METRIC_NAMES.operationDuration,
    help: 'How long GraphQL operations took, by operation name and type (a subscription: until it is set up).',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const counter = <Label extends string>(name: string, help: string, labelNames: Label[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const errors = counter(
    METRIC_NAMES.errors,
    'Errors sent to GraphQL clients, by extensions.code.',
    ['code'],
  );
  const openSockets = new Gauge({
    name: METRIC_NAMES.openSockets,
    help: 'Admitted graphql-ws sockets, by who holds them (visitor, agent, key).',
    labelNames: ['kind'] as const,
    registers,
  });
  const joins = counter(
    METRIC_NAMES.joins,
    'Widget joins, by outcome: accepted or the refusal (unknown-site, identity-rejected, …).',
    ['outcome'],
  );
  const identifies = counter(
    METRIC_NAMES.identifies,
    'Visitors identified (on join or by identifyVisitor), verified by an identity token or not.',
    ['verification'],
  );
  const resets = counter(METRIC_NAMES.resets, 'Visitors reset (resetVisitor).');
  const rateLimitRefusals = counter(
    METRIC_NAMES.rateLimitRefusals,
    'Attempts a rate limit refused, by limit.',
    ['limit'],
  );
  // Read from `sources` at each scrape: counts since start, or levels.
  const readAtScrape: Array<{
    type: 'counter' | 'gauge';
    name: string;
    help: string;
    read: () => number;
    /** How a cluster's primary (SONNY_WORKERS) folds the workers' values; default their sum. */
    aggregator?: Aggregator;
  }> = [
    {
      type: 'gauge',
      name: METRIC_NAMES.rateLimitRedisOutage,
      help: '1 while the rate limits cannot reach Redis and each instance counts on its own.',
      read: () => (sources.rateLimits().active ? 1 : 0),
      // Across a cluster's workers: 1 while any of them counts on its own.
      aggregator: 'max',
    },
    {
      type: 'counter',
      name: METRIC_NAMES.rateLimitLocalAttempts,
      help: 'Rate-limit attempts counted in this process because Redis was unreachable.',
      read: () => sources.rateLimits().localAttempts,
    },
    {
      type: 'counter',
      name: METRIC_NAMES.publishFailures,
      help: 'Pub/sub payloads Redis did not take.',
      read: () => sources.pubsub().failedPublishes,
    },
    {
      type: 'counter',
      name: METRIC_NAMES.pubsubReconnects,
      help: 'Times a pub/sub connection to Redis was lost and made again.',
      read: () => sources.pubsub().reconnects,
    },
    {
      type: 'gauge',
      name: METRIC_NAMES.poolInUse,
      help: 'Database connections checked out of the pool (PGlite: always 1).',
      read: () => sources.pool().inUse,
    },
    {
      type: 'gauge',
      name: METRIC_NAMES.poolWaiting,
      help: 'Operations waiting for a database connection (PGlite: always 0).',
      read: () => sources.pool().waiting,
    },
  ];
  for (const { type, name, help, read, aggregator = 'sum' } of readAtScrape) {
    if (type === 'gauge') {
      new Gauge({
        name,
        help,
        registers,
        aggregator,
        collect() {
          this.set(read());
        },
      });
    } else {
      new Counter({
        name,
        help,
        registers,
        collect() {
          // A prom-client counter has no set: the count since start replaces the last one.
          this.reset();
          this.inc(read());
        },
      });
    }
  }

  // Zero from the start, so a dashboard shows every series before the first event.
  for (const kind of ['visitor', 'agent', 'key'] satisfies SocketKind[])
    openSockets.set({ kind }, 0);
  for (const verification of ['verified', 'unverified']) identifies.inc({ verification }, 0);
  joins.inc({ outcome: 'accepted' }, 0);
  resets.inc(0);

  const operationNames = new Set<string>();
  const operationLabel = (name: string | null): string => {
    if (name === null) return ANONYMOUS_OPERATION;
    if (operationNames.has(name)) return name;
    if (operationNames.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
    operationNames.add(name);
    return name;
  };

  return {
    registry,
    activity: {
      socketOpened: (kind) => openSockets.inc({ kind }),
      socketClosed: (kind) => openSockets.dec({ kind }),
      joined: (outcome) => joins.inc({ outcome }),
      identified: (verification) => identifies.inc({ verification }),
      visitorReset: () => resets.inc(),
      rateLimited: (limit) => rateLimitRefusals.inc({ limit }),
    },
    operationFinished({ name, type, durationMs }) {
      operationDuration.observe({ operation: operationLabel(name), type }, durationMs / 1000);
    },
    errorSent: (code) => errors.inc({ code }),
    operationLabel,
  };
}

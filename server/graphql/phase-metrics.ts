import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { ANONYMOUS_OPERATION, type Metrics } from '../ops/metrics.ts';

/** The series {@link usePhaseMetrics} adds, under @graphql-yoga/plugin-prometheus's names. */
export const PHASE_METRIC_NAMES = {
  parse: 'graphql_envelop_phase_parse',
  validate: 'graphql_envelop_phase_validate',
  execute: 'graphql_envelop_phase_execute',
  subscribe: 'graphql_envelop_phase_subscribe',
  errors: 'graphql_envelop_error_result',
  http: 'graphql_yoga_http_duration',
} as const;

/** Parse, validate and execute take milliseconds; a slow database shows in the upper buckets. */
const PHASE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** The plugin observes a subscription when its stream ends: these are lifetimes, up to a day. */
const SUBSCRIPTION_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600];

type OperationLabels = 'operationName' | 'operationType';
const OPERATION_LABELS: OperationLabels[] = ['operationName', 'operationType'];

/**
 * @graphql-yoga/plugin-prometheus on the app's own registry, for the GraphQL phases over HTTP
 * and graphql-ws alike: parse, validate, execute and subscribe durations, errors by phase, and
 * HTTP request durations. Its `operationName` label goes through `metrics.operationLabel`, so
 * it shares the bound of `sonny_graphql_operation_duration_seconds`; the `path` and `url`
 * labels, unbounded, are left out. Off: the per-resolver histogram (it wraps every field), the
 * deprecated-field counter (it walks every document), the request summary (quantiles computed
 * per observation), the request counter and request duration (the execute histogram's count
 * and value again), the context-phase histogram (@envelop/prometheus 14 observes it before the
 * context is built, so always 0), and the schema-change counter (the schema never changes).
 */
export function usePhaseMetrics(metrics: Metrics): Plugin {
  const { registry } = metrics;
  const operationLabels = (params: FillLabelsFnParams): Record<OperationLabels, string> => ({
    // The plugin names an operation without a name `Anonymous`, and a document that did not
    // parse has none.
    operationName:
      params.operationName === undefined || params.operationName === 'Anonymous'
        ? ANONYMOUS_OPERATION
        : metrics.operationLabel(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });
  const phaseHistogram = <Phase extends string>(
    name: string,
    help: string,
    phase: Phase,
    buckets = PHASE_BUCKETS,
  ) =>
    createHistogram({
      registry,
      histogram: { name, help, labelNames: OPERATION_LABELS, buckets },
      fillLabelsFn: operationLabels,
      phases: [phase],
    });

  return usePrometheus({
    registry,
    // /metrics is served by ops/, behind METRICS_TOKEN or METRICS_PORT; never by Yoga.
    endpoint: false,
    metrics: {
      graphql_envelop_phase_parse: phaseHistogram(
        PHASE_METRIC_NAMES.parse,
        'Time spent parsing GraphQL documents.',
        'parse',
      ),
      graphql_envelop_phase_validate: phaseHistogram(
        PHASE_METRIC_NAMES.validate,
        'Time spent validating GraphQL documents.',
        'validate',
      ),
      graphql_envelop_phase_execute: phaseHistogram(
        PHASE_METRIC_NAMES.execute,
        'Time spent executing queries and mutations.',
        'execute',
      ),
      graphql_envelop_phase_subscribe: phaseHistogram(
        PHASE_METRIC_NAMES.subscribe,
        'How long subscriptions lived, observed when they end.',
        'subscribe',
        SUBSCRIPTION_BUCKETS,
      ),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: PHASE_METRIC_NAMES.errors,
          help: 'GraphQL errors, by the phase that raised them.',
          labelNames: [...OPERATION_LABELS, 'phase'],
        },
        fillLabelsFn: (params) => ({
          ...operationLabels(params),
          phase: params.errorPhase ?? 'unknown',
        }),
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: PHASE_METRIC_NAMES.http,
          help: 'Time spent on GraphQL HTTP requests, from arrival to response.',
          labelNames: [...OPERATION_LABELS, 'method', 'statusCode'],
          buckets: PHASE_BUCKETS,
        },
        fillLabelsFn: (params: FillLabelsFnParams & { request: Request; response: Response }) => ({
          ...operationLabels(params),
          method: params.request.method,
          statusCode: params.response.status,
        }),
        phases: ['request'],
      }),
      graphql_envelop_phase_context: false,
      graphql_envelop_request: false,
      graphql_envelop_request_duration: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  });
}

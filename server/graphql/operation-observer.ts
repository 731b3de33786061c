import { type DocumentNode, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Logger } from '../ops/logger.ts';
import type { Metrics, OperationType } from '../ops/metrics.ts';
import type { Context } from './context.ts';
import { errorCodeOf, UNCODED_GRAPHQL_ERROR, UNEXPECTED_ERROR_CODE } from './errors.ts';

/** How an operation arrived. */
export type Transport = 'http' | 'ws';

/**
 * What the transport puts into Yoga's server context for each operation: its request id, how
 * it arrived and when (`performance.now()`), so its log line measures what the client waited.
 */
export interface OperationOrigin {
  readonly requestId?: string;
  readonly transport?: Transport;
  readonly startedAt?: number;
}

/** Who asked, as a log line and a metric name it: never the token or the visitorId. */
export type PrincipalKind = 'visitor' | 'agent' | 'key' | 'anonymous';

/** The fields of every operation's log line. */
export interface OperationLine {
  readonly requestId: string | null;
  readonly transport: Transport;
  /** The operation's name; null for an anonymous one or a document that did not parse. */
  readonly operation: string | null;
  readonly type: OperationType | null;
  readonly principal: PrincipalKind;
  readonly workspaceId: string | null;
  /** From the request's arrival to the result (a subscription: until it is set up). */
  readonly durationMs: number;
  /** The `extensions.code` of the first error; absent when there was none. */
  readonly errorCode?: string;
}

/** The message of an operation's log line. */
export const OPERATION_MESSAGE = 'graphql operation';

/**
 * Writes one log line per GraphQL operation, over HTTP and graphql-ws alike, and feeds the
 * operation metrics: duration by operation name, errors by code. Variables and results are
 * never logged. A document that does not parse or validate gets a line too; its principal is
 * `anonymous`, as no credential has been checked yet (a joined visitor's socket excepted).
 */
export function useOperationObserver(options: {
  readonly logger: Logger;
  readonly metrics: Metrics;
}): Plugin<OperationOrigin> {
  const { logger, metrics } = options;

  const finish = (
    context: Partial<Context> & OperationOrigin,
    operation: { name: string | null; type: OperationType | null },
    errors: readonly Error[] | undefined,
    /** The code of an error that carries none: Yoga adds it to parse and validation errors later. */
    uncoded?: string,
  ) => {
    const codes = (errors ?? []).map((error) => {
      const code = errorCodeOf(error);
      return code === UNCODED_GRAPHQL_ERROR && uncoded !== undefined ? uncoded : code;
    });
    for (const code of codes) metrics.errorSent(code);
    const durationMs = elapsedSince(context.startedAt);
    if (operation.type !== null) {
      metrics.operationFinished({ name: operation.name, type: operation.type, durationMs });
    }
    const line: OperationLine = {
      requestId: context.requestId ?? null,
      transport: context.transport ?? 'http',
      operation: operation.name,
      type: operation.type,
      ...principalOf(context),
      durationMs,
      ...(codes[0] === undefined ? {} : { errorCode: codes[0] }),
    };
    if (codes.includes(UNEXPECTED_ERROR_CODE)) logger.error(line, OPERATION_MESSAGE);
    else logger.info(line, OPERATION_MESSAGE);
  };

  return {
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error) {
          finish(context, { name: null, type: null }, [result], 'GRAPHQL_PARSE_FAILED');
        }
      };
    },
    onValidate({ context, params }) {
      return ({ valid, result }) => {
        if (!valid) {
          const operation = operationOf(params.documentAST, undefined);
          finish(context, operation, result, 'GRAPHQL_VALIDATION_FAILED');
        }
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result }) {
          // No @defer or @stream in this schema: an execution yields one result.
          if (isAsyncIterable(result)) return;
          finish(args.contextValue, operationOf(args.document, args.operationName), result.errors);
        },
      };
    },
    onSubscribe({ args }) {
      const context = args.contextValue as Partial<Context> & OperationOrigin;
      const operation = operationOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) {
            finish(context, operation, result.errors);
            return;
          }
          finish(context, operation, undefined);
          return {
            onNext({ result: event }) {
              for (const error of event.errors ?? []) metrics.errorSent(errorCodeOf(error));
            },
            onEnd() {
              logger.debug(
                {
                  requestId: context.requestId ?? null,
                  operation: operation.name,
                  lifetimeMs: elapsedSince(context.startedAt),
                },
                'graphql subscription ended',
              );
            },
          };
        },
        onSubscribeError({ error }) {
          metrics.errorSent(errorCodeOf(error));
        },
      };
    },
  };
}

function operationOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): { name: string | null; type: OperationType | null } {
  const operation = getOperationAST(document, operationName);
  return { name: operation?.name?.value ?? null, type: operation?.operation ?? null };
}

function principalOf(context: Partial<Context>): {
  principal: PrincipalKind;
  workspaceId: string | null;
} {
  if (context.visitorSession) {
    return { principal: 'visitor', workspaceId: context.visitorSession.visitor.workspaceId };
  }
  if (context.principal) {
    const principal = context.principal.kind === 'agent' ? 'agent' : 'key';
    return { principal, workspaceId: context.principal.workspaceId };
  }
  return { principal: 'anonymous', workspaceId: null };
}

function elapsedSince(startedAt: number | undefined): number {
  if (startedAt === undefined) return 0;
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { type ExecutionArgs, GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { ErrorCode } from '../../protocol/index.ts';
import type { Context } from './context.ts';
import { estimateCost } from './cost.ts';

/**
 * What one GraphQL document may ask for, over HTTP and WebSocket alike. Each refusal is
 * `QUERY_TOO_COMPLEX` with `extensions.limit` naming the limit and `extensions.max` its value;
 * nothing of the operation runs. docs/security.md#limits lists them.
 */
export const QUERY_LIMITS = {
  /**
   * Levels of selection. The deepest legitimate path (conversations → edges → node → contact →
   * field) is 5. Introspection's `__schema` is exempt: the standard introspection query is 15
   * deep, and its cost bounds it.
   */
  depth: 10,
  /** Aliased fields (`__typename` excepted): the widget and the inbox use none. */
  aliases: 15,
  /** Directives (`@include`, `@skip`). */
  directives: 10,
  /** Lexical tokens of the document, counted while parsing: the largest client document has 163. */
  tokens: 1000,
  /**
   * The estimated cost ({@link estimateCost}) of an agent's, an API key's or an anonymous
   * caller's operation: the standard introspection query costs about 274,000 (its estimate
   * grows faster than the schema: each new type and field multiplies through the nesting);
   * the inbox's heaviest document 2,500.
   */
  cost: 400_000,
  /**
   * The estimated cost of an operation on a visitor's socket: the widget's heaviest document
   * (its `visitor` query, about 28,000) some three times over.
   */
  visitorCost: 100_000,
} as const;

/** The limit an operation went over, as `extensions.limit` names it. */
export type QueryLimit = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

/** The refusal of an operation over a limit whose value is `max`. */
export function queryTooComplex(limit: QueryLimit, max: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max },
  });
}

/**
 * Enforces {@link QUERY_LIMITS}: graphql-armor counts tokens while parsing, and aliases,
 * directives and depth while validating; the cost is estimated once the variables and the
 * caller are known, just before the operation executes or subscribes.
 */
export function useQueryLimits(): Plugin<Partial<Context>> {
  // armor's messages start with "Syntax Error: ", which these are not.
  const reason = (error: GraphQLError) => error.message.replace(/^Syntax Error: /, '');
  const report = (limit: 'depth' | 'aliases' | 'directives') => ({
    n: QUERY_LIMITS[limit],
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(queryTooComplex(limit, QUERY_LIMITS[limit], reason(error))),
    ],
  });
  const armor = EnvelopArmorPlugin<YogaInitialContext & Partial<Context>>({
    // Suggestions are useSchemaVisibility's to hide; the cost estimate is ours: it knows list sizes.
    blockFieldSuggestion: { enabled: false },
    costLimit: { enabled: false },
    maxTokens: {
      n: QUERY_LIMITS.tokens,
      // The parser has no validation context to report to: the refusal is thrown instead.
      onReject: [
        (_context, error) => {
          throw queryTooComplex('tokens', QUERY_LIMITS.tokens, reason(error));
        },
      ],
    },
    maxAliases: report('aliases'),
    maxDirectives: report('directives'),
    maxDepth: { ...report('depth'), flattenFragments: true, ignoreIntrospection: true },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = costRefusal(args, args.contextValue);
      if (refusal !== null) setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = costRefusal(args, args.contextValue);
      if (refusal !== null) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}

/** Visitors get the lower ceiling: anyone with a siteId can become one. */
function costRefusal(args: ExecutionArgs, context: Partial<Context>): GraphQLError | null {
  const max = context.visitorSession ? QUERY_LIMITS.visitorCost : QUERY_LIMITS.cost;
  const cost = estimateCost(args.schema, args.document, args.operationName, args.variableValues);
  if (cost <= max) return null;
  return queryTooComplex(
    'cost',
    max,
    `The operation's estimated cost is ${cost}; the limit is ${max}.`,
  );
}

import { BREAK, type DocumentNode, GraphQLError, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../protocol/index.ts';
import type { Introspection } from '../config.ts';
import type { Context } from './context.ts';

/**
 * Who may read the schema through the API. `everyone`: any caller may introspect. `agents`:
 * only agents and API keys; an introspection query (`__schema`, `__type`) from anyone else is
 * refused before it runs (UNAUTHENTICATED without a credential, FORBIDDEN for a visitor), and
 * validation errors stop suggesting field names, which would spell the schema out too.
 */
export function useSchemaVisibility(introspection: Introspection): Plugin<Partial<Context>> {
  if (introspection === 'everyone') return {};
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error) => withoutSuggestions(error)));
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = introspectionRefusal(args.document, args.contextValue);
      if (refusal !== null) setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = introspectionRefusal(args.document, args.contextValue);
      if (refusal !== null) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}

function introspectionRefusal(
  document: DocumentNode,
  context: Partial<Context>,
): GraphQLError | null {
  if (context.principal != null || !introspects(document)) return null;
  const message = 'Introspection is for agents and API keys.';
  return context.visitorSession != null
    ? new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } })
    : new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** True when the document reads `__schema` or `__type` anywhere (`__typename` is no secret). */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** graphql-js's `Did you mean "…"?` hints, cut from a validation error. */
function withoutSuggestions(error: Error): Error {
  if (!(error instanceof GraphQLError)) return error;
  const message = error.message.replace(/ ?Did you mean .+\?$/, '');
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: error.extensions,
  });
}

import {
  type ASTNode,
  BREAK,
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  Kind,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../protocol/index.ts';
import { unacceptableString } from '../text-input.ts';

/**
 * Refuses an operation whose arguments carry a string no field may take (see
 * {@link unacceptableString}) with BAD_USER_INPUT, before it executes or subscribes: in
 * variables and in literals alike, over HTTP and WebSocket, whatever the field. `field` names
 * the value as the client wrote it: the variable and its path (`input.email` for `$input`), or
 * the argument and input fields of a literal (`search`).
 */
export function useArgumentStringChecks(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = refuseUnacceptableStrings(args.document, args.variableValues);
      if (refusal !== null) setResultAndStopExecution(refusal);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = refuseUnacceptableStrings(args.document, args.variableValues);
      if (refusal !== null) setResultAndStopExecution(refusal);
    },
  };
}

function refuseUnacceptableStrings(
  document: DocumentNode,
  variables: unknown,
): ExecutionResult | null {
  const found = findInVariables(variables, []) ?? findInLiterals(document);
  if (found === null) return null;
  return {
    errors: [
      new GraphQLError(`${found.field} ${found.reason}`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: found.field },
      }),
    ],
  };
}

interface Unacceptable {
  readonly field: string;
  readonly reason: string;
}

function findInVariables(value: unknown, path: string[]): Unacceptable | null {
  if (typeof value === 'string') {
    const reason = unacceptableString(value);
    return reason === null ? null : { field: path.join('.'), reason };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInVariables(item, [...path, String(index)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findInVariables(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * The first string literal no field may take, named by the arguments, input fields and
 * variable (for a default value) it sits in.
 */
function findInLiterals(document: DocumentNode): Unacceptable | null {
  let found: Unacceptable | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      const reason = unacceptableString(node.value);
      if (reason === null) return undefined;
      // `ancestors` stops short of the parent.
      found = { field: literalPath([...ancestors, ...(parent ? [parent] : [])]), reason };
      return BREAK;
    },
  });
  return found;
}

function literalPath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const names: string[] = [];
  for (const ancestor of ancestors) {
    if (!('kind' in ancestor)) continue;
    if (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD) {
      names.push(ancestor.name.value);
    } else if (ancestor.kind === Kind.VARIABLE_DEFINITION) {
      names.push(ancestor.variable.name.value);
    }
  }
  return names.join('.');
}

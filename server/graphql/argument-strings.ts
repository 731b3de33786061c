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
 * variables, literals and variables' default values alike, over HTTP and WebSocket, whatever
 * the field. `extensions.field` names the argument path, as for every BAD_USER_INPUT
 * (`input.body` for `sendMessage(input: { body: $body })`); a variable no argument uses is
 * named by itself.
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
  const usages = variableUsages(document);
  const found = findInVariables(variables, usages) ?? findInLiterals(document, usages);
  if (found === null) return null;
  // As a field refusing its argument answers: no data.
  return {
    data: null,
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

/** Where each variable is first used: the argument path it stands for, e.g. `input.body`. */
function variableUsages(document: DocumentNode): ReadonlyMap<string, string> {
  const usages = new Map<string, string>();
  visit(document, {
    Variable(node, _key, parent, _path, ancestors) {
      if (parent === undefined || !('kind' in parent)) return;
      if (parent.kind === Kind.VARIABLE_DEFINITION) return;
      if (!usages.has(node.name.value)) {
        usages.set(node.name.value, argumentPath([...ancestors, parent]));
      }
    },
  });
  return usages;
}

function findInVariables(
  variables: unknown,
  usages: ReadonlyMap<string, string>,
): Unacceptable | null {
  if (typeof variables !== 'object' || variables === null) return null;
  for (const [name, value] of Object.entries(variables)) {
    const found = findInValue(value, usages.get(name) ?? name);
    if (found !== null) return found;
  }
  return null;
}

function findInValue(value: unknown, path: string): Unacceptable | null {
  if (typeof value === 'string') {
    const reason = unacceptableString(value);
    return reason === null ? null : { field: path, reason };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInValue(item, `${path}.${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findInValue(item, `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The first string literal no field may take, named by the argument path it sits in. */
function findInLiterals(
  document: DocumentNode,
  usages: ReadonlyMap<string, string>,
): Unacceptable | null {
  let found: Unacceptable | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      const reason = unacceptableString(node.value);
      if (reason === null) return undefined;
      // `ancestors` stops short of the parent.
      found = { field: argumentPath([...ancestors, ...(parent ? [parent] : [])], usages), reason };
      return BREAK;
    },
  });
  return found;
}

/**
 * The path of arguments and input fields leading to a node; inside a variable's default value,
 * the path of the argument the variable stands for.
 */
function argumentPath(
  ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>,
  usages: ReadonlyMap<string, string> = new Map(),
): string {
  const names: string[] = [];
  for (const ancestor of ancestors) {
    if (!('kind' in ancestor)) continue;
    if (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD) {
      names.push(ancestor.name.value);
    } else if (ancestor.kind === Kind.VARIABLE_DEFINITION) {
      const variable = ancestor.variable.name.value;
      names.push(usages.get(variable) ?? variable);
    }
  }
  return names.join('.');
}

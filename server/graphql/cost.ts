import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  type ValueNode,
} from 'graphql';
import { PAGE_SIZE } from './pagination.ts';
import { MAX_MESSAGES_PAGE } from './schema/conversation.ts';

/** What a list field without `first`/`last` is assumed to hold, when nothing says otherwise. */
export const ASSUMED_LIST_SIZE = PAGE_SIZE.default;

/**
 * Lists whose size the estimate assumes beyond {@link ASSUMED_LIST_SIZE}: `messages` without
 * `last` is the conversation's newest {@link MAX_MESSAGES_PAGE}.
 */
const ASSUMED_LIST_SIZES: Readonly<Record<string, number>> = {
  'Conversation.messages': MAX_MESSAGES_PAGE,
};

/** Raw variable values of a request, as the client sent them. */
type Variables = Readonly<Record<string, unknown>> | null | undefined;

/**
 * Estimates how much an operation asks for, before it runs: every field costs 1, and a list
 * multiplies the cost of its selection by how many items it may hold: its `first` or `last`
 * argument (a literal, a variable's value, or the argument's default), else an assumed size.
 * A connection's `edges` count once, under the connection's `first`. Introspection lists count
 * as long as the longest such list in this schema. Fragments count wherever they are spread;
 * every branch of an abstract type counts, so the estimate is an upper bound.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Variables,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations.push(definition);
    }
  }
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (operation === undefined) return 0;
  const root = schema.getRootType(operation.operation);
  if (root == null) return 0;

  const variableValues = { ...defaultsOf(operation), ...(variables ?? {}) };
  const introspectionSizes = introspectionListSizes(schema);
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();

  const selectionCost = (selectionSet: SelectionSetNode, type: GraphQLCompositeType): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, type);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : type;
        total += selectionCost(selection.selectionSet, compositeOr(condition, type));
      } else {
        total += fragmentCost(selection.name.value, type);
      }
    }
    return total;
  };

  // A fragment costs the same wherever it is spread: counted once, so nesting spreads cannot
  // make the estimate itself expensive. A cycle (invalid anyway) counts nothing.
  const fragmentCost = (name: string, type: GraphQLCompositeType): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (fragment === undefined || visiting.has(name)) return 0;
    visiting.add(name);
    const cost = selectionCost(
      fragment.selectionSet,
      compositeOr(schema.getType(fragment.typeCondition.name.value), type),
    );
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType): number => {
    const field = fieldOf(schema, parent, node.name.value);
    if (field === undefined || node.selectionSet === undefined) return 1;
    const below = selectionCost(node.selectionSet, compositeOr(getNamedType(field.type), parent));
    return multiplier(node, field, parent) * (1 + below);
  };

  const multiplier = (
    node: FieldNode,
    field: GraphQLField<unknown, unknown>,
    parent: GraphQLCompositeType,
  ): number => {
    const key = `${parent.name}.${field.name}`;
    const pageArguments = field.args.filter((arg) => arg.name === 'first' || arg.name === 'last');
    if (pageArguments.length > 0) {
      let size: number | null = null;
      for (const argument of pageArguments) {
        const given = node.arguments?.find((candidate) => candidate.name.value === argument.name);
        const value = given ? intValue(given.value, variableValues) : null;
        const chosen =
          value ?? (typeof argument.defaultValue === 'number' ? argument.defaultValue : null);
        if (chosen !== null) size = Math.max(size ?? 0, chosen);
      }
      return size ?? ASSUMED_LIST_SIZES[key] ?? ASSUMED_LIST_SIZE;
    }
    if (!isListType(getNullableType(field.type))) return 1;
    // A connection's edges: its `first` multiplied them already.
    if (isObjectType(parent) && 'pageInfo' in parent.getFields()) return 1;
    return introspectionSizes.get(key) ?? ASSUMED_LIST_SIZES[key] ?? ASSUMED_LIST_SIZE;
  };

  return selectionCost(operation.selectionSet, root);
}

function fieldOf(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

function compositeOr(
  type: GraphQLNamedType | null | undefined,
  fallback: GraphQLCompositeType,
): GraphQLCompositeType {
  return type != null && isCompositeType(type) ? type : fallback;
}

/** An Int argument's value: a literal, or a variable's; null when absent or not a whole number. */
function intValue(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | null {
  if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'number' && Number.isInteger(given) ? given : null;
  }
  return null;
}

/** The default values an operation declares for its Int variables. */
function defaultsOf(operation: OperationDefinitionNode): Record<string, number> {
  const defaults: Record<string, number> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.INT) defaults[definition.variable.name.value] = Number(value.value);
  }
  return defaults;
}

const introspectionCache = new WeakMap<GraphQLSchema, ReadonlyMap<string, number>>();

/**
 * How long each introspection list can be in this schema: its longest instance. The answer to
 * an introspection query is bounded by the schema, so its estimate is too.
 */
function introspectionListSizes(schema: GraphQLSchema): ReadonlyMap<string, number> {
  const cached = introspectionCache.get(schema);
  if (cached !== undefined) return cached;
  const types = Object.values(schema.getTypeMap());
  const fields = types.flatMap((type) =>
    isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [],
  );
  const directives = schema.getDirectives();
  const longest = (counts: number[]): number => Math.max(1, ...counts);
  const sizes = new Map<string, number>([
    ['__Schema.types', types.length],
    ['__Schema.directives', directives.length],
    [
      '__Type.fields',
      longest(
        types.map((type) =>
          isObjectType(type) || isInterfaceType(type) ? Object.keys(type.getFields()).length : 0,
        ),
      ),
    ],
    [
      '__Type.inputFields',
      longest(
        types.map((type) => (isInputObjectType(type) ? Object.keys(type.getFields()).length : 0)),
      ),
    ],
    [
      '__Type.enumValues',
      longest(types.map((type) => (isEnumType(type) ? type.getValues().length : 0))),
    ],
    [
      '__Type.interfaces',
      longest(
        types.map((type) =>
          isObjectType(type) || isInterfaceType(type) ? type.getInterfaces().length : 0,
        ),
      ),
    ],
    [
      '__Type.possibleTypes',
      longest(
        types.map((type) => (isAbstractType(type) ? schema.getPossibleTypes(type).length : 0)),
      ),
    ],
    ['__Field.args', longest(fields.map((field) => field.args.length))],
    ['__Directive.args', longest(directives.map((directive) => directive.args.length))],
    ['__Directive.locations', longest(directives.map((directive) => directive.locations.length))],
  ]);
  introspectionCache.set(schema, sizes);
  return sizes;
}

import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from './context.ts';

/** A batched read, as a resolver calls it: its context, its info and the key it needs. */
export type Loader<Key, Value> = (
  context: Context,
  info: GraphQLResolveInfo,
  key: Key,
) => Promise<Value | undefined>;

interface Pending<Value> {
  readonly resolve: (value: Value) => void;
  readonly reject: (error: unknown) => void;
}

/** One loader's calls within one scope (see {@link scopeOf}). */
interface ScopeState<Key, Value> {
  /** The calls waiting for the next query, by key; null when none waits. */
  queue: Map<string, { readonly key: Key; readonly calls: Pending<Value | undefined>[] }> | null;
  /** What earlier queries of a shared scope answered, by key; null in an operation's scope. */
  readonly answers: Map<string, Promise<Value | undefined>> | null;
}

/**
 * A loader that answers every call made while GraphQL resolves a list (the same tick) with a
 * single query, instead of one query per item.
 *
 * For a query or a mutation the calls batch within the operation, and nothing is kept beyond
 * that batch: a later resolver of the same operation (after a write) reads again. For an event
 * of a subscription held by a workspace's agent or API key, they batch within the event: every
 * subscriber of the workspace on this process resolving that event shares one query per
 * loader and key, however many subscribe, and each sees what the first one read. The answers
 * are kept for seconds, for a bounded number of events. So `loadMany` may depend on the context
 * only through `db` and the principal's workspace, which is the same for every sharer.
 *
 * `loadMany` receives distinct keys and returns what it found by `keyOf(key)`; a missing key
 * gives undefined.
 */
export function batchLoader<Value, Key = string>(
  loadMany: (context: Context, keys: readonly Key[]) => Promise<ReadonlyMap<string, Value>>,
  keyOf: (key: Key) => string = String,
): Loader<Key, Value> {
  const states = new WeakMap<object, ScopeState<Key, Value>>();
  const dispatch = async (context: Context, state: ScopeState<Key, Value>) => {
    const queue = state.queue ?? new Map();
    state.queue = null;
    try {
      const found = await loadMany(
        context,
        [...queue.values()].map((entry) => entry.key),
      );
      for (const [id, entry] of queue) for (const call of entry.calls) call.resolve(found.get(id));
    } catch (error) {
      for (const [id, entry] of queue) {
        // A failed read is not kept: the next subscriber of the event reads again.
        state.answers?.delete(id);
        for (const call of entry.calls) call.reject(error);
      }
    }
  };
  return (context, info, key) => {
    const scope = scopeOf(context, info);
    let state = states.get(scope.key);
    if (state === undefined) {
      state = { queue: null, answers: scope.shared ? new Map() : null };
      states.set(scope.key, state);
    }
    const id = keyOf(key);
    const answered = state.answers?.get(id);
    if (answered !== undefined) return answered;
    const current = state;
    const promise = new Promise<Value | undefined>((resolve, reject) => {
      if (current.queue === null) {
        current.queue = new Map();
        // After the promise jobs of this tick, as DataLoader does: sibling resolvers have run.
        void Promise.resolve().then(() =>
          process.nextTick(() => {
            void dispatch(context, current);
          }),
        );
      }
      const entry = current.queue.get(id) ?? { key, calls: [] };
      entry.calls.push({ resolve, reject });
      current.queue.set(id, entry);
    });
    current.answers?.set(id, promise);
    return promise;
  };
}

/**
 * A loader of one list per parent, read with options every parent of a batch usually shares
 * (a page window, a count): one query per distinct options, keyed by the parents' ids.
 * `listMany` returns the list of each parent that has items; a parent without gets `[]`.
 * Options must be plain JSON, which tells them apart.
 */
export function listLoader<Options, Item>(
  listMany: (
    context: Context,
    parentIds: readonly string[],
    options: Options,
  ) => Promise<ReadonlyMap<string, readonly Item[]>>,
): (
  context: Context,
  info: GraphQLResolveInfo,
  parentId: string,
  options: Options,
) => Promise<readonly Item[]> {
  const keyOf = (key: { parentId: string; options: Options }) =>
    JSON.stringify([key.options, key.parentId]);
  const load = batchLoader<readonly Item[], { parentId: string; options: Options }>(
    async (context, keys) => {
      const groups = new Map<string, { options: Options; parentIds: string[] }>();
      for (const key of keys) {
        const group = JSON.stringify(key.options);
        const parents = groups.get(group) ?? { options: key.options, parentIds: [] };
        parents.parentIds.push(key.parentId);
        groups.set(group, parents);
      }
      const found = new Map<string, readonly Item[]>();
      for (const { options, parentIds } of groups.values()) {
        const lists = await listMany(context, parentIds, options);
        for (const [parentId, list] of lists) found.set(keyOf({ parentId, options }), list);
      }
      return found;
    },
    keyOf,
  );
  return async (context, info, parentId, options) =>
    (await load(context, info, { parentId, options })) ?? [];
}

/**
 * How long the answers read for one subscription event stay shared: every subscriber on this
 * process resolves a live event within moments of the others; one that resolves it later
 * (a replay after a reconnect) reads afresh.
 */
const EVENT_SCOPE_MS = 10_000;
/** The most events whose answers are kept at once; the oldest go first. */
const MAX_EVENT_SCOPES = 1_000;

/** Shared scopes by principal and event id, oldest first (a Map keeps insertion order). */
const eventScopes = new Map<string, { readonly scope: object; readonly until: number }>();

/**
 * What a loader's calls batch (and, when shared, are kept) within: for a workspace principal's
 * subscription, the event being resolved (graphql-js hands each event's payload to the
 * resolvers as the root value), known by its `id` as every subscriber's copy has it; the
 * operation's context otherwise.
 */
function scopeOf(
  context: Context,
  info: GraphQLResolveInfo,
): { readonly key: object; readonly shared: boolean } {
  const eventId = idOf(info.rootValue);
  const { principal } = context;
  if (info.operation.operation !== 'subscription' || principal === null || eventId === null) {
    return { key: context, shared: false };
  }
  const name = `${principal.kind}:${principal.workspaceId}:${eventId}`;
  const now = Date.now();
  const found = eventScopes.get(name);
  if (found !== undefined && found.until > now) return { key: found.scope, shared: true };
  eventScopes.delete(name);
  for (const [oldest, entry] of eventScopes) {
    if (entry.until > now && eventScopes.size < MAX_EVENT_SCOPES) break;
    eventScopes.delete(oldest);
  }
  const scope = {};
  eventScopes.set(name, { scope, until: now + EVENT_SCOPE_MS });
  return { key: scope, shared: true };
}

/** The `id` of an event payload, or null when it has none. */
function idOf(event: unknown): string | null {
  if (typeof event !== 'object' || event === null || !('id' in event)) return null;
  return typeof event.id === 'string' ? event.id : null;
}

import type { Context } from './context.ts';

interface Pending<Value> {
  readonly key: string;
  readonly resolve: (value: Value) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A loader that answers every call made for one operation while GraphQL resolves a list
 * (the same tick) with a single query, instead of one query per item. Nothing is cached
 * beyond that batch: a subscription reuses its context for every event, and each event must
 * see the data as it is then.
 *
 * `loadMany` receives distinct keys and returns what it found; a missing key gives undefined.
 */
export function batchLoader<Value>(
  loadMany: (context: Context, keys: readonly string[]) => Promise<ReadonlyMap<string, Value>>,
): (context: Context, key: string) => Promise<Value | undefined> {
  const queues = new WeakMap<Context, Pending<Value | undefined>[]>();
  const dispatch = async (context: Context, batch: Pending<Value | undefined>[]) => {
    try {
      const found = await loadMany(context, [...new Set(batch.map((item) => item.key))]);
      for (const item of batch) item.resolve(found.get(item.key));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  };
  return (context, key) =>
    new Promise<Value | undefined>((resolve, reject) => {
      let queue = queues.get(context);
      if (queue === undefined) {
        const batch: Pending<Value | undefined>[] = [];
        queue = batch;
        queues.set(context, batch);
        // After the promise jobs of this tick, as DataLoader does: sibling resolvers have run.
        void Promise.resolve().then(() =>
          process.nextTick(() => {
            queues.delete(context);
            void dispatch(context, batch);
          }),
        );
      }
      queue.push({ key, resolve, reject });
    });
}

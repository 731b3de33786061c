import type { Db, Transaction } from './database.ts';

// The unit of work lives beside the database, not in realtime/: the domain calls it for every
// write, and the domain must not import the pub/sub it publishes through. It knows no event
// type; each domain module declares the events it records, and realtime/ implements
// `EventPublisher` for the union of them.

/** Receives the events a unit of work recorded, once its transaction committed. */
export interface EventPublisher<Event> {
  /** Called once per committed unit, with its events in the order they were recorded. */
  publish(events: readonly Event[]): void;
}

/** What the body of a unit of work writes through. */
export interface UnitOfWork<Event> {
  /** The unit's transaction: every write of the unit goes through it. */
  readonly trx: Transaction;
  /**
   * Notes an event of a change made in `trx`. It is published when the transaction commits,
   * and never if it rolls back. Recording after the body has returned throws.
   */
  record(event: Event): void;
}

/**
 * Runs `body` in a transaction, then publishes the events it recorded, in order. Publishing
 * waits for the commit, so a subscriber that reads the database on an event finds the write;
 * when `body` throws, the transaction rolls back, nothing is published and the error is
 * rethrown.
 */
export async function runUnitOfWork<Event, Result>(
  db: Db,
  publisher: EventPublisher<Event>,
  body: (work: UnitOfWork<Event>) => Promise<Result>,
): Promise<Result> {
  const recorded: Event[] = [];
  let open = true;
  const result = await db.transaction().execute(async (trx) => {
    try {
      return await body({
        trx,
        record(event) {
          // A late record would be published with a later unit, or never: fail loudly.
          if (!open) throw new Error('An event was recorded after its unit of work ended.');
          recorded.push(event);
        },
      });
    } finally {
      open = false;
    }
  });
  if (recorded.length > 0) publisher.publish(recorded);
  return result;
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY_DATA_DIR } from '../config.ts';
import { connectDatabase, type DatabaseHandle } from './connect.ts';
import type { Db } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { type EventPublisher, runUnitOfWork, type UnitOfWork } from './unit-of-work.ts';

// Each event names a workspace row the unit wrote (by its site id), so a subscriber can look
// the write up the way a real one resolves an event.
type Event = string;

/**
 * A publisher that logs what it was given and, like a subscriber resolving an event, starts
 * reading the rows the events name from the database the moment it is called.
 */
function recordingPublisher(db: Db, log: string[]) {
  const published: Event[][] = [];
  const reads: Array<Promise<string[]>> = [];
  const publisher: EventPublisher<Event> = {
    publish(events) {
      log.push('published');
      published.push([...events]);
      reads.push(
        db
          .selectFrom('workspaces')
          .select('site_id')
          .where('site_id', 'in', [...events])
          .orderBy('site_id')
          .execute()
          .then((rows) => rows.map((row) => row.site_id)),
      );
    },
  };
  return { publisher, published, reads };
}

async function insertWorkspace(work: UnitOfWork<Event>, siteId: string): Promise<void> {
  await work.trx
    .insertInto('workspaces')
    .values({ name: 'Unit of work', site_id: siteId })
    .execute();
  work.record(siteId);
}

async function siteIdsIn(db: Db, siteIds: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('workspaces')
    .select('site_id')
    .where('site_id', 'in', siteIds)
    .execute();
  return rows.map((row) => row.site_id);
}

describe('runUnitOfWork', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await connectDatabase({
      databaseUrl: process.env.DATABASE_URL || null,
      dataDir: IN_MEMORY_DATA_DIR,
    });
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('publishes the events of a committed unit once, in the order recorded, after the commit', async () => {
    const { db } = database;
    const log: string[] = [];
    const { publisher, published, reads } = recordingPublisher(db, log);
    const [first, second] = [`site_a_${randomUUID()}`, `site_b_${randomUUID()}`];

    const result = await runUnitOfWork(db, publisher, async (work) => {
      await insertWorkspace(work, first);
      await insertWorkspace(work, second);
      // A write after the last record: publishing on record would land before this.
      await work.trx
        .updateTable('workspaces')
        .set({ name: 'Renamed' })
        .where('site_id', '=', first)
        .execute();
      log.push('body returned');
      return 'done';
    });

    expect(result).toBe('done');
    expect(published).toEqual([[first, second]]);
    expect(log).toEqual(['body returned', 'published']);
    // A subscriber reading the database as the events arrive finds both writes.
    expect(await Promise.all(reads)).toEqual([[first, second].sort()]);
  });

  it('publishes nothing and keeps nothing when the unit fails', async () => {
    const { db } = database;
    const { publisher, published } = recordingPublisher(db, []);
    const siteId = `site_${randomUUID()}`;
    const failure = new Error('the write failed halfway');

    await expect(
      runUnitOfWork(db, publisher, async (work) => {
        await insertWorkspace(work, siteId);
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(published).toEqual([]);
    expect(await siteIdsIn(db, [siteId])).toEqual([]);
  });

  it('publishes nothing when the database refuses a write of the unit', async () => {
    const { db } = database;
    const { publisher, published } = recordingPublisher(db, []);
    const [taken, fresh] = [`site_${randomUUID()}`, `site_${randomUUID()}`];
    await runUnitOfWork(db, publisher, (work) => insertWorkspace(work, taken));

    // The second insert breaks the unique site_id after the first was recorded.
    await expect(
      runUnitOfWork(db, publisher, async (work) => {
        await insertWorkspace(work, fresh);
        await insertWorkspace(work, taken);
      }),
    ).rejects.toThrow(/unique|duplicate/i);

    expect(published).toEqual([[taken]]);
    expect(await siteIdsIn(db, [fresh])).toEqual([]);
  });

  it('refuses an event recorded after its unit ended, rather than losing it silently', async () => {
    const { db } = database;
    const { publisher, published } = recordingPublisher(db, []);
    let ended: UnitOfWork<Event> | undefined;
    await runUnitOfWork(db, publisher, async (work) => {
      ended = work;
    });

    expect(() => ended?.record('late')).toThrow('recorded after its unit of work ended');
    expect(published).toEqual([]);
  });
});

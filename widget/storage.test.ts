import { describe, expect, it } from 'vitest';
import { backoffDelay } from './client.ts';
import { normalizeEmail, tokenExpiry } from './identity.ts';
import { storageKeys, VisitorStore } from './storage.ts';

/** A Storage in memory that records the order of writes. */
function memoryStorage() {
  const items = new Map<string, string>();
  const writes: string[] = [];
  const storage: Storage = {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      writes.push(`-${key}`);
      items.delete(key);
    },
    setItem: (key, value) => {
      writes.push(`+${key}`);
      items.set(key, value);
    },
  };
  return { storage, items, writes };
}

describe('VisitorStore', () => {
  it('namespaces every key by siteId', () => {
    const { storage, items } = memoryStorage();
    const a = new VisitorStore('site_a', storage);
    const b = new VisitorStore('site_b', storage);
    expect(a.ensureVisitorId()).not.toBe(b.ensureVisitorId());
    a.saveIdentity({
      email: 'jane@example.com',
      name: 'Jane',
      identityToken: null,
      identityTokenExpiresAt: null,
    });
    expect(b.identity()).toBeNull();
    expect([...items.keys()].sort()).toEqual([
      'sonny:site_a:email',
      'sonny:site_a:name',
      'sonny:site_a:visitorId',
      'sonny:site_b:visitorId',
    ]);
    expect(Object.values(storageKeys('x')).every((key) => key.startsWith('sonny:x:'))).toBe(true);
  });

  it('keeps the visitorId until startOver, which clears everything of the visitor and writes the new id last', () => {
    const { storage, items, writes } = memoryStorage();
    const store = new VisitorStore('site', storage);
    const first = store.ensureVisitorId();
    expect(store.ensureVisitorId()).toBe(first);
    store.saveIdentity({
      email: 'a@example.com',
      name: null,
      identityToken: 't',
      identityTokenExpiresAt: 5,
    });
    store.saveHistory([
      {
        id: 'm1',
        conversationId: 'c1',
        author: 'VISITOR',
        authorName: null,
        body: 'hi',
        createdAt: 'x',
      },
    ]);
    store.savePending([{ clientMessageId: 'p1', body: 'yo', createdAt: 'x' }]);
    store.saveLook({ teamName: 'Acme', greeting: null, brandColor: '#2b59c3' });
    writes.length = 0;
    const next = store.startOver();
    expect(next).not.toBe(first);
    // Nothing of the person is left; the workspace's look is nobody's.
    expect([...items.keys()].sort()).toEqual(['sonny:site:look', 'sonny:site:visitorId']);
    expect(items.get('sonny:site:visitorId')).toBe(next);
    expect(writes.at(-1)).toBe('+sonny:site:visitorId');
  });

  it('writes the email after the identityToken, so no reader sees a verified email without its identityToken', () => {
    const { storage, writes } = memoryStorage();
    const store = new VisitorStore('site', storage);
    store.saveIdentity({
      email: 'a@example.com',
      name: 'A',
      identityToken: 'jwt',
      identityTokenExpiresAt: 99,
    });
    expect(writes[0]).toBe('-sonny:site:email');
    expect(writes.at(-1)).toBe('+sonny:site:email');
    expect(store.identity()).toEqual({
      email: 'a@example.com',
      name: 'A',
      identityToken: 'jwt',
      identityTokenExpiresAt: 99,
    });
  });

  it('ignores malformed history, pending entries and look', () => {
    const { storage } = memoryStorage();
    const store = new VisitorStore('site', storage);
    storage.setItem('sonny:site:history', '{not json');
    storage.setItem('sonny:site:pending', JSON.stringify([{ body: 1 }, 'x']));
    storage.setItem('sonny:site:look', JSON.stringify({ teamName: 5 }));
    expect(store.history()).toEqual([]);
    expect(store.pending()).toEqual([]);
    expect(store.look()).toBeNull();
  });

  it('keeps the workspace’s look, and reads a history cached before names as unnamed', () => {
    const { storage } = memoryStorage();
    const store = new VisitorStore('site', storage);
    expect(store.look()).toBeNull();
    const look = { teamName: 'Acme', greeting: 'Hi!\nAsk away.', brandColor: '#ffe14d' };
    store.saveLook(look);
    expect(new VisitorStore('site', storage).look()).toEqual(look);

    const old = { id: 'm1', conversationId: 'c1', author: 'AGENT', body: 'hi', createdAt: 'x' };
    storage.setItem('sonny:site:history', JSON.stringify([old]));
    expect(store.history()).toEqual([{ ...old, authorName: null }]);
  });
});

describe('helpers', () => {
  it('backs off from 0.5 s doubling to 10 s, jittered by ±50 %', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, () => 0.5)).toBe(10_000);
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 0.999)).toBe(750);
  });

  it('reads a JWT expiry, with one hour as the fallback', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url');
    expect(tokenExpiry(`h.${payload}.s`)).toBe(2_000_000_000_000);
    expect(tokenExpiry('not-a-jwt', 1000)).toBe(3_601_000);
  });

  it('matches emails as the server does', () => {
    expect(normalizeEmail('  Jane@Example.COM ')).toBe('jane@example.com');
    expect(normalizeEmail('e\u0301@x.org')).toBe(normalizeEmail('\u00e9@x.org'));
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, SecretKeyError, secretBox } from './secret-box.ts';

const key = randomBytes(32);

describe('secretBox', () => {
  it('seals with AES-256-GCM under a version prefix and opens what it sealed', () => {
    const box = secretBox(key);
    const stored = box.seal('the-secret', 'kid_1');
    expect(stored).toMatch(/^enc:v1:[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(stored).not.toContain('the-secret');
    expect(isSealed(stored)).toBe(true);
    expect(box.open(stored, 'kid_1')).toBe('the-secret');
  });

  it('uses a fresh IV every time', () => {
    const box = secretBox(key);
    expect(box.seal('same', 'kid')).not.toBe(box.seal('same', 'kid'));
  });

  it('refuses another key, another context, a changed byte and an unknown version', () => {
    const stored = secretBox(key).seal('the-secret', 'kid_1');
    expect(() => secretBox(randomBytes(32)).open(stored, 'kid_1')).toThrow(SecretKeyError);
    expect(() => secretBox(key).open(stored, 'kid_2')).toThrow(SecretKeyError);
    const [iv, ciphertext, tag] = stored.slice('enc:v1:'.length).split('.');
    const flipped = `${ciphertext?.[0] === 'A' ? 'B' : 'A'}${ciphertext?.slice(1)}`;
    expect(() => secretBox(key).open(`enc:v1:${iv}.${flipped}.${tag}`, 'kid_1')).toThrow(
      SecretKeyError,
    );
    expect(() => secretBox(key).open(stored.replace('v1', 'v9'), 'kid_1')).toThrow(/format/);
  });

  it('without a key stores secrets as they are, and cannot open sealed ones', () => {
    const clear = secretBox(null);
    expect(clear.encrypts).toBe(false);
    expect(clear.seal('the-secret', 'kid')).toBe('the-secret');
    expect(clear.open('the-secret', 'kid')).toBe('the-secret');
    expect(() => clear.open(secretBox(key).seal('x', 'kid'), 'kid')).toThrow(/SONNY_SECRET_KEY/);
  });

  it('opens a secret stored in clear even with a key (not yet sealed)', () => {
    expect(secretBox(key).open('clear-secret', 'kid')).toBe('clear-secret');
  });
});

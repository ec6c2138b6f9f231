/** Password hashing and the first-start password. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import { ensureAdminPassword, generatePassword, hashPassword, PASSWORD_META_KEY, verifyPassword } from './password.js';

describe('scrypt hashes', () => {
  it('verifies the right password only; salts differ; malformed hashes never match', async () => {
    const a = await hashPassword('pässword one');
    const b = await hashPassword('pässword one');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w+/=]{24}\$[\w+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pässword one', a)).toBe(true);
    // NFC and NFD spellings of the same text are the same password.
    expect(await verifyPassword('pa\u0308ssword one', a)).toBe(true);
    expect(await verifyPassword('password one', a)).toBe(false);
    for (const bad of ['', 'plain', 'scrypt$1$1$1$AA==$AA==', a.replace('$32768$', '$99999999$'), `${a}$x`]) {
      expect(await verifyPassword('pässword one', bad)).toBe(false);
    }
  });

  it('generated passwords are 4 groups of 5 unambiguous characters', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]{5}(-[a-km-np-zA-HJ-NP-Z2-9]{5}){3}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe('ensureAdminPassword', () => {
  it('generates, stores (hashed) and returns a password once; later starts get null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipwarden-pw-'));
    const store = Store.open(join(dir, 'db'));
    try {
      const first = await ensureAdminPassword(store);
      expect(first).not.toBeNull();
      const stored = store.getMeta(PASSWORD_META_KEY) as string;
      expect(stored).not.toContain(first as string);
      expect(await verifyPassword(first as string, stored)).toBe(true);
      expect(await ensureAdminPassword(store)).toBeNull();
      expect(store.getMeta(PASSWORD_META_KEY)).toBe(stored);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

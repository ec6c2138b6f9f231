/** `sipwarden passwd`: reads the password from stdin, stores a hash, audits; refuses short ones. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD_META_KEY, verifyPassword } from '../api/password.js';
import { Store } from '../store/index.js';
import { runPasswd } from './passwd.js';

let dir: string;
let config: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-passwd-'));
  db = join(dir, 'sipwarden.db');
  config = join(dir, 'sipwarden.yaml');
  writeFileSync(config, `store:\n  path: ${db}\nasterisk:\n  logs: []\n`);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function io(input: string) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { io: { stdin: Readable.from([input]), stdout, stderr: new PassThrough(), now: () => 1_700_000_000_000 }, out: () => out };
}

async function storedHash(): Promise<string | null> {
  const store = Store.open(db);
  try {
    return store.getMeta(PASSWORD_META_KEY);
  } finally {
    store.close();
  }
}

describe('sipwarden passwd', () => {
  it('--password-stdin takes all of stdin minus one newline, stores only a hash, audits', async () => {
    const { io: streams, out } = io('my long secret  \n');
    await runPasswd({ config, passwordStdin: true }, streams);
    expect(out()).toBe('dashboard password for admin changed; open dashboard sessions are logged out\n');
    const hash = await storedHash();
    expect(hash).not.toContain('secret');
    expect(await verifyPassword('my long secret  ', hash as string)).toBe(true);
    const store = Store.open(db);
    expect(store.listAudit(1)[0]).toMatchObject({ action: 'passwd', at: 1_700_000_000_000 });
    store.close();
  });

  it('without the flag, on a pipe, takes the first line', async () => {
    await runPasswd({ config }, io('first line secret\nsecond\n').io);
    expect(await verifyPassword('first line secret', (await storedHash()) as string)).toBe(true);
  });

  it('refuses a short password or control characters, and changes nothing', async () => {
    await expect(runPasswd({ config, passwordStdin: true }, io('short\n').io)).rejects.toThrow('the password must be at least 10 characters long; nothing was changed');
    await expect(runPasswd({ config, passwordStdin: true }, io('tab\tinside password\n').io)).rejects.toThrow(/control characters/);
    expect(await storedHash()).toBeNull();
  });
});

/**
 * The admin password: scrypt with a random salt per hash, stored in the store's meta
 * table under {@link PASSWORD_META_KEY} as `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`
 * (the parameters travel with the hash, so they can be raised later without
 * invalidating old hashes). Verification is constant-time in the hash bytes.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Store } from '../store/index.js';

/** Meta key holding the admin password hash. */
export const PASSWORD_META_KEY = 'admin_password';
/** The one admin account's user name. */
export const ADMIN_USER = 'admin';
/** Shortest password `sipwarden passwd` accepts. */
export const MIN_PASSWORD_LENGTH = 10;

const COST = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;
// 128 * N * r bytes of memory per hash (32 MiB at N = 2^15), plus headroom.
const maxmemFor = (N: number, r: number) => 256 * N * r;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N, r, p, maxmem: maxmemFor(N, r) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes `password` with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST.N, COST.r, COST.p);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True iff `password` matches `stored` (a {@link hashPassword} string). False for a malformed hash, never throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 1 << 20 || r > 32 || p > 16) return false;
  const want = Buffer.from(parts[5] as string, 'base64');
  if (want.length !== KEY_LEN) return false;
  try {
    const got = await derive(password, Buffer.from(parts[4] as string, 'base64'), N, r, p);
    return timingSafeEqual(got, want);
  } catch {
    return false;
  }
}

/** Stores a new hash of `password` as the admin password (replacing any). */
export async function setAdminPassword(store: Store, password: string): Promise<void> {
  store.setMeta(PASSWORD_META_KEY, await hashPassword(password));
}

// No 0/O, 1/l/I: read off a terminal and typed by a person.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of 4 dash-separated groups of 5 characters (~115 bits). */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/**
 * First start: if no admin password is stored, generates one, stores its hash and
 * returns it — the only time it exists in clear text, for the daemon to print once.
 * Returns null when a password is already set.
 */
export async function ensureAdminPassword(store: Store): Promise<string | null> {
  if (store.getMeta(PASSWORD_META_KEY) !== null) return null;
  const password = generatePassword();
  await setAdminPassword(store, password);
  return password;
}

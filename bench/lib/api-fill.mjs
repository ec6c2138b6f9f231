// @ts-check
/**
 * Fills a sipwarden store with a large, deterministic history for the API benchmark:
 * `bans` bans over the last 60 days and `failures` failures over the last 30 days,
 * ending at `now`.
 *
 * Shape (a PBX that has been under attack for months):
 * - bans: 85% tier 1 (1 h), 13% tier 2 (permanent), 2% manual (1 d); 3% released by
 *   a person; each with 1–3 account names and one evidence line. Every ban has its own
 *   address, except that 30% of tier-1 bans come from 50,000 "returning" addresses,
 *   never two active at once.
 * - failures: addresses drawn from the bans' addresses, account names from a Zipf-like
 *   distribution (a few names — 100, admin, 1000 … — are tried far more than the rest),
 *   PJSIP/SIP/IAX2/AMI, a 200–300 character raw line each.
 *
 * Bulk loading: the schema is created by the real store (dist/), then rows are inserted
 * by better-sqlite3 in 100,000-row transactions with the indexes dropped, and the
 * indexes are re-created from their own SQL afterwards (faster than updating them row
 * by row). No ANALYZE is run, as a real store has none.
 */
import Database from 'better-sqlite3';
import { Rng } from './prng.mjs';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const BATCH = 100_000;

/** A distinct public-looking IPv4 address for each i in [0, 2^24 * 200).  @param {number} i */
export function ipOf(i) {
  /** @type {number[]} */
  const firsts = [];
  for (let a = 11; a <= 223 && firsts.length < 200; a++) if (![127, 169, 172, 192, 198, 203, 100].includes(a)) firsts.push(a);
  const a = firsts[i % firsts.length];
  const rest = Math.floor(i / firsts.length);
  return `${a}.${(rest >>> 16) & 255}.${(rest >>> 8) & 255}.${rest & 255}`;
}

/** Account names, most tried first: what scanners try, then extensions and words. */
export function accountPool() {
  const head = ['100', 'admin', '1000', '101', 'test', '200', '1001', 'sip', '102', 'user'];
  const pool = [...head];
  for (let e = 100; e < 1000; e++) if (!pool.includes(String(e))) pool.push(String(e));
  for (let e = 1000; e < 2000; e++) if (!pool.includes(String(e))) pool.push(String(e));
  for (const w of ['voip', 'office', 'reception', 'fax', 'guest', 'operator', 'support', 'sales', 'info', 'asterisk']) pool.push(w);
  return pool;
}

/**
 * A sampler over `pool` with weight 1 / rank^s.
 * @template T
 * @param {Rng} rng
 * @param {readonly T[]} pool
 * @returns {() => T}
 */
function zipf(rng, pool, s = 1.1) {
  /** @type {number[]} */
  const cum = [];
  let total = 0;
  for (let r = 1; r <= pool.length; r++) cum.push((total += 1 / r ** s));
  return () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return pool[lo];
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (/** @type {number} */ n) => String(n).padStart(2, '0');

/** @param {number} at  @param {string} ip  @param {string} account  @param {number} n */
function securityLine(at, ip, account, n) {
  const d = new Date(at);
  return `[${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}] SECURITY[16648] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="${d.toISOString().slice(0, 23)}+0000",Severity="Error",Service="PJSIP",EventVersion="2",AccountID="${account}",SessionID="${n}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5060"`;
}

/**
 * Drops the indexes of `tables`, returning their CREATE statements.
 * @param {import('better-sqlite3').Database} db
 * @param {string[]} tables
 * @returns {string[]}
 */
function dropIndexes(db, tables) {
  const rows = /** @type {Array<{ name: string, sql: string }>} */ (db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`).all(...tables));
  for (const r of rows) db.exec(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.sql);
}

/**
 * Fills the (migrated, empty) store file at `path`. Calls `progress(what, done, total)`
 * now and then. Returns counts and timings.
 * @param {string} path
 * @param {{ bans: number, failures: number, seed?: number, now: number,
 *   progress?: (what: string, done: number, total: number) => void }} opts
 */
export function fillStore(path, { bans, failures, seed = 42, now, progress = () => {} }) {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('temp_store = MEMORY');
  db.pragma('locking_mode = EXCLUSIVE');
  const indexes = dropIndexes(db, ['bans', 'failures']);
  const pool = accountPool();
  const t0 = Date.now();

  // Bans, oldest first.
  const rngB = new Rng(seed, 'bans');
  const account = zipf(rngB, pool);
  const insBan = db.prepare(`INSERT INTO bans (id, ip, reason, tier, source, failures, evidence, accounts, created_at, expires_at, released_at, released_by, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insAcc = db.prepare('INSERT OR IGNORE INTO ban_accounts (account, ban_id) VALUES (?, ?)');
  /** @type {Map<string, number>} returning address → when its last ban ends */
  const lastEnd = new Map();
  const span = 60 * DAY;
  let active = 0;
  const banBatch = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
    for (let i = from; i < to; i++) {
      const created = now - span + Math.floor(((i + rngB.next()) / bans) * span);
      const kind = rngB.next();
      const tier = kind < 0.85 ? 1 : kind < 0.98 ? 2 : 0;
      let ip = ipOf(i);
      const expires = tier === 1 ? created + HOUR : tier === 0 ? created + DAY : null;
      if (tier === 1 && rngB.chance(0.3)) {
        // A returning attacker: only if its previous ban has ended.
        const cand = ipOf(2_000_000 + rngB.int(0, 49_999));
        if ((lastEnd.get(cand) ?? 0) <= created) {
          ip = cand;
          lastEnd.set(cand, created + HOUR); // = expires (tier 1)
        }
      }
      const released = rngB.chance(0.03) ? created + rngB.int(60_000, 3 * HOUR) : null;
      /** @type {string[]} */
      const names = [];
      const n = rngB.int(1, 3);
      while (names.length < n) {
        const a = account();
        if (!names.includes(a)) names.push(a);
      }
      const evidence = JSON.stringify([{ source: '/var/log/asterisk/security', line: i + 1, text: securityLine(created, ip, names[0], i) }]);
      const reason = tier === 1 ? 'tier 1: 2 failures within 1h' : tier === 2 ? 'tier 2: 12 failures within 1d' : 'manual ban';
      insBan.run(i + 1, ip, reason, tier, tier === 0 ? 'manual' : 'policy', tier === 2 ? 12 : tier === 1 ? 2 : 0, evidence, JSON.stringify(names),
        created, expires, released, released === null ? null : 'web:admin@127.0.0.1', tier === 0 ? 'cli:root' : null);
      for (const a of names) insAcc.run(a, i + 1);
      if (released === null && (expires === null || expires > now)) active++;
    }
  });
  for (let i = 0; i < bans; i += BATCH) {
    banBatch(i, Math.min(bans, i + BATCH));
    progress('bans', Math.min(bans, i + BATCH), bans);
  }
  const tBans = Date.now();

  // Failures, oldest first, over 30 days.
  const rngF = new Rng(seed, 'failures');
  const facc = zipf(rngF, pool);
  const services = ['PJSIP', 'PJSIP', 'PJSIP', 'PJSIP', 'PJSIP', 'PJSIP', 'PJSIP', 'PJSIP', 'SIP', 'SIP', 'SIP', 'IAX2', 'AMI'];
  const reasons = ['wrong_password', 'wrong_password', 'unknown_account', 'unknown_account', 'unknown_account', 'acl_denied', 'not_allowed', 'bad_request'];
  const actions = ['counted', 'counted', 'banned', 'already_banned', 'already_banned', 'already_banned'];
  const insF = db.prepare(`INSERT INTO failures (id, at, ip, port, service, account, reason, zone, action, source, line, raw)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'external', ?, '/var/log/asterisk/security', ?, ?)`);
  const fspan = 30 * DAY;
  const failBatch = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
    for (let i = from; i < to; i++) {
      const at = now - fspan + Math.floor(((i + rngF.next()) / failures) * fspan);
      const ip = ipOf(rngF.int(0, bans - 1));
      const acc = facc();
      insF.run(i + 1, at, ip, 5060 + (i % 100), rngF.pick(services), acc, rngF.pick(reasons), rngF.pick(actions), i + 1, securityLine(at, ip, acc, i));
    }
  });
  for (let i = 0; i < failures; i += BATCH) {
    failBatch(i, Math.min(failures, i + BATCH));
    if ((i / BATCH) % 10 === 0 || i + BATCH >= failures) progress('failures', Math.min(failures, i + BATCH), failures);
  }
  const tFailures = Date.now();
  for (const sql of indexes) {
    progress(`index ${/INDEX (\w+)/.exec(sql)?.[1] ?? ''}`, 0, 0);
    db.exec(sql);
  }
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = WAL');
  db.close();
  const tIndex = Date.now();
  return { activeBans: active, bansSeconds: (tBans - t0) / 1000, failuresSeconds: (tFailures - tBans) / 1000, indexSeconds: (tIndex - tFailures) / 1000 };
}

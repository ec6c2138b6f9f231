/**
 * The runner's order and its crash windows, with a store, firewall and failed-auth
 * log that record every call into one journal (no SQLite, no kernel, no files): the
 * order the runner promises at the top of pipeline.ts, and what a crash between two
 * steps would leave.
 */
import { describe, expect, it } from 'vitest';
import type { AuthFailed } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { Engine, type PolicyInput } from '../engine/index.js';
import type { Enforcer, EnforcerOp, SeenProbe } from '../enforcers/index.js';
import type { FailedAuthLog } from '../faillog/index.js';
import type { Store } from '../store/index.js';
import type { FailureRow, NewBan } from '../store/types.js';
import { Pipeline } from './pipeline.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const POLICY: PolicyInput = {
  tiers: [{ failures: 2, within: H, ban: H }, { failures: 12, within: 24 * H, ban: null }],
  countReasons: ['wrong_password', 'unknown_account'],
  banInternal: false,
  protection: 'on',
};

let n = 0;
const fail = (ip: string, at = T0): AuthFailed => ({
  kind: 'auth_failed', at, service: 'PJSIP', ip: parseIp(ip) as IpAddress, port: 5060, account: '100', session: `c${++n}`,
  signature: 'security-log', decoys: [], reason: 'wrong_password', detail: 'ChallengeResponseFailed',
  evidence: { source: 'security', line: n, text: `line ${n}` },
});

/** Everything the runner did, in order: `log:<line>`, `commit:<rows>/<bans>`, `fw:<ops>`, `seen:<ip>`. */
function rig(o: { seen?: 'yes' | 'no' | 'none'; storeFails?: () => boolean } = {}) {
  const journal: string[] = [];
  const stored: { rows: FailureRow[]; bans: NewBan[] } = { rows: [], bans: [] };
  const now = { t: T0 };
  const engine = new Engine(POLICY, { internal: [], trusted: [] }, { subnets: { addresses: 3, within: 24 * H, ban: 24 * H, ipv4Prefix: 24, ipv6Prefix: 64 } });
  const store = {
    path: ':memory:', isSnapshot: false, reopen() {},
    commitProgress(rows: FailureRow[], _c: unknown, bans: NewBan[]) {
      if (o.storeFails?.()) {
        journal.push('commit:FAILED');
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
      journal.push(`commit:${rows.length}/${bans.map((b) => b.ip).join(',')}`);
      stored.rows.push(...rows);
      stored.bans.push(...bans);
    },
  } as unknown as Store;
  const fwOp = (ops: readonly EnforcerOp[]) => ops.map((x) => `${x.op} ${x.ip}`).join(',');
  /** What reached the kernel, in order: address and end (null: permanent). */
  const kernel: Array<{ ip: string; until: number | null }> = [];
  const enforcer: Enforcer & Partial<SeenProbe> = {
    name: 'journal', init: async () => {}, reconcile: async () => {}, close: async () => {},
    apply: async (ops) => {
      journal.push(`fw:${fwOp(ops)}`);
      for (const x of ops) if (x.op === 'ban') kernel.push({ ip: x.ip, until: x.until });
    },
  };
  let seen: SeenProbe | null = null;
  if (o.seen === 'yes' || o.seen === 'no') {
    seen = {
      seen: async () => o.seen === 'yes',
      banIfSeen: async (ip, until) => {
        journal.push(`seen+ban:${ip}`);
        if (o.seen === 'yes') kernel.push({ ip, until });
        return o.seen === 'yes';
      },
      watch: async () => {},
      watched: () => 'all',
    };
  }
  const who = (l: string) => / ip=(\S+)/.exec(l)?.[1] ?? / net=(\S+)/.exec(l)?.[1] ?? / candidates="([^"]*)"/.exec(l)?.[1] ?? '';
  const faillog = { write: (l: string) => void journal.push(`log:${l.split(' ')[1]} ${who(l)} ${/action=(\S+)/.exec(l)?.[1] ?? ''}`), flush: () => true, position: () => null } as unknown as FailedAuthLog;
  const quiet = { info() {}, warn() {}, error() {} };
  const pipeline = new Pipeline({ engine, store, enforcer, faillog, log: quiet, now: () => now.t, cursors: () => [], seen, startedAt: T0 - H });
  const settle = () => new Promise((r) => setImmediate(r)).then(() => new Promise((r) => setImmediate(r)));
  return { pipeline, engine, journal, stored, settle, kernel };
}

describe('the runner applies the effects in its documented order', () => {
  it('log line at once; the ban stored with its failure rows in one transaction, then the firewall', async () => {
    const r = rig({ seen: 'none' });
    r.pipeline.handle(fail('203.0.113.7'));
    r.pipeline.handle(fail('203.0.113.7', T0 + 1000));
    // The failed-auth lines are written at once, before anything is stored.
    expect(r.journal).toEqual(['log:FAILED 203.0.113.7 counted', 'log:FAILED 203.0.113.7 banned']);
    await r.settle();
    // Crash window: a crash before this commit leaves no kernel ban the store lacks (the lines are read again).
    expect(r.journal.slice(2)).toEqual(['commit:2/203.0.113.7', 'fw:ban 203.0.113.7']);
    expect(r.stored.bans[0]).toMatchObject({ ip: '203.0.113.7', tier: 1, expiresAt: T0 + 1000 + H, evidence: [{ line: n - 1 }, { line: n }] });
  });

  it('with a seen-and-ban kernel transaction (nftables): the kernel first, the store in the same turn, no second firewall op', async () => {
    const r = rig({ seen: 'yes' });
    r.pipeline.handle(fail('203.0.113.8'));
    r.pipeline.handle(fail('203.0.113.8', T0 + 1000));
    await r.settle();
    expect(r.journal.filter((j) => !j.startsWith('log:'))).toEqual(['seen+ban:203.0.113.8', 'commit:2/203.0.113.8']);
  });

  it('an address the kernel never saw: nothing stored or enforced, the ban taken back in the engine, said as injection', async () => {
    const r = rig({ seen: 'no' });
    r.pipeline.handle(fail('198.51.100.1'));
    r.pipeline.handle(fail('198.51.100.1', T0 + 1000));
    await r.settle();
    expect(r.journal).toContain('log:INJECTION 198.51.100.1 not_banned_never_seen');
    expect(r.stored.bans).toEqual([]);
    expect(r.journal.some((j) => j.startsWith('fw:'))).toBe(false);
    expect(r.engine.activeBan(parseIp('198.51.100.1') as IpAddress, T0 + 2000)).toBeNull();
    expect(r.pipeline.stats).toMatchObject({ attempts: 2, bans: 0, notSeen: 1 });
  });

  it('decisions that arrive while the kernel is asked replace the waiting one: the permanent ban is the one applied', async () => {
    const r = rig({ seen: 'yes' });
    for (let i = 0; i < 12; i++) r.pipeline.handle(fail('203.0.113.9', T0 + i * 1000));
    await r.settle();
    // One kernel check for the address, however many decisions came meanwhile; the store gets the longest ban.
    expect(r.journal.filter((j) => j.startsWith('seen+ban:'))).toEqual(['seen+ban:203.0.113.9']);
    expect(r.stored.bans.at(-1)).toMatchObject({ ip: '203.0.113.9', tier: 2, expiresAt: null });
    // The kernel was given the 1-hour ban in that transaction: the permanent one follows as its own op.
    expect(r.journal.filter((j) => j.startsWith('fw:'))).toEqual(['fw:ban 203.0.113.9']);
  });

  it('a longer ban decided after a shorter one was committed but before it was flushed: the kernel ends with the longer one', async () => {
    const r = rig({ seen: 'yes' });
    const ip = '203.0.113.11';
    r.pipeline.handle(fail(ip, T0));
    r.pipeline.handle(fail(ip, T0 + 100)); // tier 1: asked of the kernel
    r.pipeline.handle(fail(ip, T0 + 200)); // extends it while the kernel is asked: committed as a firewall op to flush
    for (let k = 0; k < 5; k++) await Promise.resolve(); // the kernel answered; the flush waits for the next turn
    for (let i = 3; i < 12; i++) r.pipeline.handle(fail(ip, T0 + i * 100)); // tier 2 (permanent): a kernel transaction of its own
    await r.settle();
    expect(r.stored.bans.at(-1)).toMatchObject({ ip, tier: 2, expiresAt: null });
    // Every transaction for the address carries a ban at least as long as the one before it
    // (a shorter one landing after a longer one would shorten the kernel's ban), and the last is permanent.
    const ends = r.kernel.filter((k) => k.ip === ip).map((k) => k.until ?? Infinity);
    expect(ends.length).toBeGreaterThan(1);
    for (let i = 1; i < ends.length; i++) expect(ends[i], `transaction ${i}: ${ends.join(' ')}`).toBeGreaterThanOrEqual(ends[i - 1] as number);
    expect(ends.at(-1)).toBe(Infinity);
  });

  it('an enforced ban feeds subnet escalation: the third address of a /24 bans the network, stored and enforced the same way', async () => {
    const r = rig({ seen: 'none' });
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      r.pipeline.handle(fail(ip));
      r.pipeline.handle(fail(ip, T0 + 1000));
    }
    await r.settle();
    expect(r.journal, r.journal.join('\n')).toContain('log:SUBNET 203.0.113.0/24 banned');
    expect(r.stored.bans.map((b) => b.ip)).toContain('203.0.113.0/24');
    expect(r.journal.filter((j) => j.startsWith('fw:')).join(',')).toContain('ban 203.0.113.0/24');
  });

  it('a store that refuses: the ban still reaches the firewall, rows and bans wait, and the next flush writes them once', async () => {
    let failing = true;
    const r = rig({ seen: 'none', storeFails: () => failing });
    r.pipeline.handle(fail('203.0.113.10'));
    r.pipeline.handle(fail('203.0.113.10', T0 + 1000));
    await r.settle();
    expect(r.journal.slice(2)).toEqual(['commit:FAILED', 'fw:ban 203.0.113.10']);
    expect(r.pipeline.backlog()).toMatchObject({ rows: 2, bans: 1 });
    failing = false;
    r.pipeline.flush(true);
    expect(r.stored.rows).toHaveLength(2);
    expect(r.stored.bans.map((b) => b.ip)).toEqual(['203.0.113.10']);
    expect(r.pipeline.backlog()).toMatchObject({ rows: 0, bans: 0 });
  });
});

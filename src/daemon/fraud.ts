/**
 * The toll-fraud guard, live. Call events (and successful logins) from the AMI reach
 * the guard's decider (fraud/decide.ts) synchronously, in the AMI frame handler, and
 * its effects are applied at once, in their order:
 *
 * 1. `hangup` — one AMI `Hangup` (`Cause: 21`) per caller channel, written to the
 *    socket before anything else is done with the event; "No such channel" is fine
 *    (the call ended by itself). When the finding's address is unclear (decide.ts
 *    `unclear`), the `Getvar` that asks Asterisk for it is written just before, so it
 *    reads the channel before the hang-up removes it; its answer is banned then.
 * 2. `log`, `say`, `alert`, `ban` — the pipeline's, in its order (the failed-auth log,
 *    the notifier, the store and the firewall: a toll-fraud ban is a ban like any other);
 * 3. `fraud` — an audit record in the store (`toll_fraud`, by `sipwarden`);
 * 4. `suspend` / `resume` — Asterisk enforces a suspension through the AstDB key
 *    `sipwarden/suspended/<account>` (`DBPut` with `<rule> <ISO time>`, `DBDel`) read by
 *    the dial plan check `init` installs; the suspensions and the AstDB operations not
 *    yet confirmed are kept in the store's meta (`fraud.suspended`, `fraud.astdb`), so a
 *    restart or an AMI outage loses none: they are sent again once connected, each
 *    tick, until Asterisk answered;
 * 5. `unregister` — `PJSIPShowContacts`, then `DBDel` of the account's contacts from the
 *    attacker's address (`registrar/contact/<id>`), so calls to the extension stop
 *    ringing the attacker.
 *
 * A person allows an account again with `sipwarden allow-calls` (an `allow_calls` audit
 * record the control loop picks up: {@link FraudRunner.pollAllows}).
 *
 * Invariants: nothing here throws into the AMI reader or the scheduler (store and AMI
 * failures are logged); at most one AstDB operation per account is in flight, and the
 * newest wanted state of an account replaces an older one not yet sent. Store writes
 * (audit records, the meta keys) leave the AMI frame handler: they are made once the
 * frames being read now are handled (`setImmediate`), so a burst of DialBegins is judged
 * and hung up before any disk write, and `flush()` (at stop) makes what is left.
 */
import type { AuthSucceeded, CallEvent, SecurityEvent } from '../domain/events.js';
import type { Effect } from '../engine/index.js';
import { addressVariable, type FraudDecider } from '../fraud/index.js';
import type { FraudFinding } from '../fraud/types.js';
import { parseHostPort } from '../parsers/index.js';
import type { AmiReply } from '../sources/ami/index.js';
import type { AuditEntry, Store } from '../store/index.js';
import type { PipelineLog } from './pipeline.js';

/** The AstDB family of suspended accounts (the dial plan check reads `DB_EXISTS(sipwarden/suspended/<account>)`). */
export const SUSPENDED_FAMILY = 'sipwarden/suspended';
/** Store meta keys: the suspensions, and the AstDB operations Asterisk has not confirmed yet. */
export const META_SUSPENDED = 'fraud.suspended';
export const META_ASTDB = 'fraud.astdb';
/** The audit action `sipwarden allow-calls` writes (detail: `{"account": …}`). */
export const ALLOW_CALLS = 'allow_calls';

/** What the runner needs of the AMI client. */
export interface AmiActions {
  readonly connected: boolean;
  action(name: string, fields: ReadonlyArray<readonly [string, string]>, opts?: { timeoutMs?: number; list?: boolean }): Promise<AmiReply>;
}

export interface FraudDeps {
  readonly decider: FraudDecider;
  /** The pipeline: log lines, alerts and bans in its order. */
  readonly pipeline: { applyEffects(effects: readonly Effect[]): void };
  readonly store: Store;
  readonly log: PipelineLog;
  readonly now: () => number;
  /** The AMI client once built (null: no AMI configured). */
  readonly ami: () => AmiActions | null;
}

/** An AstDB change to make: the key set with `val`, or deleted. */
type AstDbOp = { readonly op: 'put'; readonly val: string } | { readonly op: 'del' };

/** What the runner did, for `sipwarden status`. */
export interface FraudHealth {
  hangupsSent: number;
  hangupsFailed: number;
  /** AstDB changes waiting for Asterisk (the AMI was down, or refused them). */
  astdbWaiting: number;
  suspended: number;
  contactsRemoved: number;
}

const NO_SUCH_CHANNEL = /no such channel/i;

export class FraudRunner {
  private readonly stats = { hangupsSent: 0, hangupsFailed: 0, contactsRemoved: 0 };
  private readonly astdb = new Map<string, AstDbOp>();
  private readonly inFlight = new Set<string>();
  private lastAllow = 0;
  /** Once per kind of failure, then quiet (a PBX without the rights would fill the log). */
  private readonly said = new Set<string>();
  /** Store writes waiting for the end of the current turn (see the top of this file). */
  private audits: AuditEntry[] = [];
  private readonly dirty = { suspended: false, astdb: false };
  private flushing = false;

  constructor(private readonly deps: FraudDeps) {}

  /** One event from the AMI: call events are judged, successful logins remembered. Never throws. */
  handle(ev: CallEvent | SecurityEvent): void {
    try {
      this.apply(this.deps.decider.decide(ev, this.deps.now()));
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'toll-fraud guard: cannot judge an AMI event');
    }
  }

  /** A successful login (the `ban` action's address). */
  login(ev: AuthSucceeded): void {
    this.handle(ev);
  }

  /** Every second: minutes caps, the AstDB changes still waiting, stale calls. */
  tick(): void {
    const now = this.deps.now();
    this.apply(this.deps.decider.tick(now));
    this.deps.decider.guard.prune(now);
    this.flushAstDb();
  }

  /** The AMI (re)connected: what waits for Asterisk goes now. */
  connected(): void {
    this.flushAstDb();
  }

  /**
   * At start: the suspensions the store holds are in force again in the guard, and
   * their AstDB keys (with the changes not confirmed before the stop) are sent once
   * the AMI is up. The audit records written before now are not applied again.
   */
  restore(): { suspended: number; waiting: number } {
    const suspended = this.readMeta<Array<{ account: string; at: number; rule: string }>>(META_SUSPENDED) ?? [];
    for (const s of suspended) {
      if (typeof s?.account !== 'string' || typeof s.at !== 'number' || typeof s.rule !== 'string') continue;
      this.deps.decider.guard.suspend(s.account, s.at, s.rule);
      this.astdb.set(s.account, { op: 'put', val: suspensionValue(s.rule, s.at) });
    }
    const waiting = this.readMeta<Record<string, AstDbOp>>(META_ASTDB) ?? {};
    for (const [account, op] of Object.entries(waiting)) {
      if (op?.op === 'del' && !this.deps.decider.guard.isSuspended(account)) this.astdb.set(account, { op: 'del' });
    }
    try {
      this.lastAllow = this.deps.store.listAudit(1)[0]?.id ?? 0;
    } catch {
      this.lastAllow = 0;
    }
    this.saveAstDb();
    return { suspended: this.deps.decider.guard.suspendedAccounts().length, waiting: this.astdb.size };
  }

  /** A person allows `account` to call out again (`by`: who). Returns whether it was suspended. */
  allow(account: string, by: string): boolean {
    const effects = this.deps.decider.allow(account, this.deps.now(), by);
    if (effects.length === 0) {
      // Not suspended here; the AstDB key may still be there (set by hand, or by another install): remove it anyway.
      this.want(account, { op: 'del' });
      this.deps.log.info({ account, by }, 'allow-calls: the account was not suspended; its AstDB key is removed all the same');
      return false;
    }
    this.apply(effects);
    return true;
  }

  /** The control loop: `sipwarden allow-calls` records written since the last look. Never throws. */
  pollAllows(): void {
    let rows: ReturnType<Store['listAudit']>;
    try {
      rows = this.deps.store.listAudit(100);
    } catch {
      return;
    }
    const fresh = rows.filter((r) => r.id > this.lastAllow).reverse();
    for (const r of fresh) {
      this.lastAllow = r.id;
      if (r.action !== ALLOW_CALLS) continue;
      const account = accountOf(r.detail);
      if (account !== null) this.allow(account, r.actor);
    }
  }

  health(): FraudHealth {
    return { ...this.stats, astdbWaiting: this.astdb.size, suspended: this.deps.decider.guard.suspendedAccounts().length };
  }

  /** Applies the decider's effects in their order (see the top of this file). */
  private apply(effects: readonly Effect[]): void {
    if (effects.length === 0) return;
    for (const e of effects) if (e.kind === 'fraud' && this.deps.decider.unclear(e.finding)) this.askAddress(e.finding);
    for (const e of effects) {
      switch (e.kind) {
        case 'hangup':
          for (const c of e.calls) this.hangup(c.channel, e.cause, e.account);
          break;
        case 'fraud':
          this.audit(e.finding);
          break;
        case 'suspend':
          this.saveSuspended();
          this.want(e.account, { op: 'put', val: suspensionValue(e.rule, e.at) });
          break;
        case 'resume':
          this.saveSuspended();
          this.want(e.account, { op: 'del' });
          break;
        case 'unregister':
          this.unregister(e.account, e.ip, e.tech);
          break;
        default:
          this.deps.pipeline.applyEffects([e]);
      }
    }
  }

  private hangup(channel: string, cause: number, account: string): void {
    const ami = this.deps.ami();
    if (!ami?.connected) {
      this.stats.hangupsFailed++;
      this.deps.log.error({ account, channel }, 'toll fraud: cannot hang up the call, the AMI is not connected');
      return;
    }
    this.stats.hangupsSent++;
    ami.action('Hangup', [['Channel', channel], ['Cause', String(cause)]]).then((r) => {
      if (r.ok || NO_SUCH_CHANNEL.test(r.message)) return;
      this.stats.hangupsFailed++;
      this.once('hangup', 'error', { account, channel, message: r.message }, 'toll fraud: Asterisk refused to hang up the call (does the AMI user have write = call?)');
    }, (e: Error) => {
      this.stats.hangupsFailed++;
      this.deps.log.error({ account, channel, err: e.message }, 'toll fraud: the hang-up got no answer');
    });
  }

  /** Asks Asterisk which address the finding's caller channel uses, and bans it. */
  private askAddress(f: FraudFinding): void {
    const channel = f.call?.channel ?? '';
    const variable = addressVariable(channel);
    const ami = this.deps.ami();
    if (variable === null || !ami?.connected) return;
    ami.action('Getvar', [['Channel', channel], ['Variable', variable]]).then((r) => {
      const value = r.fields.get('value') ?? '';
      const where = r.ok ? parseHostPort(value) : null;
      if (!where) {
        this.deps.log.warn({ account: f.account, channel, variable, message: r.message, value: value.slice(0, 80) }, 'toll fraud: Asterisk did not tell the caller\'s address; nothing banned');
        return;
      }
      this.apply(this.deps.decider.banAddress(f, where.ip, variable, this.deps.now()));
    }, (e: Error) => this.deps.log.warn({ account: f.account, channel, err: e.message }, 'toll fraud: cannot ask Asterisk for the caller\'s address; nothing banned'));
  }

  private audit(f: FraudFinding): void {
    const d = f.call?.destination;
    const detail = {
      account: f.account, rule: f.rule, destination: d?.e164 ?? null, country: d?.country ?? null, dialled: d?.dialled ?? null,
      actions: f.actions, calls: f.count, channel: f.call?.channel ?? null, hangup: f.hangup.length,
    };
    if (this.audits.length < 10_000) this.audits.push({ at: f.at, actor: 'sipwarden', action: 'toll_fraud', ip: f.lastAuth?.ip ?? null, detail: JSON.stringify(detail) });
    this.flushSoon();
  }

  /** Makes the store writes waiting now: audit records, then the suspensions and AstDB changes. Never throws. */
  flush(): void {
    const audits = this.audits;
    this.audits = [];
    for (const a of audits) {
      try {
        this.deps.store.addAudit(a);
      } catch (e) {
        this.once('audit', 'error', { err: (e as Error).message }, 'toll fraud: cannot write the audit record (the FRAUD line is in the failed-auth log)');
      }
    }
    if (this.dirty.suspended) this.writeMeta(META_SUSPENDED, JSON.stringify(this.deps.decider.guard.suspendedAccounts()));
    if (this.dirty.astdb) this.writeMeta(META_ASTDB, JSON.stringify(Object.fromEntries(this.astdb)));
    this.dirty.suspended = this.dirty.astdb = false;
  }

  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.flush();
    });
  }

  /** Removes the account's contacts registered from `ip` (every contact of it when null). PJSIP only. */
  private unregister(account: string, ip: string | null, tech: string): void {
    const ami = this.deps.ami();
    if (tech !== 'PJSIP') {
      this.once(`unregister-${tech}`, 'warn', { account, tech }, 'toll fraud: registrations are removed for PJSIP accounts only');
      return;
    }
    if (!ami?.connected) {
      this.deps.log.error({ account }, 'toll fraud: cannot remove the registrations, the AMI is not connected');
      return;
    }
    ami.action('PJSIPShowContacts', [], { list: true, timeoutMs: 10_000 }).then((r) => {
      const ids = r.events.filter((c) => contactOf(c, account, ip)).map((c) => c.get('objectname') as string);
      for (const id of ids) {
        ami.action('DBDel', [['Family', 'registrar/contact'], ['Key', id]]).then((d) => {
          if (d.ok) this.stats.contactsRemoved++;
          this.deps.log[d.ok ? 'warn' : 'error']({ account, contact: id, message: d.message }, d.ok ? 'toll fraud: the attacker\'s registration removed' : 'toll fraud: Asterisk refused to remove a registration');
        }, (e: Error) => this.deps.log.error({ account, err: e.message }, 'toll fraud: cannot remove a registration'));
      }
      if (ids.length === 0) this.deps.log.info({ account, ip }, 'toll fraud: no registration of the account to remove');
    }, (e: Error) => this.deps.log.error({ account, err: e.message }, 'toll fraud: cannot list the registrations'));
  }

  /** The newest wanted AstDB state of `account`; sent now if the AMI is up. */
  private want(account: string, op: AstDbOp): void {
    this.astdb.set(account, op);
    this.saveAstDb();
    this.flushAstDb();
  }

  private flushAstDb(): void {
    const ami = this.deps.ami();
    if (!ami?.connected) return;
    for (const [account, op] of this.astdb) {
      if (this.inFlight.has(account)) continue;
      this.inFlight.add(account);
      const fields: Array<readonly [string, string]> = [['Family', SUSPENDED_FAMILY], ['Key', account]];
      if (op.op === 'put') fields.push(['Val', op.val]);
      ami.action(op.op === 'put' ? 'DBPut' : 'DBDel', fields).then((r) => {
        this.inFlight.delete(account);
        // Deleting a key that is not there is done too.
        const done = r.ok || (op.op === 'del' && /not found|not exist/i.test(r.message));
        if (!done) {
          this.once(`astdb-${op.op}`, 'error', { account, message: r.message }, `toll fraud: Asterisk refused ${op.op === 'put' ? 'to suspend' : 'to allow'} the account in its database (does the AMI user have write = system?); retrying`);
          return;
        }
        if (this.astdb.get(account) === op) {
          this.astdb.delete(account);
          this.saveAstDb();
        } else this.flushAstDb(); // changed meanwhile: send the newer state
        this.deps.log.info({ account, key: `${SUSPENDED_FAMILY}/${account}` }, op.op === 'put' ? 'toll fraud: account suspended in Asterisk (AstDB)' : 'toll fraud: account allowed again in Asterisk (AstDB)');
      }, () => {
        this.inFlight.delete(account); // the AMI went away: the next tick or connection retries
      });
    }
  }

  private saveSuspended(): void {
    this.dirty.suspended = true;
    this.flushSoon();
  }

  private saveAstDb(): void {
    this.dirty.astdb = true;
    this.flushSoon();
  }

  private writeMeta(key: string, value: string): void {
    try {
      this.deps.store.setMeta(key, value);
    } catch (e) {
      this.once(`meta-${key}`, 'error', { err: (e as Error).message }, 'toll fraud: cannot store the suspensions (they hold in Asterisk and in memory)');
    }
  }

  private readMeta<T>(key: string): T | null {
    try {
      const text = this.deps.store.getMeta(key);
      return text === null ? null : (JSON.parse(text) as T);
    } catch {
      return null;
    }
  }

  private once(topic: string, level: 'warn' | 'error', fields: object, msg: string): void {
    if (this.said.has(topic)) return;
    this.said.add(topic);
    this.deps.log[level](fields, msg);
  }
}

/** The AstDB value of a suspension: the rule, then when (`high_risk 2026-11-24T18:58:25.516Z`). */
export function suspensionValue(rule: string, at: number): string {
  return `${rule.replace(/[^\w/.:+-]/g, '_')} ${new Date(at).toISOString()}`;
}

function accountOf(detail: string | null): string | null {
  try {
    const d = JSON.parse(detail ?? '') as { account?: unknown };
    return typeof d.account === 'string' && d.account.length > 0 ? d.account : null;
  } catch {
    return null;
  }
}

/** Whether a `ContactList` event is a contact of `account` registered from `ip` (any address when null). */
function contactOf(c: ReadonlyMap<string, string>, account: string, ip: string | null): boolean {
  const id = c.get('objectname') ?? '';
  const endpoint = c.get('endpoint') ?? '';
  if (!id || (endpoint !== account && !id.startsWith(`${account};@`))) return false;
  if (ip === null) return true;
  const via = c.get('viaaddr') ?? '';
  const host = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)/.exec(c.get('uri') ?? '')?.[1]?.replace(/^\[|\]$/g, '') ?? '';
  return via === ip || host === ip;
}

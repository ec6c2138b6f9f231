/**
 * The guard's decisions as effects, in the shape of engine/decide.ts (the same Effect
 * union, so one runner applies both and `check` collects both): one call event in, the
 * effects of what the guard found out, in the order they must be applied:
 *
 * 1. `hangup` — first, so the AMI `Hangup` leaves before anything slower (a call stopped
 *    at its `DialBegin` is then gone before the trunk answers);
 * 2. the FRAUD line (`log`), the daemon's log line (`say`) and the finding (`fraud`);
 * 3. `suspend`, then `ban` (an ordinary ban effect: the runner stores and enforces it as
 *    any other, the kernel's answers flow back to the engine's Decider), `unregister`;
 * 4. `alert`.
 *
 * The ban's address is the one the account last authenticated from (SuccessfulAuth):
 * the engine's zones decide whether it may be banned (never a trusted, loopback or host
 * address; an internal one only with `ban_internal`), the same way the failure tiers'
 * bans are decided. Live (`askAddress`), a finding whose address is unclear — no
 * SuccessfulAuth seen (chan_sip reports none), or the account logged in from several
 * addresses lately — gets no ban here: the runner asks Asterisk which address the
 * caller channel uses ({@link addressVariable}) and bans that one with {@link
 * FraudDecider.banAddress}. Nothing here writes, sends or waits.
 */
import type { AuthSucceeded, CallEvent, Evidence, SecurityEvent } from '../domain/events.js';
import type { IpAddress } from '../domain/ip.js';
import type { Alert, DeciderOptions, Effect, Engine } from '../engine/index.js';
import { channelTech } from '../parsers/calls.js';
import { formatAllowed, formatBanResolved, formatFraud, type BanOutcome } from './format.js';
import { FraudGuard } from './guard.js';
import type { FraudInput } from './rules.js';
import type { FraudFinding } from './types.js';

/** Q.850 cause 21, call rejected: what a stopped call is hung up with. */
export const HANGUP_CAUSE = 21;

const NONE: readonly Effect[] = Object.freeze([]);

/** The decider's options: the engine Decider's, and whether unclear addresses are asked of Asterisk (live). */
export interface FraudDeciderOptions extends DeciderOptions {
  /** Live: a finding whose address is unclear gets no ban at once; the runner asks Asterisk ({@link FraudDecider.unclear}). */
  readonly askAddress?: boolean;
}

/**
 * The channel variable that tells the address a caller channel's SIP peer uses, for AMI
 * `Getvar` (read from the channel, not from any text the caller sent): PJSIP's
 * `CHANNEL(pjsip,remote_addr)` (`203.0.113.7:5060`), chan_sip's `CHANNEL(peerip)`; null
 * for other technologies.
 */
export function addressVariable(channel: string): string | null {
  const tech = channelTech(channel);
  return tech === 'PJSIP' ? 'CHANNEL(pjsip,remote_addr)' : tech === 'SIP' ? 'CHANNEL(peerip)' : null;
}

export class FraudDecider {
  readonly guard: FraudGuard;

  constructor(private readonly engine: Engine, private input: FraudInput, private readonly opts: FraudDeciderOptions = {}) {
    this.guard = new FraudGuard(input, (account) => engine.accountClass(account));
  }

  /** Replaces the rules; what the guard holds (windows, live calls, suspensions) is kept. */
  setInput(input: FraudInput): void {
    this.input = input;
    this.guard.setInput(input);
  }

  /**
   * The effects of one event: call events are judged, a successful authentication is
   * remembered (the `ban` action's address); other security events are the engine
   * Decider's and give nothing here.
   */
  decide(ev: CallEvent | SecurityEvent, _now: number): readonly Effect[] {
    if (ev.kind === 'auth_succeeded') {
      this.guard.handleAuth(ev);
      return NONE;
    }
    if (ev.kind === 'auth_failed' || ev.kind === 'challenge_sent' || ev.kind === 'injection_suspected') return NONE;
    const found = this.guard.handle(ev);
    return found.length === 0 ? NONE : found.flatMap((f) => this.effects(f));
  }

  /** Time passed (the runner calls it every few seconds): minutes caps of calls up now. */
  tick(now: number): readonly Effect[] {
    const found = this.guard.tick(now);
    return found.length === 0 ? NONE : found.flatMap((f) => this.effects(f));
  }

  /** A person allows `account` to call out again: the guard forgets the suspension, the runner deletes the AstDB key. */
  allow(account: string, now: number, by: string): readonly Effect[] {
    if (!this.guard.allow(account)) return NONE;
    return [
      { kind: 'resume', account, at: now, by },
      { kind: 'log', line: formatAllowed(now, account, by) },
      { kind: 'say', level: 'info', fields: { account, by }, msg: 'account allowed to call out through trunks again' },
    ];
  }

  /**
   * Whether the finding asks for a ban whose address Asterisk must tell (live only): no
   * successful login of the account was seen, or it logged in from more than one
   * address lately, and the call's channel has an address variable.
   */
  unclear(f: FraudFinding): boolean {
    return Boolean(this.opts.askAddress) && f.actions.includes('ban') && f.call !== null && addressVariable(f.call.channel) !== null
      && (f.lastAuth === null || f.otherAddresses.length > 0);
  }

  /**
   * The ban of `ip`, the address Asterisk said the finding's caller channel uses (its
   * `variable`), for a finding {@link unclear} left without one: the ban (if the zones
   * allow it), its FRAUD line and the daemon's line.
   */
  banAddress(f: FraudFinding, ip: IpAddress, variable: string, now: number): readonly Effect[] {
    const channel = f.call?.channel ?? '';
    const evidence: Evidence = { source: f.evidence.source, line: f.evidence.line, text: `Getvar ${variable} of ${channel}: ${ip}` };
    const auth: AuthSucceeded = {
      kind: 'auth_succeeded', at: f.at, service: channelTech(channel), ip, port: null, account: f.account, session: null,
      signature: 'ami-event', decoys: [], evidence,
    };
    const banned = this.ban(f, auth);
    const out: Effect[] = [];
    if (banned?.effect) out.push(banned.effect);
    out.push(
      { kind: 'log', line: formatBanResolved(now, f, banned?.outcome ?? { ip, zone: this.engine.zoneOf(ip), banned: false }, variable) },
      { kind: 'say', level: 'warn', msg: 'toll fraud: the caller\'s address, as Asterisk tells it', fields: { account: f.account, ip, variable, banned: banned?.outcome.banned ?? false } },
    );
    return out;
  }

  private effects(f: FraudFinding): Effect[] {
    const out: Effect[] = [];
    if (f.hangup.length) out.push({ kind: 'hangup', account: f.account, calls: f.hangup, rule: f.rule, cause: HANGUP_CAUSE });
    const banned = f.actions.includes('ban') && !this.unclear(f) ? this.ban(f, f.lastAuth) : null;
    out.push(
      { kind: 'log', line: formatFraud(f, banned?.outcome ?? null) },
      {
        kind: 'say', level: 'warn', msg: `toll fraud: ${f.why}`,
        fields: { account: f.account, rule: f.rule, destination: f.call?.destination.e164 ?? null, country: f.call?.destination.country ?? null, actions: f.actions, hangup: f.hangup.length },
      },
      { kind: 'fraud', finding: f },
    );
    if (f.actions.includes('suspend')) out.push({ kind: 'suspend', account: f.account, at: f.at, rule: f.rule });
    if (banned?.effect) out.push(banned.effect);
    if (f.actions.includes('unregister')) {
      out.push({ kind: 'unregister', account: f.account, ip: f.lastAuth?.ip ?? null, tech: channelTech(f.call?.channel ?? '') });
    }
    if (f.actions.includes('alert')) out.push({ kind: 'alert', alert: this.alert(f, banned?.outcome ?? null) });
    return out;
  }

  /** The ban of the address `auth` came from (the account's last login), if the zones allow it. */
  private ban(f: FraudFinding, auth: AuthSucceeded | null): { outcome: BanOutcome; effect: Effect | null } | null {
    if (!auth) return null;
    const zone = this.engine.zoneOf(auth.ip);
    const d = this.engine.policy.forceBan(auth.ip, f.at, this.input.ban, 'toll-fraud');
    if (!d) {
      // Not bannable (zone, protection off) or already banned at least as long: say which.
      const held = this.engine.activeBan(auth.ip, f.at) !== null;
      return { outcome: { ip: auth.ip, zone, banned: held }, effect: null };
    }
    return {
      outcome: { ip: auth.ip, zone, banned: true },
      effect: {
        kind: 'ban',
        ifSeen: f.at >= (this.opts.startedAt ?? Number.NEGATIVE_INFINITY) - 5000,
        cause: auth,
        ban: {
          ip: auth.ip, reason: 'toll-fraud', tier: 0, source: 'policy', failures: 0,
          evidence: [auth.evidence, f.evidence], accounts: [f.account], createdAt: f.at, expiresAt: d.until,
        },
      },
    };
  }

  private alert(f: FraudFinding, ban: BanOutcome | null): Alert {
    const d = f.call?.destination;
    const to = d ? `${d.e164 ?? JSON.stringify(d.dialled)}${d.country ? ` (${d.country})` : ''}` : 'a trunk';
    const did = [
      f.hangup.length ? `hung up ${f.hangup.length} call${f.hangup.length === 1 ? '' : 's'}` : '',
      f.actions.includes('suspend') ? 'suspended the account' : '',
      ban?.banned ? `banned ${ban.ip}` : '',
    ].filter(Boolean).join(', ');
    return {
      kind: 'toll_fraud', at: f.at, ip: f.lastAuth?.ip ?? '', account: f.account, service: channelTech(f.call?.channel ?? ''),
      message: `toll fraud on account ${JSON.stringify(f.account)}: ${f.why}, calling ${to}${did ? ` — ${did}` : ''}`,
    };
  }
}

/**
 * The engine: attempts de-duplicated across every report of them, then the rules —
 * who may authenticate from where (account classes), learned trust, the tiered
 * policy, and scans (challenges never answered). Takes events with their own times
 * and returns outcomes; no I/O, no clock.
 */
import type { AuthFailed, AuthSucceeded, ChallengeSent, LocatedEvent, SecurityEvent } from '../domain/events.js';
import { isNetwork, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import { AttemptCounter } from './attempts.js';
import { ChallengeTracker } from './challenges.js';
import { compileAccounts, type AccountInput, type Classified, type ClassifyAccount } from './accounts.js';
import { PolicyEngine, type BanDecision, type FailureVerdict, type PolicyInput } from './policy.js';
import { SubnetEscalation, SUBNETS_OFF, type SubnetInput, type SubnetSpared } from './subnets.js';
import { GeoPolicy, type CountryOf, type GeoPolicyInput } from './geo-policy.js';
import type { Where } from '../geo/lookup.js';
import { compileZones, followZones, type NetworkZoneOf, type Zone, type ZoneInput } from './zones.js';

export { AttemptCounter, classify } from './attempts.js';
export {
  Decider, type BanEffect, type DecisionStats, type DeciderOptions, type Effect,
  type FraudEffect, type HangupEffect, type ResumeEffect, type SuspendEffect, type UnregisterEffect,
} from './decide.js';
export { ChallengeTracker } from './challenges.js';
export { accountName, compileAccounts, patternToRegExp, type AccountClass, type AccountInput, type Classified, type ClassifyAccount } from './accounts.js';
export { PolicyEngine, sortTiers, type Action, type BanDecision, type BanInForce, type FailureVerdict, type PolicyInput, type ScanPolicy, type ScanSettings, type Tier, scanInput } from './policy.js';
export { compileZones, followZones, manualBanRefusal, zoneOfTarget, type NetworkZoneOf, type Zone, type ZoneInput, type ZoneOf } from './zones.js';
export { GeoPolicy, geoClass, type CountryOf, type GeoClass, type GeoPolicyInput } from './geo-policy.js';
export { subnetInput, SUBNETS_OFF, type SubnetInput, type SubnetSettings, type SubnetSpared } from './subnets.js';

/** Rules beyond the tiers (issue "who may register from where"). All optional. */
export interface RuleInput {
  readonly accounts?: AccountInput;
  readonly extensionsInternalOnly?: boolean;
  /** Ban length (ms, null: until released) for a failed attempt on an extension from outside. */
  readonly externalExtensionBan?: number | null;
  /** Ban length when an extension authenticated from outside. */
  readonly compromisedBan?: number | null;
  /** Learned trust: how long an address stays known after a successful login; 0 or absent: off. */
  readonly learnFor?: number;
  /** Subnet escalation; absent: off. */
  readonly subnets?: SubnetInput;
  /** The country policy (geo-policy.ts); absent, or no `locate()`: off. */
  readonly geo?: GeoPolicyInput;
}

/** Something a person must hear about, beyond the failed-auth log. */
export interface Alert {
  readonly kind: 'extension_compromised' | 'extension_from_external' | 'internal_failures' | 'known_address_failures' | 'toll_fraud' | 'new_country';
  readonly at: number;
  readonly ip: string;
  readonly account: string;
  readonly service: string;
  readonly message: string;
  /** `new_country` and a login from a country not allowed: the country, and (new_country) the account's usual ones. */
  readonly country?: string;
  readonly usual?: readonly string[];
  /** Where the address is (geo/), added by the decider when geo is on. */
  readonly geo?: Where;
}

/** What happened to one event. */
export interface Outcome {
  readonly event: SecurityEvent;
  /** True for a failure report that repeats an attempt already counted. */
  readonly duplicate: boolean;
  /** Set for each newly counted failed attempt. */
  readonly verdict: FailureVerdict | null;
  /** A ban decided by a rule rather than by the counts (extension from outside, compromised secret). */
  readonly ruleBan: BanDecision | null;
  readonly alerts: readonly Alert[];
  /** The account's class, for events with an account. */
  readonly account: Classified | null;
  /**
   * Challenges of this or other addresses found unanswered by this event's time (each a
   * `scan` failure, counted once whatever number of sources reported it), oldest first.
   */
  readonly scans: readonly ScanOutcome[];
}

/** One scan: a challenge never answered, as a failure with reason `scan`, and what the policy made of it. */
export interface ScanOutcome {
  readonly event: AuthFailed;
  readonly verdict: FailureVerdict;
}

const NONE: readonly Alert[] = [];
/** How long after a person's release a successful login from that address is said to have come right after it (24 h). */
const RIGHT_AFTER_RELEASE = 86_400_000;
const NO_SCANS: readonly ScanOutcome[] = [];

/** Events in, decisions out. */
export class Engine {
  readonly attempts: AttemptCounter;
  readonly policy: PolicyEngine;
  readonly subnets: SubnetEscalation;
  readonly challenges: ChallengeTracker;
  private zones: NetworkZoneOf;
  private classifyAccount: ClassifyAccount;
  private rules: RuleInput;
  private geo: GeoPolicy | null = null;
  private countryOf: CountryOf | null = null;
  /** When each address or network was last released by a person (bounded; pruned past the longest window). */
  private readonly releasedAt = new Map<string, number>();

  constructor(policy: PolicyInput, zones: ZoneInput, rules: RuleInput = {}) {
    this.zones = compileZones(zones);
    this.attempts = new AttemptCounter();
    this.policy = new PolicyEngine(policy, this.zones);
    this.challenges = new ChallengeTracker(() => this.policy.scanning?.grace ?? 0);
    this.rules = rules;
    this.classifyAccount = compileAccounts(rules.accounts ?? { extensions: [], trunks: [], roaming: [] });
    const policyEngine = this.policy;
    this.subnets = new SubnetEscalation(rules.subnets ?? SUBNETS_OFF, {
      networkZone: (net) => this.zones.network(net),
      knownInside: (net, at) => policyEngine.knownInside(net, at),
      get protectionOn() { return policyEngine.protectionOn; },
    });
  }

  /**
   * The zone of an address (and with `network`, of a whole network) under the current
   * networks. Stable as a function value: it follows setZones.
   */
  readonly zoneOf: NetworkZoneOf = followZones(() => this.zones);

  /** Replaces the networks (edited in the dashboard); windows and bans are kept. */
  setZones(zones: ZoneInput): void {
    this.zones = compileZones(zones);
    this.policy.setZoneOf(this.zones);
  }

  /** Replaces the account rules (SIGHUP, PBX configuration changed); state is kept. */
  setRules(rules: RuleInput): void {
    this.rules = rules;
    this.classifyAccount = compileAccounts(rules.accounts ?? { extensions: [], trunks: [], roaming: [] });
    this.subnets.setInput(rules.subnets ?? SUBNETS_OFF);
    if (!rules.geo || !this.countryOf) this.geo = null;
    else if (this.geo) this.geo.setInput(rules.geo);
    else this.geo = new GeoPolicy(rules.geo, this.countryOf);
  }

  /** Replaces the country policy alone (edited in the dashboard; undefined: off); the countries each account used are kept. */
  setGeo(geo: GeoPolicyInput | undefined): void {
    this.setRules({ ...this.rules, geo });
  }

  /** The countries each account logged in from (country policy; [] without one), for the store. */
  accountCountries(): Array<[string, string[]]> {
    return this.geo?.snapshot() ?? [];
  }

  /** Takes back what {@link accountCountries} gave (after `locate`); anything else is skipped. Returns the accounts restored. */
  restoreAccountCountries(saved: unknown): number {
    return this.geo?.restore(saved) ?? 0;
  }

  /** Where addresses are, for the country policy (geo/), given once at start; null: no country policy. */
  locate(countryOf: CountryOf | null): void {
    this.countryOf = countryOf;
    this.geo = null;
    this.setRules(this.rules);
  }

  /**
   * Tells the engine that a ban of `ip` decided at `at` is now enforced; returns the
   * network ban this completes (subnet escalation), or why the network was spared.
   */
  escalate(ip: IpAddress, at: number): { decision: BanDecision | null; spared: SubnetSpared | null } {
    return this.subnets.noteBan(ip, at);
  }

  /** The active ban of an address or network at `at`, if any. */
  activeBan(target: BanTarget, at: number): { until: number | null; tier: number } | null {
    if (!isNetwork(target)) return this.policy.activeBan(target, at);
    const b = this.subnets.activeBan(target, at);
    return b && { until: b.until, tier: 0 };
  }

  /**
   * Records a ban decided elsewhere (a person, the store at start) without counting
   * anything; `by` names what made a ban of tier 0 (a rule's name; default `manual`).
   */
  applyBan(target: BanTarget, until: number | null, tier: number, by: string | null = null): void {
    if (isNetwork(target)) this.subnets.applyBan(target, until);
    else this.policy.applyBan(target, until, tier, by);
  }

  /** Withdraws a ban just decided (the kernel never saw the address, or the firewall refused). */
  cancelBan(target: BanTarget): void {
    if (isNetwork(target)) this.subnets.cancelBan(target);
    else this.policy.cancelBan(target);
  }

  /**
   * A failure another PBX of the cluster counted (cluster/, shared counting): added to the
   * address's window and judged by this node's own tiers and zones (never, trusted and
   * internal addresses are counted, not banned). No rule, alert or scan: those are the
   * other node's to judge. Null: it came from before the address's last release here.
   */
  remoteFailure(ip: IpAddress, at: number, reason: AuthFailed['reason']): FailureVerdict | null {
    // A failure from before a person released the address counts no more, however late it arrives.
    if ((this.releasedAt.get(ip) ?? Number.NEGATIVE_INFINITY) >= at) return null;
    return this.policy.failure(ip, at, reason);
  }

  /**
   * A ban another PBX of the cluster decided: applied here only where this node's own
   * zones allow it — never, trusted and internal addresses (internal unless ban_internal)
   * and networks touching any of them are refused — and while protection is on. Returns
   * the ban to enforce, or null (refused, or a ban at least as long already holds), with
   * the zone that decided.
   */
  remoteBan(target: BanTarget, at: number, until: number | null, by: string): { decision: BanDecision | null; zone: Zone } {
    if (!isNetwork(target)) {
      const decision = this.policy.forceBan(target, at, until === null ? null : until - at, by);
      return { decision, zone: this.zones(target) };
    }
    const zone = this.zones.network(target);
    if (zone !== 'external' || !this.policy.protectionOn) return { decision: null, zone };
    const current = this.subnets.activeBan(target, at);
    if (current && (current.until === null || (until !== null && current.until >= until))) return { decision: null, zone };
    this.subnets.applyBan(target, until);
    return { decision: { kind: 'ban', ip: target, at, until, tier: 0, failures: 0, reason: by }, zone };
  }

  /** A person released the address or network: its counts start afresh. Returns whether it was banned. */
  release(target: BanTarget, at: number): boolean {
    if (this.releasedAt.size >= 100_000) this.releasedAt.clear();
    this.releasedAt.set(target, at);
    if (isNetwork(target)) return this.subnets.release(target, at);
    this.subnets.forget(target);
    return this.policy.release(target, at);
  }

  /** The banned network holding `ip` at `at`, if any (an address released inside it stays blocked). */
  coveringBan(ip: IpAddress, at: number): Cidr | null {
    return this.subnets.covering(ip, at);
  }

  /** Drops state nothing will need again. */
  prune(now: number): void {
    this.attempts.prune(now);
    this.policy.prune(now);
    this.subnets.prune(now);
    const longest = Math.max(...this.policy.tiers().map((t) => t.within));
    for (const [t, at] of this.releasedAt) if (at < now - longest) this.releasedAt.delete(t);
  }

  /** The class of an account and why. */
  accountClass(account: string): Classified {
    return this.classifyAccount(account);
  }

  /** Processes one event at its own time. */
  handle(event: SecurityEvent): Outcome {
    const scans = this.judgeChallenges(event);
    if (event.kind === 'auth_succeeded') return this.success(event, scans);
    if (event.kind !== 'auth_failed') return { event, duplicate: false, verdict: null, ruleBan: null, alerts: NONE, account: null, scans };
    const account = this.classifyAccount(event.account);
    if (!this.attempts.record(event)) return { event, duplicate: true, verdict: null, ruleBan: null, alerts: NONE, account, scans };
    let verdict = this.policy.failure(event.ip, event.at, event.reason, misdialled(event, account));
    const alerts: Alert[] = [];
    let ruleBan: BanDecision | null = null;
    if (this.violates(account, verdict.zone)) {
      ruleBan = this.policy.forceBan(event.ip, event.at, this.rules.externalExtensionBan ?? 86_400_000, 'extension-from-external');
      // The rule's ban outlasts any tier's this failure reached: it is the one in force, and the only one to enforce.
      if (ruleBan) verdict = { ...verdict, action: 'banned', decision: null, ban: { tier: null, by: ruleBan.reason, until: ruleBan.until } };
      alerts.push(alert('extension_from_external', event, `attempt on extension ${JSON.stringify(event.account)} from external address ${event.ip}: extensions may only register from internal networks`));
    }
    const geo = ruleBan || !this.geo ? null : this.geo.failure(event.ip, event.service, account.cls, verdict.zone);
    if (geo && this.geo) {
      // Like extension-from-external: the country's ban is the one in force.
      ruleBan = this.policy.forceBan(event.ip, event.at, this.geo.banLength, geo.rule);
      if (ruleBan) verdict = { ...verdict, action: 'banned', decision: null, ban: { tier: null, by: ruleBan.reason, until: ruleBan.until } };
    }
    if (verdict.action === 'exempt' && verdict.zone === 'internal') {
      alerts.push(alert('internal_failures', event, `internal address ${event.ip} keeps failing to authenticate (${JSON.stringify(event.account)}): a phone with a stale password?`));
    } else if (verdict.tier !== null && this.policy.isKnown(event.ip, event.at)) {
      alerts.push(alert('known_address_failures', event, `known address ${event.ip} reached tier ${verdict.tier} failing on ${JSON.stringify(event.account)}`));
    }
    return { event, duplicate: false, verdict, ruleBan, alerts, account, scans };
  }

  /** No more events will come (the end of files replayed): every challenge still waiting for its answer is judged. */
  finish(): readonly ScanOutcome[] {
    return this.policy.scanning ? this.scanned(this.challenges.finish()) : NO_SCANS;
  }

  /** Feeds the challenge tracker; returns the scans that this event's time reveals. */
  private judgeChallenges(event: SecurityEvent): readonly ScanOutcome[] {
    if (!this.policy.scanning) return NO_SCANS;
    if (event.kind === 'challenge_sent') return this.scanned(this.challenges.challenge(event));
    if (event.kind === 'auth_failed' || event.kind === 'auth_succeeded') return this.scanned(this.challenges.answer(event));
    return this.scanned(this.challenges.tick(event.evidence.source, event.at));
  }

  private scanned(unanswered: readonly ChallengeSent[]): readonly ScanOutcome[] {
    if (unanswered.length === 0) return NO_SCANS;
    const out: ScanOutcome[] = [];
    for (const c of unanswered) {
      const event: AuthFailed = { ...c, kind: 'auth_failed', reason: 'scan', detail: 'challenge never answered' };
      // The same challenge in the security log and on AMI is one scan.
      if (this.attempts.record(event)) out.push({ event, verdict: this.policy.scan(event.ip, event.at) });
    }
    return out;
  }

  private success(event: AuthSucceeded, scans: readonly ScanOutcome[]): Outcome {
    const account = this.classifyAccount(event.account);
    // chan_sip's "Registered SIP '<peer>' at <addr>" prints the peer's Contact, which the client
    // chose: it is no evidence of where the login came from. The SuccessfulAuth event is.
    if (event.signature === 'chansip-registered') return { event, duplicate: false, verdict: null, ruleBan: null, alerts: NONE, account, scans };
    const zone = this.zones(event.ip);
    if (this.violates(account, zone)) {
      // One login reported by the security log and AMI alike raises one alarm, not two.
      if (!this.attempts.record(event)) return { event, duplicate: true, verdict: null, ruleBan: null, alerts: NONE, account, scans };
      // Right after a person released this address the likeliest story is the owner's own phone: the ban still
      // comes (a stolen secret looks the same), but its reason and the alert say so, and how to mark the phone.
      const released = this.releasedAt.get(event.ip);
      const afterRelease = released !== undefined && released <= event.at && event.at - released <= RIGHT_AFTER_RELEASE;
      const ruleBan = this.policy.forceBan(event.ip, event.at, this.rules.compromisedBan ?? null, afterRelease ? 'extension-compromised-after-release' : 'extension-compromised');
      const a = alert('extension_compromised', event, afterRelease
        ? `extension ${JSON.stringify(event.account)} AUTHENTICATED from external address ${event.ip} right after a person released that address (${new Date(released).toISOString()}), so it is banned again: if this is your own phone, use "This is my phone" on its ban in the dashboard (or list the extension in accounts.roaming); if it is not, its secret is known to an attacker — change it now`
        : `extension ${JSON.stringify(event.account)} AUTHENTICATED from external address ${event.ip}: its secret is known to an attacker — change it now`);
      return { event, duplicate: false, verdict: null, ruleBan, alerts: [a], account, scans };
    }
    const geo = this.geo?.success(event.ip, event.account, event.service, account.cls, zone);
    if (geo?.notAllowed) {
      if (!this.attempts.record(event)) return { event, duplicate: true, verdict: null, ruleBan: null, alerts: NONE, account, scans };
      const ruleBan = this.policy.forceBan(event.ip, event.at, this.rules.compromisedBan ?? null, 'country-not-allowed');
      const a = { ...alert('extension_compromised', event, `${JSON.stringify(event.account)} AUTHENTICATED from ${event.ip} in ${geo.notAllowed}, a country it may not log in from: its secret is known to an attacker — change it now`), country: geo.notAllowed };
      return { event, duplicate: false, verdict: null, ruleBan, alerts: [a], account, scans };
    }
    if (this.rules.learnFor && zone !== 'never') this.policy.learn(event.ip, event.at + this.rules.learnFor);
    if (geo?.newCountry) {
      const { country, usual } = geo.newCountry;
      const a = { ...alert('new_country', event, `${JSON.stringify(event.account)} authenticated from ${event.ip} in ${country}, a country it never used (usually ${usual.join(', ')})`), country, usual };
      return { event, duplicate: false, verdict: null, ruleBan: null, alerts: [a], account, scans };
    }
    return { event, duplicate: false, verdict: null, ruleBan: null, alerts: NONE, account, scans };
  }

  private violates(account: Classified, zone: Zone): boolean {
    return Boolean(this.rules.extensionsInternalOnly) && account.cls === 'extension' && zone === 'external';
  }
}

function alert(kind: Alert['kind'], e: LocatedEvent, message: string): Alert {
  return { kind, at: e.at, ip: e.ip, account: e.account, service: e.service, message };
}

/**
 * A call refused because the number does not exist, from an account that may make
 * calls: logged, never counted. A provider sending a number the dial plan lacks (a
 * trunk) reads like a scanner's probe, and so does a phone misdialling from the road —
 * but only chan_pjsip names the endpoint it identified (authenticated, or matched by
 * address); chan_sip's account is the caller's own text, so there only trunks are
 * exempt. An anonymous or unknown caller's probe always counts.
 */
function misdialled(event: AuthFailed, account: Classified): boolean {
  if (event.reason !== 'no_extension') return false;
  if (account.cls === 'trunk') return true;
  return event.signature === 'pjsip-call-rejected' && (account.cls === 'extension' || account.cls === 'roaming');
}

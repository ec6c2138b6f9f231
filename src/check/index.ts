/**
 * `sipwarden check`: replay log files offline through the parsers, the attempt
 * counter and the policy engine, with the events' own times, and report what would
 * be banned — the fail2ban-regex of sipwarden. No store, no firewall, no clock.
 */
import ipaddr from 'ipaddr.js';
import type { AuthFailed, FailureReason, SecurityEvent, Service } from '../domain/events.js';
import { ipv4ToInt, isNetwork, type BanTarget, type IpAddress } from '../domain/ip.js';
import { Engine, type BanDecision, type PolicyInput, type RuleInput, type ScanOutcome, type Zone, type ZoneInput } from '../engine/index.js';
import { replayFiles, type FileStats } from '../sources/replay.js';

export interface CheckedAttempt {
  readonly at: number;
  readonly ip: IpAddress;
  readonly port: number | null;
  readonly service: Service;
  readonly account: string;
  readonly reason: FailureReason;
  readonly source: string;
  readonly line: number;
}

export interface CheckReport {
  readonly lines: number;
  readonly events: number;
  readonly attempts: number;
  /** Challenges never answered (reason `scan`), each counted once; not among `attempts`. */
  readonly scans: number;
  readonly duplicates: number;
  readonly injections: number;
  readonly oversized: number;
  readonly files: readonly FileStats[];
  /** Addresses with failed attempts or scans; `failures` counts the attempts only. */
  readonly addresses: ReadonlyArray<{ ip: IpAddress; failures: number; scans: number; zone: Zone }>;
  /** Addresses and, from subnet escalation, networks. A network's `failures` is how many of its addresses were banned. */
  readonly bans: ReadonlyArray<{ ip: BanTarget; tier: number; until: number | null; failures: number }>;
  /** Every counted attempt and scan, in order; only collected when asked for. */
  readonly attemptList: readonly CheckedAttempt[];
}

/** Numeric address order: IPv4 before IPv6, each by value; a network right after its base address. */
export function compareIp(a: string, b: string): number {
  const sa = a.indexOf('/');
  const sb = b.indexOf('/');
  if (sa >= 0 || sb >= 0) {
    const base = compareIp(sa >= 0 ? a.slice(0, sa) : a, sb >= 0 ? b.slice(0, sb) : b);
    return base !== 0 ? base : (sa >= 0 ? Number(a.slice(sa + 1)) : 129) - (sb >= 0 ? Number(b.slice(sb + 1)) : 129);
  }
  const ia = ipv4ToInt(a);
  const ib = ipv4ToInt(b);
  if (ia >= 0 || ib >= 0) return ia >= 0 && ib >= 0 ? ia - ib : ia >= 0 ? -1 : 1;
  const pa = ipaddr.IPv6.parse(a).toByteArray();
  const pb = ipaddr.IPv6.parse(b).toByteArray();
  for (let i = 0; i < 16; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}

/** Replays `paths` and returns the report. Throws SipwardenError INPUT_UNREADABLE for unreadable files. */
export function runCheck(paths: readonly string[], policy: PolicyInput, zones: ZoneInput, opts: { listAttempts?: boolean; rules?: RuleInput } = {}): CheckReport {
  const engine = new Engine(policy, zones, opts.rules);
  const failures = new Map<IpAddress, number>();
  const bans = new Map<BanTarget, { tier: number; until: number | null; failures?: number }>();
  // A ban merges into the target's earlier one (longest end, highest tier); each address ban
  // may complete its network's count (subnet escalation: no kernel here, so every ban counts).
  const record = (d: BanDecision): void => {
    const prev = bans.get(d.ip);
    const until = d.until === null || prev?.until === null ? null : Math.max(d.until, prev?.until ?? 0);
    bans.set(d.ip, { tier: Math.max(d.tier, prev?.tier ?? 0), until, failures: isNetwork(d.ip) ? d.failures : undefined });
    if (!isNetwork(d.ip)) {
      const net = engine.escalate(d.ip, d.at).decision;
      if (net) record(net);
    }
  };
  const attemptList: CheckedAttempt[] = [];
  const scanned = new Map<IpAddress, number>();
  let events = 0;
  let attempts = 0;
  let scans = 0;
  const list = (ev: AuthFailed): void => {
    attemptList.push({ at: ev.at, ip: ev.ip, port: ev.port, service: ev.service, account: ev.account, reason: ev.reason, source: ev.evidence.source, line: ev.evidence.line });
  };
  // A challenge never answered: counted apart from failed logins, against policy.scan.
  const scan = (s: ScanOutcome): void => {
    scans++;
    scanned.set(s.event.ip, (scanned.get(s.event.ip) ?? 0) + 1);
    if (opts.listAttempts) list(s.event);
    if (s.verdict.decision) record(s.verdict.decision);
  };
  let duplicates = 0;
  let injections = 0;
  const files = replayFiles(paths, (ev: SecurityEvent) => {
    events++;
    if (ev.kind === 'injection_suspected') {
      injections++;
      return;
    }
    const out = engine.handle(ev);
    for (const s of out.scans) scan(s);
    if (out.duplicate) duplicates++;
    if (out.ruleBan) record(out.ruleBan);
    const v = out.verdict;
    if (!v || ev.kind !== 'auth_failed' || v.action === 'not_counted') return;
    attempts++;
    failures.set(ev.ip, (failures.get(ev.ip) ?? 0) + 1);
    if (opts.listAttempts) list(ev);
    if (v.decision) record(v.decision);
  }, policy.scan ? 'all' : needsSuccesses(opts.rules) ? 'auth' : 'failures'); // challenges and successes, when nothing uses them, are skipped unparsed
  // The end of the files: no answer will come to the challenges still waiting for one.
  for (const s of engine.finish()) scan(s);
  const addresses = [...new Set([...failures.keys(), ...scanned.keys()])]
    .sort((a, b) => compareIp(a, b))
    .map((ip) => ({ ip, failures: failures.get(ip) ?? 0, scans: scanned.get(ip) ?? 0, zone: engine.zoneOf(ip) }));
  const banList = [...bans.entries()]
    .sort((a, b) => compareIp(a[0], b[0]))
    .map(([ip, b]) => ({ ip, tier: b.tier, until: b.until, failures: b.failures ?? failures.get(ip as IpAddress) ?? 0 }));
  return {
    lines: files.reduce((n, f) => n + f.lines, 0),
    events,
    attempts,
    scans,
    duplicates,
    injections,
    oversized: files.reduce((n, f) => n + f.oversized, 0),
    files,
    addresses,
    bans: banList,
    attemptList,
  };
}

/** Successful logins change the outcome only through learned trust or extensions_internal_only. */
function needsSuccesses(rules: RuleInput | undefined): boolean {
  return Boolean(rules && (rules.learnFor || rules.extensionsInternalOnly));
}

/** The JSON contract of `sipwarden check --json`. */
export function reportJson(r: CheckReport): object {
  return {
    lines: r.lines,
    events: r.events,
    attempts: r.attempts,
    scans: r.scans,
    // An address's `scans` only where it scanned: the shape of the others stays {ip, failures, zone}.
    addresses: r.addresses.map(({ scans, ...a }) => (scans ? { ...a, scans } : a)),
    bans: r.bans.map((b) => ({ ip: b.ip, tier: b.tier, until: b.until === null ? 'permanent' : new Date(b.until).toISOString(), failures: b.failures })),
  };
}

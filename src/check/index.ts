/**
 * `sipwarden check`: replay log files offline through the parsers, the attempt
 * counter and the policy engine, with the events' own times, and report what would
 * be banned — the fail2ban-regex of sipwarden. AMI captures' call events and CDR files
 * (Master.csv) go through the toll-fraud guard as well, and the report says what it
 * would have done. No store, no firewall, no clock.
 */
import ipaddr from 'ipaddr.js';
import type { FailureReason, SecurityEvent, Service } from '../domain/events.js';
import { ipv4ToInt, isNetwork, type BanTarget, type IpAddress } from '../domain/ip.js';
import { Decider, Engine, type Effect, type PolicyInput, type RuleInput, type Zone, type ZoneInput } from '../engine/index.js';
import { FraudDecider, type FraudAction, type FraudInput } from '../fraud/index.js';
import type { Locator, Where } from '../geo/index.js';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { replayFiles, type FileStats } from '../sources/replay.js';
import { readCallInputs, type CallFileStats } from './calls.js';
import { ParsePool } from './parallel.js';

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
  readonly addresses: ReadonlyArray<{ ip: IpAddress; failures: number; scans: number; zone: Zone; where?: Where }>;
  /** Addresses and, from subnet escalation, networks. A network's `failures` is how many of its addresses were banned. */
  readonly bans: ReadonlyArray<{ ip: BanTarget; tier: number; until: number | null; failures: number }>;
  /** Every counted attempt and scan, in order; only collected when asked for. */
  readonly attemptList: readonly CheckedAttempt[];
  /** What the toll-fraud guard would have done; null when no input held calls (or the guard is off). */
  readonly calls: CheckedCalls | null;
}

/** One decision of the toll-fraud guard, as `check --json` reports it. */
export interface FraudEntry {
  readonly account: string;
  /** `high_risk`, `calls/1m`, `suspended` (a call of an account already suspended)… */
  readonly rule: string;
  readonly at: number;
  /** E.164, or the number as dialled when it cannot be normalised. */
  readonly destination: string;
  /** ISO 3166-1 alpha-2, `001` for non-geographic numbers, null when unknown. */
  readonly country: string | null;
  readonly action: readonly FraudAction[];
  /** The count the rule reached: calls within its window, calls at once, minutes; 1 for a destination rule. */
  readonly calls: number;
}

/** The guard's part of the report. */
export interface CheckedCalls {
  readonly files: readonly CallFileStats[];
  /** Calls that left through a trunk (each judged once). */
  readonly trunkCalls: number;
  /** In time order. */
  readonly fraud: readonly FraudEntry[];
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

/**
 * Replays `paths` and returns the report. The engine's decisions are the daemon's
 * (engine/decide.ts); this runner only collects them, and every ban counts as enforced
 * (no kernel here), so subnet escalation sees it. Throws SipwardenError
 * INPUT_UNREADABLE for unreadable files.
 *
 * `workers`: threads that parse the log files (parallel.ts), the decisions staying
 * here; 0 parses here. By default big inputs get them when the machine has the cores.
 * `workerScript` is the worker's module (tests running the sources point it at dist/).
 */
export function runCheck(
  paths: readonly string[], policy: PolicyInput, zones: ZoneInput,
  opts: { listAttempts?: boolean; rules?: RuleInput; fraud?: FraudInput; geo?: Locator | null; workers?: number; workerScript?: URL } = {},
): CheckReport {
  const engine = new Engine(policy, zones, opts.rules);
  // With geo: the country policy decides as live, and each address says where it is.
  if (opts.geo) engine.locate(opts.geo.country);
  const decider = new Decider(engine);
  const failures = new Map<IpAddress, number>();
  const scanned = new Map<IpAddress, number>();
  const bans = new Map<BanTarget, { tier: number; until: number | null; failures: number }>();
  const attemptList: CheckedAttempt[] = [];
  const fraud: FraudEntry[] = [];
  let attempts = 0;
  let scans = 0;
  const collect = (effects: readonly Effect[], at: number): void => {
    for (const e of effects) {
      if (e.kind === 'failure') {
        // Attempts: the failures that count; scans (challenges never answered) apart.
        if (e.scan) {
          scans++;
          scanned.set(e.row.ip, (scanned.get(e.row.ip) ?? 0) + 1);
        } else if (e.counted) {
          attempts++;
          failures.set(e.row.ip, (failures.get(e.row.ip) ?? 0) + 1);
        } else continue;
        if (opts.listAttempts) {
          const r = e.row;
          attemptList.push({ at: r.at, ip: r.ip, port: r.port, service: r.service, account: r.account, reason: r.reason, source: r.source ?? '', line: r.line ?? 0 });
        }
      } else if (e.kind === 'ban') {
        // The engine's ban in force for the target (longest end, highest tier); a later one supersedes.
        const b = e.ban;
        const prev = bans.get(b.ip);
        const until = b.expiresAt === null || prev?.until === null ? null : Math.max(b.expiresAt, prev?.until ?? 0);
        bans.set(b.ip, { tier: Math.max(b.tier, prev?.tier ?? 0), until, failures: b.failures });
        collect(decider.enforced(e, at), at);
      } else if (e.kind === 'fraud') {
        const f = e.finding;
        const d = f.call?.destination;
        fraud.push({ account: f.account, rule: f.rule, at: f.at, destination: d?.e164 ?? d?.dialled ?? '', country: d?.country ?? null, action: f.actions, calls: f.count });
      }
    }
  };
  const script = opts.workerScript ?? WORKER_SCRIPT;
  // Run from the sources (tests), the worker's module is not built: parse here.
  const workers = opts.workers ?? (fs.existsSync(fileURLToPath(script)) ? defaultWorkers(paths) : 0);
  const pool = workers > 0 ? new ParsePool(workers, script) : null;
  let files: FileStats[];
  try {
    files = replayFiles(paths, (ev: SecurityEvent) => collect(decider.decide(ev, ev.at), ev.at),
      policy.scan ? 'all' : needsSuccesses(opts.rules) || (opts.geo && opts.rules?.geo) ? 'auth' : 'failures', // challenges and successes, when nothing uses them, are skipped unparsed
      pool ? (path, refTime, interest) => pool.open(path, refTime, interest) : undefined);
  } finally {
    pool?.close();
  }
  // The end of the files: no answer will come to the challenges still waiting for one.
  collect(decider.finish(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  const calls = opts.fraud?.enabled ? checkCalls(paths, engine, opts.fraud, collect, fraud) : null;
  const addresses = [...new Set([...failures.keys(), ...scanned.keys()])]
    .sort((a, b) => compareIp(a, b))
    .map((ip) => ({ ip, failures: failures.get(ip) ?? 0, scans: scanned.get(ip) ?? 0, zone: engine.zoneOf(ip), ...(opts.geo ? { where: opts.geo.where(ip) } : {}) }));
  const banList = [...bans.entries()]
    .sort((a, b) => compareIp(a[0], b[0]))
    .map(([ip, b]) => ({ ip, tier: b.tier, until: b.until, failures: isNetwork(ip) ? b.failures : (failures.get(ip as IpAddress) ?? 0) }));
  return {
    lines: files.reduce((n, f) => n + f.lines, 0),
    events: decider.stats.events,
    attempts,
    scans,
    duplicates: decider.stats.duplicates,
    injections: decider.stats.injections,
    oversized: files.reduce((n, f) => n + f.oversized, 0),
    files,
    addresses,
    bans: banList,
    attemptList,
    calls,
  };
}

/**
 * The guard over the call inputs among `paths` (after the failures: its bans go through
 * the same engine and collector). Null when no file held calls.
 */
function checkCalls(
  paths: readonly string[], engine: Engine, input: FraudInput,
  collect: (effects: readonly Effect[], at: number) => void, fraud: FraudEntry[],
): CheckedCalls | null {
  const { items, files } = readCallInputs(paths);
  if (files.length === 0) return null;
  const decider = new FraudDecider(engine, input);
  const ticking = input.rules.some((r) => r.rule === 'minutes');
  for (const item of items) {
    collect(decider.decide(item, item.at), item.at);
    if (ticking) collect(decider.tick(item.at), item.at);
  }
  return { files, trunkCalls: decider.guard.stats.calls, fraud: fraud.sort((a, b) => a.at - b.at) };
}

/** The parse workers' module, built beside this one. */
const WORKER_SCRIPT = new URL('./parse-worker.js', import.meta.url);

/** Inputs of at least this many bytes are parsed on worker threads (below it, starting them costs more than it saves). */
const PARALLEL_FROM = 16 * 1024 * 1024;

/**
 * Parse workers for `paths`: for big inputs, one per core beyond two, up to two. With
 * two cores a worker does not pay (bench/README.md, check-throughput): the decisions
 * and the parsing each take about half the work, and sending the events across costs
 * about what the second core saves.
 */
function defaultWorkers(paths: readonly string[]): number {
  let bytes = 0;
  for (const p of paths) {
    try {
      bytes += fs.statSync(p).size;
    } catch {
      // Unreadable: the replay says so.
    }
  }
  const cores = os.availableParallelism();
  return bytes >= PARALLEL_FROM ? Math.max(0, Math.min(2, cores - 2)) : 0;
}

/** Successful logins change the outcome only through learned trust or extensions_internal_only. */
function needsSuccesses(rules: RuleInput | undefined): boolean {
  return Boolean(rules && (rules.learnFor || rules.extensionsInternalOnly));
}

function placeJson(w: Where): object {
  return { country: w.country, ...(w.asn !== null ? { asn: w.asn, network: w.network } : {}) };
}

/** The JSON contract of `sipwarden check --json`. */
export function reportJson(r: CheckReport): object {
  return {
    lines: r.lines,
    events: r.events,
    attempts: r.attempts,
    scans: r.scans,
    // An address's `scans` only where it scanned: the shape of the others stays {ip, failures, zone}.
    // With geo on, `country` (null: unknown) and, with a network database, `asn` and `network`.
    addresses: r.addresses.map(({ scans, where, ...a }) => ({ ...a, ...(scans ? { scans } : {}), ...(where ? placeJson(where) : {}) })),
    bans: r.bans.map((b) => ({ ip: b.ip, tier: b.tier, until: b.until === null ? 'permanent' : new Date(b.until).toISOString(), failures: b.failures })),
    // Only when an input held calls: the shape of a check of log files stays as it was.
    ...(r.calls ? { fraud: r.calls.fraud.map((f) => ({ ...f, at: new Date(f.at).toISOString() })) } : {}),
  };
}

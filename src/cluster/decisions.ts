/**
 * What a message from another PBX means here: decisions as data, like engine/decide.ts
 * (pure: no I/O, no clock), applied by the same runner (daemon/pipeline.ts `remote`).
 *
 * - A failure (shared counting) goes into the address's window under this node's tiers
 *   and zones; only when it completes a tier does anything happen here: the failed-auth
 *   line of that failure (source `cluster:<node>`) and the ban. No failure row: the
 *   failure is the other PBX's to store.
 * - A ban goes through this node's own zones (`Engine.remoteBan`): an address internal,
 *   trusted or never-banned here stays unbanned here, whatever the cluster says.
 * - Ban effects made here carry `remote`: they are not published again (every node of a
 *   shared group reaches the same count itself) and feed no subnet escalation (the node
 *   that decided the ban escalates, and publishes the network ban).
 * - Nothing already over is applied: a ban that ended, or a tier whose ban ended.
 */
import type { AuthFailed } from '../domain/events.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import type { BanEffect, Effect, Engine } from '../engine/index.js';
import { formatDuration } from '../domain/duration.js';
import { formatFailure } from '../faillog/format.js';
import type { Where } from '../geo/index.js';
import type { RemoteMessage } from './types.js';

const NONE: readonly Effect[] = Object.freeze([]);

/**
 * The effects of `m` (a failure or a ban; releases are no decision: see inbox.ts) on this
 * node at `now`. `publish`: a ban a shared count reaches here is published too — set for
 * the one node whose own failure is the latest the ban stands on (inbox.ts), so a ban two
 * nodes reach at the same instant is in the stream once, not never or twice.
 */
export function remoteEffects(engine: Engine, m: RemoteMessage, now: number, publish = false, geo?: (ip: string) => Where): readonly Effect[] {
  if (m.type === 'failure') return remoteFailure(engine, m, now, publish, geo);
  if (m.type !== 'ban') return NONE;
  if (m.until !== null && m.until <= now) return NONE;
  const { decision, zone } = engine.remoteBan(m.target, m.at, m.until, `cluster:${m.origin}`);
  if (!decision) {
    if (zone === 'external') return NONE; // a ban at least as long already holds
    return [{ kind: 'say', level: 'info', fields: { ip: m.target, zone, origin: m.origin }, msg: `not banned here: another PBX banned it, but it is ${zone} on this one` }];
  }
  const cause = eventOf(m, m.target.split('/')[0] as string);
  const ban: BanEffect = {
    kind: 'ban', ifSeen: false, cause, remote: m.origin,
    ban: {
      ip: m.target, reason: m.reason, tier: m.tier, source: m.source, failures: 0, evidence: [cause.evidence], accounts: [],
      createdAt: m.at, expiresAt: m.until, createdBy: `cluster:${m.origin}`,
    },
  };
  return [{ kind: 'say', level: 'info', fields: { ip: m.target, origin: m.origin, until: m.until }, msg: 'banned on the word of another PBX of the cluster' }, ban];
}

function remoteFailure(engine: Engine, m: RemoteMessage & { type: 'failure' }, now: number, publish: boolean, geo?: (ip: string) => Where): readonly Effect[] {
  const v = engine.remoteFailure(m.ip, m.at, m.reason);
  const d = v?.decision;
  if (!v || !d || (d.until !== null && d.until <= now)) return NONE;
  const ev = { ...eventOf(m, m.ip), service: m.service, account: m.account, reason: m.reason };
  const current = engine.activeBan(d.ip, now);
  const until = current ? current.until : d.until;
  const reason = `${d.reason} (shared: the last on ${m.origin})`;
  const told: readonly Effect[] = publish
    ? [{ kind: 'cluster', message: { type: 'ban', target: d.ip, at: d.at, until, tier: d.tier, reason, source: 'policy' } }]
    : NONE;
  return [{
    kind: 'log',
    line: formatFailure({
      at: m.at, ip: m.ip, port: null, service: m.service, account: m.account, reason: m.reason, zone: v.zone,
      counts: v.counts.map((n, i) => ({ n, within: formatDuration(v.windows[i] ?? 0) })), action: v.action, tier: v.tier, until,
      decoys: [], source: ev.evidence.source, line: 0, geo: geo?.(m.ip),
    }),
  }, {
    kind: 'ban', ifSeen: false, cause: ev, remote: m.origin,
    ban: {
      ip: d.ip, reason, tier: d.tier, source: 'policy', failures: d.failures,
      evidence: [ev.evidence], accounts: [m.account], createdAt: d.at, expiresAt: until,
    },
  }, ...told];
}

/** The event a remote ban or failure stands on, for the runner's records: its evidence names the node. */
function eventOf(m: RemoteMessage, address: string): AuthFailed {
  return {
    kind: 'auth_failed', at: m.at, service: 'cluster', ip: (parseIp(address) ?? address) as IpAddress, port: null, account: '', session: null,
    signature: 'security-log', decoys: [], reason: 'other', detail: `reported by ${m.origin}`,
    evidence: { source: `cluster:${m.origin}`, line: 0, text: '' },
  };
}

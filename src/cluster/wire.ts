/**
 * Cluster messages as Redis stream entries: flat field/value pairs, one letter each.
 *
 * Another node's entry is data, never trusted: every field is checked again here, as if
 * an attacker wrote it (whoever can write to the stream can). Addresses and networks are
 * parsed again (`parseIp`, `parseBanTarget`) and only their canonical form goes on; the
 * origin and identity must be plain words; times, tiers and reasons must be what this
 * version writes; free text (account, ban reason, who released) is cut to a bound and
 * its control and direction characters replaced, and stays data wherever it goes (the
 * store, the failed-auth log's escaping, the daemon's JSON log). Nothing here ever
 * becomes a key name or a command. An entry that fails a check is dropped with its reason.
 */
import { FAILURE_REASONS } from '../config/schema.js';
import { NODE_NAME } from '../config/cluster.js';
import { parseBanTarget, parseIp, UNSAFE_CHARS, type FailureReason } from '../domain/index.js';
import type { ClusterMessage, RemoteMessage } from './types.js';

/** The wire format's version, the first field of every entry. */
export const WIRE_VERSION = '1';
/** An event identity: `<boot>.<sequence>` as `Outbox` makes them. */
const EID = /^[A-Za-z0-9.-]{1,40}$/;
const SERVICE = /^[A-Za-z0-9_-]{1,16}$/;
const MS = /^\d{1,15}$/;
const REASONS: ReadonlySet<string> = new Set<string>(FAILURE_REASONS);

/** The stream entry's fields for `m`, published by `origin` as its event `eid`. */
export function encode(m: ClusterMessage, origin: string, eid: string): string[] {
  const head = ['v', WIRE_VERSION, 'o', origin, 'e', eid, 'at', String(Math.trunc(m.at))];
  switch (m.type) {
    case 'failure':
      return [...head, 'k', 'f', 'ip', m.ip, 'r', m.reason, 's', m.service, 'a', m.account];
    case 'ban':
      return [...head, 'k', 'b', 'ip', m.target, 'u', m.until === null ? '' : String(Math.trunc(m.until)), 't', String(m.tier), 'r', m.reason, 'src', m.source];
    case 'release':
      return [...head, 'k', 'r', 'ip', m.target, 'by', m.by];
  }
}

/** The checked message of a stream entry, or why it was dropped. */
export type Decoded = { readonly message: RemoteMessage } | { readonly problem: string };

/** Reads one entry's fields (as Redis returns them: [field, value, field, value…]). */
export function decode(fields: readonly string[]): Decoded {
  if (fields.length > 40 || fields.length % 2) return { problem: 'not an entry of this format' };
  const f = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) f.set(fields[i] as string, fields[i + 1] as string);
  if (f.get('v') !== WIRE_VERSION) return { problem: 'another format version' };
  const origin = f.get('o') ?? '';
  const eid = f.get('e') ?? '';
  if (!NODE_NAME.test(origin)) return { problem: 'no node name' };
  if (!EID.test(eid)) return { problem: 'no event identity' };
  const at = ms(f.get('at'));
  if (at === null) return { problem: 'no time' };
  const base = { origin, eid, at };
  switch (f.get('k')) {
    case 'f': {
      const ip = parseIp(f.get('ip') ?? '');
      const reason = f.get('r') ?? '';
      if (!ip) return { problem: 'no address' };
      if (!REASONS.has(reason)) return { problem: 'no failure reason' };
      const service = f.get('s') ?? '';
      return { message: { ...base, type: 'failure', ip, reason: reason as FailureReason, service: SERVICE.test(service) ? service : 'other', account: data(f.get('a'), 256) } };
    }
    case 'b': {
      const target = parseBanTarget(f.get('ip') ?? '');
      const u = f.get('u');
      const until = u === '' ? null : ms(u);
      const tier = Number(f.get('t'));
      if (!target) return { problem: 'no address or network' };
      if (until === null && u !== '') return { problem: 'no ban end' };
      if (!Number.isInteger(tier) || tier < 0 || tier > 1000 || !/^\d{1,4}$/.test(f.get('t') ?? '')) return { problem: 'no tier' };
      const source = f.get('src') === 'manual' ? 'manual' : 'policy';
      return { message: { ...base, type: 'ban', target, until, tier, reason: data(f.get('r'), 200), source } };
    }
    case 'r': {
      const target = parseBanTarget(f.get('ip') ?? '');
      if (!target) return { problem: 'no address or network' };
      return { message: { ...base, type: 'release', target, by: data(f.get('by'), 100) } };
    }
    default:
      return { problem: 'unknown kind' };
  }
}

function ms(s: string | undefined): number | null {
  return s !== undefined && MS.test(s) ? Number(s) : null;
}

/** Free text from another node: at most `max` characters, control and direction characters replaced. */
function data(s: string | undefined, max: number): string {
  return (s ?? '').slice(0, max).replace(UNSAFE_CHARS, '\uFFFD');
}

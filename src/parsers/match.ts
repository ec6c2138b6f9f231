/**
 * What a message pattern yields, and the helpers every pattern shares: one fixed
 * result shape, the SIP user of a From/To value, and the collection of every
 * slot-shaped candidate between attacker-chosen fields.
 */
import type { FailureReason, Signature } from '../domain/events.js';
import { parseHostPort, type Endpoint } from './address.js';

export interface MessageMatch {
  readonly signature: Exclude<Signature, 'security-log' | 'ami-event' | 'http-login-failed'>;
  readonly service: 'PJSIP' | 'SIP' | 'AMI' | 'IAX2';
  readonly outcome: 'failed' | 'succeeded';
  readonly reason: FailureReason;
  readonly detail: string;
  /** The address, or null when the slot is ambiguous (see `candidates`). */
  readonly endpoint: Endpoint | null;
  /** Every slot-shaped address candidate when more than one was found. */
  readonly candidates: readonly string[];
  /** Address-shaped text in attacker-chosen parts (recorded as decoys). */
  readonly decoys: readonly string[];
  readonly account: string;
  readonly session: string | null;
  /** The dialled number, for reason `no_extension`. */
  readonly extension: string;
}

export type Head = Pick<MessageMatch, 'signature' | 'service' | 'outcome' | 'reason' | 'detail'>;
export type Rest = Partial<Pick<MessageMatch, 'endpoint' | 'candidates' | 'decoys' | 'account' | 'session' | 'extension'>>;
const NO: readonly string[] = [];

/** Builds a match with one fixed shape (monomorphic on the hot path; no spreads). */
export function mk(h: Head, r: Rest = {}): MessageMatch {
  return {
    signature: h.signature, service: h.service, outcome: h.outcome, reason: h.reason, detail: h.detail,
    endpoint: r.endpoint ?? null, candidates: r.candidates ?? NO, decoys: r.decoys ?? NO,
    account: r.account ?? '', session: r.session ?? null, extension: r.extension ?? '',
  };
}

/** The user part of a SIP URI inside a From/To value, e.g. `"100" <sip:100@host>` gives `100`. */
export function sipUser(text: string): string {
  let i = text.lastIndexOf('<sip:');
  let skip = 5;
  if (i < 0) { i = text.lastIndexOf('<sips:'); skip = 6; }
  if (i < 0) { i = text.lastIndexOf('sip:'); skip = 4; }
  if (i < 0) return text;
  const start = i + skip;
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 64 /* @ */ || c === 62 /* > */ || c === 59 /* ; */ || c === 58 /* : */) break;
    end++;
  }
  return text.slice(start, end);
}

/** All `<open>ADDR<close>` occurrences whose ADDR is an address; positions of the opener. */
export function slots(
  msg: string, open: string, close: string, parse: (text: string) => Endpoint | null = parseHostPort,
): Array<{ at: number; end: number; text: string; endpoint: Endpoint | null }> {
  const found: Array<{ at: number; end: number; text: string; endpoint: Endpoint | null }> = [];
  let i = msg.indexOf(open);
  while (i >= 0) {
    const start = i + open.length;
    // A slot holds at most 64 characters: look for its end only that far, so that many
    // openers cannot make this quadratic.
    const rel = msg.slice(start, start + 64 + close.length).indexOf(close);
    if (rel >= 0) {
      const text = msg.slice(start, start + rel);
      found.push({ at: i, end: start + rel + close.length, text, endpoint: parse(text) });
    }
    i = msg.indexOf(open, start);
  }
  return found;
}

/** The end of every "rejected because extension not found" NOTICE; only the context (configuration) follows it. */
export const NOT_FOUND = "' rejected because extension not found in context '";

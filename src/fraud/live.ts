/**
 * The live trunk calls: each caller channel that started a trunk call, with its trunk
 * legs, until its Hangup; and the accounts of new channels, for calls whose caller is a
 * Local channel (its Linkedid names the channel that started the call).
 *
 * Invariants: a call is in the table from its first trunk DialBegin to its caller's
 * Hangup; every leg in `legs` belongs to a call in `calls`; a call is "up" while it has
 * a leg or was answered, and is not `stopping`. Bounded: entries leave at their Hangup,
 * stale ones through `prune`, and the channel map is cleared past 200,000 entries.
 */
import type { Evidence } from '../domain/events.js';
import type { Destination } from './destinations.js';

/** One live trunk call. */
export interface LiveCall {
  readonly account: string;
  readonly channel: string;
  readonly uniqueid: string;
  readonly exten: string;
  readonly trunk: string;
  readonly destination: Destination;
  readonly start: number;
  /** The DialBegin frame (or CDR line) that started it. */
  readonly evidence: Evidence;
  /** Trunk legs still up (their Uniqueids). */
  readonly legs: Set<string>;
  answeredAt: number | null;
  /** The guard decided to hang it up (at `stoppedAt`). */
  stopping: boolean;
  stoppedAt: number;
}

export class LiveCalls {
  private readonly calls = new Map<string, LiveCall>();
  private readonly legs = new Map<string, string>();
  private readonly channels = new Map<string, string>();

  /** A new channel of an account (Newchannel): remembered for Local channels' calls. */
  channelCreated(uniqueid: string, account: string): void {
    if (this.channels.size >= 200_000) this.channels.clear();
    this.channels.set(uniqueid, account);
  }

  /** The account of the channel that started a call (its Linkedid), if it was seen. */
  accountOfCall(linkedid: string): string | null {
    return this.channels.get(linkedid) ?? null;
  }

  /** The call of a caller channel. */
  get(uniqueid: string): LiveCall | undefined {
    return this.calls.get(uniqueid);
  }

  add(call: LiveCall, leg: string): void {
    this.calls.set(call.uniqueid, call);
    this.addLeg(call, leg);
  }

  addLeg(call: LiveCall, leg: string): void {
    call.legs.add(leg);
    this.legs.set(leg, call.uniqueid);
  }

  /** The call a trunk leg belongs to. */
  callOfLeg(leg: string): LiveCall | undefined {
    const caller = this.legs.get(leg);
    return caller === undefined ? undefined : this.calls.get(caller);
  }

  /** A leg ended or failed (busy, no answer): the call is no longer up through it. */
  dropLeg(leg: string): void {
    const call = this.callOfLeg(leg);
    this.legs.delete(leg);
    call?.legs.delete(leg);
  }

  /** A channel hung up: a leg, or a caller (its call is returned and leaves the table), or neither. */
  hangup(uniqueid: string): LiveCall | undefined {
    this.channels.delete(uniqueid);
    if (this.legs.has(uniqueid)) this.dropLeg(uniqueid);
    const call = this.calls.get(uniqueid);
    if (!call) return undefined;
    this.calls.delete(uniqueid);
    for (const leg of call.legs) this.legs.delete(leg);
    return call;
  }

  /** The account's calls that are up (not being hung up). */
  upOf(account: string): LiveCall[] {
    const out: LiveCall[] = [];
    for (const c of this.calls.values()) if (c.account === account && isUp(c)) out.push(c);
    return out;
  }

  /** Every call that is up. */
  up(): LiveCall[] {
    return [...this.calls.values()].filter(isUp);
  }

  /** Callers whose Hangup never came (an AMI reconnect lost it) and that started before `before`. */
  stale(before: number): string[] {
    return [...this.calls.values()].filter((c) => c.start < before).map((c) => c.uniqueid);
  }
}

function isUp(c: LiveCall): boolean {
  return !c.stopping && (c.legs.size > 0 || c.answeredAt !== null);
}

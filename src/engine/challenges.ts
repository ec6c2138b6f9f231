/**
 * Scanners that never fail a login. An unauthenticated REGISTER, INVITE or OPTIONS
 * naming an existing account gets a digest challenge (`ChallengeSent`); a phone answers
 * it within a second (its retry then succeeds or fails, with the same address and
 * Call-ID / dialog), a scanner (svwar, svmap, "friendly-scanner") never does, so
 * Asterisk reports no failure at all. This module tells the two apart.
 *
 * Contract: `challenge()` takes each ChallengeSent, `answer()` each failure and
 * success, `tick()` any other report; each returns the challenges now known to be
 * unanswered. A challenge is answered by a failure or success of the same address and
 * session reported up to `grace` before or after it (PJSIP reports an unknown account's
 * InvalidAccountID just before its challenge). It is unanswered once its own source's
 * clock — the time of that source's latest report — is `grace` past it: time is the
 * events' own, per source, so a source read late (catching up) judges its challenges
 * by its own reports, never by another source's or the wall clock. The same challenge
 * reported by two sources (security log and AMI) comes out once per source; the
 * attempt counter merges those like any two reports of one attempt.
 *
 * Not judged (returned by neither): chan_sip challenges of a request other than
 * REGISTER (its AccountID is then the whole From URI): chan_sip never reports an
 * answered INVITE (no SuccessfulAuth), so a phone's call would look like a scan.
 *
 * Memory: a source's pending challenges are at most MAX_PENDING (beyond that the oldest
 * is judged at once); answers are remembered in two generations of ANSWERS entries.
 */
import type { AuthFailed, AuthSucceeded, ChallengeSent } from '../domain/events.js';

interface Pending {
  readonly ev: ChallengeSent;
  readonly key: string;
  answered: boolean;
}
interface SourceQueue {
  clock: number;
  items: Pending[];
  head: number;
}

/** Pending challenges kept per source (a few seconds' worth even at thousands per second). */
const MAX_PENDING = 16_384;
/** Answers per generation (see the top). */
const ANSWERS = 16_384;
const NONE: readonly ChallengeSent[] = [];

export class ChallengeTracker {
  private readonly queues = new Map<string, SourceQueue>();
  /** address + session -> challenges waiting for their answer. */
  private readonly open = new Map<string, Pending[]>();
  private answers = new Map<string, number>();
  private olderAnswers = new Map<string, number>();

  /** `graceOf`: how long (ms) a challenge waits for its answer; read at every use, so it follows the policy. */
  constructor(private readonly graceOf: () => number) {}

  private get grace(): number {
    return this.graceOf();
  }

  /** A challenge was sent. Returns the challenges now known to be unanswered. */
  challenge(ev: ChallengeSent): readonly ChallengeSent[] {
    const key = keyOf(ev);
    const q = this.queue(ev.evidence.source);
    if (!judged(ev) || this.answeredAt(key, ev.at)) return this.advance(q, ev.at);
    const p: Pending = { ev, key, answered: false };
    const list = this.open.get(key);
    if (list) list.push(p);
    else this.open.set(key, [p]);
    q.items.push(p);
    const out = q.items.length - q.head > MAX_PENDING ? this.judgeOldest(q) : NONE;
    const later = this.advance(q, ev.at);
    return out.length ? [...out, ...later] : later;
  }

  /** A failure or success: it answers its address+session's challenges. Returns the challenges now known to be unanswered. */
  answer(ev: AuthFailed | AuthSucceeded): readonly ChallengeSent[] {
    const key = keyOf(ev);
    if (this.answers.size >= ANSWERS) {
      this.olderAnswers = this.answers;
      this.answers = new Map();
    }
    const seen = this.answers.get(key);
    if (seen === undefined || ev.at > seen) this.answers.set(key, ev.at);
    const list = this.open.get(key);
    if (list) {
      for (const p of list) if (Math.abs(p.ev.at - ev.at) <= this.grace) p.answered = true;
      const left = list.filter((p) => !p.answered);
      if (left.length) this.open.set(key, left);
      else this.open.delete(key);
    }
    return this.tick(ev.evidence.source, ev.at);
  }

  /** Any other report of `source` at `at` moves its clock. Returns the challenges now known to be unanswered. */
  tick(source: string, at: number): readonly ChallengeSent[] {
    const q = this.queues.get(source);
    return q ? this.advance(q, at) : NONE;
  }

  /** No more reports will come (end of the files replayed): every pending challenge is judged. */
  finish(): ChallengeSent[] {
    const out: ChallengeSent[] = [];
    for (const q of this.queues.values()) out.push(...this.advance(q, Infinity));
    return out;
  }

  /** Challenges waiting for an answer (for tests and metrics). */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.items.length - q.head;
    return n;
  }

  private queue(source: string): SourceQueue {
    let q = this.queues.get(source);
    if (!q) {
      q = { clock: -Infinity, items: [], head: 0 };
      this.queues.set(source, q);
    }
    return q;
  }

  private answeredAt(key: string, at: number): boolean {
    const t = this.answers.get(key) ?? this.olderAnswers.get(key);
    return t !== undefined && Math.abs(t - at) <= this.grace;
  }

  /** Moves a source's clock to `at` and judges the challenges `grace` behind it. */
  private advance(q: SourceQueue, at: number): readonly ChallengeSent[] {
    if (at > q.clock) q.clock = at;
    let out: ChallengeSent[] | null = null;
    while (q.head < q.items.length) {
      const p = q.items[q.head] as Pending;
      if (p.ev.at + this.grace >= q.clock) break;
      q.head++;
      if (this.settle(p)) (out ??= []).push(p.ev);
    }
    this.compact(q);
    return out ?? NONE;
  }

  private judgeOldest(q: SourceQueue): readonly ChallengeSent[] {
    const p = q.items[q.head++] as Pending;
    return this.settle(p) ? [p.ev] : NONE;
  }

  /** Takes a judged challenge out of the open set; true when it was never answered. */
  private settle(p: Pending): boolean {
    if (p.answered) return false;
    const list = this.open.get(p.key);
    if (list) {
      const left = list.filter((x) => x !== p);
      if (left.length) this.open.set(p.key, left);
      else this.open.delete(p.key);
    }
    return true;
  }

  /** Drops judged entries from the front once they are half the array. */
  private compact(q: SourceQueue): void {
    if (q.head === q.items.length) {
      q.items = [];
      q.head = 0;
    } else if (q.head > 1024 && q.head * 2 > q.items.length) {
      q.items = q.items.slice(q.head);
      q.head = 0;
    }
  }
}

function keyOf(ev: ChallengeSent | AuthFailed | AuthSucceeded): string {
  return `${ev.ip}|${ev.session ?? ''}`;
}

/** Whether an answer to this challenge would be reported at all (see the top). */
function judged(ev: ChallengeSent): boolean {
  return !(ev.service === 'SIP' && /[:@]/.test(ev.account));
}

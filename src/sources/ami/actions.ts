/**
 * The AMI client's actions in flight: each action gets its own ActionID, and the
 * response that carries it settles that action's promise — whatever else arrives in
 * between (events keep flowing to `onFrame` meanwhile: nothing here waits, reads or
 * blocks the reader). A list action (`PJSIPShowContacts`, `DBGet`) answers `EventList:
 * start`, then events carrying its ActionID, then one with `EventList: Complete`: those
 * events are collected here and never reach `onFrame`.
 *
 * Invariants:
 * - Every action settles exactly once: its response, its timeout, or the connection's
 *   end (`rejectAll`); its timer is cleared when it settles. A late response to an
 *   action that timed out is ignored (its ActionID is forgotten).
 * - Bounded: at most `maxPending` actions wait (more are refused at once), and a list
 *   action collects at most `MAX_LIST_EVENTS` events.
 * - Server text is kept as received; callers pass it through `printable` before logging.
 */
import type { AmiTimers } from './options.js';

/** Why an action did not get its answer. */
export type AmiActionFailure = 'not_connected' | 'timeout' | 'disconnected' | 'stopped' | 'too_many' | 'unsafe';

/** An action that got no answer (the server's own refusals are answers: {@link AmiReply} with `ok` false). */
export class AmiActionError extends Error {
  constructor(readonly reason: AmiActionFailure, message: string) {
    super(message);
    this.name = 'AmiActionError';
  }
}

/** The headers of one frame: lower-case key → value (the first occurrence of a key). */
export type AmiFields = ReadonlyMap<string, string>;

/** The server's answer to one action. */
export interface AmiReply {
  /** `Response: Success` (or `Follows`, `Goodbye`: anything but `Error`). */
  readonly ok: boolean;
  /** The `Response:` value as sent (`Success`, `Error`, …). */
  readonly response: string;
  /** The `Message:` value, '' when none. */
  readonly message: string;
  /** Every header of the response frame. */
  readonly fields: AmiFields;
  /** A list action's events, in order, without the closing `EventList: Complete` one. */
  readonly events: readonly AmiFields[];
}

/** How to send one action. */
export interface ActionOptions {
  /** How long to wait for the answer (a list action: for all of it). Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The action answers with a list of events (`EventList: start`): wait for all of them. */
  readonly list?: boolean;
}

/** Events a list action may collect before the rest are dropped (the answer still completes). */
export const MAX_LIST_EVENTS = 10_000;
/** Default time an action waits for its answer. */
export const ACTION_TIMEOUT_MS = 5000;

interface Pending {
  readonly resolve: (r: AmiReply) => void;
  readonly reject: (e: AmiActionError) => void;
  readonly timer: unknown;
  readonly list: boolean;
  /** A list action's first response, once it came. */
  head: { ok: boolean; response: string; message: string; fields: AmiFields } | null;
  readonly events: AmiFields[];
}

/** Reads every header of a cleaned frame (CRLF-joined header lines), keys lower-cased, first occurrence wins. */
export function frameFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    if (!out.has(key)) out.set(key, line.slice(colon + 1).trim());
  }
  return out;
}

const ACTION_ID = '\r\nActionID: ';

/** The actions waiting for their answers on one client (across connections: `rejectAll` at each end). */
export class PendingActions {
  private readonly waiting = new Map<string, Pending>();
  /** List actions whose events are still coming: only then are event frames looked at. */
  private lists = 0;

  constructor(private readonly timers: AmiTimers, private readonly maxPending = 1000) {}

  /** Actions waiting now. */
  get size(): number {
    return this.waiting.size;
  }

  /** True while a list action waits for events (the reader then offers event frames here first). */
  get listening(): boolean {
    return this.lists > 0;
  }

  /**
   * Registers action `id`; `send` writes it (synchronously). Resolves with the answer,
   * rejects with an {@link AmiActionError} on timeout, refusal to send, or the
   * connection's end.
   */
  add(id: string, opts: ActionOptions, send: () => void): Promise<AmiReply> {
    if (this.waiting.size >= this.maxPending) {
      return Promise.reject(new AmiActionError('too_many', `more than ${this.maxPending} AMI actions waiting for an answer`));
    }
    return new Promise<AmiReply>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? ACTION_TIMEOUT_MS;
      const timer = this.timers.setTimeout(() => {
        if (this.drop(id)) reject(new AmiActionError('timeout', `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const list = opts.list ?? false;
      this.waiting.set(id, { resolve, reject, timer, list, head: null, events: [] });
      if (list) this.lists++;
      try {
        send();
      } catch (e) {
        this.drop(id);
        reject(new AmiActionError('unsafe', (e as Error).message));
      }
    });
  }

  /** A `Response:` frame: settles (or, for a list, starts) the action it names. Returns whether it was one of ours. */
  response(id: string, text: string): boolean {
    const p = this.waiting.get(id);
    if (!p) return false;
    const fields = frameFields(text);
    const response = fields.get('response') ?? '';
    const ok = response.toLowerCase() !== 'error';
    const head = { ok, response, message: fields.get('message') ?? '', fields };
    if (p.list && ok && (fields.get('eventlist') ?? '').toLowerCase() === 'start') {
      p.head = head;
      return true;
    }
    this.drop(id);
    p.resolve({ ...head, events: p.events });
    return true;
  }

  /**
   * An event frame while a list action waits: taken (true) when it carries the ActionID
   * of a waiting list action — the closing `EventList: Complete` settles it — else left
   * for `onFrame` (false). Only frames with an ActionID are read further.
   */
  event(text: string): boolean {
    const at = text.indexOf(ACTION_ID);
    if (at < 0) return false;
    const end = text.indexOf('\r\n', at + ACTION_ID.length);
    const id = text.slice(at + ACTION_ID.length, end < 0 ? undefined : end).trim();
    const p = this.waiting.get(id);
    if (!p?.list) return false;
    const fields = frameFields(text);
    if ((fields.get('eventlist') ?? '').toLowerCase() === 'complete') {
      this.drop(id);
      const head = p.head ?? { ok: true, response: 'Success', message: '', fields: new Map<string, string>() };
      p.resolve({ ...head, events: p.events });
    } else if (p.events.length < MAX_LIST_EVENTS) {
      p.events.push(fields);
    }
    return true;
  }

  /** The connection ended (or the client stops): every waiting action fails with `reason`. */
  rejectAll(reason: 'disconnected' | 'stopped', why: string): void {
    const all = [...this.waiting.entries()];
    for (const [id, p] of all) {
      this.drop(id);
      p.reject(new AmiActionError(reason, why));
    }
  }

  /** Forgets `id` and clears its timer; false if it was not waiting. */
  private drop(id: string): boolean {
    const p = this.waiting.get(id);
    if (!p) return false;
    this.waiting.delete(id);
    this.timers.clearTimeout(p.timer);
    if (p.list) this.lists--;
    return true;
  }
}

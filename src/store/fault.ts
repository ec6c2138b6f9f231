/**
 * Store and log-file faults: what kind an I/O or SQLite error is, what a person should
 * do about it (one line), and the episodes of a failing part with their retry backoff.
 *
 * Invariants of {@link FaultTracker}:
 * - An episode starts at the first failure after a success and ends at the next
 *   success: `onStart` and `onEnd` are called exactly once per episode, in that order,
 *   whatever the number of failures in between (one alert per episode, one when it ends).
 * - Between failures the delay doubles from `minDelayMs` to `maxDelayMs`; `due(now)` is
 *   false until it has passed. Outside an episode `due` is always true.
 * - The clock is a parameter: nothing here reads the time.
 */

/** What kind of trouble a store or file error is. */
export type FaultKind = 'disk_full' | 'locked' | 'read_only' | 'corrupt' | 'io_error' | 'unavailable';

/** An error, classified. `code` is SQLite's (`SQLITE_FULL`) or the system's (`ENOSPC`), or `UNKNOWN`. */
export interface FaultCause {
  readonly kind: FaultKind;
  readonly code: string;
  readonly message: string;
}

const BY_CODE: ReadonlyArray<readonly [RegExp, FaultKind]> = [
  // SHMSIZE: the -shm file could not be grown, which on Linux means the disk is full.
  [/^(SQLITE_FULL|ENOSPC|EDQUOT|EFBIG|SQLITE_IOERR_SHMSIZE)$/, 'disk_full'],
  [/^(SQLITE_BUSY|SQLITE_LOCKED)/, 'locked'],
  [/^(SQLITE_READONLY|EROFS|EACCES|EPERM|SQLITE_PERM|SQLITE_AUTH)/, 'read_only'],
  [/^(SQLITE_CORRUPT|SQLITE_NOTADB)/, 'corrupt'],
  [/^(SQLITE_IOERR|EIO|SQLITE_PROTOCOL)/, 'io_error'],
];

const BY_TEXT: ReadonlyArray<readonly [RegExp, FaultKind, string]> = [
  [/disk is full|ENOSPC|no space left/i, 'disk_full', 'SQLITE_FULL'],
  [/database is locked|database table is locked/i, 'locked', 'SQLITE_BUSY'],
  [/readonly database|read-only file system|EROFS|permission denied|EACCES/i, 'read_only', 'SQLITE_READONLY'],
  [/malformed|not a database/i, 'corrupt', 'SQLITE_CORRUPT'],
  [/disk I\/O error/i, 'io_error', 'SQLITE_IOERR'],
];

function codeOf(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(SQLITE_|E[A-Z]+$)/.test(code)) return code;
  }
  return null;
}

/** Classifies an error thrown by the store (better-sqlite3) or by file I/O (node:fs). */
export function classifyFault(err: unknown): FaultCause {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  if (code) {
    const hit = BY_CODE.find(([re]) => re.test(code));
    if (hit) return { kind: hit[1], code, message };
  }
  const text = BY_TEXT.find(([re]) => re.test(message));
  if (text) return { kind: text[1], code: code ?? text[2], message };
  return { kind: 'unavailable', code: code ?? 'UNKNOWN', message };
}

/** True for an error that says the database file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB). */
export function isCorruption(err: unknown): boolean {
  return classifyFault(err).kind === 'corrupt';
}

/** What a person should do about a fault of `kind` on `file`, in one line. */
export function faultAdvice(kind: FaultKind, file: string): string {
  switch (kind) {
    case 'disk_full':
      return `the disk holding ${file} is full: free space there (df -h); what is pending is written when space returns`;
    case 'locked':
      return `another process holds a lock on ${file} (find it: fuser -v ${file}*); sipwarden retries until it lets go`;
    case 'read_only':
      return `${file} (or its -wal/-shm file, or its filesystem) cannot be written: check its owner and mode, lsattr, and that the filesystem is mounted read-write`;
    case 'corrupt':
      return `${file} is damaged: restart sipwarden; it keeps the file aside as ${file}.corrupt-<time>, starts a fresh store and re-bans from the firewall and the failed-auth log`;
    case 'io_error':
      return `the disk refuses writes to ${file} (I/O error): check the kernel log (dmesg), the disk, and lsattr (immutable?)`;
    case 'unavailable':
      return `${file} cannot be used: check that its directory exists and is writable`;
  }
}

/** One fault episode, as status and the dashboard show it. */
export interface FaultEpisode {
  readonly part: string;
  readonly kind: FaultKind;
  readonly code: string;
  readonly message: string;
  readonly advice: string;
  /** When the episode began, ms since the epoch. */
  readonly since: number;
  /** Failed attempts so far in this episode. */
  readonly failures: number;
  /** When the next attempt is due. */
  readonly retryAt: number;
}

export interface FaultTrackerOptions {
  /** What fails, for people: `store`, `failed-auth log`. */
  readonly part: string;
  /** The file concerned (named in the advice). */
  readonly file: string;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A second look at a classified error (e.g. an I/O error on a disk with no space left is a full disk). */
  readonly refine?: (cause: FaultCause) => FaultCause;
  /** The first failure of an episode. */
  readonly onStart?: (e: FaultEpisode) => void;
  /** The kind of failure changed within an episode (e.g. locked, then disk full). */
  readonly onChange?: (e: FaultEpisode) => void;
  /** The first success after a failure. */
  readonly onEnd?: (e: FaultEpisode, now: number) => void;
}

/** Tracks the fault episodes of one part (the store, the failed-auth log) with retry backoff. */
export class FaultTracker {
  #episode: FaultEpisode | null = null;

  constructor(private readonly opts: FaultTrackerOptions) {}

  /** The current episode, or null when the part works. */
  current(): FaultEpisode | null {
    return this.#episode;
  }

  /** Whether an attempt may be made now (always, outside an episode). */
  due(now: number): boolean {
    return this.#episode === null || now >= this.#episode.retryAt;
  }

  /** Records a failed attempt at `now`; returns the episode. */
  fail(err: unknown, now: number): FaultEpisode {
    const cause = this.opts.refine ? this.opts.refine(classifyFault(err)) : classifyFault(err);
    const prev = this.#episode;
    const failures = (prev?.failures ?? 0) + 1;
    const min = this.opts.minDelayMs ?? 250;
    const delay = Math.min(this.opts.maxDelayMs ?? 5000, min * 2 ** Math.min(failures - 1, 20));
    const episode: FaultEpisode = {
      part: this.opts.part, ...cause, advice: faultAdvice(cause.kind, this.opts.file),
      since: prev?.since ?? now, failures, retryAt: now + delay,
    };
    this.#episode = episode;
    if (!prev) this.opts.onStart?.(episode);
    else if (prev.kind !== episode.kind) this.opts.onChange?.(episode);
    return episode;
  }

  /** Records a success at `now`: ends the episode, if any. */
  ok(now: number): void {
    const prev = this.#episode;
    if (!prev) return;
    this.#episode = null;
    this.opts.onEnd?.(prev, now);
  }
}

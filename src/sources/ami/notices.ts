/**
 * How the AMI client tells a person what goes wrong, without flooding the log:
 * a failure is logged at error (wrong credentials, a refused certificate or CA file)
 * or warn (anything else) the first time; the same failure again, attempt after
 * attempt, only at debug. The first success after failures says how many attempts
 * failed. Callback errors and dropped frames are logged once at warn/error, then at
 * debug.
 *
 * Invariant: nothing here ever sees the secret or the login key; the client passes
 * server text through `printable` before it gets here.
 */
import type { AmiLog } from './options.js';

/** Why a connection attempt ended. */
export type FailureKind = 'auth' | 'tls' | 'network' | 'protocol';

/** Log-rate policy of one client. */
export class Notices {
  private lastFailure = '';
  private failedAttempts = 0;
  private readonly once = new Set<string>();

  constructor(private readonly log: AmiLog, private readonly where: { ami: string; user: string }) {}

  /** An attempt failed; `retryMs` is the backoff before the next one. */
  failure(kind: FailureKind, reason: string, retryMs: number): void {
    this.failedAttempts++;
    const obj = { ...this.where, reason, retryInMs: retryMs, failedAttempts: this.failedAttempts };
    const key = `${kind}:${reason}`;
    if (key === this.lastFailure) {
      this.log.debug?.(obj, 'AMI attempt failed again');
      return;
    }
    this.lastFailure = key;
    if (kind === 'auth') {
      this.log.error(obj, `AMI login refused for user "${this.where.user}" (${reason}): check the AMI username and secret `
        + 'in sipwarden.yaml against manager.conf; retrying with backoff, repeats are not logged');
    } else if (kind === 'tls') {
      this.log.error(obj, `AMI connection to ${this.where.ami} refused over TLS: ${reason}; retrying with backoff, repeats are not logged`);
    } else {
      this.log.warn(obj, `AMI connection to ${this.where.ami} failed (${reason}); retrying with backoff`);
    }
  }

  /** Logged in. */
  connected(banner: string): void {
    const obj = { ...this.where, banner, failedAttempts: this.failedAttempts };
    if (this.failedAttempts > 0) this.log.info(obj, `AMI connected to ${this.where.ami} after ${this.failedAttempts} failed attempt(s)`);
    else this.log.info(obj, `AMI connected to ${this.where.ami}`);
    this.lastFailure = '';
    this.failedAttempts = 0;
  }

  /** Something worth one warning per client (`topic`), then debug lines. */
  oncePerClient(topic: string, level: 'warn' | 'error', obj: object, msg: string): void {
    const merged = { ...this.where, ...obj };
    if (this.once.has(topic)) {
      this.log.debug?.(merged, msg);
      return;
    }
    this.once.add(topic);
    this.log[level](merged, `${msg} (further ones are logged at debug level)`);
  }

  /** Plain information. */
  info(obj: object, msg: string): void {
    this.log.info({ ...this.where, ...obj }, msg);
  }
}

/** One line describing an unknown thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

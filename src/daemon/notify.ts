/**
 * Alerts to a person: a configured program (the alert as JSON on its stdin; never a
 * shell, so no attacker text is ever interpreted) and/or a webhook (POSTed JSON).
 * Each (kind, address) is sent at most once per `quietMs`, so an attack cannot turn
 * the notifier into a flood. Failures are logged, never thrown.
 */
import { spawn } from 'node:child_process';
import type { Alert } from '../engine/index.js';
import type { Log } from '../domain/log.js';

/**
 * What can be sent: the engine's alerts, and the daemon's own about itself
 * (`store_fault`, `store_recovered`: its store or failed-auth log stopped or resumed
 * taking writes; `asterisk_dropped_lines`: Asterisk's logger lost messages;
 * `unwatched_port`: a failure came for a service none of whose ports the kernel
 * watched; `ip` is `-` for those).
 */
export type NotifyAlert = Alert | {
  readonly kind: 'store_fault' | 'store_recovered' | 'asterisk_dropped_lines' | 'unwatched_port';
  readonly at: number;
  readonly ip: string;
  readonly account: string;
  readonly service: string;
  readonly message: string;
  readonly [detail: string]: unknown;
};

export interface NotifierOptions {
  readonly command: string | null;
  readonly webhook: string | null;
  readonly quietMs?: number;
  readonly log: Pick<Log, 'warn' | 'error'>;
}

export class Notifier {
  private readonly last = new Map<string, number>();

  constructor(private readonly opts: NotifierOptions) {}

  /**
   * Sends the alert unless the same `key` (by default kind and address) was sent
   * recently. Returns whether it was sent.
   */
  send(alert: NotifyAlert, now: number, key = `${alert.kind}|${alert.ip}`): boolean {
    const prev = this.last.get(key);
    if (prev !== undefined && now - prev < (this.opts.quietMs ?? 600_000)) return false;
    this.last.set(key, now);
    if (this.last.size > 10_000) this.last.clear();
    const body = JSON.stringify({ ...alert, at: new Date(alert.at).toISOString(), host: process.env.HOSTNAME ?? null });
    if (this.opts.command) this.run(this.opts.command, body);
    if (this.opts.webhook) this.post(this.opts.webhook, body);
    return true;
  }

  private run(command: string, body: string): void {
    const [file, ...args] = command.trim().split(/\s+/);
    if (!file) return;
    try {
      const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'ignore'], timeout: 30_000 });
      child.on('error', (e) => this.opts.log.error({ command: file, err: e.message }, 'alert command failed'));
      child.on('exit', (code) => {
        if (code) this.opts.log.warn({ command: file, code }, 'alert command exited with an error');
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(body);
    } catch (e) {
      this.opts.log.error({ command: file, err: (e as Error).message }, 'alert command failed');
    }
  }

  private post(url: string, body: string): void {
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
      .then((r) => {
        if (!r.ok) this.opts.log.warn({ url, status: r.status }, 'alert webhook answered with an error');
      })
      .catch((e: Error) => this.opts.log.error({ url, err: e.message }, 'alert webhook failed'));
  }
}

/**
 * Alerts about what sipwarden reads: the AMI connection lost and back, a followed log
 * missing (or no longer a regular file) or stale (not grown for `staleMs`). Fed the
 * sources' own states; says each episode once — a problem when it has lasted
 * `graceMs` (a log rotated, Asterisk restarted: seconds, not worth a mail), and for the
 * AMI, `ami_back` once a lost connection is logged in again.
 */
import type { AmiState } from '../sources/ami/index.js';
import type { FollowerState } from '../sources/follow.js';
import type { OwnAlert } from './message.js';

export interface SourceWatchOptions {
  /** A log that has not grown for this long is stale (ms); null: never said. */
  readonly staleMs: number | null;
  /** How long a problem must last before it is said (ms). Default 60 s. */
  readonly graceMs?: number;
  /** Where the alerts go (the notifier, and the daemon's log). */
  readonly alert: (a: OwnAlert, key: string) => void;
}

interface LogSeen {
  size: number;
  grewAt: number;
  problemSince: number | null;
  missingSaid: boolean;
  staleSaid: boolean;
}

export class SourceWatch {
  private readonly logs = new Map<string, LogSeen>();
  private amiDownSince: number | null = null;
  private amiSaid = false;
  private amiReason = '';

  constructor(private readonly opts: SourceWatchOptions) {}

  /** The AMI client's state changed (at `now`). */
  ami(st: AmiState, source: string, now: number): void {
    if (st.status === 'connected') {
      if (this.amiSaid) {
        this.opts.alert({
          kind: 'ami_back', at: now, ip: '-', account: '', service: 'AMI', source,
          message: `sipwarden is logged in to the Asterisk Manager Interface at ${source} again; AMI security and call events are read again`,
        }, `ami_back|${source}|${now}`);
      }
      this.amiDownSince = null;
      this.amiSaid = false;
      return;
    }
    if (st.status === 'stopped') return; // sipwarden itself stops it
    this.amiDownSince ??= now;
    this.amiReason = st.reason ?? this.amiReason;
    this.check(source, now);
  }

  /** Looks at the AMI and the followed logs at `now` (the daemon's timer). */
  tick(followers: readonly FollowerState[], ami: { state: AmiState; source: string } | null, now: number): void {
    if (ami && ami.state.status !== 'connected' && ami.state.status !== 'stopped') this.check(ami.source, now);
    for (const f of followers) this.log(f, now);
  }

  private check(source: string, now: number): void {
    if (this.amiSaid || this.amiDownSince === null || now - this.amiDownSince < (this.opts.graceMs ?? 60_000)) return;
    this.amiSaid = true;
    this.opts.alert({
      kind: 'ami_lost', at: now, ip: '-', account: '', service: 'AMI', source, reason: this.amiReason,
      message: `sipwarden cannot reach the Asterisk Manager Interface at ${source} since ${new Date(this.amiDownSince).toISOString()} (${this.amiReason || 'not connected'}); it keeps trying. Meanwhile only the log files are read: failures the logs miss, and the toll-fraud guard's hang-ups, wait for it. Check that Asterisk runs and manager.conf allows sipwarden's user`,
    }, `ami_lost|${source}|${this.amiDownSince}`);
  }

  private log(f: FollowerState, now: number): void {
    let s = this.logs.get(f.path);
    if (!s) {
      s = { size: f.offset, grewAt: now, problemSince: null, missingSaid: false, staleSaid: false };
      this.logs.set(f.path, s);
    }
    if (f.problem !== null) {
      s.problemSince ??= now;
      if (!s.missingSaid && now - s.problemSince >= (this.opts.graceMs ?? 60_000)) {
        s.missingSaid = true;
        this.opts.alert({
          kind: 'log_missing', at: now, ip: '-', account: '', service: 'logs', file: f.path,
          message: `the Asterisk log ${f.path} ${f.problem} (since ${new Date(s.problemSince).toISOString()}): failures written there are not seen. Check logger.conf and logrotate; sipwarden follows it again as soon as it is back`,
        }, `log_missing|${f.path}|${s.problemSince}`);
      }
      return;
    }
    s.problemSince = null;
    s.missingSaid = false;
    if (f.offset !== s.size) {
      s.size = f.offset;
      s.grewAt = now;
      s.staleSaid = false;
      return;
    }
    const stale = this.opts.staleMs;
    if (stale === null || s.staleSaid || now - s.grewAt < stale) return;
    s.staleSaid = true;
    const hours = Math.round((now - s.grewAt) / 3_600_000);
    this.opts.alert({
      kind: 'log_stale', at: now, ip: '-', account: '', service: 'logs', file: f.path,
      message: `the Asterisk log ${f.path} has not grown for ${hours >= 1 ? `${hours} h` : `${Math.round((now - s.grewAt) / 60_000)} min`}: Asterisk may have stopped writing it (a logger.conf change, or logrotate without "asterisk -rx 'logger reload'"), so failures there go unseen`,
    }, `log_stale|${f.path}|${s.grewAt}`);
  }
}

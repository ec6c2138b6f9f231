/**
 * The PBX simulator: a chan_pjsip-like SIP registrar (UDP and TCP, digest auth) and an
 * Asterisk manager (AMI) that write Asterisk 20's `messages`, `security` and `full`
 * lines and AMI security events byte-for-byte in the formats of
 * ../shared/fixtures/asterisk-20/; with a trunk (`calls`), it also places calls through
 * it and writes their AMI call events as ../shared/fixtures/asterisk-20-calls/, obeys
 * the AMI's Hangup, Getvar, DB* and PJSIPShowContacts, and refuses a suspended account's
 * calls as the dial plan check `sipwarden init` installs does (calls.ts). Used by
 * end-to-end tests, the benchmarks and the demo.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { answerAction } from './ami-actions.js';
import { AmiServer, type AmiFaults, type AmiInjection, type AmiObserver, type AmiUser } from './ami-server.js';
import { AstDb } from './astdb.js';
import { CallEngine, type CallStats, type TrunkConfig } from './calls.js';
import { Registrar } from './registrar.js';
import { AsteriskLogs, type LogFiles } from './log-writer.js';
import type { SecurityEventRecord } from './security-event.js';
import { NonceBook } from './sip-digest.js';
import { handleSipRequest, type SipDriver, type SipHandlerConfig, type SipResult } from './sip-handler.js';
import { SipListener } from './sip-transport.js';
import type { LogDateFormat } from './time-format.js';

export type { AmiFaults, AmiInjection, AmiObserver, AmiUser } from './ami-server.js';
export type { LogFiles } from './log-writer.js';
export type { LogDateFormat } from './time-format.js';
export type { SipDriver } from './sip-handler.js';
export type { CallStats, TrunkConfig } from './calls.js';
export { SUSPENDED } from './calls.js';

/** A SIP account: endpoint id, auth username and AOR all named `name`. */
export interface SimAccount {
  readonly name: string;
  readonly secret: string;
}

/** Where SIP listens. IPv6 hosts are given without brackets (`::1`). */
export interface SipBind {
  readonly host: string;
  /** Default 0 (a free port, the same for UDP and TCP). */
  readonly port?: number;
  readonly udp?: boolean;
  readonly tcp?: boolean;
  /** The channel driver answering here (its log lines and security events differ). Default `pjsip`. */
  readonly driver?: SipDriver;
}

export interface PbxOptions {
  /** One or more SIP listeners (e.g. IPv4 and IPv6). */
  readonly sip: SipBind | readonly SipBind[];
  /** The AMI listener, or omit for none. */
  readonly ami?: { readonly host: string; readonly port?: number; readonly users: readonly AmiUser[] };
  readonly accounts: readonly SimAccount[];
  readonly logs: LogFiles;
  /** Default `default` (`[Nov 24 18:05:31]`); `iso` is `[2026-11-24 18:05:31]`. */
  readonly dateFormat?: LogDateFormat;
  readonly realm?: string;
  /** The `Server:` header. Default `Asterisk PBX 20.20.1`. */
  readonly userAgent?: string;
  /** The context named when an INVITE's number is not found. Default `from-internal`. */
  readonly dialplanContext?: string;
  /** The clock (ms). Default Date.now. */
  readonly now?: () => number;
  /** Datagrams and TCP messages above this are dropped. Default 16384. */
  readonly maxMessageBytes?: number;
  /** manager.c's pause before a failed login's answer. Default 1000 ms. */
  readonly amiFailedLoginDelayMs?: number;
  /** Thread ids printed in the logs. */
  readonly lwp?: { readonly pjsip?: number; readonly security?: number; readonly managerFirst?: number };
  /** Start each log with Asterisk's "Asterisk 20.20.1 built by …" line. Default false. */
  readonly banner?: boolean;
  /**
   * Calls: numbers that are no account go through this trunk (`Dial(PJSIP/${EXTEN}@<name>,30)`),
   * from the first SIP listener; `neverStop`: numbers a suspended account may still call
   * (emergency services); `dialTimeoutMs`: Dial()'s timeout (default 30 s).
   */
  readonly calls?: { readonly trunk: TrunkConfig; readonly neverStop?: readonly string[]; readonly dialTimeoutMs?: number };
  /** Benchmarks: the AMI's events as they are written and its actions as they arrive. */
  readonly amiObserver?: AmiObserver;
}

/** Live counters (mutated as traffic arrives). */
export interface PbxStats {
  /** Every SIP message received, dropped ones included. */
  sipMessages: number;
  readonly sipResults: Record<SipResult | 'oversize', number>;
  /** SIP messages received per source address. */
  readonly bySource: Map<string, number>;
  /** Current registrations: account → contacts and expiry (ms). */
  readonly registrations: Map<string, { contacts: readonly string[]; expiresAt: number }>;
  readonly securityEvents: Record<string, number>;
  amiConnections(): number;
  amiLogins(): { ok: number; failed: number };
}

/** A running simulator. */
export interface RunningPbx {
  /** The first SIP listener's port. */
  readonly sipPort: number;
  /** Every SIP listener's host and port. */
  readonly sipListeners: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly amiPort: number | null;
  readonly stats: PbxStats;
  /** Standing AMI faults; change them at any time. Inert without an AMI server. */
  readonly amiFaults: AmiFaults;
  /** One-shot AMI misbehaviour towards open sessions; returns how many. */
  amiInject(injection: AmiInjection): number;
  /** Log lines are written synchronously; this fsyncs them. */
  flush(): void;
  /** Reopens the log files by name (after a test rotated them). */
  reopenLogs(): void;
  /** Asterisk's database (the suspension keys, the registrar's contacts). */
  readonly db: AstDb;
  /** The calls' counters (null: no trunk configured). */
  readonly calls: CallStats | null;
  /** Calls up or being set up now. */
  liveCalls(): number;
  /** Closes every socket and the log files. Idempotent. */
  stop(): Promise<void>;
}

function newStats(ami: () => AmiServer | null): PbxStats {
  return {
    sipMessages: 0,
    sipResults: { dropped: 0, ignored: 0, 'bad-request': 0, stateless: 0, challenged: 0, failed: 0, authenticated: 0, oversize: 0 },
    bySource: new Map(), registrations: new Map(), securityEvents: {},
    amiConnections: () => ami()?.counters.connections ?? 0,
    amiLogins: () => ({ ok: ami()?.counters.loginsOk ?? 0, failed: ami()?.counters.loginsFailed ?? 0 }),
  };
}

/** Starts the simulator; resolves once every listener is bound. */
export async function startPbx(opts: PbxOptions): Promise<RunningPbx> {
  const now = opts.now ?? Date.now;
  const logs = new AsteriskLogs({
    files: opts.logs, dateFormat: opts.dateFormat ?? 'default', now,
    securityLwp: opts.lwp?.security ?? 16648, banner: opts.banner ?? false,
  });
  const pjsipLwp = opts.lwp?.pjsip ?? 16613;
  const chanSipLwp = 16641;
  let ami: AmiServer | null = null;
  const stats = newStats(() => ami);
  const report = (e: SecurityEventRecord): void => {
    stats.securityEvents[e.event] = (stats.securityEvents[e.event] ?? 0) + 1;
    logs.security(e);
    ami?.broadcast(e);
  };
  const cfg: SipHandlerConfig = {
    accounts: new Map(opts.accounts.map((a) => [a.name, a.secret])),
    realm: opts.realm ?? 'asterisk',
    userAgent: opts.userAgent ?? 'Asterisk PBX 20.20.1',
    dialplanContext: opts.dialplanContext ?? 'from-internal',
    nonces: new NonceBook(randomUUID()),
    opaque: () => randomBytes(8).toString('hex'),
  };
  const listeners: SipListener[] = [];
  const db = new AstDb();
  const registrar = new Registrar(db, stats.registrations);
  let calls: CallEngine | null = null;
  const stop = async (): Promise<void> => {
    calls?.close();
    await Promise.all([...listeners.map((l) => l.close()), ami?.close()]);
    logs.close();
  };
  try {
    for (const bind of Array.isArray(opts.sip) ? opts.sip : [opts.sip as SipBind]) {
      const listener = new SipListener({
        host: bind.host, port: bind.port ?? 0, udp: bind.udp ?? true, tcp: bind.tcp ?? true,
        maxMessageBytes: opts.maxMessageBytes ?? 16384, maxTcpConnections: 256, tcpIdleMs: 120_000,
        onDrop: (ip) => {
          stats.sipMessages++;
          stats.sipResults.oversize++;
          stats.bySource.set(ip, (stats.bySource.get(ip) ?? 0) + 1);
        },
        onMessage: (text, local, remote) => {
          stats.sipMessages++;
          stats.bySource.set(remote.ip, (stats.bySource.get(remote.ip) ?? 0) + 1);
          const inCall = calls?.receive(text, remote);
          if (inCall?.handled) return inCall.reply;
          const out = handleSipRequest(text, { ...cfg, calls: calls !== null && (bind.driver ?? 'pjsip') === 'pjsip' }, { local, remote, now: now() }, bind.driver ?? 'pjsip');
          stats.sipResults[out.result]++;
          for (const e of out.effects) {
            if (e.kind === 'notice') logs.notice(bind.driver === 'chan_sip' ? chanSipLwp : pjsipLwp, e.source, e.text);
            else if (e.kind === 'security') report(e.event);
            // After the 100 Trying has left (a refusal's 403 must not overtake it).
            else if (e.kind === 'dial') queueMicrotask(() => calls?.start(e.request, e.account, e.exten, e.remote));
            else registrar.update(e.account, e.contacts, e.expires, e.source, now());
          }
          return out.response;
        },
      });
      listeners.push(listener);
      await listener.start();
    }
    const first = listeners[0];
    if (opts.calls && first) {
      const local = { ip: (Array.isArray(opts.sip) ? opts.sip[0] : (opts.sip as SipBind))?.host ?? '127.0.0.1', port: first.port };
      calls = new CallEngine({
        trunk: opts.calls.trunk, local, now, db, neverStop: opts.calls.neverStop ?? ['911', '112', '999'], userAgent: cfg.userAgent,
        ...(opts.calls.dialTimeoutMs !== undefined ? { dialTimeoutMs: opts.calls.dialTimeoutMs } : {}),
        send: (text, to) => first.send(text, to.ip, to.port),
        emit: (f) => ami?.broadcastCall(f),
        registered: (account) => registrar.has(account),
      });
    }
    if (opts.ami) {
      ami = new AmiServer({
        host: opts.ami.host, port: opts.ami.port ?? 0, users: opts.ami.users, logs, now, report,
        failedLoginDelayMs: opts.amiFailedLoginDelayMs ?? 1000, firstLwp: opts.lwp?.managerFirst ?? 18072,
        ...(opts.amiObserver ? { observe: opts.amiObserver } : {}),
        action: (name, a, id, write) => answerAction(name, a, id, write, {
          db, calls, contacts: () => registrar.list(now()), removeContact: (cid) => registrar.remove(cid),
        }),
      });
    }
    const amiPort = ami ? await ami.listen() : null;
    const faults: AmiFaults = ami?.faults ?? { refuseLogins: false, closeOnConnect: false, silent: false, muteEvents: false };
    let stopped: Promise<void> | null = null;
    return {
      sipPort: listeners[0]?.port ?? 0,
      sipListeners: listeners.map((l, i) => ({ host: (Array.isArray(opts.sip) ? opts.sip : [opts.sip])[i]?.host ?? '', port: l.port })),
      amiPort, stats, amiFaults: faults,
      amiInject: (injection) => ami?.inject(injection) ?? 0,
      flush: () => logs.flush(),
      reopenLogs: () => logs.reopen(),
      db, calls: calls?.stats ?? null, liveCalls: () => calls?.live ?? 0,
      stop: () => (stopped ??= stop()),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// @ts-check
/**
 * Part 2: time to block, live. Each tool in turn runs inside a network namespace made for
 * it, follows a live log file in a temp dir and bans into its own nftables table in that
 * namespace; `nft monitor new elements` (in the same namespace) timestamps every element
 * the kernel accepts. The benchmark writes one attacker's chan_sip "Wrong password"
 * NOTICE lines (Asterisk's default format, dated now) at a fixed rate — for CrowdSec,
 * whose parser reads only security events, the InvalidPassword event Asterisk writes for
 * the same guess — and measures the time from writing the line that reaches the tool's
 * threshold (the 2nd failure for the owner's policy; the 6th for CrowdSec's scenarios) to
 * the address appearing in the tool's set, and how many lines it had written by then.
 * Then 5,000 attackers × the threshold's failures, written as fast as possible: time
 * until all are in the set.
 *
 * No packet is sent anywhere: the namespaces only hold the tools' firewall tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Stamper } from '../lib/asterisk.mjs';
import { hostPort } from '../lib/addresses.mjs';
import { CS_TABLES, CS_THRESHOLD, crowdsecInfo, decisionOf, writeBouncerConfig, writeCrowdsecConfig } from './crowdsec.mjs';
import { F2B_TABLE, fail2banInfo, writeFail2banConfig } from './fail2ban.mjs';
import { CLI, log, makeNetns, nowMs, pct, removeNetns, run, sh, sleep, startProc, tmpDir } from './util.mjs';

const ENV = { ...process.env, TZ: 'UTC' };

/**
 * @typedef {import('../compare.mjs').Options} Options
 * @typedef {object} Tool a tool under test, running
 * @property {import('./util.mjs').Proc} child
 * @property {string} table its nftables table (ban4/ban6 in it) or, for CrowdSec, its IPv4 table
 * @property {BanSet[]} sets the kernel sets it bans into
 * @property {() => Map<string, number>} banTimes address → when the tool logged its ban decision (wall-clock ms)
 * @property {() => string[]} messages warnings and errors it logged (at most 20)
 * @property {string} describe how it was started, for the report
 * @property {() => string} stderr
 * @typedef {{ ip: string, ms: number | null, lines: number, t2: number, blocked?: number, decideMs?: number, enforceMs?: number }} AttackResult
 *   `ms`: from the threshold's line to the block (null: not blocked); `lines` written by then; `t2`, `blocked`: wall-clock ms
 * @typedef {{ family: string, table: string, set: string }} BanSet an nftables set a tool bans into
 */

/** The ban4/ban6 sets of an `inet` table (sipwarden's, the fail2ban action's).  @param {string} table  @returns {BanSet[]} */
const inetSets = (table) => [{ family: 'inet', table, set: 'ban4' }, { family: 'inet', table, set: 'ban6' }];

/**
 * The attackers of one phase (distinct across phases): every 5th one IPv6, each in a /64 of
 * its own in 2001:db8::/32 (sipwarden may count IPv6 failures per /64), the rest in 198.18.0.0/15.
 * @param {number} phase 0-9
 * @param {number} n
 */
export function attackers(phase, n) {
  if (n > 12_000 || phase < 0 || phase > 9) throw new Error('attackers: at most 12,000 per phase, phases 0-9');
  const base = ((198 << 24) | (18 << 16)) >>> 0;
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) out.push(`2001:db8:${(phase + 1).toString(16)}:${(i + 1).toString(16)}::1`);
    else {
      const v = base + phase * 12_000 + i + 1;
      out.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
    }
  }
  return out;
}

/**
 * Appends Asterisk lines to the live log, one write(2) per line, as Asterisk does: chan_sip's
 * "Wrong password" NOTICE, or (`security`) the InvalidPassword security event of the same guess.
 */
export class LiveLog {
  /** @param {string} file  @param {{ security?: boolean }} [o] */
  constructor(file, { security = false } = {}) {
    this.file = file;
    fs.writeFileSync(file, '');
    this.fd = fs.openSync(file, 'a');
    this.stamper = new Stamper('default');
    this.security = security;
    this.n = 0;
  }

  /** @param {string} ip  @param {number} port  @param {number} ext  @param {number} [ms] when (default now) */
  line(ip, port, ext, ms = Date.now()) {
    if (!this.security) return `${this.stamper.dateOf(ms)} NOTICE[16641] chan_sip.c: Registration from '<sip:${ext}@192.0.2.2:5060>' failed for '${hostPort(ip, port)}' - Wrong password\n`;
    const v = ip.includes(':') ? 'IPV6' : 'IPV4';
    const local = v === 'IPV6' ? '2001:db8::2' : '192.0.2.2';
    const sid = `0x7f${(0x10000000 + this.n).toString(16)}`;
    return `${this.stamper.dateOf(ms)} SECURITY[16641] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="${this.stamper.tvOf(ms)}",Severity="Error",Service="SIP",EventVersion="2",AccountID="${ext}",SessionID="${sid}",LocalAddress="${v}/UDP/${local}/5060",RemoteAddress="${v}/UDP/${ip}/${port}",Challenge="6e3c1a52",ReceivedChallenge="6e3c1a52",ReceivedHash="9a0364b9e99bb480dd25e1f0284c8555"\n`;
  }

  /** @param {string} ip */
  write(ip, port = 5060) {
    fs.writeSync(this.fd, this.line(ip, port, 100 + (this.n++ % 900)));
  }

  close() {
    fs.closeSync(this.fd);
  }
}

/** @typedef {Awaited<ReturnType<typeof startMonitor>>} Monitor */

/**
 * `nft monitor new elements` in `ns`: the first time each address entered one of `sets`.
 * @param {string} ns
 * @param {BanSet[]} sets
 */
async function startMonitor(ns, sets) {
  const wanted = new Set(sets.map((x) => `${x.family} ${x.table} ${x.set}`));
  const child = startProc('ip', ['netns', 'exec', ns, 'nft', 'monitor', 'new', 'elements'], { env: ENV });
  /** @type {Map<string, number>} ip -> performance.now() when the monitor reported it */
  const firstSeen = new Map();
  /** @type {Map<string, number>} ip -> Date.now() at the same moment (to line up with the tools' logs) */
  const firstWall = new Map();
  /** @type {Map<string, (t: number) => void>} */
  const waiters = new Map();
  let probeSeen = false;
  const rl = readline.createInterface({ input: stdoutOf(child) });
  rl.on('line', (line) => {
    const t = nowMs();
    const wall = Date.now();
    const m = /^add element (\S+) (\S+) (\S+) \{ (.*) \}\s*$/.exec(line);
    if (!m) return;
    if (m[2] === 'swcmpprobe') { probeSeen = true; return; }
    if (!wanted.has(`${m[1]} ${m[2]} ${m[3]}`)) return;
    for (const el of m[4].split(', ')) {
      const ip = el.trim().split(' ')[0];
      if (!firstSeen.has(ip)) {
        firstSeen.set(ip, t);
        firstWall.set(ip, wall);
        const w = waiters.get(ip);
        if (w) { waiters.delete(ip); w(t); }
      }
    }
  });
  // Ready when it reports an element of a probe table of our own.
  sh('ip', ['netns', 'exec', ns, 'nft', 'add table inet swcmpprobe; add set inet swcmpprobe p { type ipv4_addr; }']);
  for (let i = 0; i < 100 && !probeSeen; i++) {
    sh('ip', ['netns', 'exec', ns, 'nft', `add element inet swcmpprobe p { 192.0.2.${i + 1} }`]);
    await sleep(50);
  }
  sh('ip', ['netns', 'exec', ns, 'nft', 'delete table inet swcmpprobe']);
  if (!probeSeen) throw new Error('nft monitor did not report a probe element within 5 s');
  return {
    firstSeen,
    firstWall,
    /**
     * Resolves with the time the address was seen (now or later); `cancel()` drops the waiter.
     * @param {string} ip
     * @returns {{ promise: Promise<number>, cancel: () => void }}
     */
    when(ip) {
      const seen = firstSeen.get(ip);
      if (seen !== undefined) return { promise: Promise.resolve(seen), cancel() {} };
      /** @type {Promise<number>} */
      const promise = new Promise((r) => { waiters.set(ip, r); });
      return { promise, cancel: () => { waiters.delete(ip); } };
    },
    stop: () => child.stop(2_000),
  };
}

/**
 * Elements in the tool's ban sets according to `nft -j list set` (a cross-check of the monitor).
 * @param {string} ns
 * @param {BanSet[]} sets
 */
function listSet(ns, sets) {
  /** @type {Set<string>} */
  const ips = new Set();
  for (const { family, table, set } of sets) {
    const r = sh('ip', ['netns', 'exec', ns, 'nft', '-j', 'list', 'set', family, table, set], { allowFail: true });
    if (r.status !== 0) continue;
    const s = JSON.parse(r.stdout).nftables.find((/** @type {{ set?: unknown }} */ x) => x.set)?.set;
    for (const e of s?.elem ?? []) ips.add(typeof e === 'string' ? e : e.elem?.val ?? e.val);
  }
  return ips;
}

/**
 * One attacker at `rate` lines/s: writes until the address is in the set or capMs passed, then
 * waits graceMs more. Returns {ms: time from the threshold's line to the block, lines: lines written before the block}.
 * @param {LiveLog} live
 * @param {Monitor} monitor
 * @param {string} ip
 * @param {number} rate lines/s
 * @param {number} capMs
 * @param {number} threshold the failure that should trigger the ban (its write starts the clock)
 * @param {number} graceMs
 * @returns {Promise<AttackResult>}
 */
function attack(live, monitor, ip, rate, capMs, threshold, graceMs) {
  const interval = 1000 / rate;
  const maxLines = Math.ceil((capMs / 1000) * rate) + 2;
  return new Promise((resolve) => {
    const t0 = nowMs();
    let written = 0;
    let t2 = NaN;
    let t2Wall = NaN;
    let done = false;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const w = monitor.when(ip);
    const finish = (/** @type {number | null} */ blockedAt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      w.cancel();
      // Wall-clock times (ms) line up with the tools' own log records; intervals use performance.now().
      resolve(blockedAt === null
        ? { ip, ms: null, lines: written, t2: t2Wall }
        : { ip, ms: blockedAt - t2, lines: written, t2: t2Wall, blocked: monitor.firstWall.get(ip) });
    };
    w.promise.then((t) => finish(t));
    const step = () => {
      if (done) return;
      const now = nowMs();
      while (written < maxLines && t0 + written * interval <= now) {
        live.write(ip);
        written++;
        if (written === threshold) { t2 = nowMs(); t2Wall = Date.now(); }
      }
      if (now - t0 >= capMs || written >= maxLines) {
        // Give the tool the rest of the cap after the last line, then give up.
        timer = setTimeout(() => finish(null), Math.max(0, capMs - (now - t0)) + graceMs);
        return;
      }
      timer = setTimeout(step, Math.max(0, t0 + written * interval - nowMs()));
    };
    step();
  });
}

/**
 * Many attackers × `per` failures, written as fast as possible; waits until all are in the set or waitMs passed.
 * @param {LiveLog} live
 * @param {Monitor} monitor
 * @param {string[]} ips
 * @param {number} per
 * @param {number} waitMs
 */
async function burst(live, monitor, ips, per, waitMs) {
  const waits = ips.map((ip) => monitor.when(ip));
  const t0 = nowMs();
  for (let k = 0; k < per; k++) for (const ip of ips) live.write(ip);
  const tWritten = nowMs();
  const t0Wall = Date.now() - (tWritten - t0);
  /** @type {number[]} */
  const times = [];
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const all = Promise.all(waits.map((w) => w.promise.then((t) => times.push(t))));
  const timeout = new Promise((r) => { timer = setTimeout(r, waitMs); });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
  for (const w of waits) w.cancel();
  times.sort((a, b) => a - b);
  const n = ips.length;
  const at = (/** @type {number} */ frac) => (times.length >= Math.ceil(frac * n) ? times[Math.ceil(frac * n) - 1] - t0 : NaN);
  return {
    attackers: n, perAttacker: per, lines: n * per, writeMs: tWritten - t0, t0Wall,
    blocked: times.length, allBlocked: times.length === n, waitS: waitMs / 1000,
    msToFirst: times.length ? times[0] - t0 : NaN, msToHalf: at(0.5), msTo90: at(0.9), msToAll: times.length === n ? times[n - 1] - t0 : NaN,
    msAfterLastLine: times.length === n ? times[n - 1] - tWritten : NaN,
  };
}

/** A `Vm…:` figure of /proc/<pid>/status in KiB (VmHWM: peak RSS, VmRSS: RSS now).  @param {number | undefined} pid */
export function procKb(pid, field = 'VmHWM') {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch { return NaN; }
}

// ------------------------------------------------------------------ the two tools

/**
 * `sipwarden run` inside `ns` (or, for the dry-run backend, where it is), following `logPath`.
 * @param {string | null} ns
 * @param {string} dir
 * @param {string} logPath
 * @returns {Promise<Tool & { cfg: string }>}
 */
export async function startSipwarden(ns, dir, logPath, backend = 'nftables') {
  const cfg = path.join(dir, 'sipwarden.yaml');
  fs.writeFileSync(cfg, `# bench/compare: written by the benchmark
protection: on
asterisk:
  logs: [${JSON.stringify(logPath)}]
  start_at: end
firewall:
  backend: ${backend}
  # No packets are sent in this benchmark, so the kernel's "seen" set stays empty; with
  # require_seen on (the default) sipwarden would rightly refuse every ban.
  require_seen: false
store:
  path: ${JSON.stringify(path.join(dir, 'sipwarden.db'))}
failed_auth_log:
  path: ${JSON.stringify(path.join(dir, 'failed-auth.log'))}
accounts:
  discover: false
trust:
  learn: false
policy:
  # fail2ban bans addresses only: compare address for address, without subnet escalation.
  subnets:
    enabled: false
`);
  const argv = [process.execPath, CLI, 'run', '--config', cfg];
  const child = ns ? startProc('ip', ['netns', 'exec', ns, ...argv], { env: ENV }) : startProc(argv[0], argv.slice(1), { env: ENV });
  /** @type {string[]} */
  const messages = [];
  /** @type {Map<string, number>} */
  const banTimes = new Map();
  let ready = false;
  const rl = readline.createInterface({ input: stdoutOf(child) });
  rl.on('line', (line) => {
    try {
      const j = JSON.parse(line);
      if (j.msg === 'sipwarden running') ready = true;
      if (j.msg === 'banned' && !banTimes.has(j.ip)) banTimes.set(j.ip, j.time);
      if (j.msg !== 'banned' && j.level >= 40 && messages.length < 20) messages.push(`${j.level >= 50 ? 'error' : 'warn'}: ${j.msg}${j.err ? ` (${j.err})` : ''}`);
    } catch { /* not JSON */ }
  });
  let stderr = '';
  stderrOf(child).on('data', (/** @type {string} */ s) => { if (stderr.length < 20_000) stderr += s; });
  for (let i = 0; i < 300 && !ready && !child.isDone(); i++) await sleep(100);
  if (!ready) throw new Error(`sipwarden run did not start within 30 s: ${stderr.slice(0, 2000)} ${messages.join('; ')}`);
  return { child, cfg, table: 'sipwarden', sets: inetSets('sipwarden'), messages: () => messages, banTimes: () => banTimes, describe: `sipwarden run, firewall.backend ${backend}, require_seen false, start_at end`, stderr: () => stderr };
}

/**
 * `fail2ban-server -f` inside `ns` with a private config dir: one asterisk jail on `logPath`.
 * @param {string} ns
 * @param {string} dir
 * @param {string} logPath
 * @param {string} backend pyinotify or polling
 * @returns {Promise<Tool & { socket: string, logtarget: string }>}
 */
export async function startFail2ban(ns, dir, logPath, backend) {
  const f = writeFail2banConfig(dir, { logpath: logPath, backend });
  const child = startProc('ip', ['netns', 'exec', ns, 'fail2ban-server', '-f', '-x', '-c', f.conf, '-s', f.socket, '-p', f.pidfile], { env: ENV });
  let stderr = '';
  stderrOf(child).on('data', (/** @type {string} */ s) => { if (stderr.length < 20_000) stderr += s; });
  stdoutOf(child).resume();
  let ready = false;
  for (let i = 0; i < 150 && !ready && !child.isDone(); i++) {
    await sleep(200);
    if (!fs.existsSync(f.socket)) continue;
    const st = await run('fail2ban-client', ['-s', f.socket, 'status', 'asterisk'], { timeoutMs: 10_000 });
    const table = sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', F2B_TABLE], { allowFail: true });
    ready = st.code === 0 && table.status === 0;
  }
  if (!ready) throw new Error(`fail2ban-server did not start its asterisk jail within 30 s: ${stderr.slice(0, 2000)}`);
  const messages = () => {
    try {
      return fs.readFileSync(f.logtarget, 'utf8').split('\n').filter((l) => /ERROR|WARNING/.test(l)).slice(0, 20);
    } catch { return []; }
  };
  // `2026-11-24 20:28:29,468 fail2ban.actions [31894]: NOTICE  [asterisk] Ban 198.18.0.9` (TZ=UTC)
  const banTimes = () => {
    const m = new Map();
    let text = '';
    try { text = fs.readFileSync(f.logtarget, 'utf8'); } catch { return m; }
    const re = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) fail2ban\.actions\s+\[\d+\]: NOTICE\s+\[asterisk\] Ban (\S+)$/gm;
    for (const x of text.matchAll(re)) {
      const ip = x[8];
      if (!m.has(ip)) m.set(ip, Date.UTC(+x[1], +x[2] - 1, +x[3], +x[4], +x[5], +x[6], +x[7]));
    }
    return m;
  };
  return { child, table: F2B_TABLE, sets: inetSets(F2B_TABLE), messages, banTimes, describe: `fail2ban-server -f ${f.conf} (jail asterisk: maxretry 2, findtime 3600, bantime 3600, backend ${backend})`, stderr: () => stderr, socket: f.socket, logtarget: f.logtarget };
}

/**
 * CrowdSec inside `ns`: the agent with its Local API (private config, the hub's Asterisk
 * parser and scenarios, acquisition of `logPath` as type asterisk) and, unless `bouncer` is
 * null, crowdsec-firewall-bouncer in nftables mode pulling decisions every `bouncer`
 * (its update_frequency). The agent's ban decision time is its overflow record
 * (`Ip … performed '…' … at <ns time>`), the first scenario's.
 * @param {string} ns
 * @param {string} dir
 * @param {string} logPath
 * @param {string | null} bouncer update_frequency, e.g. '10s'
 * @returns {Promise<Tool & { cs: import('./crowdsec.mjs').CrowdsecConfig, bouncerChild: import('./util.mjs').Proc | null }>}
 */
export async function startCrowdsec(ns, dir, logPath, bouncer) {
  const cs = writeCrowdsecConfig(dir, { acquis: { file: logPath } });
  const child = startProc('ip', ['netns', 'exec', ns, 'crowdsec', '-c', cs.config], { env: ENV });
  /** @type {string[]} */
  const messages = [];
  /** @type {Map<string, number>} */
  const banTimes = new Map();
  let ready = false;
  let head = '';
  /** @param {string} line */
  const onLine = (line) => {
    if (line.includes('Starting processing data')) ready = true;
    // `msg="Ip 198.18.0.7 performed 'crowdsecurity/asterisk_bf' (6 events over 512ms) at 2026-12-07 11:12:50.381029456 +0000 UTC"`
    const p = /msg="Ip (\S+) performed '[^']+' \(\d+ events over [^)]*\) at (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) \+0000 UTC"/.exec(line);
    if (p) {
      if (!banTimes.has(p[1])) banTimes.set(p[1], Date.parse(`${p[2]}T${p[3].slice(0, 12)}Z`));
      return;
    }
    if (decisionOf(line)) return;
    if (/level=(warning|error|fatal)/.test(line) && !/GeoLite2|Central API disabled|Loaded \d+ scenarios/.test(line) && messages.length < 20) messages.push(line.replace(/^time="[^"]*" /, ''));
    if (head.length < 20_000) head += `${line}\n`;
  };
  readline.createInterface({ input: stdoutOf(child) }).on('line', onLine);
  readline.createInterface({ input: stderrOf(child) }).on('line', onLine);
  for (let i = 0; i < 600 && !ready && !child.isDone(); i++) await sleep(100);
  if (!ready) throw new Error(`crowdsec did not start within 60 s: ${head.slice(-2000)}`);
  // Its file tailer starts after that line and begins at the end of the file: lines written
  // in the same instant would be skipped.
  await sleep(1_000);
  /** @type {import('./util.mjs').Proc | null} */
  let bouncerChild = null;
  if (bouncer !== null) {
    const cfg = writeBouncerConfig(cs, bouncer);
    bouncerChild = startProc('ip', ['netns', 'exec', ns, 'crowdsec-firewall-bouncer', '-c', cfg], { env: ENV });
    let bout = '';
    /** @param {string} line */
    const onBouncer = (line) => {
      if (bout.length < 20_000) bout += `${line}\n`;
      if (/level=(warning|error|fatal)/.test(line) && messages.length < 20) messages.push(`bouncer: ${line.replace(/^time="[^"]*" /, '')}`);
    };
    readline.createInterface({ input: stdoutOf(bouncerChild) }).on('line', onBouncer);
    readline.createInterface({ input: stderrOf(bouncerChild) }).on('line', onBouncer);
    let up = false;
    for (let i = 0; i < 150 && !up && !bouncerChild.isDone(); i++) {
      await sleep(200);
      up = sh('ip', ['netns', 'exec', ns, 'nft', 'list', 'set', CS_TABLES.v4.family, CS_TABLES.v4.table, CS_TABLES.v4.set], { allowFail: true }).status === 0;
    }
    if (!up) throw new Error(`crowdsec-firewall-bouncer did not make its nftables set within 30 s: ${bout.slice(-2000)}`);
  }
  const stop = child.stop;
  // Stopping the tool stops both; the bouncer first (it deletes its tables on the way out).
  child.stop = async (graceMs) => {
    if (bouncerChild) await bouncerChild.stop(graceMs);
    return stop(graceMs);
  };
  const sets = [CS_TABLES.v4, CS_TABLES.v6].map((x) => ({ family: x.family, table: x.table, set: x.set }));
  return {
    child, cs, bouncerChild, table: CS_TABLES.v4.table, sets, messages: () => messages, banTimes: () => banTimes, stderr: () => head,
    describe: `crowdsec -c <private config> (hub asterisk-logs + asterisk_bf/asterisk_user_enum: capacity 5, leak 10 s; default profile: 4 h ban)${bouncer === null ? '' : ` + crowdsec-firewall-bouncer (nftables mode, update_frequency ${bouncer})`}`,
  };
}

/**
 * @typedef {object} RateFigures one tool at one rate
 * @property {number} attackers
 * @property {number} blocked
 * @property {number} notBlocked
 * @property {number} p50
 * @property {number} p95
 * @property {number} p99
 * @property {number} max
 * @property {number} min
 * @property {number} linesP50
 * @property {number} linesP99
 * @property {number} linesMax
 * @property {number} decideP50
 * @property {number} decideP99
 * @property {number} enforceP50
 * @property {number} enforceP99
 * @property {number} capS
 * @property {Array<Pick<AttackResult, 'ip' | 'ms' | 'lines' | 'decideMs' | 'enforceMs'>>} samples
 * @typedef {Awaited<ReturnType<typeof burst>> & { banLogged?: number, msToFirstBanLogged?: number, msToLastBanLogged?: number }} BurstFigures
 * @typedef {object} LiveSide one tool's live figures
 * @property {Record<number, RateFigures>} rates
 * @property {BurstFigures | null} burst
 * @property {string} [setup]
 * @property {number | null} [warmupMs]
 * @property {number} [kernelHolds]
 * @property {number} [monitorSaw]
 * @property {number} [burstInSetNow]
 * @property {number} [peakRssMb]
 * @property {string[]} [messages]
 * @property {number | string | null} [exit]
 */

/**
 * @typedef {object} ToolSpec how to run one tool's live phases
 * @property {string} key short name (namespace, temp dir, log lines)
 * @property {(ns: string, dir: string, logPath: string) => Promise<Tool>} start
 * @property {number} threshold the failure that should trigger its ban: the clock starts at its write
 * @property {boolean} security the attackers write security events (CrowdSec reads nothing else)
 * @property {number} perRate attackers per rate
 * @property {number} graceMs how long an attacker waits for the block after its last line
 * @property {number} burst attackers in the burst (0: no burst)
 * @property {number} [spreadMs] a tool that enforces on a timer (CrowdSec's bouncer pulls decisions every
 *   update_frequency): attacker i of n starts i/n of this period after the previous block, so the attackers
 *   sample every phase of the timer evenly instead of all starting just after a pull
 */

/**
 * Runs every live phase against one tool.
 * @param {ToolSpec} spec
 * @param {Options} o
 */
async function measureTool(spec, o) {
  const tool = spec.key;
  const ns = makeNetns(`swcmp-${tool}-${process.pid}`);
  const dir = tmpDir(`swcmp-${tool}-`);
  const logPath = path.join(dir, 'asterisk.log');
  const live = new LiveLog(logPath, { security: spec.security });
  /** @type {Tool | null} */
  let t = null;
  /** @type {Monitor | null} */
  let monitor = null;
  /** @type {LiveSide} */
  const out = { rates: {}, burst: null };
  try {
    t = await spec.start(ns, dir, logPath);
    out.setup = t.describe;
    monitor = await startMonitor(ns, t.sets);
    await sleep(500); // let the tool settle after start-up
    // One warm-up attacker, not counted: a tool's first ban after start pays one-time
    // costs (fail2ban's first action takes ~0.5 s), which would otherwise be its p99.
    const warm = await attack(live, monitor, attackers(8, 1)[0], 10, o.capMs, spec.threshold, spec.graceMs);
    out.warmupMs = warm.ms;
    await sleep(200);
    let phase = 0;
    for (const rate of o.rates) {
      phase++;
      const ips = attackers(phase, spec.perRate);
      /** @type {AttackResult[]} */
      const res = [];
      const began = nowMs();
      log(`live ${tool}: ${spec.perRate} attackers at ${rate} tries/s ...`);
      for (const [i, ip] of ips.entries()) {
        if (spec.spreadMs) await sleep((i * spec.spreadMs) / ips.length);
        res.push(await attack(live, monitor, ip, rate, o.capMs, spec.threshold, spec.graceMs));
        await sleep(20);
        if (nowMs() - began > o.phaseBudgetMs) break; // bounded: report how many ran
      }
      const ms = res.flatMap((r) => (r.ms === null ? [] : [r.ms]));
      const lines = res.filter((r) => r.ms !== null).map((r) => r.lines);
      // Where the time goes: 2nd line → the tool logs its ban decision (sipwarden's
      // "banned", fail2ban's "[asterisk] Ban"; wall-clock ms) → the element in the kernel.
      const logged = t.banTimes();
      /** @type {number[]} */
      const decide = [];
      /** @type {number[]} */
      const enforce = [];
      for (const r of res) {
        const b = logged.get(r.ip);
        if (r.ms === null || b === undefined || r.blocked === undefined) continue;
        r.decideMs = b - r.t2;
        r.enforceMs = r.blocked - b;
        decide.push(r.decideMs);
        enforce.push(r.enforceMs);
      }
      out.rates[rate] = {
        attackers: res.length, blocked: ms.length, notBlocked: res.length - ms.length,
        p50: pct(ms, 50), p95: pct(ms, 95), p99: pct(ms, 99), max: pct(ms, 100), min: pct(ms, 0),
        linesP50: pct(lines, 50), linesP99: pct(lines, 99), linesMax: pct(lines, 100),
        decideP50: pct(decide, 50), decideP99: pct(decide, 99), enforceP50: pct(enforce, 50), enforceP99: pct(enforce, 99),
        capS: o.capMs / 1000,
        samples: res.map((r) => ({ ip: r.ip, ms: r.ms === null ? null : Math.round(r.ms * 100) / 100, lines: r.lines, decideMs: r.decideMs, enforceMs: r.enforceMs === undefined ? undefined : Math.round(r.enforceMs * 100) / 100 })),
      };
    }
    // Each attacker of the burst writes what the tool needs to ban it: 3 failures (the
    // owner's policy bans at 2), or CrowdSec's threshold.
    const per = Math.max(3, spec.threshold);
    const ips = attackers(9, spec.burst);
    if (spec.burst > 0) {
      log(`live ${tool}: burst of ${spec.burst} attackers × ${per} failures ...`);
      const b = await burst(live, monitor, ips, per, o.burstWaitMs);
      await sleep(200);
      const logged = t.banTimes();
      const dec = [];
      for (const ip of ips) {
        const at = logged.get(ip);
        if (at !== undefined) dec.push(at - b.t0Wall);
      }
      dec.sort((x, y) => x - y);
      out.burst = { ...b, banLogged: dec.length, msToFirstBanLogged: dec.length ? dec[0] : NaN, msToLastBanLogged: dec.length ? dec[dec.length - 1] : NaN };
    }
    const held = listSet(ns, t.sets);
    out.kernelHolds = held.size;
    out.monitorSaw = monitor.firstSeen.size;
    out.burstInSetNow = ips.filter((ip) => held.has(ip)).length;
    out.peakRssMb = procKb(t.child.pid) / 1024;
    out.messages = t.messages();
  } finally {
    live.close();
    if (monitor) await monitor.stop();
    if (t) {
      const code = await t.child.stop(10_000);
      out.exit = code;
    }
    removeNetns(ns);
  }
  return out;
}

/**
 * sipwarden, then each peer of `o.peers`: fail2ban, and CrowdSec twice — its bouncer pulling
 * decisions at its default update_frequency (10 s) and at 1 s, the least it accepts that
 * works (the burst runs with the 1 s bouncer only: at 10 s it would only add the wait).
 * @param {Options} o
 */
export async function runLive(o) {
  const info = fail2banInfo();
  const backend = info.pyinotify ? 'pyinotify' : 'polling';
  const base = { perRate: o.perRate, graceMs: 1000, burst: o.burst, security: false, threshold: 2 };
  const sipwarden = await measureTool({ ...base, key: 'sw', start: (ns, dir, lp) => startSipwarden(ns, dir, lp) }, o);
  const fail2ban = o.peers.includes('fail2ban')
    ? await measureTool({ ...base, key: 'f2b', start: (ns, dir, lp) => startFail2ban(ns, dir, lp, backend) }, o)
    : undefined;
  /** @type {{ version: string | null, bouncer: string | null, threshold: number, perRate: number, poll10: LiveSide, poll1: LiveSide } | undefined} */
  let crowdsec;
  if (o.peers.includes('crowdsec')) {
    const cs = { perRate: o.csPerRate, security: true, threshold: CS_THRESHOLD };
    // The bouncer's pull interval comes on top of detection: wait a whole interval more.
    const poll10 = await measureTool({ ...cs, key: 'cs10', graceMs: 12_000, spreadMs: 10_000, burst: 0, start: (ns, dir, lp) => startCrowdsec(ns, dir, lp, '10s') }, o);
    const poll1 = await measureTool({ ...cs, key: 'cs1', graceMs: 3_000, spreadMs: 1_000, burst: o.csBurst, start: (ns, dir, lp) => startCrowdsec(ns, dir, lp, '1s') }, o);
    crowdsec = { ...crowdsecInfo(), threshold: CS_THRESHOLD, perRate: o.csPerRate, poll10, poll1 };
  }
  return { fail2banBackend: backend, pyinotify: info.pyinotify, rates: o.rates, perRate: o.perRate, burstAttackers: o.burst, capS: o.capMs / 1000, sipwarden, fail2ban, crowdsec };
}

/** @param {import('node:child_process').ChildProcess} child started with stdout piped */
function stdoutOf(child) {
  if (!child.stdout) throw new Error('no stdout pipe');
  return child.stdout;
}

/** @param {import('node:child_process').ChildProcess} child started with stderr piped; decoded as UTF-8 */
function stderrOf(child) {
  if (!child.stderr) throw new Error('no stderr pipe');
  child.stderr.setEncoding('utf8');
  return child.stderr;
}

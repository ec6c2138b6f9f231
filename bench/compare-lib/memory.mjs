// @ts-check
/**
 * Part 3: memory at scale. N distinct attacker addresses, each failing once (the addresses
 * scanners rotate through): one chan_sip "Wrong password" NOTICE line each, in Asterisk's
 * default format, spread over one hour; a share of them IPv6. Peak RSS of
 * `fail2ban-regex` (quiet summary mode) and of `sipwarden check --json` over that file
 * and over a 10-line file of the same kind; per-address bytes = (peak − tiny peak) / N.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Stamper } from '../lib/asterisk.mjs';
import { hostPort } from '../lib/addresses.mjs';
import { scrapeMetrics } from './crowdsec.mjs';
import { fail2banInfo, STOCK_FILTER } from './fail2ban.mjs';
import { attackers, LiveLog, procKb, startCrowdsec, startFail2ban, startSipwarden } from './live.mjs';
import { BENCH, CLI, log, makeNetns, nowMs, removeNetns, run, sleep, timed, tmpDir } from './util.mjs';

/** How long each daemon is left without input before its settled RSS is read. */
const SETTLE_MS = 10_000;
const FORMAT_VERSION = 1; // bump when the lines written here change
const START = Date.UTC(2026, 10, 24, 0, 0, 0);

/** @param {number} v */
function publicV4(v) {
  const a = v >>> 24;
  const b = (v >>> 16) & 255;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && (b === 168 || b === 0)) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return (v & 255) !== 0 && (v & 255) !== 255;
}

/**
 * N distinct addresses (a bijection of the counter, so no two are equal); every 1/v6Share-th IPv6.
 * @param {number} n
 * @param {number} v6Share
 * @returns {Generator<string>}
 */
export function* distinctAddresses(n, v6Share) {
  const v6Every = v6Share > 0 ? Math.round(1 / v6Share) : 0;
  let k = 0;
  let i = 0;
  let j = 0;
  while (i < n) {
    if (v6Every && i % v6Every === v6Every - 1) {
      yield `2001:db8:${((j >>> 15) + 1).toString(16)}:${((j & 0x7fff) + 1).toString(16)}::${(1 + (j % 4093)).toString(16)}`;
      j++;
      i++;
      continue;
    }
    const v = Math.imul(++k, 2654435761) >>> 0;
    if (!publicV4(v)) continue;
    yield `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    i++;
  }
}

/** @param {string} file  @param {number} n  @param {number} v6Share */
function writeDistinct(file, n, v6Share) {
  const st = new Stamper('default');
  const fd = fs.openSync(`${file}.tmp`, 'w');
  /** @type {string[]} */
  let buf = [];
  let i = 0;
  const step = 3_600_000 / Math.max(1, n);
  for (const ip of distinctAddresses(n, v6Share)) {
    const ms = START + Math.floor(i * step);
    buf.push(`${st.dateOf(ms)} NOTICE[16641] chan_sip.c: Registration from '<sip:${100 + (i % 900)}@192.0.2.2:5060>' failed for '${hostPort(ip, 5060 + (i % 1000))}' - Wrong password\n`);
    i++;
    if (buf.length >= 10_000) { fs.writeSync(fd, buf.join('')); buf = []; }
  }
  if (buf.length) fs.writeSync(fd, buf.join(''));
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
}

/** @param {number} n  @param {number} v6Share */
export function ensureDistinctLog(n, v6Share) {
  const file = path.join(BENCH, 'data', `distinct-${n}-v6-${v6Share}-v${FORMAT_VERSION}.log`);
  if (!fs.existsSync(file)) {
    log(`memory: writing ${n.toLocaleString('en-US')} distinct attackers to ${path.relative(path.dirname(BENCH), file)} ...`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeDistinct(file, n, v6Share);
  }
  return file;
}

/** @param {import('../compare.mjs').Options} o */
export async function runMemory(o) {
  const n = o.memAddresses;
  const big = ensureDistinctLog(n, o.v6Share);
  const tiny = ensureDistinctLog(10, o.v6Share);
  const env = { ...process.env, TZ: 'UTC' };
  const timeoutMs = o.quick ? 120_000 : 300_000;
  const cfg = path.join(BENCH, 'config', 'owner-policy.yaml');
  /**
   * @param {string} label
   * @param {string} cmd
   * @param {(file: string) => string[]} argsFor
   * @param {(r: Awaited<ReturnType<typeof timed>>, want: number) => void} check throws when the run is wrong
   */
  const side = async (label, cmd, argsFor, check) => {
    log(`memory: ${label} over 10 lines ...`);
    const t = await timed(cmd, argsFor(tiny), { env, timeoutMs });
    check(t, 10);
    log(`memory: ${label} over ${n.toLocaleString('en-US')} distinct addresses ...`);
    const b = await timed(cmd, argsFor(big), { env, timeoutMs });
    check(b, n);
    return { tinyRssMb: t.rssMb, rssMb: b.rssMb, wall: b.wall, cpu: b.cpu, bytesPerAddress: ((b.rssKb - t.rssKb) * 1024) / n, linesPerS: n / b.wall };
  };
  const sw = await side('sipwarden check --json', process.execPath, (f) => [CLI, 'check', '--json', '--config', cfg, f], (r, want) => {
    if (r.code !== 0) throw new Error(`sipwarden check exited ${r.code}: ${r.stderr.slice(0, 1000)}`);
    const j = JSON.parse(r.stdout);
    if ((j.addresses?.length ?? 0) !== want) throw new Error(`sipwarden check reported ${j.addresses?.length} addresses, expected ${want}`);
    r.stdout = '';
  });
  let f2Matched = NaN;
  const f2 = await side('fail2ban-regex', 'fail2ban-regex', (f) => ['-r', '--print-no-missed', f, STOCK_FILTER], (r, want) => {
    const m = /Lines:\s+(\d+) lines, (\d+) ignored, (\d+) matched/.exec(r.stdout);
    if (!m) throw new Error(`fail2ban-regex printed no summary: ${(r.stdout + r.stderr).slice(-1000)}`);
    f2Matched = Number(m[3]);
    if (f2Matched !== want) log(`memory: fail2ban-regex matched ${f2Matched} of ${want} lines`);
  });
  return { addresses: n, v6Share: o.v6Share, file: path.basename(big), sipwarden: sw, fail2ban: { ...f2, matched: f2Matched } };
}

// ------------------------------------------------------------------ the daemons themselves

/**
 * The same distinct-address failures fed to the running daemons: `sipwarden run`
 * (dry-run firewall: nobody reaches a ban with one failure) and `fail2ban-server` (its
 * asterisk jail, in a namespace of its own because its ban action creates an nftables
 * table at start). Lines are dated now (fail2ban ignores lines older than findtime)
 * and appended in chunks; the benchmark waits until the tool has counted every failure
 * (sipwarden: `status --json` reports.attempts; fail2ban: `fail2ban-client status`
 * Total failed), bounded, then reads VmRSS/VmHWM from /proc. CrowdSec's agent (with its
 * Local API, no bouncer: one failure bans nobody) runs in a namespace too and is fed the
 * InvalidPassword security event of the same guess (its parser reads nothing else); its
 * count is its own metric of parsed lines, and `cs_buckets` says how many buckets it holds
 * (a bucket with one failure leaks out after 10 s, so it tracks fewer addresses than it saw).
 */
/**
 * @typedef {object} DaemonMemory one daemon's figures
 * @property {string} setup
 * @property {number} addresses distinct addresses it was fed
 * @property {number} counted failures it logged (warm-up left out)
 * @property {number} confirmed its own count, warm-up included
 * @property {boolean} complete
 * @property {number} writeMs
 * @property {number} ingestMs
 * @property {number} baseRssMb
 * @property {number} rssMb
 * @property {number} hwmMb
 * @property {number} bytesPerAddressRss
 * @property {number} bytesPerAddressHwm
 * @property {number} settledRssMb RSS 10 s after the last failure was counted, with no input meanwhile
 * @property {number} bytesPerAddressSettled
 * @property {number} linesPerS NaN when not complete
 * @property {number} [bucketsMax] CrowdSec: the most buckets it held at once (its `cs_buckets` gauge)
 * @property {number} [bucketsEnd] CrowdSec: the buckets it held when RSS was read
 */

/** @param {import('../compare.mjs').Options} o */
export async function runDaemonMemory(o) {
  const n = o.daemonAddresses;
  const env = { ...process.env, TZ: 'UTC' };
  const backend = fail2banInfo().pyinotify ? 'pyinotify' : 'polling';
  // Progress from each tool's own per-failure log line (cheap to follow; polling the
  // tools' status commands every second would compete for the 2 CPUs):
  // sipwarden's failed-auth log `… FAILED ip=…`, fail2ban's `[asterisk] Found <ip>`.
  /** @param {string} file  @param {string} needle  @returns {() => number} */
  const counter = (file, needle) => {
    let offset = 0;
    let count = 0;
    let rest = '';
    return () => {
      let fd;
      try { fd = fs.openSync(file, 'r'); } catch { return count; }
      try {
        const buf = Buffer.alloc(1 << 22);
        for (;;) {
          const k = fs.readSync(fd, buf, 0, buf.length, offset);
          if (k <= 0) break;
          offset += k;
          const text = rest + buf.toString('latin1', 0, k);
          const lines = text.split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) if (l.includes(needle)) count++;
        }
      } finally { fs.closeSync(fd); }
      return count;
    };
  };
  /** sipwarden's own count of failures (`status --json`), from its config file. */
  const confirmSipwarden = async (/** @type {string} */ cfg) => {
    const r = await run(process.execPath, [CLI, 'status', '--json', '--config', cfg], { env, timeoutMs: 60_000 });
    try { return Number(JSON.parse(r.stdout).reports.attempts); } catch { return NaN; }
  };
  /** fail2ban's own count (`fail2ban-client status asterisk`: Total failed), through its socket. */
  const confirmFail2ban = async (/** @type {string} */ socket) => {
    const r = await run('fail2ban-client', ['-s', socket, 'status', 'asterisk'], { env, timeoutMs: 30_000 });
    const m = /Total failed:\s+(\d+)/.exec(r.stdout);
    return m ? Number(m[1]) : NaN;
  };
  /** @param {() => number} count  @param {number} want  @param {number} maxMs */
  const waitFor = async (count, want, maxMs) => {
    const t0 = nowMs();
    let got = count();
    while (got < want && nowMs() - t0 < maxMs) {
      await sleep(250);
      got = count();
    }
    return { got, ms: nowMs() - t0 };
  };
  /** @type {{ addresses: number, v6Share: number, waitS: number, fail2banBackend: string, sipwarden?: DaemonMemory, fail2ban?: DaemonMemory, crowdsec?: DaemonMemory }} */
  const out = { addresses: n, v6Share: o.v6Share, waitS: o.daemonWaitMs / 1000, fail2banBackend: backend };
  const tools = /** @type {const} */ (['sipwarden', 'fail2ban', 'crowdsec']).filter((x) => x === 'sipwarden' || o.peers.includes(x));
  for (const tool of tools) {
    const n = tool === 'crowdsec' ? Math.min(o.csDaemonAddresses, o.daemonAddresses) : o.daemonAddresses;
    if (n === 0) continue;
    const dir = tmpDir(`swcmp-mem-${tool}-`);
    const logPath = path.join(dir, 'asterisk.log');
    const live = new LiveLog(logPath, { security: tool === 'crowdsec' });
    const ns = tool === 'sipwarden' ? null : makeNetns(`swcmp-mem-${tool}-${process.pid}`);
    const cs = { bucketsMax: 0, bucketsEnd: NaN };
    /** @type {import('./live.mjs').Tool | null} */
    let t = null;
    try {
      log(`memory: ${tool} daemon, warm-up ...`);
      /** @type {() => number} */
      let count;
      /** @type {() => Promise<number>} */
      let confirm;
      if (tool === 'sipwarden' || ns === null) {
        const s = await startSipwarden(null, dir, logPath, 'dry-run');
        t = s;
        count = counter(path.join(dir, 'failed-auth.log'), ' FAILED ');
        confirm = () => confirmSipwarden(s.cfg);
      } else if (tool === 'crowdsec') {
        const c = await startCrowdsec(ns, dir, logPath, null);
        t = c;
        // Its metrics, read at most once a second (each read is a curl in its namespace).
        let last = 0;
        let at = 0;
        count = () => {
          if (nowMs() - at < 1000) return last;
          at = nowMs();
          const m = scrapeMetrics(ns, c.cs.metricsPort);
          if (m) {
            last = m.sum('cs_parser_hits_ok_total');
            cs.bucketsEnd = m.sum('cs_buckets');
            cs.bucketsMax = Math.max(cs.bucketsMax, cs.bucketsEnd);
          }
          return last;
        };
        confirm = async () => { at = 0; return count(); };
      } else {
        const f = await startFail2ban(ns, dir, logPath, backend);
        t = f;
        count = counter(f.logtarget, '] Found ');
        confirm = () => confirmFail2ban(f.socket);
      }
      for (const ip of attackers(0, 10)) live.write(ip);
      const warm = await waitFor(count, 10, 30_000);
      await sleep(1_000);
      const base = { rss: procKb(t.child.pid, 'VmRSS'), hwm: procKb(t.child.pid, 'VmHWM') };
      log(`memory: ${tool} daemon, ${n.toLocaleString('en-US')} distinct attackers ...`);
      /** @type {string[]} */
      let chunk = [];
      let i = 0;
      const t0 = nowMs();
      for (const ip of distinctAddresses(n, o.v6Share)) {
        chunk.push(live.line(ip, 5060 + (i % 1000), 100 + (i % 900)));
        i++;
        if (chunk.length === 1000) {
          fs.writeSync(live.fd, chunk.join(''));
          chunk = [];
          if (i % 50_000 === 0) await sleep(1); // let the event loop breathe (signals)
        }
      }
      if (chunk.length) fs.writeSync(live.fd, chunk.join(''));
      const writeMs = nowMs() - t0;
      const done = await waitFor(count, n + warm.got, o.daemonWaitMs);
      const ingestMs = nowMs() - t0;
      await sleep(1_000);
      const end = { rss: procKb(t.child.pid, 'VmRSS'), hwm: procKb(t.child.pid, 'VmHWM') };
      // Settled: 10 s more with no input (sipwarden gives a burst's garbage back once quiet for 3 s, Go's and Python's collectors as they do).
      await sleep(SETTLE_MS);
      const settledRss = procKb(t.child.pid, 'VmRSS');
      const counted = done.got - warm.got;
      const confirmed = await confirm();
      const complete = counted >= n;
      out[tool] = {
        setup: t.describe, addresses: n, counted, confirmed, complete, writeMs, ingestMs,
        baseRssMb: base.rss / 1024, rssMb: end.rss / 1024, hwmMb: end.hwm / 1024,
        bytesPerAddressRss: ((end.rss - base.rss) * 1024) / Math.max(1, counted),
        bytesPerAddressHwm: ((end.hwm - base.hwm) * 1024) / Math.max(1, counted),
        settledRssMb: settledRss / 1024, bytesPerAddressSettled: ((settledRss - base.rss) * 1024) / Math.max(1, counted),
        linesPerS: complete ? counted / (ingestMs / 1000) : NaN,
        ...(tool === 'crowdsec' ? cs : {}),
      };
    } finally {
      live.close();
      if (t) await t.child.stop(10_000);
      if (ns) removeNetns(ns);
    }
  }
  return out;
}

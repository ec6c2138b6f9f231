// @ts-check
/**
 * fail2ban as `bench/compare` runs it: Debian's stock `asterisk` filter, used verbatim
 * (copied from /etc/fail2ban/filter.d with the common.conf it includes), a private
 * configuration directory for fail2ban-server (nothing under /etc is changed), a ban
 * action that puts the address into `table inet f2bbench` set ban4/ban6 with a
 * timeout, and a model of fail2ban's FailManager (1.0.2) to tell which addresses a
 * jail with the owner's policy would ban from `fail2ban-regex -o row` output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const STOCK_FILTER = '/etc/fail2ban/filter.d/asterisk.conf';
export const F2B_TABLE = 'f2bbench';

/** fail2ban's version and whether pyinotify can be imported (else the jail polls). */
export function fail2banInfo() {
  const v = spawnSync('fail2ban-server', ['-V'], { encoding: 'utf8', timeout: 20_000 });
  // The interpreter fail2ban itself runs with (its shebang), not whichever python3 is first in $PATH.
  let python = '/usr/bin/python3';
  try {
    const m = /^#!\s*(\S+)/.exec(fs.readFileSync('/usr/bin/fail2ban-server', 'utf8').split('\n', 1)[0]);
    if (m && !m[1].endsWith('/env')) python = m[1];
  } catch { /* keep the default */ }
  const py = spawnSync(python, ['-c', 'import pyinotify'], { encoding: 'utf8', timeout: 20_000 });
  return { version: v.status === 0 ? v.stdout.trim() : null, pyinotify: py.status === 0 };
}

/**
 * Writes a complete fail2ban configuration directory for one `asterisk` jail.
 * @param {string} dir
 * @param {{ logpath: string, backend: string, maxretry?: number, findtime?: number, bantime?: number }} jail
 * @returns {{ conf: string, socket: string, pidfile: string, logtarget: string, db: string }}
 */
export function writeFail2banConfig(dir, { logpath, backend, maxretry = 2, findtime = 3600, bantime = 3600 }) {
  const conf = path.join(dir, 'conf');
  fs.mkdirSync(path.join(conf, 'filter.d'), { recursive: true });
  fs.mkdirSync(path.join(conf, 'action.d'), { recursive: true });
  for (const f of ['asterisk.conf', 'common.conf']) fs.copyFileSync(path.join('/etc/fail2ban/filter.d', f), path.join(conf, 'filter.d', f));
  const files = { socket: path.join(dir, 'f2b.sock'), pidfile: path.join(dir, 'f2b.pid'), logtarget: path.join(dir, 'fail2ban.log'), db: path.join(dir, 'f2b.sqlite3') };
  // The Debian defaults (fail2ban.conf), only the paths moved into the temp dir.
  fs.writeFileSync(path.join(conf, 'fail2ban.conf'), `[Definition]
loglevel = INFO
logtarget = ${files.logtarget}
syslogsocket = auto
socket = ${files.socket}
pidfile = ${files.pidfile}
allowipv6 = auto
dbfile = ${files.db}
dbpurgeage = 1d
dbmaxmatches = 10
[Thread]
`);
  fs.writeFileSync(path.join(conf, 'jail.conf'), `[DEFAULT]
ignoreself = true
ignoreip = 127.0.0.1/8 ::1
usedns = no

[asterisk]
enabled  = true
filter   = asterisk
backend  = ${backend}
logpath  = ${logpath}
maxretry = ${maxretry}
findtime = ${findtime}
bantime  = ${bantime}
action   = f2bbench
`);
  // Ban = one element with a timeout in a set of its own table, like sipwarden's ban4/ban6.
  fs.writeFileSync(path.join(conf, 'action.d', 'f2bbench.conf'), `[Definition]
actionstart_on_demand = false
actionstart = nft add table inet ${F2B_TABLE}
              nft add set inet ${F2B_TABLE} ban4 "{ type ipv4_addr; flags timeout; }"
              nft add set inet ${F2B_TABLE} ban6 "{ type ipv6_addr; flags timeout; }"
              nft add chain inet ${F2B_TABLE} input "{ type filter hook input priority -10; policy accept; }"
              nft add rule inet ${F2B_TABLE} input ip saddr @ban4 drop
              nft add rule inet ${F2B_TABLE} input ip6 saddr @ban6 drop
actionstop = nft delete table inet ${F2B_TABLE}
actioncheck =
actionban = nft add element inet ${F2B_TABLE} <set> { <ip> timeout <bantime>s }
actionunban = nft delete element inet ${F2B_TABLE} <set> { <ip> }

[Init]
set = ban4

[Init?family=inet6]
set = ban6
`);
  return { conf, ...files };
}

/** `Lines: N lines, I ignored, M matched, X missed` and `[processed in S sec]` from fail2ban-regex's summary.  @param {string} text */
export function parseSummary(text) {
  const m = /Lines:\s+(\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(text);
  const p = /processed in ([\d.]+) sec/.exec(text);
  if (!m) return null;
  return { lines: Number(m[1]), ignored: Number(m[2]), matched: Number(m[3]), missed: Number(m[4]), processedS: p ? Number(p[1]) : NaN };
}

/** @typedef {{ ip: string, t: number }} Row a matched line: its address and time (s) */

/** `['1.2.3.4',\t1795413694.0,\t{...}],` lines of `fail2ban-regex -o row` → [{ip, t (s)}].  @param {string} text */
export function parseRows(text) {
  /** @type {Row[]} */
  const rows = [];
  const re = /^\['([^']+)',\s*([\d.]+),/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) rows.push({ ip: m[1], t: Number(m[2]) });
  }
  return rows;
}

/**
 * Which addresses a jail would ban (ever), modelled on fail2ban 1.0.2's FailManager:
 * one ticket per address with firstTime/time/retry; a failure older than findtime
 * after the ticket's last one starts a new ticket; otherwise retry is rescaled when
 * the ticket's span exceeds findtime (FailTicket.adjustTime) and incremented; the
 * address is banned when retry ≥ maxretry (the ticket is then dropped).
 * `ignored(ip)` models ignoreip/ignoreself.
 * @param {readonly Row[]} rows
 * @param {{ maxretry?: number, findtime?: number, ignored?: (ip: string) => boolean }} [jail]
 * @returns {Map<string, number>} ip -> number of bans
 */
export function simulateJail(rows, { maxretry = 2, findtime = 3600, ignored = () => false } = {}) {
  const sorted = [...rows].sort((a, b) => a.t - b.t);
  /** @type {Map<string, { first: number, time: number, retry: number }>} */
  const tickets = new Map();
  /** @type {Map<string, number>} */
  const banned = new Map();
  for (const { ip, t } of sorted) {
    if (ignored(ip)) continue;
    let k = tickets.get(ip);
    if (k && k.time <= t - findtime) k = undefined;
    if (!k) {
      k = { first: t, time: t, retry: 0 };
      tickets.set(ip, k);
    } else if (t > k.time) {
      if (k.first < t - findtime) {
        k.retry = Math.round((k.retry / (t - k.first)) * findtime);
        k.first = t - findtime;
      }
      k.time = t;
    }
    k.retry += 1;
    if (k.retry >= maxretry) {
      banned.set(ip, (banned.get(ip) ?? 0) + 1);
      tickets.delete(ip);
    }
  }
  return banned;
}

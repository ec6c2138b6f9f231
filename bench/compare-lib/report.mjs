// @ts-check
/**
 * The Markdown report of `bench/compare` and its targets: sipwarden beside each peer that
 * ran (fail2ban, CrowdSec), each peer's ratio beside it. Every figure comes from the
 * results object (bench/results/compare.json); nothing here is typed in by hand except
 * the targets themselves and the explanations. Part 2 is in report-live.mjs.
 */
import { livePeers, liveSection, ms } from './report-live.mjs';
import { fmt, fmtRatio, int, ratio } from './util.mjs';

export const TARGETS = Object.freeze({ throughputRatio: 30, p99Ratio: 20, extraLinesAt1000: 2, bytesPerAddress: 200 });

/**
 * @typedef {import('../compare.mjs').Results} Results
 * @typedef {{ name: string, figure: string, target: string, ok: boolean }} Target
 */

const pf = (/** @type {boolean | null} */ ok) => (ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL');

/**
 * [{name, figure, target, ok}]
 * @param {Results} r
 * @returns {Target[]}
 */
export function targets(r) {
  /** @type {Target[]} */
  const out = [];
  const t = r.throughput;
  if (t) {
    if (t.fail2ban) {
      const q = ratio(t.sipwarden.linesPerS, t.fail2ban.bestLinesPerS);
      out.push({ name: 'throughput: sipwarden lines/s ÷ fail2ban lines/s (fail2ban\'s faster mode)', figure: fmtRatio(q), target: `≥ ${TARGETS.throughputRatio}×`, ok: q >= TARGETS.throughputRatio });
    }
    if (t.crowdsec) {
      const q = ratio(t.sipwarden.linesPerS, t.crowdsec.linesPerS);
      out.push({ name: 'throughput: sipwarden lines/s ÷ CrowdSec lines/s (its replay)', figure: fmtRatio(q), target: `≥ ${TARGETS.throughputRatio}×`, ok: q >= TARGETS.throughputRatio });
    }
    const sc = t.sipwarden.score;
    out.push({ name: 'throughput: sipwarden failures missed (addresses)', figure: `${int(sc.missedN)} (${int(sc.missedIps)})`, target: '0', ok: sc.missedIps === 0 });
    const inn = new Set([...sc.innocentsReported, ...sc.innocentsBanned]).size;
    out.push({ name: 'throughput: sipwarden innocent addresses reported or banned', figure: String(inn), target: '0', ok: inn === 0 });
  }
  const l = r.live;
  if (l) {
    for (const [name, side] of livePeers(l)) {
      // CrowdSec is held to its best: the bouncer at 1 s.
      if (name.includes('10 s')) continue;
      for (const rate of l.rates) {
        const a = l.sipwarden.rates[rate];
        const b = side.rates[rate];
        const q = ratio(b?.p99, a?.p99);
        const complete = a && a.notBlocked === 0;
        out.push({ name: `time to block at ${rate} tries/s: ${name} p99 ÷ sipwarden p99`, figure: `${fmtRatio(q)} (${ms(b?.p99)} ms / ${ms(a?.p99)} ms)`, target: `≥ ${TARGETS.p99Ratio}×`, ok: Boolean(complete) && q >= TARGETS.p99Ratio });
      }
    }
    const top = Math.max(...l.rates);
    const a = l.sipwarden.rates[top];
    if (a) {
      const extra = a.linesMax - 2;
      out.push({ name: `failures written beyond the policy's 2 before sipwarden's block at ${top} tries/s (worst attacker; p50 ${int(a.linesP50 - 2)}, p99 ${int(a.linesP99 - 2)})`, figure: int(extra), target: `≤ ${TARGETS.extraLinesAt1000}`, ok: a.notBlocked === 0 && extra <= TARGETS.extraLinesAt1000 });
    }
  }
  const m = r.memory;
  if (m) {
    out.push({ name: `memory: sipwarden check bytes per tracked address (${int(m.addresses)} addresses, peak RSS)`, figure: int(m.sipwarden.bytesPerAddress), target: `≤ ${TARGETS.bytesPerAddress}`, ok: m.sipwarden.bytesPerAddress <= TARGETS.bytesPerAddress });
  }
  const d = r.daemonMemory;
  if (d?.sipwarden) {
    out.push({ name: `memory: sipwarden run (the daemon) bytes per tracked address (${int(d.addresses)} addresses, RSS settled 10 s after)`, figure: int(d.sipwarden.bytesPerAddressSettled), target: `≤ ${TARGETS.bytesPerAddress}`, ok: d.sipwarden.complete && d.sipwarden.bytesPerAddressSettled <= TARGETS.bytesPerAddress });
  }
  return out;
}

/** @param {Results} r */
export function markdown(r) {
  /** @type {string[]} */
  const o = [];
  const m = r.machine;
  const names = ['sipwarden', ...(r.options.peers.includes('fail2ban') ? ['fail2ban'] : []), ...(r.options.peers.includes('crowdsec') ? ['CrowdSec'] : [])];
  o.push(`# ${names.join(' vs ')} — \`bench/compare\``);
  o.push('');
  o.push(`${m.date} · ${m.nproc} × ${m.cpu} · kernel ${m.kernel} · ${m.memGiB} GiB · Node ${m.node} · fail2ban ${m.fail2ban} · CrowdSec ${m.crowdsec} (bouncer ${m.crowdsecBouncer}) · ${m.nft} · commit ${m.commit} · load before ${m.loadavg}`);
  o.push('');
  o.push(`Command: \`${r.command}\` (${r.quick ? 'quick sizes' : 'full sizes'}; ${r.elapsedS ? `${fmt(r.elapsedS, 0)} s in all${r.partS ? `: ${Object.entries(r.partS).map(([k, v]) => `${k} ${fmt(v, 0)} s`).join(', ')}` : ''}; target under 20 minutes: ${r.elapsedS <= 1200 ? 'met' : 'NOT met'}` : ''}). Ratios are sipwarden's advantage: higher is better for sipwarden.`);
  o.push('');
  o.push('## 1. Throughput and correctness on a generated Asterisk log');
  o.push('');
  o.push(...throughputSection(r));
  o.push('');
  o.push('## 2. Time to block, live');
  o.push('');
  if (!r.live) o.push(`not run${r.skipped?.live ? `: ${r.skipped.live}` : ''}`);
  else o.push(...liveSection(r.live));
  o.push('');
  o.push('## 3. Memory at scale');
  o.push('');
  o.push(...memorySection(r));
  o.push('');
  o.push('## Targets');
  o.push('');
  o.push('| target | figure | aim | |');
  o.push('|---|---:|---:|---|');
  for (const x of r.targets ?? []) o.push(`| ${x.name} | ${x.figure} | ${x.target} | ${pf(x.ok)} |`);
  o.push('');
  if (r.notes?.length) {
    o.push('## Fair and unfair');
    o.push('');
    for (const n of r.notes) o.push(`- ${n}`);
    o.push('');
  }
  return o.join('\n');
}

/** @param {Results} r  @returns {string[]} */
function throughputSection(r) {
  const t = r.throughput;
  if (!t) return [`not run${r.skipped?.throughput ? `: ${r.skipped.throughput}` : ''}`];
  const o = [];
  const a = t.sipwarden;
  const b = t.fail2ban;
  const c = t.crowdsec;
  const NR = 'not run';
  o.push(`Log \`${t.log}\`: ${int(t.lines)} lines, ${fmt(t.logBytes / 2 ** 20, 1)} MiB; truth: ${int(t.truth.attempts)} failed attempts from ${int(t.truth.addresses)} addresses, ${int(t.truth.expectedBans)} addresses to ban (the owner's policy), ${int(t.truth.innocents)} innocents (log-injection targets).`);
  o.push('sipwarden: `node dist/cli/main.js check --json --config bench/config/owner-policy.yaml <log>`. fail2ban: `fail2ban-regex -r --print-no-missed <log> /etc/fail2ban/filter.d/asterisk.conf` (quiet summary) and `fail2ban-regex -r -o row …` (the address and time of every matched line). CrowdSec: `crowdsec -c <private config> -dsn file://<log> -type asterisk` (its replay, with its Local API storing the decisions; it exits at the end of the file), in a network namespace of its own. TZ=UTC, under `/usr/bin/time`.');
  o.push('');
  o.push('| | sipwarden | fail2ban | CrowdSec | sipwarden ÷ fail2ban | sipwarden ÷ CrowdSec |');
  o.push('|---|---:|---:|---:|---:|---:|');
  o.push(`| lines/s (wall) | ${int(a.linesPerS)} | ${b ? `${int(b.linesPerS)} (quiet); ${int(b.rowMode.linesPerS)} (-o row)` : NR} | ${c ? int(c.linesPerS) : NR} | ${fmtRatio(ratio(a.linesPerS, b?.bestLinesPerS))} (vs fail2ban's faster mode) | ${fmtRatio(ratio(a.linesPerS, c?.linesPerS))} |`);
  o.push(`| wall time (s) | ${fmt(a.wall, 2)} (median of ${(a.runs ?? [a.wall]).map((x) => fmt(x, 2)).join(', ')}) | ${b ? `${fmt(b.wall, 2)} (quiet); ${fmt(b.rowMode.wall, 2)} (-o row)` : NR} | ${c ? fmt(c.wall, 2) : NR} | | |`);
  o.push(`| CPU time user+sys (s) | ${fmt(a.cpu, 2)} | ${b ? `${fmt(b.cpu, 2)} (quiet); ${fmt(b.rowMode.cpu, 2)} (-o row)` : NR} | ${c ? fmt(c.cpu, 2) : NR} | ${fmtRatio(ratio(b?.cpu, a.cpu))} less CPU | ${fmtRatio(ratio(c?.cpu, a.cpu))} less CPU |`);
  o.push(`| lines per CPU second | ${int(a.linesPerCpuS)} | ${b ? int(b.linesPerCpuS) : NR} | ${c ? int(c.linesPerCpuS) : NR} | ${fmtRatio(ratio(a.linesPerCpuS, b?.linesPerCpuS))} | ${fmtRatio(ratio(a.linesPerCpuS, c?.linesPerCpuS))} |`);
  o.push(`| peak RSS (MB) | ${fmt(a.rssMb, 1)} | ${b ? `${fmt(b.rssMb, 1)} (quiet); ${fmt(b.rowMode.rssMb, 1)} (-o row)` : NR} | ${c ? fmt(c.rssMb, 1) : NR} | ${fmtRatio(ratio(b?.rssMb, a.rssMb))} | ${fmtRatio(ratio(c?.rssMb, a.rssMb))} |`);
  const sa = a.score;
  const sb = b?.score;
  const cm = c?.metrics;
  o.push(`| failures counted (truth: ${int(t.truth.attempts)} attempts) | ${int(sa.reported)} attempts | ${b ? `${int(b.summary.matched)} matched lines` : NR} | ${cm ? `${int(cm.poured)} events in its asterisk_bf buckets (${int(cm.asterisk)} security events parsed, ${int(cm.whitelisted)} whitelisted)` : NR} | | |`);
  const perIp = 'n/a: it counts per bucket, not per address';
  o.push(`| addresses with failures missed (failures missed) | ${int(sa.missedIps)} (${int(sa.missedN)}) | ${sb ? `${int(sb.missedIps)} (${int(sb.missedN)})` : NR} | ${c ? perIp : NR} | | |`);
  o.push(`| addresses over-counted (failures too many) | ${int(sa.overIps)} (${int(sa.overN)}) | ${sb ? `${int(sb.overIps)} (${int(sb.overN)})` : NR} | ${c ? perIp : NR} | | |`);
  o.push(`| … of which addresses that never failed (their failures) | ${int(sa.falseIps)} (${int(sa.falseN)}) | ${sb ? `${int(sb.falseIps)} (${int(sb.falseN)})` : NR} | ${c ? perIp : NR} | | |`);
  o.push(`| innocents reported with a failure beyond their own | ${sa.innocentsReported.length} | ${sb ? sb.innocentsReported.length : NR} | ${c ? perIp : NR} | | |`);
  o.push(`| innocents that would be banned | ${sa.innocentsBanned.length} | ${sb ? sb.innocentsBanned.length : NR} | ${c ? c.score.innocentsBanned.length : NR} | | |`);
  o.push(`| addresses banned (the owner's policy expects ${int(sa.expectedBans)}): missing / not expected | ${int(sa.bans)}: ${int(sa.bansMissing)} / ${int(sa.bansUnexpected)} | ${sb ? `${int(sb.bans)}: ${int(sb.bansMissing)} / ${int(sb.bansUnexpected)}` : NR} | ${c ? `${int(c.score.bans)}: ${int(c.score.bansMissing)} / ${int(c.score.bansUnexpected)}` : NR} | | |`);
  o.push('');
  if (b) {
    o.push('fail2ban\'s bans are modelled from its matched rows with the jail the owner would configure (maxretry 2, findtime 1 h, ignoreip = loopback + the internal networks sipwarden never bans by default) using fail2ban 1.0.2\'s FailManager rules; tiers aside (fail2ban\'s `recidive` jail counts bans in its own log, not failures). ' +
      `With Debian's stock ignoreip (loopback only) fail2ban would also ban ${int(b.score.internalBannedStockIgnoreip)} internal addresses (the office phone, the VPN client…).`);
    o.push('');
  }
  if (c) {
    const by = Object.entries(c.score.byScenario).map(([k, v]) => `${k} ${int(v)}`).join(', ');
    o.push(`CrowdSec's bans are the decisions its Local API logged (${by || 'none'}; an address both scenarios caught counts once): its scenarios ban at 6 failures within about a minute (a leaky bucket of 5 that leaks one every 10 s), not at the owner's "2 in an hour", so the slow guessers the owner's policy bans are "missing" by design, and it never counts failures per address (its metrics are per parser and per scenario). Its whitelist (private and loopback ranges) keeps internal addresses out: ${int(c.score.internalBanned)} internal addresses banned. Its metrics were read ${int(c.metrics.readings)} times while it ran, the last after its acquisition finished.`);
    o.push('');
  }
  const failed = a.checks.filter((x) => !x.ok);
  o.push(`sipwarden's full check against the truth (bench/lib/compare.mjs: attempts, failures per address, innocents, ban tiers and ends to the second): ${failed.length === 0 ? `all ${a.checks.length} checks pass` : `${failed.length} of ${a.checks.length} checks FAIL: ${failed.map((x) => `${x.name} (expected ${x.expected}, got ${x.actual})`).join('; ')}`}.`);
  if (a.details.length && failed.length) {
    o.push('');
    o.push('```');
    o.push(...a.details.slice(0, 12));
    o.push('```');
  }
  return o;
}

/** @param {Results} r  @returns {string[]} */
function memorySection(r) {
  const o = [];
  const mm = r.memory;
  if (!mm) o.push(`not run${r.skipped?.memory ? `: ${r.skipped.memory}` : ''}`);
  else {
    o.push(`${int(mm.addresses)} distinct attacker addresses (${Math.round(mm.v6Share * 100)}% IPv6) each failing once: one chan_sip NOTICE line each over one hour (\`bench/data/${mm.file}\`). Bytes per address = (peak RSS − peak RSS over a 10-line file of the same kind) ÷ ${int(mm.addresses)}.`);
    o.push('');
    o.push('| | sipwarden check --json | fail2ban-regex (quiet) | fail2ban ÷ sipwarden |');
    o.push('|---|---:|---:|---:|');
    o.push(`| peak RSS, 10-line file (MB) | ${fmt(mm.sipwarden.tinyRssMb, 1)} | ${fmt(mm.fail2ban.tinyRssMb, 1)} | |`);
    o.push(`| peak RSS, ${int(mm.addresses)} addresses (MB) | ${fmt(mm.sipwarden.rssMb, 1)} | ${fmt(mm.fail2ban.rssMb, 1)} | ${fmtRatio(ratio(mm.fail2ban.rssMb, mm.sipwarden.rssMb))} |`);
    o.push(`| bytes per address | ${int(mm.sipwarden.bytesPerAddress)} | ${int(mm.fail2ban.bytesPerAddress)} | |`);
    o.push(`| wall time (s) / lines/s | ${fmt(mm.sipwarden.wall, 2)} / ${int(mm.sipwarden.linesPerS)} | ${fmt(mm.fail2ban.wall, 2)} / ${int(mm.fail2ban.linesPerS)} | ${fmtRatio(ratio(mm.sipwarden.linesPerS, mm.fail2ban.linesPerS))} |`);
    o.push(`| lines matched as failures | ${int(mm.addresses)} addresses reported | ${int(mm.fail2ban.matched)} | |`);
    o.push('');
    o.push('Not like for like: `fail2ban-regex` keeps no per-address window (it does not apply maxretry/findtime); what grows is its per-regex statistics, which keep every match. sipwarden check keeps every address\'s window, and its peak also includes building the JSON report that lists every address. CrowdSec has no offline reader of this kind (its replay runs the whole agent and its Local API), so it is measured as a daemon only. The daemons below are the like-for-like figure.');
  }
  const d = r.daemonMemory;
  if (d) {
    /** @type {Array<[string, import('./memory.mjs').DaemonMemory]>} */
    const peers = [];
    if (d.fail2ban) peers.push(['fail2ban-server', d.fail2ban]);
    if (d.crowdsec) peers.push(['crowdsec (agent + Local API)', d.crowdsec]);
    const A = d.sipwarden;
    o.push('');
    const fewer = d.crowdsec && d.crowdsec.addresses !== d.addresses ? ` (CrowdSec ${int(d.crowdsec.addresses)}: it takes a few hundred new addresses a second)` : '';
    o.push(`The daemons, fed the same kind of lines (${int(d.addresses)} distinct addresses${fewer}, one failure each, dated now, appended in 1,000-line writes; CrowdSec the InvalidPassword security event of each guess) after a 10-line warm-up; the benchmark waits (at most ${d.waitS} s) until each has counted every failure (sipwarden's failed-auth log, fail2ban's \`Found\` lines, CrowdSec's parser metrics), then reads /proc/<pid>/status, and again after 10 s more without input (settled). Bytes per address = (RSS − RSS after the warm-up) ÷ failures counted.`);
    o.push('');
    o.push(`| | sipwarden run |${peers.map(([n]) => ` ${n} |`).join('')}${peers.map(([n]) => ` ${n.split(' ')[0]} ÷ sipwarden |`).join('')}`);
    o.push(`|---|---:|${peers.map(() => '---:|---:|').join('')}`);
    if (A) {
      const wait = (/** @type {import('./memory.mjs').DaemonMemory} */ x) => (x.complete ? int(x.linesPerS) : `not all within ${d.waitS} s`);
      /** @param {string} label  @param {(x: import('./memory.mjs').DaemonMemory) => string} cell  @param {((x: import('./memory.mjs').DaemonMemory) => number) | null} [q] ratio peer ÷ sipwarden */
      const row = (label, cell, q = null) => o.push(`| ${label} | ${cell(A)} |${peers.map(([, x]) => ` ${cell(x)} |`).join('')}${peers.map(([, x]) => ` ${q ? fmtRatio(q(x)) : ''} |`).join('')}`);
      row('setup', (x) => x.setup);
      row('failures counted (tool\'s own count)', (x) => `${int(x.counted)} (${int(x.confirmed)} incl. warm-up)`);
      row('RSS after warm-up / after / settled (MB)', (x) => `${fmt(x.baseRssMb, 1)} / ${fmt(x.rssMb, 1)} / ${fmt(x.settledRssMb, 1)}`);
      row('peak RSS (MB)', (x) => fmt(x.hwmMb, 1), (x) => ratio(x.hwmMb, A.hwmMb));
      row('bytes per tracked address (RSS after)', (x) => int(x.bytesPerAddressRss), (x) => ratio(x.bytesPerAddressRss, A.bytesPerAddressRss));
      row('bytes per tracked address (RSS settled)', (x) => int(x.bytesPerAddressSettled), (x) => ratio(x.bytesPerAddressSettled, A.bytesPerAddressSettled));
      row('ingest rate, live (failure lines/s)', wait, (x) => ratio(A.linesPerS, x.linesPerS));
      if (d.crowdsec) row('buckets held: most at once / at the end (CrowdSec\'s `cs_buckets`)', (x) => (x.bucketsMax === undefined ? '' : `${int(x.bucketsMax)} / ${int(x.bucketsEnd)}`));
    }
  } else if (r.skipped?.daemonMemory) {
    o.push('');
    o.push(`The daemons' own memory: not run: ${r.skipped.daemonMemory}.`);
  }
  return o;
}

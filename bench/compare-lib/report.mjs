// @ts-check
/**
 * The Markdown report of `bench/compare` and its targets. Every figure comes from the
 * results object (bench/results/compare.json); nothing here is typed in by hand except
 * the targets themselves and the explanations.
 */
import { fmt, fmtRatio, int, ratio } from './util.mjs';

export const TARGETS = Object.freeze({ throughputRatio: 30, p99Ratio: 20, extraLinesAt1000: 2, bytesPerAddress: 200 });

/**
 * @typedef {import('../compare.mjs').Results} Results
 * @typedef {{ name: string, figure: string, target: string, ok: boolean }} Target
 */

const pf = (/** @type {boolean | null} */ ok) => (ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL');
const ms = (/** @type {number | null | undefined} */ x) => (typeof x === 'number' && Number.isFinite(x) ? (x >= 100 ? int(x) : fmt(x, 1)) : 'n/a');
const s = (/** @type {number | undefined} */ x) => (typeof x === 'number' && Number.isFinite(x) ? fmt(x / 1000, 2) : 'n/a');

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
    const q = ratio(t.sipwarden.linesPerS, t.fail2ban.bestLinesPerS);
    out.push({ name: 'throughput: sipwarden lines/s ÷ fail2ban lines/s (fail2ban\'s faster mode)', figure: fmtRatio(q), target: `≥ ${TARGETS.throughputRatio}×`, ok: q >= TARGETS.throughputRatio });
    const sc = t.sipwarden.score;
    out.push({ name: 'throughput: sipwarden failures missed (addresses)', figure: `${int(sc.missedN)} (${int(sc.missedIps)})`, target: '0', ok: sc.missedIps === 0 });
    const inn = new Set([...sc.innocentsReported, ...sc.innocentsBanned]).size;
    out.push({ name: 'throughput: sipwarden innocent addresses reported or banned', figure: String(inn), target: '0', ok: inn === 0 });
  }
  const l = r.live;
  if (l) {
    for (const rate of l.rates) {
      const a = l.sipwarden.rates[rate];
      const b = l.fail2ban.rates[rate];
      const q = ratio(b?.p99, a?.p99);
      const complete = a && a.notBlocked === 0;
      out.push({ name: `time to block at ${rate} tries/s: fail2ban p99 ÷ sipwarden p99`, figure: `${fmtRatio(q)} (${ms(b?.p99)} ms / ${ms(a?.p99)} ms)`, target: `≥ ${TARGETS.p99Ratio}×`, ok: Boolean(complete) && q >= TARGETS.p99Ratio });
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
    out.push({ name: `memory: sipwarden run (the daemon) bytes per tracked address (${int(d.addresses)} addresses, RSS after)`, figure: int(d.sipwarden.bytesPerAddressRss), target: `≤ ${TARGETS.bytesPerAddress}`, ok: d.sipwarden.complete && d.sipwarden.bytesPerAddressRss <= TARGETS.bytesPerAddress });
  }
  return out;
}

/** @param {Results} r */
export function markdown(r) {
  /** @type {string[]} */
  const o = [];
  const m = r.machine;
  o.push('# sipwarden vs fail2ban — `bench/compare`');
  o.push('');
  o.push(`${m.date} · ${m.nproc} × ${m.cpu} · kernel ${m.kernel} · ${m.memGiB} GiB · Node ${m.node} · fail2ban ${m.fail2ban} · ${m.nft} · commit ${m.commit} · load before ${m.loadavg}`);
  o.push('');
  o.push(`Command: \`${r.command}\` (${r.quick ? 'quick sizes' : 'full sizes'}; ${r.elapsedS ? `${fmt(r.elapsedS, 0)} s in all` : ''}). Ratios are sipwarden's advantage: higher is better for sipwarden.`);
  o.push('');

  const t = r.throughput;
  o.push('## 1. Throughput and correctness on a generated Asterisk log');
  o.push('');
  if (!t) o.push(`not run${r.skipped?.throughput ? `: ${r.skipped.throughput}` : ''}`);
  else {
    const a = t.sipwarden;
    const b = t.fail2ban;
    o.push(`Log \`${t.log}\`: ${int(t.lines)} lines, ${fmt(t.logBytes / 2 ** 20, 1)} MiB; truth: ${int(t.truth.attempts)} failed attempts from ${int(t.truth.addresses)} addresses, ${int(t.truth.expectedBans)} addresses to ban, ${int(t.truth.innocents)} innocents (log-injection targets).`);
    o.push(`sipwarden: \`node dist/cli/main.js check --json --config bench/config/owner-policy.yaml <log>\`. fail2ban: \`fail2ban-regex -r --print-no-missed <log> /etc/fail2ban/filter.d/asterisk.conf\` (quiet summary) and \`fail2ban-regex -r -o row …\` (the address and time of every matched line). TZ=UTC, under \`/usr/bin/time\`.`);
    o.push('');
    o.push('| | sipwarden | fail2ban | sipwarden ÷ fail2ban |');
    o.push('|---|---:|---:|---:|');
    o.push(`| lines/s (wall) | ${int(a.linesPerS)} | ${int(b.linesPerS)} (quiet); ${int(b.rowMode.linesPerS)} (-o row) | ${fmtRatio(ratio(a.linesPerS, b.bestLinesPerS))} (vs fail2ban's faster mode) |`);
    o.push(`| wall time (s) | ${fmt(a.wall, 2)} (median of ${(a.runs ?? [a.wall]).map((x) => fmt(x, 2)).join(', ')}) | ${fmt(b.wall, 2)} (quiet); ${fmt(b.rowMode.wall, 2)} (-o row) | |`);
    o.push(`| CPU time user+sys (s) | ${fmt(a.cpu, 2)} | ${fmt(b.cpu, 2)} (quiet); ${fmt(b.rowMode.cpu, 2)} (-o row) | ${fmtRatio(ratio(b.cpu, a.cpu))} less CPU |`);
    o.push(`| lines per CPU second | ${int(a.linesPerCpuS)} | ${int(b.linesPerCpuS)} | ${fmtRatio(ratio(a.linesPerCpuS, b.linesPerCpuS))} |`);
    o.push(`| peak RSS (MB) | ${fmt(a.rssMb, 1)} | ${fmt(b.rssMb, 1)} (quiet); ${fmt(b.rowMode.rssMb, 1)} (-o row) | ${fmtRatio(ratio(b.rssMb, a.rssMb))} |`);
    const sa = a.score;
    const sb = b.score;
    o.push(`| failures counted (truth: ${int(t.truth.attempts)} attempts) | ${int(sa.reported)} attempts | ${int(b.summary.matched)} matched lines | |`);
    o.push(`| addresses with failures missed (failures missed) | ${int(sa.missedIps)} (${int(sa.missedN)}) | ${int(sb.missedIps)} (${int(sb.missedN)}) | |`);
    o.push(`| addresses over-counted (failures too many) | ${int(sa.overIps)} (${int(sa.overN)}) | ${int(sb.overIps)} (${int(sb.overN)}) | |`);
    o.push(`| … of which addresses that never failed (their failures) | ${int(sa.falseIps)} (${int(sa.falseN)}) | ${int(sb.falseIps)} (${int(sb.falseN)}) | |`);
    o.push(`| innocents reported with a failure beyond their own | ${sa.innocentsReported.length} | ${sb.innocentsReported.length} | |`);
    o.push(`| innocents that would be banned | ${sa.innocentsBanned.length} | ${sb.innocentsBanned.length} | |`);
    o.push(`| addresses banned (expected ${int(sa.expectedBans)}): missing / not expected | ${int(sa.bans)}: ${int(sa.bansMissing)} / ${int(sa.bansUnexpected)} | ${int(sb.bans)}: ${int(sb.bansMissing)} / ${int(sb.bansUnexpected)} | |`);
    o.push('');
    o.push('fail2ban\'s bans are modelled from its matched rows with the jail the owner would configure (maxretry 2, findtime 1 h, ignoreip = loopback + the internal networks sipwarden never bans by default) using fail2ban 1.0.2\'s FailManager rules; tiers aside (fail2ban\'s `recidive` jail counts bans in its own log, not failures). ' +
      `With Debian's stock ignoreip (loopback only) fail2ban would also ban ${int(sb.internalBannedStockIgnoreip)} internal addresses (the office phone, the VPN client…).`);
    const failed = a.checks.filter((c) => !c.ok);
    o.push('');
    o.push(`sipwarden's full check against the truth (bench/lib/compare.mjs: attempts, failures per address, innocents, ban tiers and ends to the second): ${failed.length === 0 ? `all ${a.checks.length} checks pass` : `${failed.length} of ${a.checks.length} checks FAIL: ${failed.map((c) => `${c.name} (expected ${c.expected}, got ${c.actual})`).join('; ')}`}.`);
    if (a.details.length && failed.length) {
      o.push('');
      o.push('```');
      o.push(...a.details.slice(0, 12));
      o.push('```');
    }
  }
  o.push('');

  const l = r.live;
  o.push('## 2. Time to block, live');
  o.push('');
  if (!l) o.push(`not run${r.skipped?.live ? `: ${r.skipped.live}` : ''}`);
  else {
    o.push(`Each tool in turn, alone, inside a network namespace the benchmark creates (and deletes), follows a live log in a temp dir; the benchmark appends one attacker's chan_sip \`Registration from '…' failed for 'IP:5060' - Wrong password\` NOTICE lines (Asterisk's default format, dated now; every 5th attacker IPv6) at a fixed rate, one write per line, and \`nft monitor new elements\` in that namespace timestamps the moment the address enters the tool's set. Time to block = from writing the 2nd failure to the element in the kernel set. Each attacker writes until blocked or ${l.capS} s. Before the first rate each tool blocks one warm-up attacker at 10/s, not counted (sipwarden ${ms(l.sipwarden.warmupMs)} ms, fail2ban ${ms(l.fail2ban.warmupMs)} ms).`);
    o.push(`- sipwarden: ${l.sipwarden.setup}; \`table inet sipwarden\` sets ban4/ban6. **require_seen is off because no packets are sent**: with it on (the default), sipwarden bans only addresses its kernel "seen" set recorded sending SIP packets, and these log-only attackers never did.`);
    o.push(`- fail2ban: ${l.fail2ban.setup}; ban action \`nft add element inet f2bbench ban4|ban6 { <ip> timeout 3600s }\`. Backend: ${l.fail2banBackend}${l.pyinotify ? ' (python3-pyinotify is installed)' : ' (python3-pyinotify is not installed, so the jail polls the file)'}.`);
    o.push('');
    o.push('| rate | tool | attackers (blocked) | p50 ms | p95 ms | p99 ms | max ms | failures written before the block: p50 / p99 / max |');
    o.push('|---:|---|---:|---:|---:|---:|---:|---:|');
    for (const rate of l.rates) {
      for (const [name, side] of /** @type {const} */ ([['sipwarden', l.sipwarden], ['fail2ban', l.fail2ban]])) {
        const x = side.rates[rate];
        if (!x) continue;
        o.push(`| ${rate}/s | ${name} | ${x.attackers} (${x.blocked}) | ${ms(x.p50)} | ${ms(x.p95)} | ${ms(x.p99)} | ${ms(x.max)} | ${int(x.linesP50)} / ${int(x.linesP99)} / ${int(x.linesMax)} |`);
      }
      const a = l.sipwarden.rates[rate];
      const b = l.fail2ban.rates[rate];
      if (a && b) o.push(`| ${rate}/s | **fail2ban ÷ sipwarden** | | ${fmtRatio(ratio(b.p50, a.p50))} | ${fmtRatio(ratio(b.p95, a.p95))} | ${fmtRatio(ratio(b.p99, a.p99))} | ${fmtRatio(ratio(b.max, a.max))} | ${fmtRatio(ratio(b.linesP50, a.linesP50))} / ${fmtRatio(ratio(b.linesP99, a.linesP99))} / ${fmtRatio(ratio(b.linesMax, a.linesMax))} |`);
    }
    o.push('');
    o.push('Where the time goes (p50 / p99 ms): from the 2nd line to the tool logging its ban decision (sipwarden\'s `banned` record, fail2ban\'s `[asterisk] Ban` line; millisecond wall clock), and from there to the element in the kernel set (the ban action: for sipwarden one `nft -f -` run, for fail2ban `/bin/sh -c nft …`).');
    o.push('');
    o.push('| rate | sipwarden: line → ban logged | sipwarden: ban logged → kernel | fail2ban: line → ban logged | fail2ban: ban logged → kernel |');
    o.push('|---:|---:|---:|---:|---:|');
    for (const rate of l.rates) {
      const a = l.sipwarden.rates[rate];
      const b = l.fail2ban.rates[rate];
      if (!a || !b) continue;
      o.push(`| ${rate}/s | ${ms(a.decideP50)} / ${ms(a.decideP99)} | ${ms(a.enforceP50)} / ${ms(a.enforceP99)} | ${ms(b.decideP50)} / ${ms(b.decideP99)} | ${ms(b.enforceP50)} / ${ms(b.enforceP99)} |`);
    }
    o.push('');
    const A = l.sipwarden.burst;
    const B = l.fail2ban.burst;
    if (A && B) {
      o.push(`Burst: ${int(A.attackers)} distinct attackers × ${A.perAttacker} failures (${int(A.lines)} lines, written in ${fmt(A.writeMs, 0)} ms / ${fmt(B.writeMs, 0)} ms), waiting at most ${A.waitS} s for each tool:`);
      o.push('');
      o.push('| | sipwarden | fail2ban | fail2ban ÷ sipwarden |');
      o.push('|---|---:|---:|---:|');
      o.push(`| attackers in the set at the end of the wait | ${int(A.blocked)} of ${int(A.attackers)} | ${int(B.blocked)} of ${int(B.attackers)} | |`);
      o.push(`| time until the tool logged its first / last ban decision (s) | ${s(A.msToFirstBanLogged)} / ${s(A.msToLastBanLogged)} | ${s(B.msToFirstBanLogged)} / ${s(B.msToLastBanLogged)} | |`);
      o.push(`| time until the first is in the set (s) | ${s(A.msToFirst)} | ${s(B.msToFirst)} | ${fmtRatio(ratio(B.msToFirst, A.msToFirst))} |`);
      o.push(`| time until half are in the set (s) | ${s(A.msToHalf)} | ${s(B.msToHalf)} | ${fmtRatio(ratio(B.msToHalf, A.msToHalf))} |`);
      o.push(`| time until 90% are in the set (s) | ${s(A.msTo90)} | ${s(B.msTo90)} | ${fmtRatio(ratio(B.msTo90, A.msTo90))} |`);
      const allA = A.allBlocked ? s(A.msToAll) : `not all within ${A.waitS} s`;
      const allB = B.allBlocked ? s(B.msToAll) : `not all within ${B.waitS} s`;
      o.push(`| time until all are in the set (s), from the first line | ${allA} | ${allB} | ${A.allBlocked && B.allBlocked ? fmtRatio(ratio(B.msToAll, A.msToAll)) : 'n/a'} |`);
      o.push(`| … from the last line written (s) | ${s(A.msAfterLastLine)} | ${s(B.msAfterLastLine)} | |`);
      o.push(`| kernel set size at the end (\`nft -j list set\`) / elements the monitor reported | ${int(l.sipwarden.kernelHolds)} / ${int(l.sipwarden.monitorSaw)} | ${int(l.fail2ban.kernelHolds)} / ${int(l.fail2ban.monitorSaw)} | |`);
      o.push(`| the tool's peak RSS over the whole live run (MB, VmHWM) | ${fmt(l.sipwarden.peakRssMb, 1)} | ${fmt(l.fail2ban.peakRssMb, 1)} | |`);
    }
    /** @type {Array<[string, string[]]>} */
    const msgs = [];
    for (const [name, x] of /** @type {const} */ ([['sipwarden', l.sipwarden.messages], ['fail2ban', l.fail2ban.messages]])) if (x?.length) msgs.push([name, x]);
    if (msgs.length) {
      o.push('');
      o.push('Warnings and errors the tools logged (sipwarden\'s "banned" lines left out):');
      o.push('');
      o.push('```');
      for (const [name, x] of msgs) for (const line of x.slice(0, 8)) o.push(`${name}: ${line}`);
      o.push('```');
    }
  }
  o.push('');

  const mm = r.memory;
  o.push('## 3. Memory at scale');
  o.push('');
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
    o.push('Not like for like: `fail2ban-regex` keeps no per-address window (it does not apply maxretry/findtime); what grows is its per-regex statistics, which keep every match. sipwarden check keeps every address\'s window, and its peak also includes building the JSON report that lists every address. The daemons below are the like-for-like figure.');
  }
  const d = r.daemonMemory;
  if (d) {
    o.push('');
    o.push(`The daemons, fed the same kind of lines (${int(d.addresses)} distinct addresses, one failure each, dated now, appended in 1,000-line writes) after a 10-line warm-up; the benchmark waits (at most ${d.waitS} s) until each has logged every failure (sipwarden's failed-auth log, fail2ban's \`Found\` lines), then reads /proc/<pid>/status. Bytes per address = (RSS after − RSS after the warm-up) ÷ failures counted.`);
    o.push('');
    o.push('| | sipwarden run | fail2ban-server | fail2ban ÷ sipwarden |');
    o.push('|---|---:|---:|---:|');
    const A = d.sipwarden;
    const B = d.fail2ban;
    if (A && B) {
      o.push(`| setup | ${A.setup} | ${B.setup} | |`);
      o.push(`| failures counted (tool's own count) | ${int(A.counted)} (${int(A.confirmed)} incl. warm-up) | ${int(B.counted)} (${int(B.confirmed)} incl. warm-up) | |`);
      o.push(`| RSS after warm-up / after (MB) | ${fmt(A.baseRssMb, 1)} / ${fmt(A.rssMb, 1)} | ${fmt(B.baseRssMb, 1)} / ${fmt(B.rssMb, 1)} | |`);
      o.push(`| peak RSS (MB) | ${fmt(A.hwmMb, 1)} | ${fmt(B.hwmMb, 1)} | ${fmtRatio(ratio(B.hwmMb, A.hwmMb))} |`);
      o.push(`| bytes per tracked address (RSS) | ${int(A.bytesPerAddressRss)} | ${int(B.bytesPerAddressRss)} | ${fmtRatio(ratio(B.bytesPerAddressRss, A.bytesPerAddressRss))} |`);
      o.push(`| ingest rate, live (failure lines/s) | ${A.complete ? int(A.linesPerS) : `not all within ${d.waitS} s`} | ${B.complete ? int(B.linesPerS) : `not all within ${d.waitS} s`} | ${fmtRatio(ratio(A.linesPerS, B.linesPerS))} |`);
    }
  } else if (r.skipped?.daemonMemory) {
    o.push('');
    o.push(`The daemons' own memory: not run: ${r.skipped.daemonMemory}.`);
  }
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

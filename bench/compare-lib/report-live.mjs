// @ts-check
/**
 * Part 2 of the `bench/compare` report, time to block: sipwarden, fail2ban and CrowdSec
 * (its bouncer pulling every 10 s, its default, and every 1 s) side by side, with each
 * peer's ratio to sipwarden. Every figure comes from the results object.
 */
import { fmt, fmtRatio, int, ratio } from './util.mjs';

export const ms = (/** @type {number | null | undefined} */ x) => (typeof x === 'number' && Number.isFinite(x) ? (x >= 100 ? int(x) : fmt(x, 1)) : 'n/a');
const s = (/** @type {number | undefined} */ x) => (typeof x === 'number' && Number.isFinite(x) ? fmt(x / 1000, 2) : 'n/a');

/**
 * @typedef {import('./live.mjs').LiveSide} LiveSide
 * @typedef {Awaited<ReturnType<typeof import('./live.mjs').runLive>>} Live
 */

/** The peers that ran, each with its label, as [label, side].  @param {Live} l  @returns {Array<[string, LiveSide]>} */
export function livePeers(l) {
  /** @type {Array<[string, LiveSide]>} */
  const out = [];
  if (l.fail2ban) out.push(['fail2ban', l.fail2ban]);
  if (l.crowdsec) out.push(['CrowdSec, bouncer every 10 s', l.crowdsec.poll10], ['CrowdSec, bouncer every 1 s', l.crowdsec.poll1]);
  return out;
}

/** @param {Live} l  @returns {string[]} */
export function liveSection(l) {
  const o = [];
  const peers = livePeers(l);
  const cs = l.crowdsec;
  o.push(`Each tool in turn, alone, inside a network namespace the benchmark creates (and deletes), follows a live log in a temp dir; the benchmark appends one attacker's failures at a fixed rate, one write per line (Asterisk's default format, dated now; every 5th attacker IPv6), and \`nft monitor new elements\` in that namespace timestamps the moment the address enters the tool's set. For sipwarden and fail2ban a failure is chan_sip's \`Registration from '…' failed for 'IP:5060' - Wrong password\` NOTICE; for CrowdSec, whose parser reads security events only, the \`SecurityEvent="InvalidPassword"\` line Asterisk writes for the same guess. Time to block = from writing the failure that reaches the tool's threshold (the 2nd with the owner's policy; the ${cs ? cs.threshold : 6}th for CrowdSec's scenarios, capacity 5) to the element in the kernel set. Each attacker writes until blocked or ${l.capS} s. Before the first rate each tool blocks one warm-up attacker at 10/s, not counted (sipwarden ${ms(l.sipwarden.warmupMs)} ms${peers.map(([n, x]) => `, ${n} ${ms(x.warmupMs)} ms`).join('')}).`);
  o.push(`- sipwarden: ${l.sipwarden.setup}; \`table inet sipwarden\` sets ban4/ban6. **require_seen is off because no packets are sent**: with it on (the default), sipwarden bans only addresses its kernel "seen" set recorded sending SIP packets, and these log-only attackers never did.`);
  if (l.fail2ban) o.push(`- fail2ban: ${l.fail2ban.setup}; ban action \`nft add element inet f2bbench ban4|ban6 { <ip> timeout 3600s }\`. Backend: ${l.fail2banBackend}${l.pyinotify ? ' (python3-pyinotify is installed)' : ' (python3-pyinotify is not installed, so the jail polls the file)'}.`);
  if (cs) o.push(`- CrowdSec ${cs.version ?? '?'} with crowdsec-firewall-bouncer ${cs.bouncer ?? '?'}: ${cs.poll1.setup?.replace(/, update_frequency 1s\)$/, ')')}; the bouncer's sets \`ip crowdsec crowdsec-blacklists\` and \`ip6 crowdsec6 crowdsec6-blacklists\`. Run twice: update_frequency 10 s (its default) and 1 s (the least that works: the unit is seconds), ${cs.perRate} attackers per rate (each takes seconds, not milliseconds), each starting a different fraction of the pull interval after the previous block so that every phase of the bouncer's timer is sampled evenly.`);
  o.push('');
  o.push('| rate | tool | attackers (blocked) | p50 ms | p95 ms | p99 ms | max ms | failures written before the block: p50 / p99 / max |');
  o.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const rate of l.rates) {
    const a = l.sipwarden.rates[rate];
    for (const [name, side] of /** @type {Array<[string, LiveSide]>} */ ([['sipwarden', l.sipwarden], ...peers])) {
      const x = side.rates[rate];
      if (!x) continue;
      o.push(`| ${rate}/s | ${name} | ${x.attackers} (${x.blocked}) | ${ms(x.p50)} | ${ms(x.p95)} | ${ms(x.p99)} | ${ms(x.max)} | ${int(x.linesP50)} / ${int(x.linesP99)} / ${int(x.linesMax)} |`);
    }
    for (const [name, side] of peers) {
      const b = side.rates[rate];
      if (a && b) o.push(`| ${rate}/s | **${name} ÷ sipwarden** | | ${fmtRatio(ratio(b.p50, a.p50))} | ${fmtRatio(ratio(b.p95, a.p95))} | ${fmtRatio(ratio(b.p99, a.p99))} | ${fmtRatio(ratio(b.max, a.max))} | ${fmtRatio(ratio(b.linesP50, a.linesP50))} / ${fmtRatio(ratio(b.linesP99, a.linesP99))} / ${fmtRatio(ratio(b.linesMax, a.linesMax))} |`);
    }
  }
  o.push('');
  o.push('Where the time goes (p50 / p99 ms): from the threshold\'s line to the tool logging its ban decision (sipwarden\'s `banned` record, fail2ban\'s `[asterisk] Ban` line, CrowdSec\'s bucket overflow `Ip … performed \'crowdsecurity/…\'` with its own nanosecond time; millisecond wall clock otherwise), and from there to the element in the kernel set (sipwarden: one `nft -f -` run; fail2ban: `/bin/sh -c nft …`; CrowdSec: the alert to its Local API, the decision, and the bouncer\'s next pull).');
  o.push('');
  o.push(`| rate | sipwarden: line → ban logged | sipwarden: ban logged → kernel |${peers.map(([n]) => ` ${n}: line → ban logged | ${n}: ban logged → kernel |`).join('')}`);
  o.push(`|---:|---:|---:|${peers.map(() => '---:|---:|').join('')}`);
  for (const rate of l.rates) {
    const a = l.sipwarden.rates[rate];
    if (!a) continue;
    const cells = peers.map(([, side]) => {
      const b = side.rates[rate];
      return b ? ` ${ms(b.decideP50)} / ${ms(b.decideP99)} | ${ms(b.enforceP50)} / ${ms(b.enforceP99)} |` : ' n/a | n/a |';
    });
    o.push(`| ${rate}/s | ${ms(a.decideP50)} / ${ms(a.decideP99)} | ${ms(a.enforceP50)} / ${ms(a.enforceP99)} |${cells.join('')}`);
  }
  o.push('');
  o.push(...burstTable(l));
  /** @type {Array<[string, string[]]>} */
  const msgs = [];
  for (const [name, x] of /** @type {Array<[string, LiveSide]>} */ ([['sipwarden', l.sipwarden], ...peers])) if (x.messages?.length) msgs.push([name, x.messages]);
  if (msgs.length) {
    o.push('');
    o.push('Warnings and errors the tools logged (sipwarden\'s "banned" lines and CrowdSec\'s decisions left out):');
    o.push('');
    o.push('```');
    for (const [name, x] of msgs) for (const line of x.slice(0, 8)) o.push(`${name}: ${line}`);
    o.push('```');
  }
  return o;
}

/** @param {Live} l  @returns {string[]} */
function burstTable(l) {
  const A = l.sipwarden.burst;
  /** @type {Array<[string, NonNullable<LiveSide['burst']>, LiveSide]>} */
  const peers = [];
  for (const [name, side] of livePeers(l)) if (side.burst) peers.push([name, side.burst, side]);
  if (!A) return [];
  const o = [];
  o.push(`Burst: ${int(A.attackers)} distinct attackers, each writing the failures its tool needs (${A.perAttacker} for sipwarden${peers.map(([n, b]) => `, ${b.perAttacker} for ${n}`).join('')}), as fast as the benchmark can write (${fmt(A.writeMs, 0)} ms${peers.map(([, b]) => ` / ${fmt(b.writeMs, 0)} ms`).join('')}), waiting at most ${A.waitS} s for each tool:`);
  o.push('');
  o.push(`| | sipwarden |${peers.map(([n]) => ` ${n} |`).join('')}${peers.map(([n]) => ` ${n} ÷ sipwarden |`).join('')}`);
  o.push(`|---|---:|${peers.map(() => '---:|').join('')}${peers.map(() => '---:|').join('')}`);
  /** @param {string} label  @param {(b: NonNullable<LiveSide['burst']>, side: LiveSide) => string} cell  @param {((b: NonNullable<LiveSide['burst']>) => number) | null} [num] */
  const row = (label, cell, num = null) => {
    const r = num ? peers.map(([, b]) => ` ${fmtRatio(ratio(num(b), num(A)))} |`) : peers.map(() => ' |');
    o.push(`| ${label} | ${cell(A, l.sipwarden)} |${peers.map(([, b, side]) => ` ${cell(b, side)} |`).join('')}${r.join('')}`);
  };
  row('attackers in the set at the end of the wait', (b) => `${int(b.blocked)} of ${int(b.attackers)}`);
  row('time until the tool logged its first / last ban decision (s)', (b) => `${s(b.msToFirstBanLogged)} / ${s(b.msToLastBanLogged)}`);
  row('time until the first is in the set (s)', (b) => s(b.msToFirst), (b) => b.msToFirst);
  row('time until half are in the set (s)', (b) => s(b.msToHalf), (b) => b.msToHalf);
  row('time until 90% are in the set (s)', (b) => s(b.msTo90), (b) => b.msTo90);
  row('time until all are in the set (s), from the first line', (b) => (b.allBlocked ? s(b.msToAll) : `not all within ${b.waitS} s`), (b) => (b.allBlocked ? b.msToAll : NaN));
  row('… from the last line written (s)', (b) => s(b.msAfterLastLine));
  row('kernel set size at the end (`nft -j list set`) / elements the monitor reported', (_b, side) => `${int(side.kernelHolds)} / ${int(side.monitorSaw)}`);
  row('the tool\'s peak RSS over the whole live run (MB, VmHWM)', (_b, side) => fmt(side.peakRssMb, 1));
  return o;
}

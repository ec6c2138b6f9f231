/** `sipwarden check [--json] [--attempts] FILE…` */
import { loadConfig } from '../config/index.js';
import { terminalJson } from '../domain/strings.js';
import { reportJson, runCheck } from '../check/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { openConfiguredLocator, placeText, STDERR } from '../geo/open.js';

interface CheckOptions {
  config?: string;
  json?: boolean;
  attempts?: boolean;
}

const iso = (t: number) => new Date(t).toISOString();

export async function checkCommand(files: string[], opts: CheckOptions): Promise<void> {
  const { config } = loadConfig(opts.config);
  const geo = await openConfiguredLocator(config.geo, STDERR);
  const report = runCheck(files, policyInput(config), zoneInput(config), { listAttempts: Boolean(opts.attempts), rules: ruleInput(config), fraud: config.fraud, geo });
  if (opts.json) {
    process.stdout.write(`${terminalJson(reportJson(report))}\n`);
    return;
  }
  const out: string[] = [];
  out.push(`Lines read:        ${report.lines}${report.oversized ? ` (${report.oversized} over-long lines skipped)` : ''}`);
  out.push(`Reports parsed:    ${report.events}`);
  out.push(`Failed attempts:   ${report.attempts} (${report.duplicates} duplicate reports of the same attempts merged)`);
  if (report.scans) out.push(`Scans:             ${report.scans} challenges never answered (reason scan, counted against policy.scan)`);
  if (report.injections) out.push(`Injection attempts: ${report.injections} lines carried forged addresses and were counted for nobody`);
  if (opts.attempts) {
    out.push('', 'Attempts:');
    for (const a of report.attemptList) {
      out.push(`  ${iso(a.at)}  ${a.ip.padEnd(15)} ${String(a.service).padEnd(5)} ${terminalJson(a.account).padEnd(14)} ${a.reason.padEnd(15)} ${a.source}:${a.line}`);
    }
  }
  out.push('', `Addresses (${report.addresses.length}):`);
  const anyScans = report.addresses.some((a) => a.scans);
  const plural = (n: number, one: string, many: string) => `${String(n).padStart(6)} ${n === 1 ? `${one} ` : many}`;
  for (const a of report.addresses) {
    const scans = anyScans ? ` ${a.scans ? plural(a.scans, 'scan', 'scans') : ' '.repeat(12)}` : '';
    const place = a.where ? placeText(a.where) : '-';
    out.push(`  ${a.ip.padEnd(39)} ${plural(a.failures, 'failure', 'failures')}${scans}  zone ${a.zone}${place === '-' ? '' : `  ${place}`}`);
  }
  out.push('', `Would ban (${report.bans.length}):`);
  for (const b of report.bans) out.push(`  ${b.ip.padEnd(39)} tier ${b.tier}  until ${b.until === null ? 'released' : iso(b.until)}`);
  if (report.bans.length === 0) out.push('  nobody');
  if (report.calls) {
    const c = report.calls;
    const accounts = new Set(c.fraud.map((f) => f.account));
    out.push('', `Toll fraud: ${c.trunkCalls} trunk call${c.trunkCalls === 1 ? '' : 's'} judged (${c.files.map((f) => `${f.path}: ${f.calls} ${f.format === 'cdr' ? 'CDR rows' : 'call events'}${f.duplicates ? `, ${f.duplicates} already in a capture` : ''}`).join('; ')})`);
    out.push(`Would stop (${c.fraud.length} decision${c.fraud.length === 1 ? '' : 's'}, ${accounts.size} account${accounts.size === 1 ? '' : 's'}):`);
    for (const f of c.fraud) {
      out.push(`  ${iso(f.at)}  ${terminalJson(f.account).padEnd(8)} ${f.rule.padEnd(18)} ${(/^\+\d{1,20}$/.test(f.destination) ? f.destination : terminalJson(f.destination)).padEnd(18)} ${(f.country ?? '-').padEnd(4)} ${f.action.join(',')}`);
    }
    if (c.fraud.length === 0) out.push('  nothing');
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

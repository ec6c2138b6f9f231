/**
 * Detection results in words, for `sipwarden run` (what it watches and what it could
 * not find, with the fix) and `sipwarden init`. Pure: file existence is a parameter.
 */
import { existsSync } from 'node:fs';
import { missingFraudRights } from './detect-ami.js';
import type { AsteriskSetup, Finding } from './detect.js';
import { onHost } from './paths.js';

/** What the daemon is configured to watch (the resolved `asterisk` section of the config). */
export interface Watched {
  readonly logs: readonly string[];
  readonly ami: { readonly host: string; readonly port: number; readonly username: string } | null;
}

/** One finding as one line: `ok: …`, `warning: … — fix: …`, `missing: … — fix: …`. */
export function formatFinding(f: Finding): string {
  const head = f.level === 'ok' ? 'ok' : f.level === 'warn' ? 'warning' : 'missing';
  return `${head}: ${f.text}${f.fix ? ` — fix: ${f.fix}` : ''}`;
}

/** The detection findings as lines, headed by what was detected. */
export function describeDetection(setup: AsteriskSetup): string[] {
  const kind = setup.flavour === 'freepbx' ? 'FreePBX' : setup.flavour === 'asterisk' ? 'Asterisk' : 'no Asterisk';
  return [`${kind} configuration in ${setup.asteriskDir}; Asterisk logs in ${setup.logger.logDir}`, ...setup.findings.map(formatFinding)];
}

/**
 * What the daemon watches, checked against the detected set-up: each configured log
 * file (found or not, and why), security events logged to a file it does not follow,
 * the AMI. `fileExists` takes logical paths (default: exists under `setup.root`).
 */
export function describeWatch(watch: Watched, setup: AsteriskSetup, fileExists: (p: string) => boolean = (p) => existsSync(onHost(setup.root, p))): Finding[] {
  const out: Finding[] = [];
  const channelFor = (p: string) => setup.logger.channels.find((c) => c.path === p);
  if (watch.logs.length === 0) {
    out.push({ level: 'missing', text: 'no Asterisk log file to follow', fix: 'run sipwarden init, or list the files in asterisk.logs of the config' });
  }
  for (const p of watch.logs) {
    if (fileExists(p)) { out.push({ level: 'ok', text: `watching ${p}` }); continue; }
    const c = channelFor(p);
    out.push(c
      ? { level: 'warn', text: `${p} does not exist yet (waiting for it)`, fix: 'Asterisk creates it at its next line for that channel; check with: asterisk -rx "logger show channels"' }
      : { level: 'missing', text: `${p} does not exist and no Asterisk log channel writes it`, fix: `remove it from asterisk.logs, or add a channel under [logfiles] in ${setup.logger.customFile ?? setup.logger.confFile}` });
  }
  const sec = setup.logger.security?.path;
  if (sec && !watch.logs.includes(sec)) {
    out.push({ level: 'warn', text: `Asterisk logs security events to ${sec}, which sipwarden does not follow`, fix: `add ${sec} to asterisk.logs in the config` });
  } else if (!sec && setup.logger.found) {
    out.push({ level: 'missing', text: 'Asterisk does not log security events: attacks hidden in user names are harder to attribute', fix: 'run sipwarden init, or add "security => security" under [logfiles]' });
  }
  if (watch.ami) {
    out.push({ level: 'ok', text: `AMI: user ${watch.ami.username} at ${watch.ami.host}:${watch.ami.port}` });
    const u = setup.ami.sipwarden;
    const lacking = u && u.name === watch.ami.username ? missingFraudRights(u) : [];
    if (u && lacking.length > 0) {
      out.push({ level: 'warn', text: `AMI user "${u.name}" may not ${lacking.join(', ')}: the toll-fraud guard cannot see calls or stop them`, fix: `set "read = security,system,call,cdr" and "write = system,call" in [${u.name}] at ${u.definedIn.file}:${u.definedIn.line}, then asterisk -rx "manager reload"` });
    }
  } else if (setup.ami.sipwarden) {
    out.push({ level: 'warn', text: `the AMI user "${setup.ami.sipwarden.name}" exists but asterisk.ami is not set`, fix: 'set asterisk.ami (host, port, username, secret) in the config, or run sipwarden init --force' });
  }
  return out;
}

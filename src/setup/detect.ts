/**
 * Auto-detection of an Asterisk or FreePBX installation: where it logs, whether it
 * logs security events, whether its Manager Interface is on and has a sipwarden user.
 * Reads files only (under an optional root prefix); the result is plain data with
 * findings phrased for a person, each problem with its fix. `sipwarden init` plans
 * from it and `sipwarden run` prints it at start (see describe.ts).
 */
import { existsSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { AMI_USER, detectAmi, missingFraudRights, reachableOnLoopback, type AmiFacts } from './detect-ami.js';
import { detectLogger, logsToFollow, type DetectOptions, type LoggerFacts } from './detect-logger.js';
import { normaliseRoot, onHost, PATHS } from './paths.js';

export type { AmiFacts, AmiUser } from './detect-ami.js';
export type { DetectOptions, LogChannel, LoggerFacts } from './detect-logger.js';

/** One thing found: `ok` is fine, `warn` works but deserves attention, `missing` needs the fix. */
export interface Finding {
  readonly level: 'ok' | 'warn' | 'missing';
  readonly text: string;
  /** What to do about it (absent for `ok`). */
  readonly fix?: string;
}

/** Everything detection learned. Paths are logical; `root` is the prefix they were read under. */
export interface AsteriskSetup {
  readonly root: string;
  readonly asteriskDir: string;
  /** `freepbx` when FreePBX's include files or /etc/freepbx.conf are there; `none` when neither logger.conf nor manager.conf exists. */
  readonly flavour: 'freepbx' | 'asterisk' | 'none';
  readonly logger: LoggerFacts;
  readonly ami: AmiFacts;
  /** The log files sipwarden should follow (security channel + one NOTICE file), existing or not. */
  readonly logs: readonly string[];
  readonly findings: readonly Finding[];
}

/**
 * Detects the Asterisk/FreePBX set-up under `opts.root` (default `/`) with its config
 * in `opts.asteriskDir` (default /etc/asterisk). Throws only for I/O errors other than
 * a missing file (e.g. permission denied).
 */
export function detectAsterisk(opts: DetectOptions = {}): AsteriskSetup {
  const root = normaliseRoot(opts.root);
  const asteriskDir = opts.asteriskDir ?? PATHS.asteriskDir;
  const o = { ...opts, root, asteriskDir };
  const logger = detectLogger({ ...o, hostnameDefault: osHostname() });
  const ami = detectAmi(o);
  const freepbx = existsSync(onHost(root, PATHS.freepbxConf)) || logger.customFile !== null || ami.customFile !== null
    || [...logger.files, ...ami.files].some((f) => /_(additional|custom)\.conf$/.test(f));
  const flavour = freepbx ? 'freepbx' : logger.found || ami.found ? 'asterisk' : 'none';
  return { root, asteriskDir, flavour, logger, ami, logs: logsToFollow(logger), findings: findingsOf(logger, ami) };
}

function loggerFindings(l: LoggerFacts): Finding[] {
  if (!l.found) {
    return [{ level: 'missing', text: `no Asterisk logger configuration at ${l.confFile}`, fix: 'install Asterisk, or point sipwarden init at its config with --asterisk-dir' }];
  }
  const out: Finding[] = [];
  const where = l.customFile ?? l.confFile;
  if (l.security === null) {
    out.push({
      level: 'missing', text: 'Asterisk does not log security events to a file',
      fix: `run sipwarden init, or add "security => security" under [logfiles] in ${where} and run: asterisk -rx "logger reload"`,
    });
  } else {
    out.push({ level: 'ok', text: `security events are logged to ${l.security.path}${l.security.exists ? '' : ' (not created yet: Asterisk creates it at the first event or reload)'}` });
  }
  for (const c of l.channels) {
    if (c.path !== null && c.logsNotice && c !== l.security) out.push({ level: 'ok', text: `NOTICE lines are logged to ${c.path}${c.exists ? '' : ' (does not exist yet)'}` });
  }
  if (!l.dateformatSupported) {
    out.push({ level: 'warn', text: `logger dateformat ${JSON.stringify(l.dateformat)} is not one sipwarden reads`, fix: `set "dateformat = %F %T" under [general] in ${l.confFile} (or remove it for the default)` });
  }
  if (l.channels.some((c) => c.formatter === 'json')) out.push({ level: 'ok', text: 'some channels use the [json] formatter (sipwarden reads it)' });
  return out;
}

function amiFindings(a: AmiFacts): Finding[] {
  if (!a.found) return [{ level: 'warn', text: `no manager.conf at ${a.confFile}: the AMI cannot be used`, fix: 'sipwarden follows the log files alone; run sipwarden init to set up the AMI' }];
  const out: Finding[] = [];
  if (!a.enabled) out.push({ level: 'warn', text: 'the Asterisk Manager Interface (AMI) is off', fix: 'run sipwarden init: it turns the AMI on, listening on 127.0.0.1 only' });
  else if (!reachableOnLoopback(a.bindaddr)) out.push({ level: 'warn', text: `the AMI listens on ${a.bindaddr} only, not on 127.0.0.1`, fix: `set asterisk.ami.host to ${a.bindaddr} and permit that address for the ${AMI_USER} user` });
  else if (a.bindaddr !== '127.0.0.1') out.push({ level: 'warn', text: `the AMI listens on every address (${a.bindaddr}:${a.port})`, fix: `keep port ${a.port} closed to the outside, or set "bindaddr = 127.0.0.1" in [general] of ${a.confFile}` });
  else out.push({ level: 'ok', text: `the AMI is on, at 127.0.0.1:${a.port}` });
  const u = a.sipwarden;
  if (u === null) {
    out.push({ level: 'missing', text: `there is no AMI user "${AMI_USER}"`, fix: 'run sipwarden init: it adds one, from 127.0.0.1 only, that may read security, system, call and cdr events and use the call and system actions the toll-fraud guard needs' });
    return out;
  }
  const at = `${u.definedIn.file}:${u.definedIn.line}`;
  out.push({ level: 'ok', text: `AMI user "${u.name}" exists (${at})` });
  if (u.secret === null) out.push({ level: 'missing', text: `AMI user "${u.name}" has no secret`, fix: `add "secret = ..." to [${u.name}] at ${at}` });
  if (!u.read.includes('security') && !u.read.includes('all')) out.push({ level: 'missing', text: `AMI user "${u.name}" may not read security events`, fix: `set "read = security,system" in [${u.name}] at ${at}` });
  if (u.permit.length === 0 || u.deny.length === 0) out.push({ level: 'warn', text: `AMI user "${u.name}" is not limited to 127.0.0.1`, fix: `add "deny = 0.0.0.0/0.0.0.0" and "permit = 127.0.0.1/255.255.255.255" to [${u.name}]` });
  const lacking = missingFraudRights(u);
  if (lacking.length > 0) out.push({ level: 'warn', text: `AMI user "${u.name}" may not ${lacking.join(', ')}: the toll-fraud guard cannot see calls or stop them`, fix: `set "read = security,system,call,cdr" and "write = system,call" in [${u.name}] at ${at}` });
  return out;
}

function findingsOf(l: LoggerFacts, a: AmiFacts): Finding[] {
  const problems = [...l.problems, ...a.problems].map((p): Finding => ({
    level: 'warn', text: p,
    fix: p.includes('astlogdir') ? 'set astlogdir under [directories] in asterisk.conf to the absolute path of the log directory' : 'correct that line (Asterisk complains about it too)',
  }));
  return [...loggerFindings(l), ...amiFindings(a), ...problems];
}

/**
 * The Asterisk half of the plan: the blocks to add for a security log channel and an
 * AMI user (and turning the AMI on), in the file meant for local changes — FreePBX's
 * `logger_logfiles_custom.conf` / `manager_custom.conf` when the tree includes them,
 * else logger.conf / manager.conf themselves. Reads nothing itself: it works from
 * detection and the blocks already present.
 */
import { join } from 'node:path';
import type { Block, BlockPurpose } from './blocks.js';
import { AMI_USER, missingFraudRights, reachableOnLoopback } from './detect-ami.js';
import type { AsteriskSetup } from './detect.js';

/** What Asterisk must reload after an edit. */
export type Reload = 'logger' | 'manager' | 'dialplan';

/** Blocks to append to one Asterisk file. */
export interface AsteriskEdit {
  readonly kind: 'edit';
  readonly path: string;
  readonly blocks: readonly Block[];
  readonly reload: Reload;
  /** The file whose owner and mode a newly created file copies (logger.conf / manager.conf). */
  readonly ownerFrom: string;
  /** Whether the file holds the AMI secret (a new file is then not world-readable). */
  readonly secret: boolean;
  readonly say: string;
}

/** The outcome: edits, things already in place, warnings, and what the config should say. */
export interface AsteriskPlan {
  readonly edits: AsteriskEdit[];
  readonly done: string[];
  readonly warnings: string[];
  /** The security log file Asterisk will write after the edits (null: none). */
  addedSecurityLog: string | null;
  /** The AMI connection for the config (null: no usable AMI user). */
  ami: { readonly host: string; readonly port: number; readonly username: string; readonly secret: string } | null;
}

/**
 * The AMI user's lines (the secret is the only variable part), its rights no more than
 * sipwarden uses, each said in a comment: read `security` (failed and successful logins),
 * `system` (Asterisk's reloads), `call` (the calls the toll-fraud guard judges: DialBegin,
 * Hangup…), `cdr` (call records: talk time); write `call` (Hangup a fraudulent call,
 * Getvar the address its caller uses), `system` (DBPut/DBDel the suspension in AstDB,
 * PJSIPShowContacts to remove an attacker's registration).
 */
export function amiUserLines(secret: string): string[] {
  return [
    `[${AMI_USER}]`, `secret = ${secret}`, 'deny = 0.0.0.0/0.0.0.0', 'permit = 127.0.0.1/255.255.255.255',
    '; read: security (failed and successful logins), system (reloads), call (calls the toll-fraud guard judges), cdr (call records)',
    'read = security,system,call,cdr',
    '; write: call (Hangup a fraudulent call, Getvar its caller\'s address), system (DBPut/DBDel the toll-fraud suspension, PJSIPShowContacts)',
    'write = system,call',
  ];
}

function securityChannel(setup: AsteriskSetup, out: AsteriskPlan, present: ReadonlySet<BlockPurpose>): AsteriskEdit | null {
  const l = setup.logger;
  if (l.security !== null) {
    out.done.push(`Asterisk already logs security events to ${l.security.path}`);
    return null;
  }
  if (present.has('security-channel')) {
    out.warnings.push('a security channel block from an earlier sipwarden init is in the Asterisk files, but Asterisk does not see it: check the [logfiles] section');
    return null;
  }
  const target = l.customFile ?? l.confFile;
  // A bare line lands in whatever section is current at the end of the file (for a
  // FreePBX custom file that does not exist yet: [logfiles], where it is included).
  const context = target in l.endSection ? l.endSection[target] : target === l.customFile ? 'logfiles' : null;
  const header = context?.toLowerCase() === 'logfiles' ? [] : [l.hasLogfilesSection ? '[logfiles](+)' : '[logfiles]'];
  const taken = l.channels.some((c) => c.name.toLowerCase() === 'security');
  const name = taken ? 'sipwarden-security' : 'security';
  const file = `${join(l.logDir, name)}${l.hostSuffix !== null ? `.${l.hostSuffix}` : ''}`;
  out.addedSecurityLog = file;
  return {
    kind: 'edit', path: target, blocks: [{ purpose: 'security-channel', lines: [...header, `${name} => security`] }], reload: 'logger',
    ownerFrom: l.confFile, secret: false,
    say: `log Asterisk's security events to ${file}: add "${name} => security" under [logfiles] in ${target}`,
  };
}

/**
 * Plans the Asterisk edits. `secretFor` gives the secret for a new AMI user (called at
 * most once). `present` lists the block purposes already in the Asterisk files.
 */
export function planAsterisk(setup: AsteriskSetup, present: ReadonlySet<BlockPurpose>, secretFor: () => string): AsteriskPlan {
  const out: AsteriskPlan = { edits: [], done: [], warnings: [], addedSecurityLog: null, ami: null };
  if (setup.flavour === 'none') {
    out.warnings.push(`no Asterisk configuration in ${setup.asteriskDir}: no log channel or AMI user is set up (use --asterisk-dir if it is elsewhere)`);
    return out;
  }
  if (setup.logger.found) {
    const e = securityChannel(setup, out, present);
    if (e) out.edits.push(e);
  } else out.warnings.push(`no ${setup.logger.confFile}: the security log channel is not set up`);

  const a = setup.ami;
  if (!a.found) {
    out.warnings.push(`no ${a.confFile}: the AMI is not set up (sipwarden follows the log files)`);
    return out;
  }
  const target = a.customFile ?? a.confFile;
  const blocks: Block[] = [];
  const says: string[] = [];
  if (!a.enabled && !present.has('ami-enable')) {
    blocks.push({ purpose: 'ami-enable', lines: [a.hasGeneralSection ? '[general](+)' : '[general]', 'enabled = yes', 'bindaddr = 127.0.0.1'] });
    says.push('turn the AMI on (it is off now), listening on 127.0.0.1 only');
  } else if (!a.enabled) out.warnings.push('an earlier sipwarden init turned the AMI on, but Asterisk sees it off: check [general] in manager.conf');
  let secret: string | null = null;
  if (a.sipwarden !== null) {
    out.done.push(`the AMI user "${a.sipwarden.name}" exists (${a.sipwarden.definedIn.file}:${a.sipwarden.definedIn.line}); it is used as it is`);
    const lacking = missingFraudRights(a.sipwarden);
    if (lacking.length > 0) {
      out.warnings.push(`the AMI user "${a.sipwarden.name}" may not ${lacking.join(', ')}: the toll-fraud guard cannot see calls or stop them; set "read = security,system,call,cdr" and "write = system,call" in [${a.sipwarden.name}] at ${a.sipwarden.definedIn.file}:${a.sipwarden.definedIn.line}`);
    }
    secret = a.sipwarden.secret;
    if (secret === null) out.warnings.push(`the AMI user "${a.sipwarden.name}" has no secret: the config gets no AMI settings`);
  } else if (present.has('ami-user')) {
    out.warnings.push(`an AMI user block from an earlier sipwarden init is there, but Asterisk does not see [${AMI_USER}]`);
  } else {
    secret = secretFor();
    blocks.push({ purpose: 'ami-user', lines: amiUserLines(secret) });
    says.push(`add the AMI user "${AMI_USER}" (a new random secret; only from 127.0.0.1; may read security, system, call and cdr events — logins, calls and their records, for the failure tiers and the toll-fraud guard — and write call and system — to hang up a fraudulent call, ask which address its caller uses, suspend the account in Asterisk's database and remove the attacker's registration)`);
  }
  if (blocks.length > 0) {
    out.edits.push({ kind: 'edit', path: target, blocks, reload: 'manager', ownerFrom: a.confFile, secret: true, say: `${says.join(', and ')}: in ${target}` });
  }
  const enabledAfter = a.enabled || blocks.some((b) => b.purpose === 'ami-enable');
  const host = a.enabled && !reachableOnLoopback(a.bindaddr) ? a.bindaddr : '127.0.0.1';
  if (host !== '127.0.0.1' && blocks.some((b) => b.purpose === 'ami-user')) {
    out.warnings.push(`the AMI listens on ${host} only, and the new user may connect from 127.0.0.1 only: add "permit = ${host}/255.255.255.255" to [${AMI_USER}] in ${target}`);
  }
  if (secret !== null && enabledAfter) out.ami = { host, port: a.port, username: a.sipwarden?.name ?? AMI_USER, secret };
  return out;
}

/**
 * `sipwarden init`'s plan: what it would create or change, worked out from detection,
 * the files already there and the install manifest. Reads files (under the root
 * prefix), writes nothing; `applyPlan` carries it out through the shared flow (flow.ts)
 * and `formatPlan` (plan-format.ts) says it in words. Planning twice on an unchanged
 * system gives the same plan, and planning after applying gives one with no actions
 * (idempotence).
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText, type Config } from '../config/index.js';
import { appendBlocks, findBlocks, type BlockPurpose } from './blocks.js';
import { detectAsterisk, type AsteriskSetup } from './detect.js';
import { readIfFile } from '../asterisk/index.js';
import { applyChanges, asteriskReloads, followUp, type ApplyOptions, type ApplyResult, type DirChange, type FileWrite, type FollowUp, type Planned } from './flow.js';
import { fileRecord, readManifest, sha256, type Manifest } from './manifest.js';
import { normaliseRoot, onHost, PATHS } from './paths.js';
import { planAsterisk, type AsteriskEdit, type Reload } from './plan-asterisk.js';
import { dialplanFiles, planDialplanCheck } from './plan-dialplan.js';
import { findPhones, type Phones } from './phones.js';
import { DEFAULTS } from '../config/defaults.js';
import { PACKAGED, renderConfig, renderLogrotate, renderUnit } from './templates.js';

export type { AsteriskEdit, Reload } from './plan-asterisk.js';

/** A directory to create. */
export type MkdirAction = DirChange;

/** Blocks to append to an Asterisk file, with the file's content now and after. */
export type EditAction = AsteriskEdit & { readonly before: string | null; readonly after: string };

/** A file to write whole (config, unit, logrotate entry); `before` not null: it exists and is backed up first. */
export type WriteAction = FileWrite;

export type Action = MkdirAction | EditAction | WriteAction;

/** The whole plan. Actions are in the order they are applied. */
export interface Plan extends Planned {
  readonly command: 'init';
  readonly setup: AsteriskSetup;
  readonly actions: readonly Action[];
  /**
   * The Debian package's unit is installed: init writes no unit or logrotate entry of its
   * own, and enables and (re)starts sipwarden.service after its changes, so the service
   * runs with the config just written.
   */
  readonly packaged: boolean;
  /** The extensions found, those seen logging in from outside, and the roaming list the config gets (phones.ts). */
  readonly phones: Phones & { readonly roaming: readonly string[]; readonly written: boolean };
}

/** The commands that put the packaged service to work (after the Asterisk reloads). */
export const START_PACKAGED_SERVICE: readonly (readonly string[])[] = [['systemctl', 'enable', 'sipwarden.service'], ['systemctl', 'restart', 'sipwarden.service']];

/** What planning may be told; everything has a default for the real system. */
export interface PlanOptions {
  /** Root prefix for every file (default `/`). */
  readonly root?: string;
  /** Asterisk's config directory, logical (default /etc/asterisk). */
  readonly asteriskDir?: string;
  /** Replace an existing sipwarden.yaml, unit or logrotate entry (each backed up first). */
  readonly force?: boolean;
  /** The sipwarden checkout whose dist/cli/main.js the unit runs (default: this one). */
  readonly repoDir?: string;
  /** The node binary the unit runs (default: the one running now). */
  readonly nodePath?: string;
  /** A new AMI secret (default: 24 random letters and digits). */
  readonly randomSecret?: () => string;
  readonly hostname?: string;
  /** The extensions used outside the office, as the person answered (default: those the logs show logging in from outside). */
  readonly roaming?: readonly string[];
  /** Anchors the logs' dates without a year (default: now). */
  readonly now?: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 24 random letters and digits (about 143 bits), safe in Asterisk config and YAML alike. */
export function randomSecret(): string {
  return Array.from({ length: 24 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** This checkout: src/setup/ or dist/setup/ is two levels below it. */
export function defaultRepoDir(): string {
  return fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
}

/** The existing config, if it parses (null: none or invalid, with a warning). */
function existingConfig(root: string, warnings: string[]): { text: string; config: Config | null } | null {
  const text = readIfFile(onHost(root, PATHS.configFile));
  if (text === null) return null;
  try {
    return { text, config: parseConfigText(text, PATHS.configFile, { fileExists: () => true }) };
  } catch (err) {
    warnings.push(`${(err as Error).message.split('\n')[0]} (the unit and logrotate entry use the default paths)`);
    return { text, config: null };
  }
}

/** Plans writing `after` to `path`: nothing if it is there already; replacing only what init wrote, or with --force. */
function planWrite(a: Omit<WriteAction, 'kind' | 'before' | 'say'>, what: string, root: string, m: Manifest | null, force: boolean, out: { actions: Action[]; done: string[]; warnings: string[] }): void {
  const current = readIfFile(onHost(root, a.path));
  if (current === a.after) { out.done.push(`${what} ${a.path} is up to date`); return; }
  if (current === null) { out.actions.push({ kind: 'write', ...a, before: null, say: `write ${what} ${a.path}` }); return; }
  const ours = fileRecord(m, a.path)?.changes.at(-1)?.after === sha256(current);
  if (ours || force) { out.actions.push({ kind: 'write', ...a, before: current, say: `replace ${what} ${a.path} (the old one is kept as a backup)` }); return; }
  out.warnings.push(`${a.path} exists and was not written by sipwarden init: left as it is (--force replaces it, keeping a backup)`);
}

/** The block purposes already present in the Asterisk files. */
function presentBlocks(root: string, setup: AsteriskSetup): Set<BlockPurpose> {
  const files = new Set([...setup.logger.files, ...setup.ami.files, ...(setup.flavour === 'none' ? [] : [dialplanFiles(setup).target])]);
  return new Set([...files].flatMap((f) => findBlocks(readIfFile(onHost(root, f)) ?? '').map((b) => b.purpose as BlockPurpose)));
}

/** Plans `sipwarden init`. Throws only for I/O errors (e.g. unreadable files). */
export function planInit(opts: PlanOptions = {}): Plan {
  const root = normaliseRoot(opts.root);
  const force = opts.force ?? false;
  const setup = detectAsterisk({ root, asteriskDir: opts.asteriskDir, hostname: opts.hostname });
  const manifest = readManifest(root);
  const out = { actions: [] as Action[], done: [] as string[], warnings: [] as string[] };
  const existing = existingConfig(root, out.warnings);
  const prior = existing?.config?.asterisk.ami;
  const secretFor = () => (prior && prior.username === 'sipwarden' ? prior.secret : (opts.randomSecret ?? randomSecret)());
  const ast = planAsterisk(setup, presentBlocks(root, setup), secretFor);
  out.done.push(...ast.done);
  out.warnings.push(...ast.warnings);

  const cfg = existing?.config ?? null;
  const rw = [...new Set([PATHS.libDir, PATHS.logDir, ...(cfg ? [dirname(cfg.store.path), dirname(cfg.failedAuthLog.path)] : [])])];
  for (const [dir, mode] of [[PATHS.etcDir, 0o750], ...rw.map((d) => [d, 0o750] as const)] as const) {
    if (!existsSync(onHost(root, dir))) out.actions.push({ kind: 'mkdir', path: dir, mode, say: `create the directory ${dir} (mode ${mode.toString(8)})` });
  }
  // The toll-fraud suspension enforced by Asterisk itself (plan-dialplan.ts).
  const dial = planDialplanCheck(setup, presentBlocks(root, setup), existing?.config?.fraud.neverStop ?? DEFAULTS.fraud.never_stop);
  out.done.push(...dial.done);
  out.warnings.push(...dial.warnings);
  for (const e of [...ast.edits, ...(dial.edit ? [dial.edit] : [])]) {
    const before = readIfFile(onHost(root, e.path));
    out.actions.push({ ...e, before, after: appendBlocks(before ?? '', e.blocks) });
  }

  // Security log first, as detection lists it, so a later run computes the same list.
  const logs = [...new Set([...(ast.addedSecurityLog ? [ast.addedSecurityLog] : []), ...setup.logs])];
  const found = findPhones(setup, opts.now ?? Date.now());
  const roaming = [...(opts.roaming ?? found.outside.map((o) => o.account))];
  const config = renderConfig({ logs: logs.length > 0 ? logs : null, ami: ast.ami, roaming });
  parseConfigText(config, PATHS.configFile, { fileExists: () => true }); // a bug if it throws
  if (existing === null) out.actions.push({ kind: 'write', path: PATHS.configFile, role: 'config', before: null, after: config, mode: 0o600, say: `write sipwarden's config ${PATHS.configFile} (mode 600: it holds the AMI secret)` });
  else if (force && existing.text !== config) out.actions.push({ kind: 'write', path: PATHS.configFile, role: 'config', before: existing.text, after: config, mode: 0o600, say: `replace sipwarden's config ${PATHS.configFile} (--force; the old one is kept as a backup)` });
  else {
    out.done.push(`sipwarden's config ${PATHS.configFile} exists: left as it is (--force replaces it, keeping a backup)`);
    if (ast.ami && existing.config && existing.config.asterisk.ami?.secret !== ast.ami.secret) {
      out.warnings.push(`${PATHS.configFile} does not use the AMI user "${ast.ami.username}": run sipwarden init --force, or set asterisk.ami yourself (the secret is in the Asterisk manager config)`);
    }
  }

  if (existsSync(onHost(root, PACKAGED.unit))) {
    out.done.push(`the systemd unit ${PACKAGED.unit} and the logrotate entry ${PATHS.logrotate} come with the Debian package`);
    return finish(root, setup, out, true, phonesOf(found, roaming, out.actions, existing?.config ?? null));
  }
  const repoDir = opts.repoDir ?? defaultRepoDir();
  const nodePath = opts.nodePath ?? process.execPath;
  const mainJs = join(repoDir, 'dist/cli/main.js');
  if (!existsSync(mainJs)) out.warnings.push(`${mainJs} does not exist yet: build sipwarden (npm run build) before starting the service`);
  const under = (re: RegExp) => re.test(repoDir) || re.test(nodePath);
  const protectHome = under(/^\/(home|root|run\/user)(\/|$)/) ? 'read-only' : 'yes';
  const privateTmp = !under(/^\/(var\/)?tmp(\/|$)/);
  if (protectHome !== 'yes') out.warnings.push(`sipwarden or node is under a home directory: the unit uses ProtectHome=read-only (install it under /opt for ProtectHome=yes)`);
  if (!privateTmp) out.warnings.push('sipwarden or node is under /tmp: the unit cannot use PrivateTmp=yes (install it under /opt)');
  const unit = renderUnit({ nodePath, mainJs, readWritePaths: rw, readOnlyPaths: [setup.logger.logDir], protectHome, privateTmp });
  planWrite({ path: PATHS.unit, role: 'unit', after: unit, mode: 0o644 }, 'the systemd unit', root, manifest, force, out);
  const logrotate = renderLogrotate(cfg?.failedAuthLog.path ?? join(PATHS.logDir, 'failed-auth.log'));
  planWrite({ path: PATHS.logrotate, role: 'logrotate', after: logrotate, mode: 0o644 }, 'the logrotate entry', root, manifest, force, out);
  return finish(root, setup, out, false, phonesOf(found, roaming, out.actions, existing?.config ?? null));
}

/** The phones part of the plan: the roaming list the config gets if init writes it, else the existing config's. */
function phonesOf(found: Phones, roaming: readonly string[], actions: readonly Action[], cfg: Config | null): Plan['phones'] {
  const written = actions.some((a) => a.kind === 'write' && a.role === 'config');
  return { ...found, roaming: written || !cfg ? roaming : cfg.accounts.roaming, written };
}

/** The plan with what runs after its actions. */
function finish(root: string, setup: AsteriskSetup, out: { actions: Action[]; done: string[]; warnings: string[] }, packaged: boolean, phones: Plan['phones']): Plan {
  const reloads = new Set(out.actions.flatMap((a) => (a.kind === 'edit' ? [a.reload] : a.kind === 'write' && a.role === 'unit' ? ['unit' as const] : [])));
  return { command: 'init', root, setup, ...out, followUps: initFollowUps(reloads, packaged && out.actions.length > 0), packaged, phones };
}

/**
 * What runs after init's changes (or its uninstall's): Asterisk's reloads, then
 * systemctl daemon-reload when the unit changed, then (`start`) the packaged service.
 */
export function initFollowUps(reloads: ReadonlySet<Reload | 'unit'>, start = false): FollowUp[] {
  const asterisk = (['logger', 'manager', 'dialplan'] as const).filter((k) => reloads.has(k)).map((k) => `${k} reload`);
  const systemd = [...(reloads.has('unit') ? [['systemctl', 'daemon-reload']] : []), ...(start ? START_PACKAGED_SERVICE : [])];
  return [...asteriskReloads(asterisk, false), ...followUp('systemctl', systemd)];
}

/** Carries out init's plan (see flow.ts). Throws on I/O errors (what was done so far is in the manifest). */
export function applyPlan(plan: Plan, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return applyChanges(plan, plan.actions, opts);
}

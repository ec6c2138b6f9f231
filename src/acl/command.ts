/**
 * The `sipwarden asterisk-acl [--dry-run] [--yes] [--force] [--root DIR] [--config FILE]`
 * and `--uninstall` command with its world injected (tests give fakes; the CLI wrapper
 * src/cli/asterisk-acl.ts gives the real terminal). Prints the plan in plain words, asks
 * y/N on a terminal unless --yes, then carries it out and reports each change, backup
 * and reload. Expected failures are SipwardenErrors with one line.
 */
import { defaultConfig, loadConfig, type Config } from '../config/index.js';
import { SipwardenError } from '../domain/errors.js';
import { confirm, formatApplied, requireRoot, type ApplyOptions } from '../setup/index.js';
import { readIfFile } from '../asterisk/index.js';
import { normaliseRoot, onHost, PATHS } from '../setup/paths.js';
import { formatAclPlan } from './format.js';
import { applyAclPlan, planAcl } from './plan.js';
import { applyAclUninstall, planAclUninstall } from './uninstall.js';

/** The command line's options, as commander gives them. */
export interface AclCliOptions {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly uninstall?: boolean;
  readonly root?: string;
  readonly config?: string;
}

/** What the command needs from the world. */
export interface AclDeps extends ApplyOptions {
  readonly out: (line: string) => void;
  /** Asks a yes/no question; null when there is no terminal to ask on. */
  readonly ask: ((question: string) => Promise<boolean>) | null;
  /** The effective user id (0: root). */
  readonly uid: number;
}

/**
 * The config: --config FILE; else, with --root, the tree's own /etc/sipwarden/sipwarden.yaml
 * (never the host's); else the host's; else the built-in defaults.
 */
function configFor(opts: AclCliOptions): { config: Config; from: string } {
  const root = normaliseRoot(opts.root);
  const inTree = onHost(root, PATHS.configFile);
  if (opts.config === undefined && root !== '/' && readIfFile(inTree) === null) return { config: defaultConfig(), from: 'the built-in defaults' };
  const loaded = loadConfig(opts.config ?? (root !== '/' ? inTree : undefined));
  return { config: loaded.config, from: loaded.path ?? 'the built-in defaults' };
}

function check(opts: AclCliOptions, deps: AclDeps): void {
  if (opts.uninstall && opts.force) throw new SipwardenError('USAGE', '--force does not go with --uninstall');
  requireRoot({ live: opts.root === undefined || normaliseRoot(opts.root) === '/', dryRun: opts.dryRun, uid: deps.uid, command: 'asterisk-acl', what: '/etc/asterisk' });
}

async function install(opts: AclCliOptions, deps: AclDeps): Promise<void> {
  const { config, from } = configFor(opts);
  const n = config.networks;
  const plan = planAcl({
    root: opts.root, asteriskDir: config.accounts.asteriskConfigDir, internal: n.internal,
    patterns: config.accounts, trusted: [...n.trusted, ...n.trustedNames], force: opts.force,
  });
  deps.out(`sipwarden config: ${from}`);
  for (const l of formatAclPlan(plan)) deps.out(l);
  if (plan.edits.length === 0) return;
  if (opts.dryRun) { deps.out(plan.blocker ? `(--dry-run: nothing was changed; without --dry-run this refuses: ${plan.blocker})` : '(--dry-run: nothing was changed)'); return; }
  if (plan.blocker !== null) throw new SipwardenError('USAGE', `nothing was changed: ${plan.blocker}`);
  if (!(await confirm(opts.yes, deps.ask))) { deps.out('Nothing was changed.'); return; }
  for (const l of formatApplied(await applyAclPlan(plan, deps))) deps.out(l);
}

async function uninstall(opts: AclCliOptions, deps: AclDeps): Promise<void> {
  const { config } = configFor(opts);
  const plan = planAclUninstall({ root: opts.root, asteriskDir: config.accounts.asteriskConfigDir });
  for (const n of plan.notes) deps.out(n);
  if (plan.steps.length === 0) { deps.out('Nothing to uninstall: no sipwarden asterisk-acl blocks found.'); return; }
  deps.out('sipwarden asterisk-acl --uninstall will:');
  for (const s of plan.steps) deps.out(`  - ${s.say}`);
  if (opts.dryRun) { deps.out('(--dry-run: nothing was changed)'); return; }
  if (!(await confirm(opts.yes, deps.ask))) { deps.out('Nothing was changed.'); return; }
  for (const l of formatApplied(await applyAclUninstall(plan, deps))) deps.out(l);
}

/** Runs `sipwarden asterisk-acl` with explicit dependencies. Throws SipwardenError for expected failures. */
export async function runAsteriskAcl(opts: AclCliOptions, deps: AclDeps): Promise<void> {
  check(opts, deps);
  try {
    await (opts.uninstall ? uninstall(opts, deps) : install(opts, deps));
  } catch (err) {
    if (err instanceof SipwardenError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string') throw new SipwardenError('USAGE', `sipwarden asterisk-acl: ${e.path}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`);
    throw err;
  }
}

/**
 * `sipwarden asterisk-acl [--dry-run] [--yes] [--force] [--root DIR] [--config FILE]`
 * and `--uninstall`: reads sipwarden's config for the internal networks and the account
 * patterns, prints the plan (src/acl/) in plain words, asks y/N on a terminal unless
 * --yes, then carries it out and reports each change, backup and reload — the
 * conversation and the flow every set-up command shares (src/setup/). Commands are not
 * run when --root names another system tree. Expected failures are SipwardenErrors
 * with one line.
 */
import { realWorld } from './terminal.js';
import { formatAclPlan, planAcl, planAclUninstall } from '../acl/index.js';
import { readIfFile } from '../asterisk/index.js';
import { defaultConfig, loadConfig, type Config } from '../config/index.js';
import { SipwardenError } from '../domain/errors.js';
import { normaliseRoot } from '../domain/root.js';
import { carryOut, carryOutUndo, inOneLine, onHost, PATHS, requireRoot, type Conversation } from '../setup/index.js';
import { sayPlanJson, sayUndoJson } from '../setup/plan-json.js';

/** The command line's options, as commander gives them. */
export interface AclCliOptions {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly uninstall?: boolean;
  readonly root?: string;
  readonly config?: string;
  /** With --dry-run: the plan as JSON (setup/plan-json.ts). */
  readonly json?: boolean;
}

/** What the command needs from the world (the terminal, the runner, the clock); tests replace it. */
export type AclDeps = Conversation;

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
  const accounts = (list: readonly { name: string }[]) => list.map((a) => a.name);
  const facts = { config: from, internal: plan.internal, protect: accounts(plan.protect), leftAlone: accounts(plan.leftAlone), refused: plan.refused.map((r) => ({ account: r.account.name, problem: r.problem })) };
  if (sayPlanJson(opts, deps.out, plan, plan.edits, facts)) return;
  await carryOut(plan, plan.edits, [`sipwarden config: ${from}`, ...formatAclPlan(plan)], opts, deps);
}

async function uninstall(opts: AclCliOptions, deps: AclDeps): Promise<void> {
  const { config } = configFor(opts);
  const plan = planAclUninstall({ root: opts.root, asteriskDir: config.accounts.asteriskConfigDir });
  if (sayUndoJson(opts, deps.out, plan)) return;
  await carryOutUndo(plan, 'Nothing to uninstall: no sipwarden asterisk-acl blocks found.', opts, deps);
}

/** Runs `sipwarden asterisk-acl` with explicit dependencies. Throws SipwardenError for expected failures. */
export async function runAsteriskAcl(opts: AclCliOptions, deps: AclDeps): Promise<void> {
  check(opts, deps);
  await inOneLine('asterisk-acl', () => (opts.uninstall ? uninstall(opts, deps) : install(opts, deps)));
}

/** The `sipwarden asterisk-acl` action: real terminal, real commands (not run when --root names another tree). */
export async function asteriskAclCommand(opts: AclCliOptions): Promise<void> {
  await runAsteriskAcl(opts, realWorld(opts.root));
}

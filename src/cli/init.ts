/**
 * `sipwarden init [--yes] [--dry-run] [--force] [--root DIR] [--asterisk-dir DIR]`
 * and `sipwarden init --uninstall [--purge]`: prints the plan in plain words, asks
 * (y/N) on a terminal unless `--yes`, then carries it out and reports each change and
 * each reload. `--dry-run` prints the plan only. Expected failures are one line. The
 * conversation and the flow are the ones every set-up command shares (src/setup/).
 */
import { realWorld } from './terminal.js';
import { configSchema } from '../config/schema.js';
import { SipwardenError } from '../domain/errors.js';
import { sayPlanJson, sayUndoJson } from '../setup/plan-json.js';
import { carryOut, carryOutUndo, formatPlan, inOneLine, planInit, planUninstall, requireRoot, type Conversation, type Plan, type PlanOptions } from '../setup/index.js';

/** The command line's options, as commander gives them. */
export interface InitCliOptions {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly uninstall?: boolean;
  readonly purge?: boolean;
  readonly root?: string;
  readonly asteriskDir?: string;
  /** With --dry-run: the plan as JSON (setup/plan-json.ts). */
  readonly json?: boolean;
}

/** What the command needs from the world (the terminal, the runner, the clock, how to plan); tests replace it. */
export interface InitDeps extends Conversation, Pick<PlanOptions, 'randomSecret' | 'repoDir' | 'nodePath' | 'hostname'> {
  /** Asks for a line of text; absent or null when there is no terminal to ask on. */
  readonly askLine?: ((question: string) => Promise<string>) | null;
}

function check(opts: InitCliOptions, deps: InitDeps): void {
  if (opts.purge && !opts.uninstall) throw new SipwardenError('USAGE', '--purge goes with --uninstall');
  if (opts.force && opts.uninstall) throw new SipwardenError('USAGE', '--force does not go with --uninstall');
  requireRoot({ live: opts.root === undefined || opts.root === '/', dryRun: opts.dryRun, uid: deps.uid, command: 'init', what: '/etc and /var' });
}

async function install(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  const planOpts = { root: opts.root, asteriskDir: opts.asteriskDir, force: opts.force, randomSecret: deps.randomSecret, repoDir: deps.repoDir, nodePath: deps.nodePath, hostname: deps.hostname, ...(deps.now ? { now: deps.now().getTime() } : {}) };
  let plan = planInit(planOpts);
  if (sayPlanJson(opts, deps.out, plan, plan.actions, { packaged: plan.packaged })) return;
  const roaming = await askRoaming(plan.phones, opts, deps);
  if (roaming) plan = planInit({ ...planOpts, roaming });
  const applied = await carryOut(plan, plan.actions, formatPlan(plan), opts, deps);
  if (applied && plan.actions.some((a) => a.kind === 'write' && a.role === 'unit')) deps.out('Start sipwarden with: systemctl enable --now sipwarden.service');
}

/**
 * On a terminal, without --yes or --dry-run, when init writes the config: lists the
 * extensions and asks which are used outside the office, the logs' proposal as the
 * default (Enter). Each name is checked as the config checks it; a wrong answer is said
 * and asked again. Null: not asked (the proposal stands).
 */
async function askRoaming(p: Plan['phones'], opts: InitCliOptions, deps: InitDeps): Promise<string[] | null> {
  if (!deps.askLine || opts.yes || opts.dryRun || !p.written || p.extensions.length === 0) return null;
  deps.out(`Extensions in the PBX's configuration: ${p.extensions.join(', ')}`);
  for (const o of p.outside) deps.out(`  ${o.account} logged in from ${o.ip}, outside your internal networks (${o.log})`);
  const proposal = p.roaming.length ? p.roaming.join(' ') : 'none';
  for (let tries = 0; tries < 3; tries++) {
    const answer = (await deps.askLine(`Which are used outside the office (roaming: allowed from anywhere)? Names or patterns (2??) separated by spaces, "none" for none [${proposal}]: `)).trim();
    const names = answer === '' ? [...p.roaming] : answer.toLowerCase() === 'none' ? [] : answer.split(/[\s,]+/).filter(Boolean);
    const parsed = configSchema.safeParse({ accounts: { roaming: names } });
    if (parsed.success) return [...parsed.data.accounts.roaming];
    deps.out(`not an account name or pattern: ${parsed.error.issues.map((i) => JSON.stringify(names[Number(i.path[2])] ?? '')).join(', ')} (letters, digits, _ . @ + -, and the wildcards ? and *)`);
  }
  throw new SipwardenError('USAGE', 'no valid answer to "which extensions are used outside the office": nothing was changed');
}

async function uninstall(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  const plan = planUninstall({ root: opts.root, asteriskDir: opts.asteriskDir, purge: opts.purge });
  if (sayUndoJson(opts, deps.out, plan)) return;
  await carryOutUndo(plan, 'Nothing to uninstall.', opts, deps);
}

/** Runs `sipwarden init` with explicit dependencies. Throws SipwardenError for expected failures. */
export async function runInit(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  check(opts, deps);
  await inOneLine('init', () => (opts.uninstall ? uninstall(opts, deps) : install(opts, deps)));
}

/** The `sipwarden init` action: real terminal, real commands (not run when --root names another tree). */
export async function initCommand(opts: InitCliOptions): Promise<void> {
  await runInit(opts, realWorld(opts.root));
}

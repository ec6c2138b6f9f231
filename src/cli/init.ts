/**
 * `sipwarden init [--yes] [--dry-run] [--force] [--root DIR] [--asterisk-dir DIR]`
 * and `sipwarden init --uninstall [--purge]`: prints the plan in plain words, asks
 * (y/N) on a terminal unless `--yes`, then carries it out and reports each change and
 * each reload. `--dry-run` prints the plan only. Expected failures are one line.
 */
import { realWorld } from './terminal.js';
import { SipwardenError, type ErrorCode } from '../domain/errors.js';
import {
  applyPlan, applyUninstall, confirm, formatApplied, formatPlan, planInit, planUninstall, requireRoot,
  type ApplyOptions, type PlanOptions,
} from '../setup/index.js';

/** The command line's options, as commander gives them. */
export interface InitCliOptions {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly uninstall?: boolean;
  readonly purge?: boolean;
  readonly root?: string;
  readonly asteriskDir?: string;
}

/** What the command needs from the world; tests replace it. */
export interface InitDeps extends ApplyOptions, Pick<PlanOptions, 'randomSecret' | 'repoDir' | 'nodePath' | 'hostname'> {
  readonly out: (line: string) => void;
  /** Asks a yes/no question; null when there is no terminal to ask on. */
  readonly ask: ((question: string) => Promise<boolean>) | null;
  /** The effective user id (0: root). */
  readonly uid: number;
}

// Write failures have no code of their own in the catalogue yet (a SETUP_FAILED would fit); USAGE gives exit 2.
const SETUP_FAILED: ErrorCode = 'USAGE';

function check(opts: InitCliOptions, deps: InitDeps): void {
  if (opts.purge && !opts.uninstall) throw new SipwardenError('USAGE', '--purge goes with --uninstall');
  if (opts.force && opts.uninstall) throw new SipwardenError('USAGE', '--force does not go with --uninstall');
  requireRoot({ live: opts.root === undefined || opts.root === '/', dryRun: opts.dryRun, uid: deps.uid, command: 'init', what: '/etc and /var' });
}

async function install(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  const plan = planInit({ root: opts.root, asteriskDir: opts.asteriskDir, force: opts.force, randomSecret: deps.randomSecret, repoDir: deps.repoDir, nodePath: deps.nodePath, hostname: deps.hostname });
  for (const l of formatPlan(plan)) deps.out(l);
  if (plan.actions.length === 0 || opts.dryRun) {
    if (opts.dryRun && plan.actions.length > 0) deps.out('(--dry-run: nothing was changed)');
    return;
  }
  if (!(await confirm(opts.yes, deps.ask))) { deps.out('Nothing was changed.'); return; }
  for (const l of formatApplied(await applyPlan(plan, deps))) deps.out(l);
  if (plan.actions.some((a) => a.kind === 'write' && a.role === 'unit')) deps.out('Start sipwarden with: systemctl enable --now sipwarden.service');
}

async function uninstall(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  const plan = planUninstall({ root: opts.root, asteriskDir: opts.asteriskDir, purge: opts.purge });
  for (const n of plan.notes) deps.out(n);
  if (plan.steps.length === 0) { deps.out('Nothing to uninstall.'); return; }
  deps.out('sipwarden init --uninstall will:');
  if (plan.stopService) deps.out('  - stop and disable sipwarden.service');
  for (const s of plan.steps) deps.out(`  - ${s.say}`);
  if (opts.dryRun) { deps.out('(--dry-run: nothing was changed)'); return; }
  if (!(await confirm(opts.yes, deps.ask))) { deps.out('Nothing was changed.'); return; }
  for (const l of formatApplied(await applyUninstall(plan, deps))) deps.out(l);
}

/** Runs `sipwarden init` with explicit dependencies. Throws SipwardenError for expected failures. */
export async function runInit(opts: InitCliOptions, deps: InitDeps): Promise<void> {
  check(opts, deps);
  try {
    await (opts.uninstall ? uninstall(opts, deps) : install(opts, deps));
  } catch (err) {
    if (err instanceof SipwardenError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string') throw new SipwardenError(SETUP_FAILED, `sipwarden init: ${e.path}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`);
    throw err;
  }
}

/** The `sipwarden init` action: real terminal, real commands (not run when --root names another tree). */
export async function initCommand(opts: InitCliOptions): Promise<void> {
  await runInit(opts, realWorld(opts.root));
}

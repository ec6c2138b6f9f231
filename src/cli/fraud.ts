/**
 * `sipwarden allow-calls ACCOUNT`: a person lets an account the toll-fraud guard
 * suspended call out through trunks again. It writes an `allow_calls` audit record
 * (who, when, which account); the running daemon's control loop picks it up within
 * 250 ms, forgets the suspension and deletes the AstDB key `sipwarden/suspended/ACCOUNT`
 * that Asterisk's dial plan check reads (daemon/fraud.ts). With the daemon stopped, the
 * store's suspension is lifted here and the key is deleted at its next start; until
 * then Asterisk still refuses the account's trunk calls (the command says how to lift
 * that at once).
 */
import { loadConfig } from '../config/index.js';
import { SipwardenError } from '../domain/errors.js';
import { terminalJson, terminalText } from '../domain/strings.js';
import { ALLOW_CALLS, META_ASTDB, META_SUSPENDED, SUSPENDED_FAMILY } from '../daemon/fraud.js';
import { Store } from '../store/index.js';

const ACTOR = `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'root'}`;
/** An account name as AstDB keys and channel names carry it (no `/`, no spaces). */
const ACCOUNT = /^[\w.@+-]{1,80}$/;

interface Suspension {
  readonly account: string;
  readonly at: number;
  readonly rule: string;
}

function readJson<T>(text: string | null, fallback: T): T {
  try {
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

/** The `allow-calls` command. */
export function allowCallsCommand(account: string, opts: { config?: string; json?: boolean }): void {
  if (!ACCOUNT.test(account)) throw new SipwardenError('USAGE', `not an account name: ${JSON.stringify(account)}`);
  const { config } = loadConfig(opts.config);
  const store = Store.open(config.store.path);
  try {
    const now = Date.now();
    const suspended = readJson<Suspension[]>(store.getMeta(META_SUSPENDED), []);
    const was = suspended.find((s) => s.account === account) ?? null;
    const alive = now - Number(store.getMeta('heartbeat') ?? 0) < 3000;
    store.addAudit({ at: now, actor: ACTOR, action: ALLOW_CALLS, ip: null, detail: JSON.stringify({ account, wasSuspended: was !== null }) });
    if (!alive) {
      // The daemon reads these at its next start: the suspension is gone, the AstDB key is deleted then.
      store.setMeta(META_SUSPENDED, JSON.stringify(suspended.filter((s) => s.account !== account)));
      store.setMeta(META_ASTDB, JSON.stringify({ ...readJson<Record<string, unknown>>(store.getMeta(META_ASTDB), {}), [account]: { op: 'del' } }));
    }
    const key = `${SUSPENDED_FAMILY}/${account}`;
    if (opts.json) {
      process.stdout.write(`${terminalJson({ account, suspended: was, daemonRunning: alive, astdbKey: key })}\n`);
      return;
    }
    const since = was ? ` (suspended since ${new Date(was.at).toISOString()}, rule ${terminalText(was.rule)})` : ' (it was not suspended by sipwarden)';
    process.stdout.write(`allowed account ${terminalText(account)} to call out through trunks again${since}\n`);
    if (alive) process.stdout.write(`the daemon removes the AstDB key ${terminalText(key)} within a second\n`);
    else {
      process.stdout.write(`the daemon is not running: it removes the AstDB key ${terminalText(key)} at its next start; to let the account call now:\n`);
      process.stdout.write(`  asterisk -rx 'database del ${SUSPENDED_FAMILY} ${terminalText(account)}'\n`);
    }
  } finally {
    store.close();
  }
}

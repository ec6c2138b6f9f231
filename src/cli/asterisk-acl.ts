/**
 * `sipwarden asterisk-acl [--dry-run] [--yes] [--force] [--root DIR] [--config FILE]`
 * and `--uninstall`: the real terminal and real commands around `runAsteriskAcl`
 * (src/acl/command.ts). Commands are not run when --root names another system tree.
 */
import { realWorld } from './terminal.js';
import { runAsteriskAcl, type AclCliOptions } from '../acl/index.js';

/** The `sipwarden asterisk-acl` action. Throws SipwardenError (one line) for expected failures. */
export async function asteriskAclCommand(opts: AclCliOptions): Promise<void> {
  await runAsteriskAcl(opts, realWorld(opts.root));
}

/**
 * `sipwarden asterisk-acl`: Asterisk-native defence in depth. A named ACL of the internal
 * networks in acl.conf, and `acl`/`contact_acl` (chan_sip: `acl`/`contactacl`) on every
 * extension, in the files FreePBX leaves for local changes — so Asterisk itself refuses
 * an extension's registration from outside even while sipwarden is stopped. What it
 * plans and how it undoes it; applying, the manifest and the conversation are the flow
 * `sipwarden init` shares (src/setup/: flow.ts, undo.ts, converse.ts); the command is
 * src/cli/asterisk-acl.ts. Paths are logical and may be put under a root prefix;
 * commands are injectable.
 */
export { applyAclPlan, planAcl, type AclPlan, type AclPlanOptions, type AclEdit, type Refused } from './plan.js';
export { formatAclPlan } from './format.js';
export { RELOAD_COMMANDS } from './targets.js';
export { planAclUninstall, applyAclUninstall, type AclUninstallPlan, type AclUninstallStep } from './uninstall.js';
export { ACL_NAME } from './render.js';
export { appendTarget, blockAppends, type BlockAppend } from './resolve.js';
export type { Account, Driver, Patterns } from './select.js';

/**
 * Account discovery from the PBX's own configuration: which accounts are extensions
 * (phones that register to the PBX) and which are trunks (providers: registered to,
 * or matched by IP). Reads pjsip.conf (and what it includes: FreePBX's
 * pjsip.endpoint.conf, pjsip.aor.conf, pjsip.registration.conf, pjsip.identify.conf,
 * *_custom.conf), sip.conf and iax.conf. Pure over a ConfTree; the loader does the I/O.
 */
import type { Classified } from '../engine/accounts.js';
import type { ConfSection, ConfTree } from './conf.js';
import { loadConf } from './loader.js';

const get = (s: ConfSection, key: string): string | undefined => {
  for (let i = s.entries.length - 1; i >= 0; i--) if (s.entries[i]!.key.toLowerCase() === key) return s.entries[i]!.value;
  return undefined;
};
const typeOf = (s: ConfSection) => get(s, 'type')?.toLowerCase();
const where = (s: ConfSection) => `${s.file}:${s.line}`;

/** Classes of PJSIP endpoints. */
export function pjsipAccounts(tree: ConfTree): Map<string, Classified> {
  const out = new Map<string, Classified>();
  const real = tree.sections.filter((s) => !s.template);
  const identified = new Map<string, ConfSection>();
  const registered = new Map<string, ConfSection>();
  for (const s of real) {
    if (typeOf(s) === 'identify') {
      const ep = get(s, 'endpoint');
      if (ep) identified.set(ep, s);
    } else if (typeOf(s) === 'registration') {
      registered.set(get(s, 'endpoint') ?? s.name, s);
    }
  }
  const staticAor = new Set(real.filter((s) => typeOf(s) === 'aor' && get(s, 'contact')).map((s) => s.name));
  for (const s of real) {
    if (typeOf(s) !== 'endpoint') continue;
    const name = s.name;
    let c: Classified;
    if (identified.has(name)) c = { cls: 'trunk', why: `pjsip endpoint [${name}] is matched by IP (type=identify at ${where(identified.get(name)!)})` };
    else if (registered.has(name)) c = { cls: 'trunk', why: `pjsip endpoint [${name}] has an outbound registration (${where(registered.get(name)!)})` };
    else if (get(s, 'outbound_auth') && !get(s, 'auth')) c = { cls: 'trunk', why: `pjsip endpoint [${name}] authenticates outbound only (outbound_auth, no auth) at ${where(s)}` };
    else if ((get(s, 'aors') ?? '').split(',').some((a) => staticAor.has(a.trim())) && !get(s, 'auth')) {
      c = { cls: 'trunk', why: `pjsip endpoint [${name}] is reached at a fixed contact (aor with contact=) at ${where(s)}` };
    } else c = { cls: 'extension', why: `pjsip endpoint [${name}] registers to the PBX (${where(s)})` };
    out.set(name, c);
    // The auth user name is what a phone puts in its credentials; classify it the same way.
    const authName = get(s, 'auth');
    const auth = authName ? real.find((a) => a.name === authName && typeOf(a) === 'auth') : undefined;
    const user = auth && get(auth, 'username');
    if (user && user !== name && !out.has(user)) out.set(user, { cls: c.cls, why: `${c.why}; auth user name of [${name}]` });
  }
  return out;
}

/** Classes of chan_sip peers (or IAX2 peers): `host=dynamic` registers to us, a fixed host is a trunk. */
export function peerAccounts(tree: ConfTree, driver: 'sip' | 'iax2'): Map<string, Classified> {
  const out = new Map<string, Classified>();
  const registerUsers = new Set<string>();
  for (const s of tree.sections) {
    if (s.name.toLowerCase() !== 'general') continue;
    for (const e of s.entries) {
      if (e.key.toLowerCase() !== 'register') continue;
      // register => [peer?]user[:secret[:authuser]]@host[:port][/extension]
      const user = /^(?:[^?]*\?)?([^:@]+)/.exec(e.value.trim())?.[1];
      if (user) registerUsers.add(user);
    }
  }
  for (const s of tree.sections) {
    if (s.template || ['general', 'authentication'].includes(s.name.toLowerCase())) continue;
    const host = get(s, 'host')?.toLowerCase();
    if (host === undefined) continue;
    const conf = driver === 'sip' ? 'sip.conf' : 'iax.conf';
    const c: Classified = host === 'dynamic'
      ? { cls: 'extension', why: `${conf} peer [${s.name}] has host=dynamic (${where(s)})` }
      : { cls: 'trunk', why: `${conf} peer [${s.name}] has a fixed host=${host} (${where(s)})` };
    out.set(s.name, c);
    const user = get(s, 'defaultuser') ?? get(s, 'username');
    if (user && !out.has(user)) out.set(user, c);
  }
  for (const u of registerUsers) out.set(u, { cls: 'trunk', why: `${driver === 'sip' ? 'sip.conf' : 'iax.conf'} has a register => line for ${u}` });
  return out;
}

/** Reads pjsip.conf, sip.conf and iax.conf under `configDir` (and `root`); PJSIP wins on a name clash. */
export function discoverAccounts(opts: { configDir: string; root?: string }): { accounts: Map<string, Classified>; files: string[] } {
  const pjsip = loadConf('pjsip.conf', opts);
  const sip = loadConf('sip.conf', opts);
  const iax = loadConf('iax.conf', opts);
  const accounts = new Map<string, Classified>([...peerAccounts(iax, 'iax2'), ...peerAccounts(sip, 'sip'), ...pjsipAccounts(pjsip)]);
  return { accounts, files: [...pjsip.files, ...sip.files, ...iax.files] };
}

/**
 * Remote phones (issue 13): `/api/settings/accounts` edits who may register from outside
 * (the config's `accounts.roaming` and `accounts.extensions_internal_only`, checked by
 * its own schema), and `POST /api/bans/my-phone` is "This is my phone" on a ban that an
 * extension's use from outside made (`extension-from-external`, `extension-compromised…`):
 * the account made roaming and/or the address trusted (saved like any setting), then
 * the ban released, then one audit entry saying all of it. A settings change that
 * cannot be saved releases nothing.
 *
 * The account is attacker text: it must be one the ban itself recorded, and a name with
 * a pattern's wildcard (`*`, `?`) is refused, so it can only ever name itself.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { configSchema } from '../config/schema.js';
import { isNetwork, parseCidr, SipwardenError, type Cidr } from '../domain/index.js';
import { actorOf } from './auth.js';
import { storeBans } from './controls.js';
import type { AccountSettings, ApiDeps } from './deps.js';
import { invalid } from './errors.js';
import { addressOf } from './routes-bans.js';
import { ROUTES, type AccountsBody, type AccountsSettings } from './schemas/index.js';
import { schemaProblems } from './validation.js';

/** The ban reasons "This is my phone" answers: an extension used from an external address. */
export function isPhoneBan(reason: string): boolean {
  return reason === 'extension-from-external' || reason.startsWith('extension-compromised');
}

/** Roaming accounts as the settings page shows them, with the config file's keys. */
export function accountsView(a: AccountSettings): AccountsSettings {
  return { roaming: [...a.roaming], extensions_internal_only: a.extensionsInternalOnly };
}

/** Validates roaming patterns with the config schema (characters, length, distinct). */
export function checkAccounts(body: AccountsBody): AccountSettings {
  const parsed = configSchema.safeParse({ accounts: { roaming: body.roaming.map((r) => r.trim()).filter(Boolean), extensions_internal_only: body.extensions_internal_only } }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'accounts'));
  return { roaming: parsed.data.accounts.roaming, extensionsInternalOnly: parsed.data.accounts.extensionsInternalOnly };
}

/** Registers the roaming settings and "This is my phone" on the `/api` context. */
export function registerPhoneRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const c = deps.controls;
  const bans = deps.bans ?? storeBans(deps.store);

  api.get('/settings/accounts', { schema: ROUTES['GET /api/settings/accounts'] }, async () => accountsView(c.accounts()));

  api.put('/settings/accounts', { schema: ROUTES['PUT /api/settings/accounts'] }, async (req) => {
    const next = checkAccounts(req.body);
    const before = accountsView(c.accounts());
    await c.setAccounts(next, actorOf(req));
    const after = accountsView(c.accounts());
    deps.store.addAudit({ at: deps.now(), actor: actorOf(req), action: 'accounts', detail: JSON.stringify({ from: before, to: after }) });
    return after;
  });

  api.post('/bans/my-phone', { schema: ROUTES['POST /api/bans/my-phone'] }, async (req) => {
    const { account, roaming, trust } = req.body;
    const ip = addressOf(req.body.ip);
    if (isNetwork(ip)) throw invalid([{ path: 'ip', message: 'a phone has one address, not a network' }]);
    if (!roaming && !trust) throw invalid([{ path: 'roaming', message: 'say how to recognise the phone: make the extension roaming, trust the address, or both' }]);
    const now = deps.now();
    const ban = deps.store.getActiveBan(ip, now);
    if (!ban) throw new SipwardenError('NOT_BANNED', `${ip} is not banned`);
    if (!isPhoneBan(ban.reason)) {
      throw invalid([{ path: 'ip', message: `this ban was made by ${JSON.stringify(ban.reason)}, not because an extension was used from outside; release it instead` }]);
    }
    if (!ban.accounts.includes(account)) throw invalid([{ path: 'account', message: `the ban of ${ip} names no account ${JSON.stringify(account)}` }]);
    if (/[*?]/.test(account)) throw invalid([{ path: 'account', message: 'an account name with * or ? would be a pattern for other accounts too; add it to the roaming list by hand' }]);
    const actor = actorOf(req);
    const was = { roaming: c.accounts().roaming.includes(account), trusted: c.networks().trusted.includes(parseCidr(ip) as Cidr) };
    // The settings first: once released, the phone's next login must already be allowed.
    if (roaming && !was.roaming) {
      const cur = c.accounts();
      await c.setAccounts(checkAccounts({ roaming: [...cur.roaming, account], extensions_internal_only: cur.extensionsInternalOnly }), actor);
    }
    if (trust && !was.trusted) {
      const n = c.networks();
      await c.setNetworks({ ...n, trusted: [...n.trusted, parseCidr(ip) as Cidr] }, actor);
    }
    const released = await bans.release({ ip, actor, at: now });
    const did = [roaming ? `extension ${JSON.stringify(account)} may register from anywhere (accounts.roaming)` : null, trust ? `${ip} is trusted (networks.trusted)` : null].filter(Boolean).join(' and ');
    const message = `${did}; ${released ? 'the ban is released' : 'the ban had already ended'}. A stolen secret would now work from there too: keep the extension's password strong.`;
    deps.store.addAudit({ at: now, actor, action: 'my_phone', ip, detail: JSON.stringify({ account, roaming, trust, ban: ban.reason, released: released !== null }) });
    return { ip, account, roaming: roaming || was.roaming, trusted: trust || was.trusted, released: released !== null, message };
  });
}

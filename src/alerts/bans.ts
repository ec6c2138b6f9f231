/** The alert a new ban raises, if it is one a person must hear about: a network banned, or an address banned until released. */
import { isNetwork } from '../domain/index.js';
import type { NewBan } from '../store/types.js';
import type { OwnAlert } from './message.js';

/** `subnet_ban` for a network, `permanent_ban` for an address banned until released; null for any other ban. */
export function banAlert(ban: NewBan): OwnAlert | null {
  const accounts = ban.accounts.slice(0, 5);
  const tried = accounts.length ? ` It tried ${accounts.length === 1 ? 'account' : 'accounts'} ${accounts.map((a) => JSON.stringify(a.slice(0, 64))).join(', ')}${ban.accounts.length > 5 ? ` and ${ban.accounts.length - 5} more` : ''}.` : '';
  const common = { at: ban.createdAt, ip: ban.ip, account: accounts[0] ?? '', service: 'sipwarden', reason: ban.reason, failures: ban.failures };
  if (isNetwork(ban.ip)) {
    const until = ban.expiresAt === null ? 'until a person releases it' : `until ${new Date(ban.expiresAt).toISOString()}`;
    return { ...common, kind: 'subnet_ban', message: `the whole network ${ban.ip} is banned ${until} (${ban.reason}). Release it on the dashboard or with "sipwarden release ${ban.ip}" if it holds your own users.` };
  }
  if (ban.expiresAt !== null) return null;
  return { ...common, kind: 'permanent_ban', message: `${ban.ip} is banned until a person releases it (${ban.reason}).${tried}` };
}

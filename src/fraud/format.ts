/**
 * The FRAUD line of the failed-auth log, in its style: `key=value` fields, every piece
 * of attacker-chosen text (the number dialled, channel names) quoted and escaped with
 * the log's own `quote`, so no dialled "number" can break the line or forge another:
 *
 *   2026-11-24T18:58:25.519Z FRAUD account="100" rule=high_risk destination=+8823456789 country=001
 *     dialled="0118823456789" calls=1 action=hangup,suspend,ban,alert ip=127.0.0.1 zone=never banned=no
 *     why="a call to +882: International Networks (non-geographic)" channel="PJSIP/100-0000000e" source="ami-events.txt":159
 */
import { quote } from '../faillog/format.js';
import type { FraudFinding } from './types.js';

const SAFE_TOKEN = /^[A-Za-z0-9_.:/+-]{1,40}$/;

function token(s: string): string {
  return SAFE_TOKEN.test(s) ? s : quote(s, 40);
}

/** What became of the `ban` action: the address, its zone, and whether a ban was made. */
export interface BanOutcome {
  readonly ip: string;
  readonly zone: string;
  readonly banned: boolean;
}

/** Formats one finding as a single line (no newline). */
export function formatFraud(f: FraudFinding, ban: BanOutcome | null): string {
  const d = f.call?.destination;
  const parts = [
    new Date(f.at).toISOString(),
    'FRAUD',
    `account=${quote(f.account)}`,
    `rule=${token(f.rule)}`,
    `destination=${d?.e164 ?? '-'}`,
    `country=${d?.country ?? '-'}`,
    `dialled=${quote(d?.dialled ?? '', 64)}`,
  ];
  if (f.call && f.call.exten !== d?.dialled) parts.push(`exten=${quote(f.call.exten, 64)}`);
  parts.push(`calls=${f.count}`, `action=${f.actions.join(',')}`);
  if (f.also.length) parts.push(`also=${f.also.map(token).join(',')}`);
  if (f.hangup.length > 1) parts.push(`hangup=${f.hangup.length}`);
  if (ban) parts.push(`ip=${token(ban.ip)}`, `zone=${token(ban.zone)}`, `banned=${ban.banned ? 'yes' : 'no'}`);
  else if (f.actions.includes('ban')) parts.push('ip=-');
  if (f.otherAddresses.length) parts.push(`also_from=${quote(f.otherAddresses.join(','), 200)}`);
  parts.push(`why=${quote(f.why, 200)}`);
  if (f.call) parts.push(`channel=${quote(f.call.channel, 80)}`);
  parts.push(`source=${quote(f.evidence.source, 256)}:${f.evidence.line}`);
  return parts.join(' ');
}

/** Formats a person allowing a suspended account to call out again. */
export function formatAllowed(at: number, account: string, by: string): string {
  return [new Date(at).toISOString(), 'FRAUD', `account=${quote(account)}`, 'action=allowed', `by=${quote(by, 64)}`].join(' ');
}

/**
 * Formats the ban of an address Asterisk told (AMI `Getvar` of `variable` on the caller
 * channel), for a finding whose address was unclear when it was made.
 */
export function formatBanResolved(at: number, f: FraudFinding, ban: BanOutcome, variable: string): string {
  return [
    new Date(at).toISOString(), 'FRAUD', `account=${quote(f.account)}`, `rule=${token(f.rule)}`, 'action=ban',
    `ip=${token(ban.ip)}`, `zone=${token(ban.zone)}`, `banned=${ban.banned ? 'yes' : 'no'}`, `from=${quote(variable, 40)}`,
    ...(f.call ? [`channel=${quote(f.call.channel, 80)}`] : []),
  ].join(' ');
}

/**
 * `sipwarden check` with geo: each address says its country (and network, with an AS
 * database), and the country policy decides offline exactly as live.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { policyInput, ruleInput, zoneInput } from '../daemon/inputs.js';
import { openConfiguredLocator } from '../geo/open.js';
import { reportJson, runCheck } from './index.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-check-geo-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const line = (event: string, account: string, ip: string, second: number) =>
  `[Nov 24 18:05:${String(second).padStart(2, '0')}] SECURITY[16648] res_security_log.c: SecurityEvent="${event}",EventTV="2026-11-24T18:05:${String(second).padStart(2, '0')}.757+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${++n}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5091"`;

function check(configText: string, lines: string[]) {
  const file = path.join(dir, `security-${++n}.log`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const config = parseConfigText(`accounts:\n  discover: false\n  extensions: ['1??']\n${configText}`, 'test');
  return openConfiguredLocator(config.geo, { warn: () => undefined, error: () => undefined })
    .then((geo) => runCheck([file], policyInput(config), zoneInput(config), { rules: ruleInput(config), geo }));
}

describe('check with geo', () => {
  it('gives every address of --json its country from the shipped database, null for private ones', async () => {
    const r = await check('', [
      line('InvalidAccountID', 'admin', '8.8.8.8', 1), line('InvalidAccountID', 'admin', '129.187.254.49', 2), line('InvalidAccountID', 'admin', '192.168.7.7', 3),
    ]);
    expect((reportJson(r) as { addresses: unknown[] }).addresses).toEqual([
      { ip: '8.8.8.8', failures: 1, zone: 'external', country: 'US' },
      { ip: '129.187.254.49', failures: 1, zone: 'external', country: 'DE' },
      { ip: '192.168.7.7', failures: 1, zone: 'internal', country: null },
    ]);
  });

  it('says nothing of countries with geo off (the shape stays as before)', async () => {
    const r = await check('geo: { enabled: false }\n', [line('InvalidAccountID', 'admin', '8.8.8.8', 1)]);
    expect((reportJson(r) as { addresses: unknown[] }).addresses).toEqual([{ ip: '8.8.8.8', failures: 1, zone: 'external' }]);
  });

  it('bans as live by the country policy: a denied country at the first failure, an extension\'s login from a country not allowed', async () => {
    const r = await check('geo:\n  deny: [JP]\n  allow: { extension: [DE] }\n', [
      line('InvalidAccountID', 'admin', '130.54.1.1', 1),
      line('InvalidAccountID', 'admin', '8.8.8.8', 2),
      line('SuccessfulAuth', '101', '9.9.9.9', 3),
      line('SuccessfulAuth', '102', '129.187.254.49', 4),
    ]);
    expect(r.bans.map((b) => [b.ip, b.tier, b.until])).toEqual([
      ['9.9.9.9', 0, null],
      ['130.54.1.1', 0, Date.parse('2026-11-25T18:05:01.757Z')],
    ]);
  });
});

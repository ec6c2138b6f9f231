/**
 * Remote phones in `sipwarden init` (issue 13): what was seen — init wrote
 * `extensions_internal_only: true` without a word in its plan and never asked about
 * phones used outside the office, so a phone at home (192.0.2.44) was banned. Now the
 * plan lists the extensions, proposes as roaming those the Asterisk logs show logging in
 * from outside (only extensions the PBX defines; chan_sip's Contact is no evidence), says
 * what extensions_internal_only will do, and writes the roaming list into the config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { plainAsteriskTree, tempRoot, writeTree } from '../../test/support/kits/setup.js';
import { formatPlan } from './plan-format.js';
import { applyPlan, planInit, type PlanOptions } from './plan.js';

const NOW = Date.UTC(2026, 10, 25, 9, 0);
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const opts = (more: Partial<PlanOptions> = {}): PlanOptions => ({ root, randomSecret: () => 'S3cretS3cretS3cretS3cret', repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node', now: NOW, ...more });
const ok = (t: string, ip: string, account: string, session: number) =>
  `[Nov 24 ${t}] SECURITY[16648] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-11-24T${t}.494+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${session}",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/${ip}/5060",UsingPassword="1"`;

function tree(): void {
  plainAsteriskTree(root);
  writeTree(root, {
    'var/log/asterisk/security': [
      ok('18:06:45', '192.168.1.20', '101', 1), // inside: no proposal
      ok('18:07:00', '198.51.100.9', '100', 2),
      ok('18:08:00', '192.0.2.44', '100', 3), // the latest from outside wins
      ok('18:09:00', '203.0.113.66', 'admin', 4), // not an extension of this PBX: never proposed
      '',
    ].join('\n'),
  });
}

describe('init and phones used outside the office', () => {
  it('lists the extensions, proposes the ones seen from outside, and says what extensions_internal_only does', () => {
    tree();
    const plan = planInit(opts());
    expect(plan.phones.extensions).toEqual(['100', '101', '102', '200', '201', 'iaxuser']);
    expect(plan.phones.outside).toEqual([{ account: '100', ip: '192.0.2.44', at: Date.UTC(2026, 10, 24, 18, 8, 0, 494), log: '/var/log/asterisk/security' }]);
    expect(plan.phones.roaming).toEqual(['100']);
    const text = formatPlan(plan).join('\n');
    expect(text).toContain([
      'Phones:',
      '  extensions in the PBX\'s configuration: 100, 101, 102, 200, 201, iaxuser',
      '  seen logging in from outside your internal networks in the Asterisk logs: 100 from 192.0.2.44 (2026-11-24 18:08)',
      '  the config gets accounts.extensions_internal_only: true — an attempt on an extension from an address outside',
      '  your internal networks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7) is blocked at once for 24 h, and a',
      '  successful login from there is blocked until you release it, with an alert to change its secret.',
      '  Roaming extensions (accounts.roaming), allowed from anywhere: 100',
    ].join('\n'));
  });

  it('writes the roaming list it was given (the person\'s answer) into the config, and none when told none', async () => {
    tree();
    await applyPlan(planInit(opts({ roaming: ['100', '2??'] })), { now: () => new Date(NOW), runCommand: async () => ({ code: 0, stdout: '', stderr: '' }) });
    const text = readFileSync(join(root, 'etc/sipwarden/sipwarden.yaml'), 'utf8');
    const config = parseConfigText(text, 'sipwarden.yaml', { fileExists: () => true });
    expect(config.accounts.roaming).toEqual(['100', '2??']);
    expect(config.accounts.extensionsInternalOnly).toBe(true);
    // Planned again: the config is kept, and the plan says so with its roaming list.
    const again = planInit(opts({ roaming: [] }));
    expect(again.phones).toMatchObject({ written: false, roaming: ['100', '2??'] });
    expect(formatPlan(again)).toContain('  sipwarden\'s config is kept: its accounts.extensions_internal_only and roaming (100, 2??) stay as they are');
  });

  it('proposes nothing when the logs show no extension logging in from outside', () => {
    plainAsteriskTree(root);
    const plan = planInit(opts());
    expect(plan.phones.roaming).toEqual([]);
    expect(formatPlan(plan)).toContain('  Roaming extensions (accounts.roaming), allowed from anywhere: none');
  });
});

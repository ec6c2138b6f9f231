/**
 * Where Asterisk puts the `(+)` sections of sipwarden's blocks: the reader decides
 * (src/setup/asterisk-conf.test.ts checks it against main/config.c's rules); these check
 * that the block's headers are found and matched to its decisions, on small trees and on
 * the captured Asterisk 20 rig, where [100] is an endpoint, an auth and an aor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleConf, type ConfSource } from '../asterisk/index.js';
import { FIXTURE_CONF } from '../../test/support/kits/setup.js';
import { blockLines } from './marks.js';
import { appendTarget, blockAppends, entryValue, type BlockAppend } from './resolve.js';

const PJSIP = '/etc/asterisk/pjsip.conf';
const source = (files: Record<string, string>): ConfSource => ({ read: (p) => files[p] ?? null });
const tree = (text: string) => assembleConf(PJSIP, source({ [PJSIP]: text }), '/etc/asterisk');
const block = (...lines: string[]) => blockLines({ purpose: 'pjsip-endpoints', lines }).join('\n');
const where = (a: BlockAppend) => (a.target ? `${entryValue(a.target, 'type')}@${a.target.line}` : null);

describe('blockAppends', () => {
  const aorFirst = ['[101]', 'type=aor', 'max_contacts=1', '[101]', 'type=endpoint', 'aors=101', ''];

  it("gives each (+) header of a block the section the reader applied it to: a bare (+) the first [101], (+type=endpoint) the endpoint", () => {
    const text = [...aorFirst, block('; comment', '[101](+)', 'acl = x', '', '[101](+type=endpoint)', 'acl = y', 'contact_acl = y'), ''].join('\n');
    const appends = blockAppends(tree(text), PJSIP, text);
    expect(appends.map((a) => [a.name, a.filter, a.line, where(a), a.entries.map((e) => `${e.key}=${e.value}`)])).toEqual([
      ['101', '', 10, 'aor@1', ['acl=x']],
      ['101', 'type=endpoint', 13, 'endpoint@4', ['acl=y', 'contact_acl=y']],
    ]);
  });

  it('has no target when Asterisk would find no section (it would refuse the file), and ignores (+) headers outside its blocks', () => {
    const text = ['[9]', 'type=aor', '[9](+)', 'outside = 1', '', block('[9](+type=endpoint)', 'acl = x'), ''].join('\n');
    const t = tree(text);
    expect(blockAppends(t, PJSIP, text).map((a) => [a.name, a.target])).toEqual([['9', null]]);
    expect(appendTarget(t, { file: PJSIP, line: 3 })?.line).toBe(1);
  });

  it('on the captured rig, a block appended to pjsip.conf reaches the endpoints, not the auth or aor of the same name', () => {
    const rig = readFileSync(join(FIXTURE_CONF, 'pjsip.conf'), 'utf8');
    const text = `${rig}\n${block('[100](+type=endpoint)', 'acl = sipwarden-internal', 'contact_acl = sipwarden-internal', '[101](+)', 'acl = sipwarden-internal')}\n`;
    const appends = blockAppends(tree(text), PJSIP, text);
    expect(appends.map((a) => [a.name, a.target && entryValue(a.target, 'type'), a.target?.line, a.entries.map((e) => e.key)])).toEqual([
      ['100', 'endpoint', 34, ['acl', 'contact_acl']],
      // The rig writes each endpoint before its auth and aor, so even a bare (+) reaches it.
      ['101', 'endpoint', 42, ['acl']],
    ]);
  });
});

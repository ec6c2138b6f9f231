/**
 * Where Asterisk puts a `(+)` section's lines (main/config.c: ast_category_get, the first
 * non-template section of that name matching the filter), checked on small trees and on
 * the captured Asterisk 20 rig, where [100] is an endpoint, an auth and an aor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleConf, type ConfSource } from '../setup/index.js';
import { FIXTURE_CONF } from '../setup/testkit.js';
import { appendTarget, blockAppends, parseFilter, valueOf } from './resolve.js';

const source = (files: Record<string, string>): ConfSource => ({ read: (p) => files[p] ?? null });
const tree = (text: string) => assembleConf('/etc/asterisk/pjsip.conf', source({ '/etc/asterisk/pjsip.conf': text }), '/etc/asterisk');
const typeAt = (t: ReturnType<typeof tree>, line: number, name: string, filter = '') =>
  (s => (s ? `${valueOf(s, 'type')}@${s.line}` : null))(appendTarget(t, { file: '/etc/asterisk/pjsip.conf', line, name, filter: parseFilter(filter) ?? [] }));

describe("Asterisk's [name](+) and [name](+filter)", () => {
  const aorFirst = ['[101]', 'type=aor', 'max_contacts=1', '[101]', 'type=endpoint', 'aors=101'];

  it('a bare (+) adds to the FIRST section of that name (here the aor), whatever the reader files it under', () => {
    const t = tree([...aorFirst, '[101](+)', 'acl = x', ''].join('\n'));
    expect(typeAt(t, 7, '101')).toBe('aor@1');
  });

  it('(+type=endpoint) adds to the endpoint wherever it stands', () => {
    const t = tree([...aorFirst, '[101](+type=endpoint)', 'acl = x', ''].join('\n'));
    expect(typeAt(t, 7, '101', 'type=endpoint')).toBe('endpoint@4');
  });

  it('matches type given by a template (inherited lines count), and skips templates themselves', () => {
    const t = tree(['[ep](!)', 'type=endpoint', '[7](ep)', '[7]', 'type=aor', '[7](+type=endpoint)', 'acl = x', ''].join('\n'));
    expect(typeAt(t, 6, '7', 'type=endpoint')).toBe('endpoint@3');
  });

  it('finds nothing (Asterisk refuses the file) when the section comes only after the (+) header, or does not match', () => {
    expect(typeAt(tree(['[9](+type=endpoint)', 'acl = x', '[9]', 'type=endpoint', ''].join('\n')), 1, '9', 'type=endpoint')).toBeNull();
    expect(typeAt(tree(['[9]', 'type=aor', '[9](+type=endpoint)', 'acl = x', ''].join('\n')), 3, '9', 'type=endpoint')).toBeNull();
  });

  it('an auth_type line does not pass for type=endpoint (name and value must match one line)', () => {
    const t = tree(['[5]', 'type=auth', 'auth_type=userpass', '[5]', 'type=endpoint', '[5](+type=endpoint)', 'acl = x', ''].join('\n'));
    expect(typeAt(t, 6, '5', 'type=endpoint')).toBe('endpoint@4');
  });

  it('on the captured rig, a block appended to pjsip.conf reaches the endpoints, not the auth or aor of the same name', () => {
    const rig = readFileSync(join(FIXTURE_CONF, 'pjsip.conf'), 'utf8');
    const block = [
      '; added by sipwarden asterisk-acl [pjsip-endpoints] (sipwarden asterisk-acl --uninstall removes this block)',
      '[100](+type=endpoint)', 'acl = sipwarden-internal', 'contact_acl = sipwarden-internal',
      '[101](+)', 'acl = sipwarden-internal',
      '; end of block added by sipwarden asterisk-acl', '',
    ].join('\n');
    const text = `${rig}\n${block}`;
    const t = tree(text);
    const appends = blockAppends(t, '/etc/asterisk/pjsip.conf', text);
    expect(appends.map((a) => [a.name, a.target && valueOf(a.target, 'type'), a.target?.line, a.entries.map((e) => e.key)])).toEqual([
      ['100', 'endpoint', 34, ['acl', 'contact_acl']],
      // The rig writes each endpoint first, so even a bare (+) reaches it in Asterisk (the shared
      // reader, which files (+) lines under the LAST section of the name, would say the aor).
      ['101', 'endpoint', 42, ['acl']],
    ]);
  });
});

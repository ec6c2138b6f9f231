import { describe, expect, it } from 'vitest';
import { assembleConf, lastValue, parseConfText, sectionsNamed, type ConfSource } from './conf.js';

/** A ConfSource over an in-memory tree of logical paths. */
function mem(files: Record<string, string>): ConfSource {
  return {
    read: (p) => files[p] ?? null,
    expand: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
  };
}

describe('parseConfText', () => {
  it('reads headers, both entry forms, += and directives, dropping comments', () => {
    const lines = parseConfText([
      '; a comment',
      '[general] ; trailing',
      'dateformat = %F %T',
      'messages => notice,warning ; why',
      'name += more',
      '#include "logger_custom.conf"',
      '#tryinclude <extra.conf>',
      '#exec /bin/true',
      '[tpl](!)',
      '[user](tpl,other)',
      '[general](+)',
      '[6001](+ type=aor)',
      '',
    ].join('\n'));
    expect(lines).toEqual([
      { kind: 'section', line: 2, name: 'general', template: false, append: false, filter: '', inherits: [] },
      { kind: 'entry', line: 3, key: 'dateformat', value: '%F %T', object: false, add: false },
      { kind: 'entry', line: 4, key: 'messages', value: 'notice,warning', object: true, add: false },
      { kind: 'entry', line: 5, key: 'name', value: 'more', object: false, add: true },
      { kind: 'include', line: 6, target: 'logger_custom.conf', optional: false },
      { kind: 'include', line: 7, target: 'extra.conf', optional: true },
      { kind: 'exec', line: 8, command: '/bin/true' },
      { kind: 'section', line: 9, name: 'tpl', template: true, append: false, filter: '', inherits: [] },
      { kind: 'section', line: 10, name: 'user', template: false, append: false, filter: '', inherits: ['tpl', 'other'] },
      { kind: 'section', line: 11, name: 'general', template: false, append: true, filter: '', inherits: [] },
      { kind: 'section', line: 12, name: '6001', template: false, append: true, filter: 'type=aor', inherits: [] },
    ]);
  });

  it('keeps an escaped \\; and skips ;-- block comments --; across lines', () => {
    const lines = parseConfText('[s]\nsecret = a\\;b ; comment\n;-- a block\nhidden = yes\n--; shown = yes\n;--- not a block start\nafter = 1\n');
    expect(lines.filter((l) => l.kind === 'entry').map((l) => (l.kind === 'entry' ? [l.key, l.value] : []))).toEqual([
      ['secret', 'a;b'], ['shown', 'yes'], ['after', '1'],
    ]);
  });

  it('reports malformed lines instead of throwing', () => {
    expect(parseConfText('[broken\nno equals here\n#bogus x\n#include\n').map((l) => l.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
  });

  it('handles CRLF line ends', () => {
    expect(parseConfText('[a]\r\nk = v\r\n')).toEqual([
      { kind: 'section', line: 1, name: 'a', template: false, append: false, filter: '', inherits: [] },
      { kind: 'entry', line: 2, key: 'k', value: 'v', object: false, add: false },
    ]);
  });
});

describe('assembleConf', () => {
  it('continues the including section inside an included file, and tracks where each file ends', () => {
    const t = assembleConf('/etc/asterisk/logger.conf', mem({
      '/etc/asterisk/logger.conf': '[general]\n#include logger_general_custom.conf\n[logfiles]\n#include logger_logfiles_custom.conf\n',
      '/etc/asterisk/logger_general_custom.conf': 'dateformat=%F %T\n',
      '/etc/asterisk/logger_logfiles_custom.conf': 'security => security\n',
    }), '/etc/asterisk');
    expect(lastValue(t, 'general', 'dateformat')?.value).toBe('%F %T');
    expect(sectionsNamed(t, 'logfiles')[0]?.entries).toEqual([
      { key: 'security', value: 'security', object: true, file: '/etc/asterisk/logger_logfiles_custom.conf', line: 1, inherited: false },
    ]);
    expect(t.endSection).toEqual({
      '/etc/asterisk/logger_general_custom.conf': 'general',
      '/etc/asterisk/logger_logfiles_custom.conf': 'logfiles',
      '/etc/asterisk/logger.conf': 'logfiles',
    });
    expect(t.includes.map((i) => [i.target, i.section, i.files])).toEqual([
      ['logger_general_custom.conf', 'general', ['/etc/asterisk/logger_general_custom.conf']],
      ['logger_logfiles_custom.conf', 'logfiles', ['/etc/asterisk/logger_logfiles_custom.conf']],
    ]);
    expect(t.problems).toEqual([]);
  });

  it('takes relative includes in the config directory, as Asterisk does, even from a subdirectory', () => {
    const t = assembleConf('/etc/asterisk/manager.conf', mem({
      '/etc/asterisk/manager.conf': '#include conf.d/users.conf\n',
      '/etc/asterisk/conf.d/users.conf': '#include more.conf\n',
      '/etc/asterisk/more.conf': '[bob]\nsecret = x\n',
    }), '/etc/asterisk');
    expect(t.files).toEqual(['/etc/asterisk/manager.conf', '/etc/asterisk/conf.d/users.conf', '/etc/asterisk/more.conf']);
    expect(sectionsNamed(t, 'bob')).toHaveLength(1);
  });

  it('expands globs, ignores a missing #tryinclude and reports a missing #include', () => {
    const t = assembleConf('/e/m.conf', mem({
      '/e/m.conf': '[a]\n#include d/*.conf\n#tryinclude none.conf\n#include gone.conf\n',
      '/e/d/2.conf': 'two = 2\n',
      '/e/d/1.conf': 'one = 1\n',
    }), '/e');
    expect(sectionsNamed(t, 'a')[0]?.entries.map((e) => e.key)).toEqual(['one', 'two']);
    expect(t.problems).toEqual([{ file: '/e/m.conf', line: 4, message: '#include gone.conf: no such file (Asterisk refuses to load /e/m.conf)' }]);
  });

  it('applies templates, (+) appends and +=', () => {
    const t = assembleConf('/e/m.conf', mem({
      '/e/m.conf': '[tpl](!)\nread = system\npermit = 127.0.0.1\n[u](tpl)\nsecret = s\nread = security\n[general]\nenabled = no\n[general](+)\nenabled = yes\n[u](+)\nsecret += 2\n',
    }), '/e');
    expect(sectionsNamed(t, 'tpl')).toEqual([]);
    expect(lastValue(t, 'u', 'read')?.value).toBe('security');
    expect(lastValue(t, 'u', 'permit')?.inherited).toBe(true);
    expect(lastValue(t, 'u', 'secret')?.value).toBe('s2');
    expect(lastValue(t, 'general', 'ENABLED')?.value).toBe('yes');
    expect(t.problems).toEqual([]);
  });

  it('does not loop on a file including itself', () => {
    const t = assembleConf('/e/m.conf', mem({ '/e/m.conf': '[u]\nsecret = s\n#include m.conf\n' }), '/e');
    expect(t.problems.some((p) => p.message.includes('nested deeper'))).toBe(true);
  });

  it('says when the entry file is missing, and when entries come before any section', () => {
    expect(assembleConf('/e/none.conf', mem({}), '/e').found).toBe(false);
    const t = assembleConf('/e/x.conf', mem({ '/e/x.conf': 'loose = 1\n[missing](+)\n' }), '/e');
    expect(t.problems.map((p) => p.line)).toEqual([1, 2]);
  });
});

/**
 * `[name](+)` and `[name](+filter)` as Asterisk applies them (main/config.c, process_text_line
 * and ast_category_get; docs.asterisk.org, "Adding to an existing section"): the FIRST
 * section of that name read so far that matches. In pjsip.conf an endpoint, its auth and
 * its aor usually share a name.
 */
describe('assembleConf: adding to an existing section', () => {
  const PJSIP = '/etc/asterisk/pjsip.conf';
  const pjsip = (...lines: string[]) => assembleConf(PJSIP, mem({ [PJSIP]: [...lines, ''].join('\n') }), '/etc/asterisk');
  const ext6001 = [
    '[transport-udp]', 'type=transport', 'protocol=udp', 'bind=0.0.0.0:5060', '',
    '[6001]', 'type=endpoint', 'context=from-internal', 'disallow=all', 'allow=ulaw', 'auth=6001', 'aors=6001', '',
    '[6001]', 'type=aor', 'max_contacts=1', 'default_expiration=3600', '',
    '[6001]', 'type=auth', 'auth_type=userpass', 'username=6001', 'password=s3cr3t', '',
  ];
  /** `key=value` lines of the [name] whose type is `type` (inherited ones too). */
  const linesOf = (t: ReturnType<typeof pjsip>, name: string, type: string) =>
    sectionsNamed(t, name).find((s) => s.entries.some((e) => e.key === 'type' && e.value === type))?.entries.map((e) => `${e.key}=${e.value}`);

  it('[6001](+) extends the first [6001] (the endpoint), not the aor or auth written after it', () => {
    const t = pjsip(...ext6001, '[6001](+)', 'allow=g722');
    expect(linesOf(t, '6001', 'endpoint')).toEqual(['type=endpoint', 'context=from-internal', 'disallow=all', 'allow=ulaw', 'auth=6001', 'aors=6001', 'allow=g722']);
    expect(linesOf(t, '6001', 'aor')).toEqual(['type=aor', 'max_contacts=1', 'default_expiration=3600']);
    expect(linesOf(t, '6001', 'auth')).not.toContain('allow=g722');
    expect(t.appends.map((a) => [a.line, a.filter, a.target?.line])).toEqual([[25, '', 6]]);
    expect(t.problems).toEqual([]);
  });

  it('[6001](+type=aor) extends the aor even though the endpoint comes first and the auth last', () => {
    const t = pjsip(...ext6001, '[6001](+type=aor)', 'default_expiration=1200', '', '[6001](+type=endpoint)', 'allow=g722');
    expect(linesOf(t, '6001', 'aor')).toEqual(['type=aor', 'max_contacts=1', 'default_expiration=3600', 'default_expiration=1200']);
    expect(linesOf(t, '6001', 'endpoint')).toEqual(['type=endpoint', 'context=from-internal', 'disallow=all', 'allow=ulaw', 'auth=6001', 'aors=6001', 'allow=g722']);
    expect(linesOf(t, '6001', 'auth')).toEqual(['type=auth', 'auth_type=userpass', 'username=6001', 'password=s3cr3t']);
    expect(t.appends.map((a) => [a.filter, a.target?.line])).toEqual([['type=aor', 14], ['type=endpoint', 6]]);
    expect(sectionsNamed(t, '6001')).toHaveLength(3);
  });

  it('a filter that matches nothing: Asterisk refuses the whole file; the reader says so, gives the lines to no section and reads on', () => {
    const t = pjsip(...ext6001, '[6001](+type=identify)', 'match=203.0.113.5', '', '[6002]', 'type=endpoint', 'aors=6002');
    expect(t.appends.map((a) => [a.name, a.filter, a.target])).toEqual([['6001', 'type=identify', null]]);
    expect(t.problems).toEqual([{
      file: PJSIP, line: 25,
      message: `[6001](+type=identify) adds to nothing: none of the 3 [6001] before it matches type=identify, so Asterisk refuses to load ${PJSIP} ("Category addition requested, but category '6001' does not exist"); its lines are left out`,
    }]);
    expect(sectionsNamed(t, '6001').flatMap((s) => s.entries).some((e) => e.key === 'match')).toBe(false);
    expect(sectionsNamed(t, '6002')).toHaveLength(1);
  });

  it('finds only sections read before the header, and says when there is none of that name', () => {
    const t = pjsip('[6003](+type=endpoint)', 'allow=g722', '[6003]', 'type=endpoint');
    expect(t.appends[0]?.target).toBeNull();
    expect(t.problems.map((p) => p.message)).toEqual([
      `[6003](+type=endpoint) adds to nothing: no [6003] comes before it, so Asterisk refuses to load ${PJSIP} ("Category addition requested, but category '6003' does not exist"); its lines are left out`,
    ]);
    expect(linesOf(t, '6003', 'endpoint')).toEqual(['type=endpoint']);
  });

  it('matches name and value on one line, case-sensitively, with regexes, against inherited lines too', () => {
    const t = pjsip(
      '[phone](!)', 'type=endpoint', 'context=from-internal', '',
      '[7001]', 'type=auth', 'auth_type=userpass', '', // auth_type=userpass is no type=endpoint
      '[7001](phone)', 'aors=7001', '', // type=endpoint comes from the template
      '[7001]', 'type=aor', 'default_expiration=3600', '',
      '[7001](+type=endpoint)', 'allow=ulaw',
      '[7001](+default_.*=36[0-9][0-9])', 'max_contacts=2',
      '[7001](+type=Endpoint)', 'x=1',
    );
    expect(t.appends.map((a) => a.target?.line ?? null)).toEqual([9, 12, null]);
    expect(linesOf(t, '7001', 'endpoint')).toEqual(['type=endpoint', 'context=from-internal', 'aors=7001', 'allow=ulaw']);
    expect(linesOf(t, '7001', 'aor')).toEqual(['type=aor', 'default_expiration=3600', 'max_contacts=2']);
  });

  it('leaves templates out unless TEMPLATES=include or restrict lets them in; a pair without = matches nothing', () => {
    const t = pjsip(
      '[7002](!)', 'type=endpoint', '[7002]', 'type=aor',
      '[7002](+)', 'a=1', '[7002](+TEMPLATES=restrict)', 'b=2', '[7002](+type=endpoint&TEMPLATES=include)', 'c=3', '[7002](+type)', 'd=4',
    );
    expect(t.appends.map((a) => a.target?.line ?? null)).toEqual([3, 1, 1, null]);
    expect(t.problems.map((p) => p.message)).toEqual([
      `[7002](+type) adds to nothing: none of the 2 [7002] before it matches type (the filter pair "type" has no '='), so Asterisk refuses to load ${PJSIP} ("Category addition requested, but category '7002' does not exist"); its lines are left out`,
    ]);
  });

  it('inherits from the first section of a name, as Asterisk does', () => {
    const t = pjsip('[phone](!)', 'context=from-internal', '[phone](!)', 'context=other', '[7003](phone)', 'type=endpoint');
    expect(linesOf(t, '7003', 'endpoint')).toEqual(['context=from-internal', 'type=endpoint']);
  });
});

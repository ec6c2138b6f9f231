import { describe, expect, it } from 'vitest';
import { assembleConf, lastValue, parseConfText, sectionsNamed, type ConfSource } from './asterisk-conf.js';

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
      '',
    ].join('\n'));
    expect(lines).toEqual([
      { kind: 'section', line: 2, name: 'general', template: false, append: false, inherits: [] },
      { kind: 'entry', line: 3, key: 'dateformat', value: '%F %T', object: false, add: false },
      { kind: 'entry', line: 4, key: 'messages', value: 'notice,warning', object: true, add: false },
      { kind: 'entry', line: 5, key: 'name', value: 'more', object: false, add: true },
      { kind: 'include', line: 6, target: 'logger_custom.conf', optional: false },
      { kind: 'include', line: 7, target: 'extra.conf', optional: true },
      { kind: 'exec', line: 8, command: '/bin/true' },
      { kind: 'section', line: 9, name: 'tpl', template: true, append: false, inherits: [] },
      { kind: 'section', line: 10, name: 'user', template: false, append: false, inherits: ['tpl', 'other'] },
      { kind: 'section', line: 11, name: 'general', template: false, append: true, inherits: [] },
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
      { kind: 'section', line: 1, name: 'a', template: false, append: false, inherits: [] },
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

  it('applies templates, (+) appends and +=, and does not loop on a file including itself', () => {
    const t = assembleConf('/e/m.conf', mem({
      '/e/m.conf': '[tpl](!)\nread = system\npermit = 127.0.0.1\n[u](tpl)\nsecret = s\nread = security\n[general]\nenabled = no\n[general](+)\nenabled = yes\n[u](+)\nsecret += 2\n#include m.conf\n',
    }), '/e');
    expect(sectionsNamed(t, 'tpl')).toEqual([]);
    expect(lastValue(t, 'u', 'read')?.value).toBe('security');
    expect(lastValue(t, 'u', 'permit')?.inherited).toBe(true);
    expect(lastValue(t, 'u', 'secret')?.value).toBe('s2');
    expect(lastValue(t, 'general', 'ENABLED')?.value).toBe('yes');
    expect(t.problems.some((p) => p.message.includes('nested deeper'))).toBe(true);
  });

  it('says when the entry file is missing, and when entries come before any section', () => {
    expect(assembleConf('/e/none.conf', mem({}), '/e').found).toBe(false);
    const t = assembleConf('/e/x.conf', mem({ '/e/x.conf': 'loose = 1\n[missing](+)\n' }), '/e');
    expect(t.problems.map((p) => p.line)).toEqual([1, 2]);
  });
});
